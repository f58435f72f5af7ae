import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';

import { trustAnchorOf } from '@xborder/sdk/audit';
import type { TrustAnchor } from '@xborder/sdk/audit';

import { closeWholeBlockDelivery } from './block-delivery';
import { caProcess, enrollAll, enrollExtraIdentity, registerMemberAtCa } from './ca';
import {
  deployChaincode,
  deployedChaincodes,
  restartChaincodeServers,
  savedSpec,
  startChaincodeServer,
  waitForEndorsers,
} from './chaincode';
import type { ChaincodeSpec } from './chaincode';
import type { NetworkConfig, NetworkOptions, OrgConfig, PeerNode } from './config';
import { OPS_HOST, allOrgs, localOrderers, localOrgs, localPeerOrgs, orgPeers, paths, peerOrgs, resolveConfig } from './config';
import { configtxYaml } from './configtx';
import { run } from './exec';
import { restrictModes } from './file-modes';
import { ensurePartyKeys } from './party-keys';
import { channelHeight, ordererAdminName, ordererDir, ordererProcess, peerAdminEnv, peerProcess, nodeEnrollments } from './nodes';
import { importedEndpoints } from './org-definition';
import { fetchConfigBlock } from './config-update';
import { NetworkError, ProcessManager, healthz } from './processes';

export type Logger = (line: string) => void;

/** The options a network was created with; later commands reuse them. */
type SavedOptions = Pick<
  NetworkOptions,
  'profile' | 'blocks' | 'channel' | 'host' | 'bindHost' | 'portOffset' | 'site' | 'peersPerOrg' | 'ordererIndexes'
>;

/**
 * Resolves the configuration of the network in `home`: the options it was created with, unless this
 * is a new network. Asking an existing network for a different profile or block setting is an error.
 */
export function loadConfig(options: NetworkOptions): NetworkConfig {
  const probe = resolveConfig(options);
  const file = paths(probe).state;
  if (!fs.existsSync(file)) return probe;
  const saved = JSON.parse(fs.readFileSync(file, 'utf8')) as SavedOptions;
  for (const key of ['profile', 'blocks', 'channel', 'portOffset', 'host', 'bindHost', 'site', 'peersPerOrg'] as const) {
    const asked = options[key];
    if (asked !== undefined && saved[key] !== undefined && asked !== saved[key]) {
      throw new NetworkError(
        `the network in ${probe.home} was created with ${key}=${String(saved[key])}; ` +
          `run clean first to create it again with ${key}=${String(asked)}`,
      );
    }
  }
  const merged = { ...options, ...saved };
  // a folder of one organisation finds the others where their imported definitions say
  return resolveConfig(merged.site !== undefined ? { ...merged, remote: importedEndpoints(probe.home, merged.site) } : merged);
}

export function saveOptions(config: NetworkConfig, options: NetworkOptions): void {
  // what the network was created with stays: a later command that names only the folder (a bench or
  // a test on an existing network) must not reset its ports or host
  const file = paths(config).state;
  const previous: SavedOptions = fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as SavedOptions) : {};
  const peersPerOrg = options.peersPerOrg ?? previous.peersPerOrg;
  const ordererIndexes = options.ordererIndexes ?? previous.ordererIndexes;
  const saved: SavedOptions = {
    ...(config.site !== undefined ? { site: config.site } : {}),
    ...(peersPerOrg !== undefined ? { peersPerOrg } : {}),
    ...(ordererIndexes !== undefined ? { ordererIndexes } : {}),
    profile: config.profile,
    blocks: config.blocks,
    channel: config.channel,
    host: previous.host ?? options.host ?? 'localhost',
    bindHost: config.bindHost,
    portOffset: previous.portOffset ?? options.portOffset ?? 0,
  };
  fs.mkdirSync(config.home, { recursive: true });
  fs.writeFileSync(file, JSON.stringify(saved, null, 2));
}

export function processManager(config: NetworkConfig): ProcessManager {
  const p = paths(config);
  return new ProcessManager(p.run, p.logs);
}

/** The default chaincode of the project: the built `chaincode/` workspace with its collections. */
export function defaultChaincode(config: NetworkConfig): ChaincodeSpec {
  const modulePath = path.join(config.repoRoot, 'chaincode');
  return { name: 'xborder', modulePath, collections: path.join(modulePath, 'collections.json') };
}

export async function installFabric(config: NetworkConfig, log: Logger): Promise<void> {
  const script = path.join(config.repoRoot, 'network', 'scripts', 'install-fabric.sh');
  const out = await run('bash', [script], 'Fabric install', {
    env: { XB_FABRIC_HOME: config.fabricHome, ...goEnv() },
    timeoutMs: 60 * 60_000,
  });
  for (const line of out.trim().split('\n')) log(line);
}

/** Go settings a caller may have set (module proxy, caches, toolchain). */
function goEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && value !== '' && (key.startsWith('GO') || key === 'CGO_ENABLED' || key === 'CC')) env[key] = value;
  }
  return env;
}

/**
 * Brings the network up: installs Fabric if needed, starts the CAs, enrolls every identity, creates the
 * channel, starts orderers and peers, joins them, and deploys the project chaincode. Every step skips
 * what already exists, so `up` twice is harmless and `up` after `down` resumes the same ledgers.
 */
export async function up(options: NetworkOptions, log: Logger, deploy = true): Promise<NetworkConfig> {
  const config = loadConfig(options);
  if (config.site !== undefined) {
    throw new NetworkError(`${config.home} belongs to organisation ${config.site} alone: use org-up (see DEPLOYMENT.md)`);
  }
  const p = paths(config);
  // everything below the network folder is its owner's: keys, secrets, ledgers, logs
  fs.mkdirSync(config.home, { recursive: true, mode: 0o700 });
  fs.chmodSync(config.home, 0o700);
  await installFabric(config, log);
  saveOptions(config, options);
  ensurePartyKeys(config);
  const processes = processManager(config);

  log(
    `starting CAs (${allOrgs(config)
      .map((o) => o.ca.name)
      .join(', ')})`,
  );
  await Promise.all(allOrgs(config).map((org) => processes.start(caProcess(config, org))));
  log('enrolling nodes and identities through the CAs');
  await enrollAll(config, nodeEnrollments(config));

  if (!fs.existsSync(p.channelBlock)) {
    log(`creating the genesis block of channel ${config.channel} (profile ${config.profile}, blocks ${config.blocks})`);
    fs.mkdirSync(p.configtxDir, { recursive: true });
    fs.writeFileSync(path.join(p.configtxDir, 'configtx.yaml'), configtxYaml(config));
    await run(
      path.join(p.bin, 'configtxgen'),
      ['-profile', 'XborderChannel', '-channelID', config.channel, '-outputBlock', p.channelBlock],
      'configtxgen',
      { env: { FABRIC_CFG_PATH: p.configtxDir } },
    );
  }

  const anchor = writeTrustAnchor(config);
  log(
    `trust anchor of ${config.channel}: genesis block ${anchor.genesisHash} (publish ${path.relative(process.cwd(), p.anchor) || p.anchor})`,
  );

  log(`starting ${String(config.orderers.length)} orderer(s) and ${String(peerOrgs(config).length)} peers`);
  await Promise.all([
    ...config.orderers.map((o) => processes.start(ordererProcess(config, o))),
    ...peerOrgs(config).map((org) => processes.start(peerProcess(config, org, org.peer))),
  ]);
  await joinOrderers(config, log);
  await waitForOrderingLeader(config, log);
  await joinPeers(config, log);

  for (const name of deployedChaincodes(config)) {
    for (const org of peerOrgs(config)) await startChaincodeServer(config, processes, org, savedSpec(config, name));
  }
  if (deploy) {
    const outcome = await deployChaincode(config, processes, defaultChaincode(config), log);
    log(`chaincode xborder: ${outcome}`);
  }
  // a channel created before whole-block deliver was closed at creation is closed now
  if ((await closeWholeBlockDelivery(config, log)) === 'closed') log('whole-block deliver closed on the running channel');
  for (const name of deployedChaincodes(config)) {
    log(`waiting until discovery plans endorsements of ${name} by both operators`);
    await waitForEndorsers(config, name);
  }
  restrictModes(config.home);
  return config;
}

/**
 * Writes the channel's trust anchor (genesis block hash and CA root fingerprints) next to the genesis
 * block: what the operators publish, and what auditors check proofs and chains against.
 */
export function writeTrustAnchor(config: NetworkConfig): TrustAnchor {
  const p = paths(config);
  const anchor = trustAnchorOf(fs.readFileSync(p.channelBlock));
  fs.writeFileSync(p.anchor, `${JSON.stringify(anchor, null, 2)}\n`);
  return anchor;
}

function osnadminFlags(config: NetworkConfig, orderer: NetworkConfig['orderers'][number]): string[] {
  const admin = path.join(paths(config).identities, ordererAdminName(config), 'tls');
  return [
    '-o',
    `${orderer.host}:${String(orderer.adminPort)}`,
    '--ca-file',
    path.join(ordererDir(config, orderer), 'tls', 'ca.crt'),
    '--client-cert',
    path.join(admin, 'server.crt'),
    '--client-key',
    path.join(admin, 'server.key'),
  ];
}

export async function joinOrderers(config: NetworkConfig, log: Logger): Promise<void> {
  const p = paths(config);
  const osnadmin = path.join(p.bin, 'osnadmin');
  // a node added to a running channel joins with its latest configuration block (which makes it a
  // consenter), fetched once and only when such a node is found
  let running = false;
  let latest: string | undefined;
  for (const orderer of localOrderers(config)) {
    // the admin endpoint can start listening after /healthz answers (e.g. while a large ledger loads)
    const list = await retry(
      () => run(osnadmin, ['channel', 'list', ...osnadminFlags(config, orderer)], `${orderer.name} channel list`),
      60_000,
    );
    if (list.includes(`"name": "${config.channel}"`) || list.includes(`"name":"${config.channel}"`)) {
      running = true;
      continue;
    }
    if (running && config.site !== undefined && latest === undefined) {
      latest = path.join(p.configtxDir, 'latest-config.block');
      await fetchConfigBlock(config, latest);
    }
    log(`joining ${orderer.name} to ${config.channel}`);
    await run(
      osnadmin,
      ['channel', 'join', '--channelID', config.channel, '--config-block', latest ?? p.channelBlock, ...osnadminFlags(config, orderer)],
      `${orderer.name} channel join`,
    );
  }
}

/** Fetches an operations endpoint path as text. */
function httpText(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { timeout: 2000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => {
        resolve(body);
      });
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

/**
 * Waits until the ordering service can order transactions on the channel: with Raft, until one
 * orderer reports itself leader in its Prometheus metrics (right after a restart the node is healthy
 * but still electing). BFT clusters are ready once joined.
 */
export async function waitForOrderingLeader(config: NetworkConfig, log: Logger, timeoutMs = 60_000): Promise<void> {
  if (config.profile === 'bft') return;
  const deadline = Date.now() + timeoutMs;
  const pattern = new RegExp(`^consensus_etcdraft_is_leader\\{channel="${config.channel}"\\} 1$`, 'm');
  let logged = false;
  for (;;) {
    for (const o of config.orderers) {
      const text = await httpText(`http://${OPS_HOST}:${String(o.opsPort)}/metrics`).catch(() => '');
      if (pattern.test(text)) return;
    }
    if (!logged) {
      log('waiting for the Raft leader election');
      logged = true;
    }
    if (Date.now() > deadline) throw new NetworkError(`no Raft leader for channel ${config.channel} after ${String(timeoutMs / 1000)}s`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** The Raft leader among this folder's orderers, from their metrics (undefined: none elected, or BFT). */
export async function raftLeader(options: NetworkOptions): Promise<string | undefined> {
  const config = loadConfig(options);
  const pattern = new RegExp(`^consensus_etcdraft_is_leader\\{channel="${config.channel}"\\} 1$`, 'm');
  for (const o of localOrderers(config)) {
    const text = await httpText(`http://${OPS_HOST}:${String(o.opsPort)}/metrics`).catch(() => '');
    if (pattern.test(text)) return o.name;
  }
  return undefined;
}

export async function joinPeers(config: NetworkConfig, log: Logger): Promise<void> {
  const peerBin = path.join(paths(config).bin, 'peer');
  for (const org of localPeerOrgs(config)) {
    for (const peer of orgPeers(org)) {
      const env = peerAdminEnv(config, org, peer);
      const list = await run(peerBin, ['channel', 'list'], `${peer.name} channel list`, { env });
      if (list.split('\n').some((line) => line.trim() === config.channel)) continue;
      log(`joining ${peer.name} to ${config.channel}`);
      await retry(() => run(peerBin, ['channel', 'join', '-b', paths(config).channelBlock], `${peer.name} channel join`, { env }), 30_000);
    }
  }
}

/** Retries an operation that can fail while a just-started cluster elects its leader. */
async function retry<T>(fn: () => Promise<T>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

/** Stops every process the scripts started (by pid file), chaincode servers first, CAs last. */
export async function down(options: NetworkOptions, log: Logger): Promise<void> {
  const config = loadConfig(options);
  const processes = processManager(config);
  const names = processes.knownNames();
  const rank = (n: string): number => (n.startsWith('cc-') ? 0 : n.startsWith('peer') ? 1 : n.startsWith('orderer') ? 2 : 3);
  for (const level of [0, 1, 2, 3]) {
    const batch = names.filter((n) => rank(n) === level);
    const stopped = await Promise.all(batch.map((n) => processes.stop(n)));
    batch.forEach((n, i) => {
      if (stopped[i] === true) log(`stopped ${n}`);
    });
  }
}

/** Stops everything and removes crypto material, ledgers, logs and pid files. */
export async function clean(options: NetworkOptions, log: Logger): Promise<void> {
  const config = resolveConfig(options);
  if (fs.existsSync(paths(config).state) || fs.existsSync(paths(config).run)) {
    await down(options, log);
  }
  fs.rmSync(config.home, { recursive: true, force: true });
  log(`removed ${config.home}`);
}

export async function deploy(options: NetworkOptions, spec: ChaincodeSpec | undefined, log: Logger): Promise<void> {
  const config = loadConfig(options);
  const chosen = spec ?? defaultChaincode(config);
  const outcome = await deployChaincode(config, processManager(config), chosen, log);
  await waitForEndorsers(config, chosen.name);
  log(`chaincode ${chosen.name}: ${outcome}`);
}

export async function restartChaincode(options: NetworkOptions, name: string, log: Logger): Promise<void> {
  const config = loadConfig(options);
  await restartChaincodeServers(config, processManager(config), name);
  log(`restarted the servers of chaincode ${name}`);
}

export interface ProcessStatus {
  name: string;
  pid?: number;
  healthy: boolean;
  detail: string;
}

export interface NetworkStatus {
  home: string;
  profile: string;
  blocks: string;
  channel: string;
  processes: ProcessStatus[];
  heights: Record<string, number | string>;
  chaincodes: Record<string, number | string>;
}

/** Liveness and health of every process, the channel height at each peer and the committed chaincodes. */
export async function status(options: NetworkOptions): Promise<NetworkStatus> {
  const config = loadConfig(options);
  const processes = processManager(config);
  const bin = paths(config).bin;
  const health = new Map<string, string>();
  for (const o of localOrderers(config)) health.set(o.name, `http://${OPS_HOST}:${String(o.opsPort)}/healthz`);
  for (const org of localOrgs(config)) {
    health.set(org.ca.name, `http://${OPS_HOST}:${String(org.ca.opsPort)}/healthz`);
    for (const peer of orgPeers(org)) health.set(peer.name, `http://${OPS_HOST}:${String(peer.opsPort)}/healthz`);
  }
  const names = [...new Set([...health.keys(), ...processes.knownNames()])];
  const list: ProcessStatus[] = [];
  for (const name of names) {
    const pid = processes.runningPid(name);
    if (pid === undefined) {
      list.push({ name, healthy: false, detail: 'not running' });
      continue;
    }
    const url = health.get(name);
    if (url === undefined) {
      list.push({ name, pid, healthy: true, detail: 'running' });
      continue;
    }
    const h = await healthz(url);
    list.push({ name, pid, healthy: h.ok, detail: h.ok ? 'healthy' : h.detail });
  }
  const heights: Record<string, number | string> = {};
  const chaincodes: Record<string, number | string> = {};
  for (const org of localPeerOrgs(config)) {
    for (const peer of orgPeers(org)) heights[peer.name] = await peerHeight(config, processes, org, peer);
    if (org.mspId === localPeerOrgs(config)[0]?.mspId && processes.runningPid(org.peer.name) !== undefined) {
      try {
        const out = await run(
          path.join(bin, 'peer'),
          ['lifecycle', 'chaincode', 'querycommitted', '-C', config.channel, '--output', 'json'],
          'querycommitted',
          { env: peerAdminEnv(config, org) },
        );
        const parsed = JSON.parse(out) as { chaincode_definitions?: { name: string; sequence: number }[] };
        for (const cc of parsed.chaincode_definitions ?? []) chaincodes[cc.name] = cc.sequence;
      } catch (err) {
        chaincodes.error = err instanceof Error ? (err.message.split('\n')[0] ?? 'error') : 'error';
      }
    }
  }
  return {
    home: config.home,
    profile: config.profile,
    blocks: config.blocks,
    channel: config.channel,
    processes: list,
    heights,
    chaincodes,
  };
}

/** A peer's channel height, or why it has none (down, an error). */
async function peerHeight(config: NetworkConfig, processes: ProcessManager, org: OrgConfig, peer: PeerNode): Promise<number | string> {
  if (processes.runningPid(peer.name) === undefined) return 'down';
  try {
    return await channelHeight(config, org, peer);
  } catch (err) {
    return err instanceof Error ? (err.message.split('\n')[0] ?? 'error') : 'error';
  }
}

/**
 * The operator's side of onboarding a member institution: registers its identity at the org's CA and
 * returns the one-time enrollment secret with the CA's URL and certificate, to hand to the institution.
 */
export async function registerMember(
  options: NetworkOptions,
  member: { org: 'hk' | 'th'; institution: string },
): Promise<{ secret: string; caUrl: string; caCertPem: string }> {
  const config = loadConfig(options);
  return registerMemberAtCa(config, config.orgs[member.org], member.institution);
}

/** Enrolls an additional client identity on a running network (see {@link enrollExtraIdentity}). */
export async function enrollIdentity(
  options: NetworkOptions,
  identity: { name: string; org: 'hk' | 'th' | 'audit'; role: 'submitter' | 'auditor' | 'admin'; institution: string },
): Promise<string> {
  const config = loadConfig(options);
  const org = config.orgs[identity.org];
  return enrollExtraIdentity(config, {
    name: identity.name,
    org,
    type: identity.role === 'admin' ? 'admin' : 'client',
    role: identity.role,
    institution: identity.institution,
  });
}
