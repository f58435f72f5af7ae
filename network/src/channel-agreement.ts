import { X509Certificate } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import type { NetworkConfig } from './config';
import { bftQuorum, localOrderers, localPeerOrgs, paths } from './config';
import { caCertFile } from './ca';
import { fetchConfigBlock } from './config-update';
import { configtxYaml } from './configtx';
import { run } from './exec';
import { fileSha256, knownOrgs } from './org-definition';
import { ordererDir } from './nodes';
import { ensurePartyKeys } from './party-keys';
import { NetworkError } from './processes';

/** What an operator reviews before accepting a channel: everything that decides who controls it. */
export interface ChannelSummary {
  readonly channel: string;
  readonly ordererType: string;
  readonly batchTimeout: string;
  readonly maxMessageCount: number;
  readonly consenters: readonly { id: number; endpoint: string; mspId: string; tlsCertSha256: string; identitySha256: string }[];
  readonly organisations: readonly {
    group: 'application' | 'orderer';
    name: string;
    mspId: string;
    rootCertSha256: readonly string[];
    endpoints: readonly string[];
  }[];
  /** Policy path (`Application/Admins`) -> rule, e.g. `AND(HKMSP.admin, THMSP.admin)`. */
  readonly policies: Readonly<Record<string, string>>;
}

type Json = Record<string, unknown>;

function obj(value: unknown, what: string): Json {
  if (typeof value !== 'object' || value === null) throw new NetworkError(`channel configuration: ${what} is missing`);
  return value as Json;
}

function fingerprint(pemBase64: unknown): string {
  const pem = Buffer.from(String(pemBase64), 'base64').toString('utf8');
  return new X509Certificate(pem).fingerprint256;
}

interface SignaturePolicy {
  identities?: { principal_classification?: string; principal?: { msp_identifier?: string; role?: string } }[];
  rule?: Rule;
}
interface Rule {
  signed_by?: number;
  n_out_of?: { n?: number; rules?: Rule[] };
}

/** Renders a policy as people write it: `AND(A.admin, B.admin)`, `2 of (...)`, `ANY Readers`. */
function renderPolicy(policy: Json): string {
  const type = policy.type;
  const value = obj(policy.value, 'policy value');
  if (type === 3) return `${String(value.rule)} ${String(value.sub_policy)}`;
  const sig = value as SignaturePolicy;
  // a BFT block validation policy names consenters by their certificates (IDENTITY principals)
  const principals = (sig.identities ?? []).map((i, n) =>
    i.principal_classification === 'IDENTITY'
      ? `consenter identity ${String(n + 1)}`
      : `${i.principal?.msp_identifier ?? '?'}.${(i.principal?.role ?? '?').toLowerCase()}`,
  );
  const render = (rule: Rule | undefined): string => {
    if (rule?.signed_by !== undefined) return principals[rule.signed_by] ?? '?';
    const rules = rule?.n_out_of?.rules ?? [];
    const n = rule?.n_out_of?.n ?? 0;
    const inner = rules.map(render).join(', ');
    if (n === rules.length) return `AND(${inner})`;
    if (n === 1) return `OR(${inner})`;
    return `${String(n)} of (${inner})`;
  };
  return render(sig.rule);
}

/** Reads the summary out of a decoded configuration (`common.Config` as configtxlator prints it). */
export function summariseConfig(channel: string, config: Json): ChannelSummary {
  const root = obj(config.channel_group, 'channel group');
  const groups = obj(root.groups, 'groups');
  const orderer = obj(groups.Orderer, 'Orderer group');
  const application = obj(groups.Application, 'Application group');
  const ordererValues = obj(orderer.values, 'Orderer values');
  const value = (values: Json, name: string): Json => obj(obj(values[name], name).value, name);
  const consensus = value(ordererValues, 'ConsensusType');
  const batchSize = value(ordererValues, 'BatchSize');
  const mapping = ordererValues.Orderers ? ((value(ordererValues, 'Orderers').consenter_mapping as Json[] | undefined) ?? []) : [];
  const consenters = mapping.map((c) => ({
    id: Number(c.id),
    endpoint: `${String(c.host)}:${String(c.port)}`,
    mspId: String(c.msp_id),
    tlsCertSha256: fingerprint(c.server_tls_cert),
    identitySha256: fingerprint(c.identity),
  }));
  const organisations: ChannelSummary['organisations'][number][] = [];
  const policies: Record<string, string> = {};
  for (const [name, p] of Object.entries(obj(root.policies, 'channel policies'))) {
    policies[`Channel/${name}`] = renderPolicy(obj(obj(p, name).policy, name));
  }
  for (const [groupName, group] of [
    ['application', application],
    ['orderer', orderer],
  ] as const) {
    for (const [name, org] of Object.entries(obj(group.groups, `${groupName} organisations`))) {
      const values = obj(obj(org, name).values, `${name} values`);
      const msp = obj(value(values, 'MSP').config, `${name} MSP`);
      const anchors = values.AnchorPeers ? ((value(values, 'AnchorPeers').anchor_peers as Json[] | undefined) ?? []) : [];
      const addresses = values.Endpoints ? ((value(values, 'Endpoints').addresses as string[] | undefined) ?? []) : [];
      organisations.push({
        group: groupName,
        name,
        mspId: String(msp.name),
        rootCertSha256: ((msp.root_certs as string[] | undefined) ?? []).map(fingerprint),
        endpoints: [...anchors.map((a) => `${String(a.host)}:${String(a.port)}`), ...addresses],
      });
    }
    for (const [name, p] of Object.entries(obj(group.policies, `${groupName} policies`))) {
      policies[`${groupName === 'application' ? 'Application' : 'Orderer'}/${name}`] = renderPolicy(obj(obj(p, name).policy, name));
    }
  }
  return {
    channel,
    ordererType: String(consensus.type),
    batchTimeout: String(value(ordererValues, 'BatchTimeout').timeout),
    maxMessageCount: Number(batchSize.max_message_count),
    consenters,
    organisations,
    policies,
  };
}

/** Decodes a configuration block with configtxlator and summarises it. */
export async function summariseBlock(config: NetworkConfig, blockFile: string): Promise<ChannelSummary> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xb-channel-'));
  try {
    const out = path.join(dir, 'block.json');
    await run(
      path.join(paths(config).bin, 'configtxlator'),
      ['proto_decode', '--input', blockFile, '--type', 'common.Block', '--output', out],
      'decode the channel block',
    );
    const block = JSON.parse(fs.readFileSync(out, 'utf8')) as {
      data: { data: { payload: { header: { channel_header: { channel_id: string } }; data: { config: Json } } }[] };
    };
    const envelope = block.data.data[0];
    if (!envelope) throw new NetworkError(`${blockFile} holds no configuration`);
    return summariseConfig(envelope.payload.header.channel_header.channel_id, envelope.payload.data.config);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The summary as text, for an operator to read (and compare with the other operator's reading). */
export function renderSummary(s: ChannelSummary): string {
  const lines = [
    `channel ${s.channel}`,
    `ordering: ${s.ordererType}, blocks cut after ${s.batchTimeout} or ${String(s.maxMessageCount)} transactions`,
    'consenters:',
    ...s.consenters.map((c) => `  ${String(c.id)}. ${c.endpoint} ${c.mspId} TLS ${c.tlsCertSha256}`),
    'organisations:',
    ...s.organisations.map(
      (o) => `  ${o.group} ${o.mspId} root ${o.rootCertSha256.join(' ')}${o.endpoints.length ? ` at ${o.endpoints.join(', ')}` : ''}`,
    ),
    'policies:',
    ...Object.entries(s.policies)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => `  ${k}: ${v}`),
  ];
  return `${lines.join('\n')}\n`;
}

const BOTH_OPERATORS = (role: string): string => `AND(HKMSP.${role}, THMSP.${role})`;

/**
 * What this folder's organisation requires before it accepts a channel: itself as it defined itself
 * (CA root, endpoints, its consenters' certificates), no other organisation holding a quorum of
 * consenters, BFT ordering, and both operators required for channel administration, chaincode
 * lifecycle and endorsement. Returns the problems found (none: acceptable).
 */
export function proposalProblems(config: NetworkConfig, s: ChannelSummary): string[] {
  const problems: string[] = [];
  const site = config.site;
  if (site === undefined) return ['only a folder of one organisation accepts a channel'];
  const own = config.orgs[site];
  if (s.channel !== config.channel) problems.push(`the block is for channel ${s.channel}, not ${config.channel}`);
  const ownRoot = new X509Certificate(fs.readFileSync(caCertFile(config, own))).fingerprint256;
  const ownApp = s.organisations.find((o) => o.group === 'application' && o.mspId === own.mspId);
  if (!ownApp) problems.push(`${own.mspId} is not a member of the channel`);
  else {
    if (ownApp.rootCertSha256.length !== 1 || ownApp.rootCertSha256[0] !== ownRoot)
      problems.push(`${own.mspId}'s root certificate in the block is not this organisation's CA`);
    const peers = localPeerOrgs(config).map((o) => `${o.peer.host}:${String(o.peer.port)}`);
    if (JSON.stringify([...ownApp.endpoints].sort()) !== JSON.stringify(peers.sort()))
      problems.push(`${own.mspId}'s anchor peers in the block (${ownApp.endpoints.join(', ')}) are not its peers (${peers.join(', ')})`);
  }
  for (const o of s.organisations.filter((x) => x.mspId === own.mspId && x.rootCertSha256[0] !== ownRoot)) {
    problems.push(`${o.group} organisation ${o.mspId} has a root certificate that is not this organisation's CA`);
  }
  for (const orderer of localOrderers(config)) {
    const tls = new X509Certificate(fs.readFileSync(path.join(ordererDir(config, orderer), 'tls', 'server.crt'))).fingerprint256;
    const endpoint = `${orderer.host}:${String(orderer.port)}`;
    const c = s.consenters.find((x) => x.endpoint === endpoint);
    if (!c || c.mspId !== own.mspId || c.tlsCertSha256 !== tls)
      problems.push(`consenter ${orderer.name} (${endpoint}) is missing or not this organisation's node`);
  }
  for (const c of s.consenters.filter((x) => x.mspId === own.mspId)) {
    if (!localOrderers(config).some((o) => `${o.host}:${String(o.port)}` === c.endpoint))
      problems.push(`consenter ${c.endpoint} claims ${own.mspId} but is not its node`);
  }
  if (s.ordererType !== 'BFT') problems.push(`ordering is ${s.ordererType}; across operators it must be BFT`);
  const quorum = bftQuorum(s.consenters.length);
  const perOrg = new Map<string, number>();
  for (const c of s.consenters) perOrg.set(c.mspId, (perOrg.get(c.mspId) ?? 0) + 1);
  for (const [msp, count] of perOrg) {
    if (msp !== own.mspId && count >= quorum)
      problems.push(`${msp} alone holds ${String(count)} of ${String(s.consenters.length)} consenters (quorum ${String(quorum)})`);
  }
  const expected: Record<string, string> = {
    'Application/Admins': BOTH_OPERATORS('admin'),
    'Application/LifecycleEndorsement': BOTH_OPERATORS('peer'),
    'Application/Endorsement': BOTH_OPERATORS('peer'),
  };
  for (const [policy, rule] of Object.entries(expected)) {
    if (s.policies[policy] !== rule) problems.push(`${policy} is ${s.policies[policy] ?? 'missing'}; it must be ${rule}`);
  }
  return problems;
}

/** Where the proposing operator writes the proposed genesis block. */
export function proposalFile(config: NetworkConfig): string {
  return path.join(config.home, 'export', `${config.channel}.proposed.block`);
}

/**
 * An operator proposes the channel from its own and the imported organisation definitions: the
 * genesis block (configtxgen) to hand to the other operator, with its summary and SHA-256. Nothing is
 * joined yet; both operators then accept the same bytes.
 */
export async function proposeChannel(config: NetworkConfig): Promise<{ block: string; sha256: string; summary: ChannelSummary }> {
  if (config.site !== 'hk' && config.site !== 'th') throw new NetworkError('an operator (hk or th) proposes the channel');
  const missing = (['hk', 'th', 'audit'] as const).filter((k) => !knownOrgs(config).includes(k));
  if (missing.length > 0) throw new NetworkError(`import the definitions of ${missing.join(', ')} first (org-import --file)`);
  // the operators' shared party-commitment keys are made once, here; the other operator installs a copy
  ensurePartyKeys(config);
  const dir = path.join(paths(config).configtxDir, 'proposal');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'configtx.yaml'), configtxYaml(config));
  const block = proposalFile(config);
  fs.mkdirSync(path.dirname(block), { recursive: true });
  await run(
    path.join(paths(config).bin, 'configtxgen'),
    ['-profile', 'XborderChannel', '-channelID', config.channel, '-outputBlock', block],
    'configtxgen',
    { env: { FABRIC_CFG_PATH: dir } },
  );
  return { block, sha256: fileSha256(block), summary: await summariseBlock(config, block) };
}

/**
 * Accepts a proposed genesis block: its SHA-256 must be the one the operators compared, and it must
 * pass {@link proposalProblems}. The block becomes this folder's channel block (what org-up joins).
 */
export async function acceptChannel(config: NetworkConfig, blockFile: string, sha256: string): Promise<ChannelSummary> {
  const actual = fileSha256(blockFile);
  if (actual !== sha256.toLowerCase()) {
    throw new NetworkError(`CHANNEL_HASH_MISMATCH: ${path.basename(blockFile)} has SHA-256 ${actual}, not the ${sha256} you compared`);
  }
  const summary = await summariseBlock(config, blockFile);
  const problems = proposalProblems(config, summary);
  if (problems.length > 0) throw new NetworkError(`CHANNEL_REFUSED: ${problems.join('; ')}`);
  const target = paths(config).channelBlock;
  if (fs.existsSync(target) && fileSha256(target) !== actual) {
    throw new NetworkError(`this folder already accepted another block for ${config.channel} (${target})`);
  }
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.copyFileSync(blockFile, target);
  return summary;
}

/** The channel's configuration as it is now (its latest configuration block), summarised. */
export async function currentChannel(config: NetworkConfig): Promise<ChannelSummary> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xb-channel-now-'));
  try {
    const block = path.join(dir, 'config.block');
    await fetchConfigBlock(config, block);
    return await summariseBlock(config, block);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
