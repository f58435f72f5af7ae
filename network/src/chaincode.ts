import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

import type { NetworkConfig, OrgConfig, PeerNode } from './config';
import { localPeerOrgs, orgPeers, paths, peerOrgs } from './config';
import { bothOperators } from './configtx';
import { run } from './exec';
import { ledgerReaderName } from './identities';
import { chaincodeClientTlsDir, chaincodeServerTlsDir, ordererFlags, peerAdminEnv, peerDir } from './nodes';
import type { ProcessManager, ProcessSpec } from './processes';
import { NetworkError } from './processes';
import { partyKeysFile } from './party-keys';
import { tarGz } from './tar';

/** What to deploy: a chaincode module (a built Node package exporting `contracts`) and its definition. */
export interface ChaincodeSpec {
  /** Chaincode name on the channel. */
  readonly name: string;
  /** Folder of the Node package the chaincode servers run (`main` must point at built JS). */
  readonly modulePath: string;
  /** Signature policy; defaults to both operators' peers. */
  readonly policy?: string;
  /** Collections config file (JSON), part of the definition. */
  readonly collections?: string;
}

interface ChaincodeRegistry {
  /** Chaincode name -> slot; an org's chaincode server listens on its base port + slot. */
  slots: Record<string, number>;
}

interface DeployedDefinition {
  sequence: number;
  hash: string;
  packageIds: Record<string, string>;
}

export type DeployOutcome = 'committed' | 'unchanged';

function chaincodeHome(config: NetworkConfig, name: string): string {
  return path.join(paths(config).chaincode, name);
}

function readJson<T>(file: string, fallback: T): T {
  if (!fs.existsSync(file)) return fallback;
  return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
}

/** The slot (port offset) of a chaincode, assigned once per network in deployment order. */
export function chaincodeSlot(config: NetworkConfig, name: string): number {
  if (!/^[a-z][a-z0-9_-]{0,48}$/.test(name)) {
    throw new NetworkError(`invalid chaincode name "${name}" (lowercase letters, digits, _ and -)`);
  }
  const file = path.join(paths(config).chaincode, 'registry.json');
  const registry = readJson<ChaincodeRegistry>(file, { slots: {} });
  const existing = registry.slots[name];
  if (existing !== undefined) return existing;
  const slot = Object.keys(registry.slots).length;
  registry.slots[name] = slot;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(registry, null, 2));
  return slot;
}

export function deployedChaincodes(config: NetworkConfig): string[] {
  const file = path.join(paths(config).chaincode, 'registry.json');
  return Object.keys(readJson<ChaincodeRegistry>(file, { slots: {} }).slots).filter((name) =>
    fs.existsSync(path.join(chaincodeHome(config, name), 'spec.json')),
  );
}

/**
 * One of the two places a chaincode server of an org can run. On one machine lane 0 is the only one.
 * Across hosts an upgrade runs the new version's server in the other lane while the committed one
 * keeps serving, so both peers switch code at the block that commits the new definition.
 */
export interface Lane {
  readonly index: 0 | 1;
  /** Package label; defaults to `<name>_<org>`. */
  readonly label?: string;
}

/** Ports between the two lanes of an org's chaincode servers. */
const LANE_STRIDE = 20;

function serverPort(peer: PeerNode, slot: number, lane: 0 | 1): number {
  return peer.chaincodeServerBasePort + slot + lane * LANE_STRIDE;
}

/**
 * The CCaaS package of one org: `connection.json` tells its peer where its chaincode server listens,
 * with mutual TLS (server certificate from the org CA, and a client certificate for the peer).
 */
export function packageFor(config: NetworkConfig, org: OrgConfig, name: string, slot: number, lane: Lane = { index: 0 }): Buffer {
  const peer = org.peer;
  if (!peer) throw new Error(`${org.mspId} has no peer`);
  const client = chaincodeClientTlsDir(config, org);
  const connection = {
    address: `${peer.host}:${String(serverPort(peer, slot, lane.index))}`,
    dial_timeout: '10s',
    tls_required: true,
    client_auth_required: true,
    root_cert: fs.readFileSync(path.join(chaincodeServerTlsDir(config, org), 'ca.crt'), 'utf8'),
    client_cert: fs.readFileSync(path.join(client, 'server.crt'), 'utf8'),
    client_key: fs.readFileSync(path.join(client, 'server.key'), 'utf8'),
  };
  const code = tarGz([{ name: 'connection.json', data: Buffer.from(JSON.stringify(connection, null, 2)) }]);
  const metadata = { type: 'ccaas', label: lane.label ?? `${name}_${org.key}` };
  return tarGz([
    { name: 'metadata.json', data: Buffer.from(JSON.stringify(metadata)) },
    { name: 'code.tar.gz', data: code },
  ]);
}

/** Package ID as Fabric computes it: `<label>:<sha256 of the package bytes>`. */
export function packageId(name: string, org: OrgConfig, pkg: Buffer, label = `${name}_${org.key}`): string {
  return `${label}:${createHash('sha256').update(pkg).digest('hex')}`;
}

export function chaincodeServerProcess(
  config: NetworkConfig,
  org: OrgConfig,
  spec: ChaincodeSpec,
  slot: number,
  id: string,
  lane: 0 | 1 = 0,
): ProcessSpec {
  const peer = org.peer;
  if (!peer) throw new Error(`${org.mspId} has no peer`);
  const tls = chaincodeServerTlsDir(config, org);
  const port = serverPort(peer, slot, lane);
  const shim = require.resolve('fabric-shim/cli', { paths: [spec.modulePath] });
  return {
    name: `cc-${spec.name}-${org.key}${lane === 1 ? '-b' : ''}`,
    command: process.execPath,
    args: [
      ...(config.profiling ? ['--require', path.join(__dirname, 'runtime', 'cpu-profile-on-signal.js')] : []),
      shim,
      'server',
      '--chaincode-address',
      `${config.bindHost}:${String(port)}`,
      '--chaincode-id',
      id,
      '--chaincode-tls-cert-file',
      path.join(tls, 'server.crt'),
      '--chaincode-tls-key-file',
      path.join(tls, 'server.key'),
      '--chaincode-tls-client-cacert-file',
      path.join(chaincodeClientTlsDir(config, org), 'ca.crt'),
      '--module-path',
      spec.modulePath,
    ],
    env: {
      // info would log a line per transaction; XB_CHAINCODE_LOG_LEVEL=info (or debug) to see them
      CORE_CHAINCODE_LOGGING_LEVEL: process.env['XB_CHAINCODE_LOG_LEVEL'] ?? 'warning',
      CORE_CHAINCODE_LOGGING_SHIM: 'warning',
      NODE_ENV: 'production',
      // the org whose peer this server serves (stub.getMspID): strict content is refused elsewhere
      CORE_PEER_LOCALMSPID: org.mspId,
      // the server confirms checkpoints against its own peer's blocks, as this org's ledger reader
      XB_LEDGER_PROFILE: path.join(paths(config).identities, ledgerReaderName(org), 'profile.json'),
      // the operators' party-commitment keys: only chaincode servers hold them, never a client
      XB_PARTY_KEYS_FILE: partyKeysFile(config),
      ...(config.profiling
        ? { XB_CPU_PROFILE_DIR: path.join(config.home, 'profiles'), XB_CPU_PROFILE_NAME: `cc-${spec.name}-${org.key}` }
        : {}),
    },
    cwd: spec.modulePath,
    ports: [{ host: config.bindHost, port }],
    readiness: { kind: 'tcp', host: config.bindHost, port },
  };
}

async function peerCli(config: NetworkConfig, org: OrgConfig, args: string[], what: string, peer = org.peer): Promise<string> {
  return run(path.join(paths(config).bin, 'peer'), args, `${org.mspId} ${what}`, {
    env: peerAdminEnv(config, org, peer),
    timeoutMs: 180_000,
  });
}

/** Installs a package on every peer of the org (each peer endorses with it). */
async function installPackage(config: NetworkConfig, org: OrgConfig, file: string, id: string): Promise<void> {
  for (const peer of orgPeers(org)) {
    const installed = await peerCli(config, org, ['lifecycle', 'chaincode', 'queryinstalled', '--output', 'json'], 'queryinstalled', peer);
    const parsed = JSON.parse(installed || '{}') as { installed_chaincodes?: { package_id: string }[] };
    if ((parsed.installed_chaincodes ?? []).some((c) => c.package_id === id)) continue;
    await peerCli(config, org, ['lifecycle', 'chaincode', 'install', file], `install chaincode on ${peer.name}`, peer);
  }
}

/** The org whose admin and peer this folder uses for lifecycle queries (its first local peer org). */
function lifecycleOrg(config: NetworkConfig): OrgConfig & { peer: PeerNode } {
  const org = localPeerOrgs(config)[0];
  if (!org) throw new NetworkError(`organisation ${config.site ?? ''} runs no peer: chaincode is the operators' business`);
  return org;
}

async function committedDefinition(config: NetworkConfig, name: string): Promise<{ sequence: number; version?: string }> {
  const org = lifecycleOrg(config);
  try {
    const out = await peerCli(
      config,
      org,
      ['lifecycle', 'chaincode', 'querycommitted', '-C', config.channel, '-n', name, '--output', 'json'],
      'querycommitted',
    );
    const parsed = JSON.parse(out) as { sequence?: number; version?: string };
    return { sequence: parsed.sequence ?? 0, ...(parsed.version !== undefined ? { version: parsed.version } : {}) };
  } catch (err) {
    if (err instanceof Error && /not found|does not exist|is not defined/i.test(err.message)) return { sequence: 0 };
    throw err;
  }
}

async function committedSequence(config: NetworkConfig, name: string): Promise<number> {
  return (await committedDefinition(config, name)).sequence;
}

/**
 * Waits until service discovery at every peer can plan an endorsement of the chaincode by both
 * operators (gossip has spread membership and the installed chaincode), so clients never see
 * "no combination of peers can be derived" right after start-up.
 */
export async function waitForEndorsers(config: NetworkConfig, name: string, timeoutMs = 90_000): Promise<void> {
  const p = paths(config);
  const deadline = Date.now() + timeoutMs;
  for (const org of localPeerOrgs(config)) {
    const admin = path.join(p.identities, `${org.key}-admin`, 'msp');
    const args = [
      '--peerTLSCA',
      path.join(peerDir(config, org, org.peer), 'tls', 'ca.crt'),
      '--userKey',
      path.join(admin, 'keystore', 'priv_sk'),
      '--userCert',
      path.join(admin, 'signcerts', 'cert.pem'),
      '--MSP',
      org.mspId,
      'endorsers',
      '--channel',
      config.channel,
      '--chaincode',
      name,
      '--server',
      `${org.peer.host}:${String(org.peer.port)}`,
    ];
    for (;;) {
      let last: string;
      try {
        const out = await run(path.join(p.bin, 'discover'), args, `${org.peer.name} discover endorsers`, {
          env: { FABRIC_LOGGING_SPEC: 'error' },
        });
        if (peerOrgs(config).every((o) => out.includes(`"MSPID": "${o.mspId}"`))) break;
        last = 'not every operator is in the endorsement plan yet';
      } catch (err) {
        last = err instanceof Error ? err.message.split('\n').slice(0, 3).join(' ') : String(err);
      }
      if (Date.now() > deadline) {
        throw new NetworkError(
          `${org.peer.name}: discovery cannot plan endorsements of ${name} after ${String(timeoutMs / 1000)}s: ${last}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

/** Starts (or keeps) one org's chaincode server for a deployed package. */
export async function startChaincodeServer(
  config: NetworkConfig,
  processes: ProcessManager,
  org: OrgConfig,
  spec: ChaincodeSpec,
): Promise<void> {
  const slot = chaincodeSlot(config, spec.name);
  const idFile = path.join(chaincodeHome(config, spec.name), `${org.key}.package-id`);
  if (!fs.existsSync(idFile)) throw new NetworkError(`chaincode ${spec.name} is not deployed; run deploy first`);
  const id = fs.readFileSync(idFile, 'utf8').trim();
  await runServer(config, processes, spec, chaincodeServerProcess(config, org, spec, slot, id), id, org.key);
}

/** Starts a chaincode server, replacing one that runs another package, other code or other settings. */
async function runServer(
  config: NetworkConfig,
  processes: ProcessManager,
  spec: ChaincodeSpec,
  server: ProcessSpec,
  id: string,
  stateKey: string,
): Promise<void> {
  // a server still running an older package (changed address or TLS material), older code or other
  // settings is replaced, so nothing measures or tests yesterday's chaincode
  const running = `${id} ${serverFingerprint(spec, server)}`;
  const runningFile = path.join(chaincodeHome(config, spec.name), `${stateKey}.running-id`);
  const previous = fs.existsSync(runningFile) ? fs.readFileSync(runningFile, 'utf8').trim() : undefined;
  if (previous !== running) await processes.stop(server.name);
  await processes.start(server, 30_000);
  fs.writeFileSync(runningFile, running);
  fs.writeFileSync(path.join(chaincodeHome(config, spec.name), 'spec.json'), JSON.stringify(spec, null, 2));
}

/**
 * What a chaincode server runs: its arguments and environment, and the size and time of every
 * JavaScript file next to the module's entry point (its build output).
 */
export function serverFingerprint(spec: ChaincodeSpec, server: ProcessSpec): string {
  const pkg = readJson<{ main?: string }>(path.join(spec.modulePath, 'package.json'), {});
  const dir = path.dirname(path.resolve(spec.modulePath, pkg.main ?? 'index.js'));
  const h = createHash('sha256').update(JSON.stringify([server.args, server.env]));
  const files = fs.existsSync(dir) ? fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }) : [];
  for (const f of files.filter((name) => name.endsWith('.js')).sort()) {
    const st = fs.statSync(path.join(dir, f));
    h.update(`${f} ${String(st.size)} ${String(st.mtimeMs)}\n`);
  }
  return h.digest('hex').slice(0, 16);
}

/** Restarts every server of a deployed chaincode (after a code change; no lifecycle step needed). */
export async function restartChaincodeServers(config: NetworkConfig, processes: ProcessManager, name: string): Promise<void> {
  const spec = savedSpec(config, name);
  for (const org of peerOrgs(config)) {
    await processes.stop(`cc-${name}-${org.key}`);
    await startChaincodeServer(config, processes, org, spec);
  }
}

/** The spec a chaincode was last deployed with. */
export function savedSpec(config: NetworkConfig, name: string): ChaincodeSpec {
  const file = path.join(chaincodeHome(config, name), 'spec.json');
  const spec = readJson<ChaincodeSpec | undefined>(file, undefined);
  if (!spec) throw new NetworkError(`chaincode ${name} was never deployed on this network`);
  return spec;
}

/**
 * Deploys a chaincode as a service: packages and installs it on both peers, starts one chaincode server
 * per peer, approves as HK and TH, and commits. A definition identical to the committed one is left
 * alone; a changed one (policy, collections, package) is committed with sequence + 1.
 */
export async function deployChaincode(
  config: NetworkConfig,
  processes: ProcessManager,
  spec: ChaincodeSpec,
  log: (line: string) => void,
): Promise<DeployOutcome> {
  const main = path.join(spec.modulePath, 'package.json');
  if (!fs.existsSync(main)) throw new NetworkError(`chaincode module ${spec.modulePath} has no package.json`);
  const slot = chaincodeSlot(config, spec.name);
  const home = chaincodeHome(config, spec.name);
  fs.mkdirSync(home, { recursive: true });
  const policy = spec.policy ?? bothOperators(config, 'peer');
  const collections = spec.collections !== undefined ? fs.readFileSync(spec.collections, 'utf8') : '';

  const packageIds: Record<string, string> = {};
  for (const org of peerOrgs(config)) {
    const pkg = packageFor(config, org, spec.name, slot);
    const id = packageId(spec.name, org, pkg);
    const file = path.join(home, `${org.key}.tgz`);
    // the package holds the chaincode client's TLS key: owner-only from the start
    fs.writeFileSync(file, pkg, { mode: 0o600 });
    await installPackage(config, org, file, id);
    fs.writeFileSync(path.join(home, `${org.key}.package-id`), id);
    packageIds[org.mspId] = id;
    await startChaincodeServer(config, processes, org, spec);
  }

  const hash = createHash('sha256').update(JSON.stringify({ policy, collections, packageIds })).digest('hex');
  const stateFile = path.join(home, 'definition.json');
  const previous = readJson<DeployedDefinition | undefined>(stateFile, undefined);
  const committed = await committedSequence(config, spec.name);
  if (previous && previous.hash === hash && previous.sequence === committed && committed > 0) {
    log(`chaincode ${spec.name}: definition unchanged (sequence ${String(committed)})`);
    return 'unchanged';
  }
  const sequence = committed + 1;
  const version = hash.slice(0, 12);
  const definition = definitionFlags(config, spec, version, sequence, policy);

  const readiness = await peerCli(
    config,
    config.orgs.hk,
    ['lifecycle', 'chaincode', 'checkcommitreadiness', ...definition, '--output', 'json'],
    'checkcommitreadiness',
  );
  const approvals = (JSON.parse(readiness) as { approvals?: Record<string, boolean> }).approvals ?? {};
  for (const org of peerOrgs(config)) {
    if (approvals[org.mspId] === true) continue;
    log(`chaincode ${spec.name}: approving sequence ${String(sequence)} as ${org.mspId}`);
    const id = packageIds[org.mspId] ?? '';
    await peerCli(
      config,
      org,
      ['lifecycle', 'chaincode', 'approveformyorg', ...ordererFlags(config), ...definition, '--package-id', id, '--waitForEvent'],
      'approveformyorg',
    );
  }
  log(`chaincode ${spec.name}: committing sequence ${String(sequence)}`);
  const peerFlags = commitPeerFlags(config);
  await peerCli(
    config,
    config.orgs.hk,
    ['lifecycle', 'chaincode', 'commit', ...ordererFlags(config), ...definition, ...peerFlags, '--waitForEvent'],
    'commit',
  );
  const state: DeployedDefinition = { sequence, hash, packageIds };
  fs.writeFileSync(stateFile, JSON.stringify(state, null, 2));
  return 'committed';
}

/**
 * The definition's version label: a digest of the endorsement policy, the collections and the code
 * (content of every JavaScript file of the module's build), so two operators who built the same
 * sources approve the same definition, and a different build shows as a different version.
 */
export function definitionVersion(spec: ChaincodeSpec, policy: string, collections: string): string {
  const pkg = readJson<{ main?: string }>(path.join(spec.modulePath, 'package.json'), {});
  const dir = path.dirname(path.resolve(spec.modulePath, pkg.main ?? 'index.js'));
  const h = createHash('sha256').update(JSON.stringify({ policy, collections }));
  const files = fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.js'));
  for (const f of files.sort()) h.update(`${f}\n`).update(fs.readFileSync(path.join(dir, f)));
  return h.digest('hex').slice(0, 16);
}

/** The peers a lifecycle commit is endorsed by: each operator's first peer, with its TLS root. */
function commitPeerFlags(config: NetworkConfig): string[] {
  return peerOrgs(config).flatMap((org) => [
    '--peerAddresses',
    `${org.peer.host}:${String(org.peer.port)}`,
    '--tlsRootCertFiles',
    path.join(peerDir(config, org, org.peer), 'tls', 'ca.crt'),
  ]);
}

function definitionFlags(config: NetworkConfig, spec: ChaincodeSpec, version: string, sequence: number, policy: string): string[] {
  const flags = [
    '--channelID',
    config.channel,
    '--name',
    spec.name,
    '--version',
    version,
    '--sequence',
    String(sequence),
    '--signature-policy',
    policy,
  ];
  if (spec.collections !== undefined) flags.push('--collections-config', spec.collections);
  return flags;
}

async function approvals(config: NetworkConfig, definition: string[]): Promise<Record<string, boolean>> {
  const out = await peerCli(
    config,
    lifecycleOrg(config),
    ['lifecycle', 'chaincode', 'checkcommitreadiness', ...definition, '--output', 'json'],
    'checkcommitreadiness',
  );
  return (JSON.parse(out) as { approvals?: Record<string, boolean> }).approvals ?? {};
}

/** The definition this folder's operator approves next: the committed one if it is the same, else sequence + 1. */
async function nextDefinition(
  config: NetworkConfig,
  spec: ChaincodeSpec,
): Promise<{ sequence: number; version: string; policy: string; committed: boolean }> {
  const policy = spec.policy ?? bothOperators(config, 'peer');
  const collections = spec.collections !== undefined ? fs.readFileSync(spec.collections, 'utf8') : '';
  const version = definitionVersion(spec, policy, collections);
  const current = await committedDefinition(config, spec.name);
  if (current.version === version) return { sequence: current.sequence, version, policy, committed: true };
  return { sequence: current.sequence + 1, version, policy, committed: false };
}

/**
 * One operator's side of deploying a chaincode across hosts: packages it for its own peer (the
 * package names its own chaincode server), installs it, runs the server and approves the definition
 * for its organisation. The other operator does the same on its host; then either commits.
 */
export async function approveChaincode(
  config: NetworkConfig,
  processes: ProcessManager,
  spec: ChaincodeSpec,
  log: (line: string) => void,
): Promise<{ sequence: number; version: string; outcome: 'approved' | 'already approved' | 'committed' }> {
  if (!fs.existsSync(path.join(spec.modulePath, 'package.json')))
    throw new NetworkError(`chaincode module ${spec.modulePath} has no package.json`);
  if (!fs.existsSync(partyKeysFile(config))) {
    throw new NetworkError(
      `no operators' party key file at ${partyKeysFile(config)}: the proposing operator generated it with channel-propose; ` +
        'install the same file here (owner-only) through your secure channel before running the chaincode (DEPLOYMENT.md)',
    );
  }
  const org = lifecycleOrg(config);
  const slot = chaincodeSlot(config, spec.name);
  const next = await nextDefinition(config, spec);
  const current = await committedDefinition(config, spec.name);
  const lanes = readLanes(config, spec.name);
  let lane = lanes[next.version];
  if (!lane) {
    // the new version goes to the lane the committed version does not use
    const busy = current.version !== undefined ? lanes[current.version]?.index : undefined;
    const index: 0 | 1 = busy === 0 ? 1 : 0;
    const label = `${spec.name}_${org.key}_${next.version}`;
    const pkg = packageFor(config, org, spec.name, slot, { index, label });
    lane = { index, packageId: packageId(spec.name, org, pkg, label) };
    const file = path.join(chaincodeHome(config, spec.name), `${org.key}-${next.version}.tgz`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    // the package holds the chaincode client's TLS key: owner-only from the start
    fs.writeFileSync(file, pkg, { mode: 0o600 });
    await installPackage(config, org, file, lane.packageId);
    // a lane held by a version that was approved but never committed is taken over
    const kept = Object.entries(lanes).filter(([, l]) => l.index !== index);
    writeLanes(config, spec.name, Object.fromEntries([...kept, [next.version, lane]]));
  }
  await startLaneServer(config, processes, org, spec, lane);
  fs.writeFileSync(path.join(chaincodeHome(config, spec.name), 'spec.json'), JSON.stringify(spec, null, 2));
  if (next.committed) {
    await retireLanes(config, processes, org, spec, next.version);
    return { sequence: next.sequence, version: next.version, outcome: 'committed' };
  }
  const definition = definitionFlags(config, spec, next.version, next.sequence, next.policy);
  if ((await approvals(config, definition))[org.mspId] === true) return { ...next, outcome: 'already approved' };
  log(`chaincode ${spec.name}: approving version ${next.version} sequence ${String(next.sequence)} as ${org.mspId}`);
  try {
    await peerCli(
      config,
      org,
      [
        'lifecycle',
        'chaincode',
        'approveformyorg',
        ...ordererFlags(config),
        ...definition,
        '--package-id',
        lane.packageId,
        '--waitForEvent',
        // an ordering service still recovering (a consenter back from a partition) can take longer
        // than the CLI's 30 s to commit the approval
        '--waitForEventTimeout',
        APPROVAL_WAIT,
      ],
      'approveformyorg',
    );
  } catch (err) {
    // the approval may have committed after the CLI stopped waiting: the definition says
    if ((await approvals(config, definition))[org.mspId] !== true) throw err;
    log(`chaincode ${spec.name}: the approval committed after the wait ended`);
  }
  return { sequence: next.sequence, version: next.version, outcome: 'approved' };
}

/** How long `approveformyorg` waits for its transaction on the org's peers. */
const APPROVAL_WAIT = '120s';

interface LaneState {
  readonly index: 0 | 1;
  readonly packageId: string;
}

function lanesFile(config: NetworkConfig, name: string): string {
  return path.join(chaincodeHome(config, name), 'lanes.json');
}

/** Version -> lane of this org's chaincode servers (site folders). */
function readLanes(config: NetworkConfig, name: string): Record<string, LaneState> {
  return readJson<Record<string, LaneState>>(lanesFile(config, name), {});
}

function writeLanes(config: NetworkConfig, name: string, lanes: Record<string, LaneState>): void {
  fs.mkdirSync(chaincodeHome(config, name), { recursive: true });
  fs.writeFileSync(lanesFile(config, name), JSON.stringify(lanes, null, 2));
}

async function startLaneServer(
  config: NetworkConfig,
  processes: ProcessManager,
  org: OrgConfig,
  spec: ChaincodeSpec,
  lane: LaneState,
): Promise<void> {
  const server = chaincodeServerProcess(config, org, spec, chaincodeSlot(config, spec.name), lane.packageId, lane.index);
  await runServer(config, processes, spec, server, lane.packageId, `${org.key}-lane${String(lane.index)}`);
}

/** Once a version is committed, the other lane's server (the previous version) is stopped and forgotten. */
async function retireLanes(
  config: NetworkConfig,
  processes: ProcessManager,
  org: OrgConfig,
  spec: ChaincodeSpec,
  committed: string,
): Promise<void> {
  const lanes = Object.entries(readLanes(config, spec.name));
  for (const [version, lane] of lanes) {
    if (version === committed) continue;
    await processes.stop(chaincodeServerProcess(config, org, spec, chaincodeSlot(config, spec.name), lane.packageId, lane.index).name);
  }
  writeLanes(config, spec.name, Object.fromEntries(lanes.filter(([version]) => version === committed)));
}

/** The chaincode server processes of an org for a deployed chaincode: its lanes across hosts, its one server on one machine. */
export function chaincodeServers(config: NetworkConfig, org: OrgConfig, name: string): ProcessSpec[] {
  const spec = savedSpec(config, name);
  const slot = chaincodeSlot(config, name);
  if (config.site !== undefined) {
    return Object.values(readLanes(config, name)).map((lane) =>
      chaincodeServerProcess(config, org, spec, slot, lane.packageId, lane.index),
    );
  }
  const idFile = path.join(chaincodeHome(config, name), `${org.key}.package-id`);
  return fs.existsSync(idFile) ? [chaincodeServerProcess(config, org, spec, slot, fs.readFileSync(idFile, 'utf8').trim())] : [];
}

/** Starts the servers of every lane a site folder recorded (after a restart of the host). */
export async function startLaneServers(config: NetworkConfig, processes: ProcessManager, org: OrgConfig, name: string): Promise<void> {
  const spec = savedSpec(config, name);
  for (const lane of Object.values(readLanes(config, name))) await startLaneServer(config, processes, org, spec, lane);
}

/**
 * Commits the definition both operators approved, endorsed by this operator's peer and the other
 * operator's peer (reached at the endpoint and TLS root of its imported definition). Refused, naming
 * who has not approved, until every operator has.
 */
export async function commitChaincode(
  config: NetworkConfig,
  processes: ProcessManager,
  spec: ChaincodeSpec,
  log: (line: string) => void,
): Promise<{ sequence: number; version: string; outcome: 'committed' | 'unchanged' }> {
  const next = await nextDefinition(config, spec);
  if (next.committed) {
    await retireLanes(config, processes, lifecycleOrg(config), spec, next.version);
    return { sequence: next.sequence, version: next.version, outcome: 'unchanged' };
  }
  const definition = definitionFlags(config, spec, next.version, next.sequence, next.policy);
  const approved = await approvals(config, definition);
  const missing = peerOrgs(config)
    .filter((o) => approved[o.mspId] !== true)
    .map((o) => o.mspId);
  if (missing.length > 0) {
    throw new NetworkError(
      `chaincode ${spec.name} version ${next.version} sequence ${String(next.sequence)} is not approved by ${missing.join(', ')} yet ` +
        '(each operator runs chaincode-approve on its own host with the same build)',
    );
  }
  log(`chaincode ${spec.name}: committing version ${next.version} sequence ${String(next.sequence)}`);
  const peerFlags = commitPeerFlags(config);
  await peerCli(
    config,
    lifecycleOrg(config),
    ['lifecycle', 'chaincode', 'commit', ...ordererFlags(config), ...definition, ...peerFlags, '--waitForEvent'],
    'commit',
  );
  await retireLanes(config, processes, lifecycleOrg(config), spec, next.version);
  return { sequence: next.sequence, version: next.version, outcome: 'committed' };
}
