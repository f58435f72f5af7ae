import { X509Certificate } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isDeepStrictEqual } from 'node:util';

import { stringify } from 'yaml';

import type { NetworkConfig } from './config';
import { paths } from './config';
import { run } from './exec';
import { bftQuorum } from './config';
import { writeOrgMsp } from './msp';
import { ordererFlags, peerAdminEnv } from './nodes';
import type { JoiningOrg } from './org-definition';
import { NetworkError } from './processes';

/** The channel configuration as configtxlator prints it (JSON of common.Config). */
export type ChannelConfigJson = { channel_group: Record<string, unknown> } & Record<string, unknown>;

/** Channel configuration changes a command line can ask for. */
export interface ConfigChange {
  /** Block cutting: batch timeout (`500ms`, `2s`). */
  readonly batchTimeout?: string;
  /** Block cutting: transactions per block. */
  readonly maxMessageCount?: number;
  /** A new application organisation (clients only): its name and its group as configtxgen prints it. */
  readonly addOrg?: { readonly name: string; readonly group: unknown };
  /** A new BFT consenter: its operator's org group name and MSP id, endpoint and certificates (PEM). */
  readonly addConsenter?: Consenter;
  /** The endpoint (`host:port`) of a consenter to take out of the set. */
  readonly removeConsenter?: string;
}

/** A BFT consenter as a configuration update adds it. */
export interface Consenter {
  readonly orgName: string;
  readonly mspId: string;
  readonly host: string;
  readonly port: number;
  readonly identityPem: string;
  readonly tlsCertPem: string;
}

interface ConsenterJson {
  id: number;
  host: string;
  port: number;
  msp_id: string;
  identity: string;
  client_tls_cert: string;
  server_tls_cert: string;
}

type OrdererGroup = {
  values: Record<string, { value: Record<string, unknown> }>;
  policies: Record<string, { policy: { type: number; value: unknown } }>;
  groups: Record<string, { values: Record<string, { value: { addresses?: string[] } }> }>;
};

/**
 * Adds or removes a consenter: the BFT consenter mapping and its organisation's ordering endpoints.
 * Refused when the change would give one organisation a quorum of consenters (it could then order,
 * and censor, alone) or leave fewer than four.
 */
function changeConsenters(orderer: OrdererGroup, change: ConfigChange): void {
  const orderers = orderer.values.Orderers?.value as { consenter_mapping?: ConsenterJson[] } | undefined;
  if (!orderers?.consenter_mapping) throw new NetworkError('the channel has no BFT consenter mapping to change');
  let mapping = orderers.consenter_mapping;
  if (change.removeConsenter !== undefined) {
    const gone = change.removeConsenter;
    if (!mapping.some((c) => `${c.host}:${String(c.port)}` === gone)) throw new NetworkError(`no consenter at ${gone}`);
    mapping = mapping.filter((c) => `${c.host}:${String(c.port)}` !== gone);
    for (const org of Object.values(orderer.groups)) {
      const endpoints = org.values.Endpoints?.value;
      if (endpoints?.addresses) endpoints.addresses = endpoints.addresses.filter((a) => a !== gone);
    }
  }
  const add = change.addConsenter;
  if (add !== undefined) {
    const endpoint = `${add.host}:${String(add.port)}`;
    if (mapping.some((c) => `${c.host}:${String(c.port)}` === endpoint)) throw new NetworkError(`${endpoint} is already a consenter`);
    const b64 = (pem: string): string => Buffer.from(pem).toString('base64');
    mapping = [
      ...mapping,
      {
        id: Math.max(0, ...mapping.map((c) => c.id)) + 1,
        host: add.host,
        port: add.port,
        msp_id: add.mspId,
        identity: b64(add.identityPem),
        client_tls_cert: b64(add.tlsCertPem),
        server_tls_cert: b64(add.tlsCertPem),
      },
    ];
    const endpoints = orderer.groups[add.orgName]?.values.Endpoints?.value;
    if (!endpoints) throw new NetworkError(`${add.orgName} runs no ordering nodes on this channel`);
    endpoints.addresses = [...(endpoints.addresses ?? []), endpoint];
  }
  if (mapping.length < 4) throw new NetworkError(`BFT needs at least 4 consenters; the change leaves ${String(mapping.length)}`);
  const quorum = bftQuorum(mapping.length);
  const perOrg = new Map<string, number>();
  for (const c of mapping) perOrg.set(c.msp_id, (perOrg.get(c.msp_id) ?? 0) + 1);
  for (const [msp, count] of perOrg) {
    if (count >= quorum) {
      throw new NetworkError(
        `${msp} would hold ${String(count)} of ${String(mapping.length)} consenters (quorum ${String(quorum)}): it could order alone`,
      );
    }
  }
  orderers.consenter_mapping = mapping;
  // a BFT block is valid with the signatures of a quorum of the consenters, named by their identities
  const validation = orderer.policies.BlockValidation;
  if (!validation) throw new NetworkError('the channel has no block validation policy');
  validation.policy = {
    type: 1,
    value: {
      identities: mapping.map((c) => ({ principal: { mspid: c.msp_id, id_bytes: c.identity }, principal_classification: 'IDENTITY' })),
      rule: { n_out_of: { n: quorum, rules: mapping.map((_c, i) => ({ signed_by: i })) } },
      version: 0,
    },
  };
}

/** Applies a {@link ConfigChange} to a configuration, as configtxlator prints it. */
export function applyChange(current: ChannelConfigJson, change: ConfigChange): ChannelConfigJson {
  const next = JSON.parse(JSON.stringify(current)) as ChannelConfigJson;
  const orderer = (next.channel_group as { groups: { Orderer: { values: Record<string, { value: Record<string, unknown> }> } } }).groups
    .Orderer;
  if (change.batchTimeout !== undefined) {
    if (!/^\d+(ms|s)$/.test(change.batchTimeout))
      throw new NetworkError(`batch timeout must look like 500ms or 2s; got ${change.batchTimeout}`);
    const v = orderer.values.BatchTimeout;
    if (v) v.value.timeout = change.batchTimeout;
  }
  if (change.maxMessageCount !== undefined) {
    if (!Number.isInteger(change.maxMessageCount) || change.maxMessageCount < 1 || change.maxMessageCount > 10_000)
      throw new NetworkError('max messages per block must be between 1 and 10000');
    const v = orderer.values.BatchSize;
    if (v) v.value.max_message_count = change.maxMessageCount;
  }
  if (change.addConsenter !== undefined || change.removeConsenter !== undefined) {
    changeConsenters((next.channel_group as { groups: { Orderer: OrdererGroup } }).groups.Orderer, change);
  }
  if (change.addOrg !== undefined) {
    const application = (next.channel_group as { groups: { Application: { groups: Record<string, unknown> } } }).groups.Application;
    if (application.groups[change.addOrg.name] !== undefined)
      throw new NetworkError(`${change.addOrg.name} is already a member of the channel`);
    application.groups[change.addOrg.name] = change.addOrg.group;
  }
  return next;
}

/**
 * The channel configuration group of a joining organisation, as configtxgen prints it from its MSP
 * (its CA certificate and the NodeOU roles): its members read and write as clients, its admins
 * administer it, its peers (if it ever runs some) endorse for it.
 */
export async function joiningOrgGroup(config: NetworkConfig, org: JoiningOrg): Promise<unknown> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xb-join-'));
  try {
    writeOrgMsp(path.join(dir, 'msp'), org.caCert);
    const id = org.mspId;
    const sig = (rule: string): { Type: string; Rule: string } => ({ Type: 'Signature', Rule: rule });
    const doc = {
      Organizations: [
        {
          Name: org.name,
          ID: id,
          MSPDir: path.join(dir, 'msp'),
          Policies: {
            Readers: sig(`OR('${id}.admin','${id}.peer','${id}.client')`),
            Writers: sig(`OR('${id}.admin','${id}.client')`),
            Admins: sig(`OR('${id}.admin')`),
            Endorsement: sig(`OR('${id}.peer')`),
          },
        },
      ],
    };
    fs.writeFileSync(path.join(dir, 'configtx.yaml'), stringify(doc));
    const out = await run(tool(config, 'configtxgen'), ['-printOrg', org.name], 'configtxgen -printOrg', { env: { FABRIC_CFG_PATH: dir } });
    return JSON.parse(out) as unknown;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Fetches the channel's latest configuration block (as this folder's operator admin) into `out`. */
export async function fetchConfigBlock(config: NetworkConfig, out: string): Promise<void> {
  await run(tool(config, 'peer'), ['channel', 'fetch', 'config', out, '-c', config.channel, ...ordererFlags(config)], 'fetch config', {
    env: adminEnv(config),
  });
}

function tool(config: NetworkConfig, name: string): string {
  return path.join(paths(config).bin, name);
}

/** The admin environment of this folder's operator (its admin identity, its peer). */
function adminEnv(config: NetworkConfig): Record<string, string> {
  const org = config.site === undefined ? config.orgs.hk : config.orgs[config.site];
  if (!org.peer) throw new NetworkError(`${org.mspId} runs no peer: configuration updates are signed by the operators' admins`);
  return peerAdminEnv(config, org);
}

/**
 * Fetches the current configuration, applies the change and writes the configuration update envelope
 * (unsigned) to `out`; returns what changes, for the signers to read.
 */
export async function createConfigUpdate(
  config: NetworkConfig,
  change: (current: ChannelConfigJson) => ChannelConfigJson,
  out: string,
): Promise<string[]> {
  const lator = tool(config, 'configtxlator');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xb-config-update-'));
  const file = (name: string): string => path.join(dir, name);
  try {
    await fetchConfigBlock(config, file('config.block'));
    await run(lator, ['proto_decode', '--input', file('config.block'), '--type', 'common.Block', '--output', file('block.json')], 'decode');
    const block = JSON.parse(fs.readFileSync(file('block.json'), 'utf8')) as {
      data: { data: { payload: { data: { config: ChannelConfigJson } } }[] };
    };
    const current = block.data.data[0]?.payload.data.config;
    if (!current) throw new NetworkError('the configuration block holds no configuration');
    const updated = change(JSON.parse(JSON.stringify(current)) as ChannelConfigJson);
    fs.writeFileSync(file('current.json'), JSON.stringify(current));
    fs.writeFileSync(file('updated.json'), JSON.stringify(updated));
    for (const name of ['current', 'updated'])
      await run(
        lator,
        ['proto_encode', '--input', file(`${name}.json`), '--type', 'common.Config', '--output', file(`${name}.pb`)],
        'encode',
      );
    try {
      await run(
        lator,
        [
          'compute_update',
          '--channel_id',
          config.channel,
          '--original',
          file('current.pb'),
          '--updated',
          file('updated.pb'),
          '--output',
          file('update.pb'),
        ],
        'compute update',
      );
    } catch (err) {
      if (err instanceof Error && /no differences/i.test(err.message))
        throw new NetworkError('the change leaves the configuration as it is');
      throw err;
    }
    await run(
      lator,
      ['proto_decode', '--input', file('update.pb'), '--type', 'common.ConfigUpdate', '--output', file('update.json')],
      'decode update',
    );
    const update = JSON.parse(fs.readFileSync(file('update.json'), 'utf8')) as unknown;
    const envelope = {
      payload: {
        header: { channel_header: { channel_id: config.channel, type: 2 } },
        data: { config_update: update },
      },
    };
    fs.writeFileSync(file('envelope.json'), JSON.stringify(envelope));
    await run(lator, ['proto_encode', '--input', file('envelope.json'), '--type', 'common.Envelope', '--output', out], 'encode envelope');
    return describeUpdate(update);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** What a configuration update writes: every value of its write set whose version goes up. */
export function describeUpdate(update: unknown): string[] {
  return changesOf(update).map((c) => {
    if (c.kind === 'group') return `${c.path.join('/')}: new group${describeMsp(c.group)}`;
    if (c.path[c.path.length - 1] === 'Orderers') return `${c.path.join('/')} = consenters ${describeConsenters(c.value)}`;
    return `${c.path.join('/')} = ${JSON.stringify(c.value)}`;
  });
}

type Change = { kind: 'value'; path: string[]; value: unknown } | { kind: 'group'; path: string[]; group: Group };

/** Every value whose version an update raises, and every group it adds, with their paths from `Channel`. */
function changesOf(update: unknown): Change[] {
  const u = update as { read_set?: Group; write_set?: Group };
  const out: Change[] = [];
  const walk = (write: Group | undefined, read: Group | undefined, at: string[]): void => {
    for (const [name, value] of Object.entries(write?.values ?? {})) {
      const before = read?.values?.[name];
      if (before === undefined || Number(value.version ?? 0) > Number(before.version ?? 0))
        out.push({ kind: 'value', path: [...at, name], value: value.value });
    }
    for (const [name, group] of Object.entries(write?.groups ?? {})) {
      const before = read?.groups?.[name];
      if (before === undefined) out.push({ kind: 'group', path: [...at, name], group });
      else walk(group, before, [...at, name]);
    }
  };
  walk(u.write_set, u.read_set, ['Channel']);
  return out;
}

/** Whether a configuration holds every change of an update (values equal, groups present). */
export function updateApplied(update: unknown, current: ChannelConfigJson): boolean {
  return changesOf(update).every((c) => {
    let group = current.channel_group as Group | undefined;
    const parents = c.path.slice(1, -1);
    for (const name of parents) group = group?.groups?.[name];
    const last = c.path[c.path.length - 1] ?? '';
    if (c.kind === 'group') return group?.groups?.[last] !== undefined;
    return isDeepStrictEqual(group?.values?.[last]?.value, c.value);
  });
}

/** A BFT consenter set as a signer should read it: id, endpoint, MSP and TLS certificate fingerprint each. */
function describeConsenters(value: unknown): string {
  const mapping = (value as { consenter_mapping?: ConsenterJson[] } | undefined)?.consenter_mapping ?? [];
  return mapping
    .map((c) => {
      const tls = new X509Certificate(Buffer.from(c.server_tls_cert, 'base64').toString('utf8')).fingerprint256;
      return `${String(c.id)}. ${c.host}:${String(c.port)} ${c.msp_id} TLS ${tls}`;
    })
    .join('; ');
}

/** A new organisation as a signer should see it: MSP id and root certificate fingerprints. */
function describeMsp(group: Group): string {
  const config = (group.values?.MSP?.value as { config?: { name?: string; root_certs?: string[] } } | undefined)?.config;
  if (!config) return '';
  const roots = (config.root_certs ?? []).map((b64) => new X509Certificate(Buffer.from(b64, 'base64').toString('utf8')).fingerprint256);
  return ` (MSP ${config.name ?? '?'}, root ${roots.join(' ')})`;
}

interface Group {
  version?: string | number;
  values?: Record<string, { version?: string | number; value?: unknown }>;
  groups?: Record<string, Group>;
}

/** The configuration update inside an envelope (from another operator), checked to be for this channel. */
async function decodeUpdate(config: NetworkConfig, file: string): Promise<unknown> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xb-config-read-'));
  try {
    const out = path.join(dir, 'envelope.json');
    await run(
      tool(config, 'configtxlator'),
      ['proto_decode', '--input', file, '--type', 'common.Envelope', '--output', out],
      'decode update',
    );
    const envelope = JSON.parse(fs.readFileSync(out, 'utf8')) as {
      payload: { header: { channel_header: { channel_id: string } }; data: { config_update: unknown } };
    };
    if (envelope.payload.header.channel_header.channel_id !== config.channel) {
      throw new NetworkError(`the update is for channel ${envelope.payload.header.channel_header.channel_id}, not ${config.channel}`);
    }
    return envelope.payload.data.config_update;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Reads what a configuration update envelope (from another operator) would change. */
export async function readConfigUpdate(config: NetworkConfig, file: string): Promise<string[]> {
  return describeUpdate(await decodeUpdate(config, file));
}

/** The channel's latest configuration, its sequence number and the number of the block holding it. */
export async function latestConfig(config: NetworkConfig): Promise<{ sequence: number; config: ChannelConfigJson; blockNumber: number }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xb-config-now-'));
  try {
    await fetchConfigBlock(config, path.join(dir, 'config.block'));
    await run(
      tool(config, 'configtxlator'),
      ['proto_decode', '--input', path.join(dir, 'config.block'), '--type', 'common.Block', '--output', path.join(dir, 'block.json')],
      'decode',
    );
    const block = JSON.parse(fs.readFileSync(path.join(dir, 'block.json'), 'utf8')) as {
      header?: { number?: string };
      data: { data: { payload: { data: { config: ChannelConfigJson & { sequence?: string } } } }[] };
    };
    const current = block.data.data[0]?.payload.data.config;
    if (!current) throw new NetworkError('the configuration block holds no configuration');
    return { sequence: Number(current.sequence ?? 0), config: current, blockNumber: Number(block.header?.number ?? 0) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Adds this folder's operator admin's signature to a configuration update envelope (in place). */
export async function signConfigUpdate(config: NetworkConfig, file: string): Promise<void> {
  await run(tool(config, 'peer'), ['channel', 'signconfigtx', '-f', file], 'sign the configuration update', { env: adminEnv(config) });
}

/**
 * Signs (as this operator) and submits a configuration update, then waits until a configuration block
 * holds it. The orderers check an update again when they order it and drop it silently if it no longer
 * applies (made from an older configuration, or a concurrent change won): that is reported as
 * `CONFIG_UPDATE_NOT_APPLIED`, never as success.
 */
export async function submitConfigUpdate(config: NetworkConfig, file: string, timeoutMs = 30_000): Promise<void> {
  const update = await decodeUpdate(config, file);
  const before = await latestConfig(config);
  try {
    await run(
      tool(config, 'peer'),
      ['channel', 'update', '-f', file, '-c', config.channel, ...ordererFlags(config)],
      'submit the configuration update',
      {
        env: adminEnv(config),
      },
    );
  } catch (err) {
    const text = err instanceof Error ? err.message : String(err);
    // the orderers' refusal of a one-sided update, said plainly (the peer CLI prints a gRPC dump)
    const policy = /requires \d+ of the '(\w+)' sub-policies to be satisfied/.exec(text);
    if (policy)
      throw new NetworkError(
        `CONFIG_UPDATE_UNAUTHORISED: the orderers refused the update: it ${policy[0]}, so it needs an admin signature of ` +
          'both operators; have the other operator review and sign it (config-sign --file F) and send it back, then submit',
      );
    throw err;
  }
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const now = await latestConfig(config);
    if (now.sequence > before.sequence) {
      if (updateApplied(update, now.config)) return;
      throw new NetworkError(
        'CONFIG_UPDATE_NOT_APPLIED: another configuration change was ordered first and this update is not in it; create the update again from the current configuration',
      );
    }
    if (Date.now() > deadline) {
      throw new NetworkError(
        `CONFIG_UPDATE_NOT_APPLIED: no configuration block holds the update after ${String(timeoutMs / 1000)}s; the orderers refused it ` +
          '(usually: it was created from an older configuration); create it again from the current configuration',
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/**
 * Changes the channel configuration of the single-machine network the way two operators do: HK
 * creates and signs the update, TH signs and submits it, so it carries both operators' admin
 * signatures (the Application group's Admins policy needs both).
 */
export async function updateChannelConfig(config: NetworkConfig, change: (current: ChannelConfigJson) => ChannelConfigJson): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xb-config-update-'));
  const file = path.join(dir, 'update.pb');
  try {
    await createConfigUpdate(config, change, file);
    await run(tool(config, 'peer'), ['channel', 'signconfigtx', '-f', file], 'HK admin signs the update', {
      env: peerAdminEnv(config, config.orgs.hk),
    });
    await run(
      tool(config, 'peer'),
      ['channel', 'update', '-f', file, '-c', config.channel, ...ordererFlags(config)],
      'TH admin signs and submits',
      {
        env: peerAdminEnv(config, config.orgs.th),
      },
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
