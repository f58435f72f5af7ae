import { X509Certificate, createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

import type { NetworkConfig, RemoteEndpoints, SiteKey } from './config';
import { SITES, localOrderers, localPeerOrgs, orgPeers, paths } from './config';
import { caCertFile } from './ca';
import { writeOrgMsp } from './msp';
import { ordererDir, peerDir } from './nodes';
import { NetworkError } from './processes';

export const ORG_DEFINITION_FORMAT = 'xborder/org-definition/v1';

/**
 * What an organisation publishes to the others so they can form a channel with it: only public
 * material (its CA root, which also roots its TLS certificates, its endpoints, and its ordering
 * nodes' certificates for the consenter set). Never a key.
 */
export interface OrgDefinition {
  readonly format: typeof ORG_DEFINITION_FORMAT;
  readonly key: SiteKey;
  readonly mspId: string;
  readonly name: string;
  readonly domain: string;
  readonly channel: string;
  /** PEM of the org's CA root: identities and TLS certificates of the org chain to it. */
  readonly caCert: string;
  readonly ca: { readonly host: string; readonly port: number };
  readonly peers: readonly { readonly name: string; readonly host: string; readonly port: number }[];
  readonly orderers: readonly {
    readonly name: string;
    readonly host: string;
    readonly port: number;
    /** TLS certificate the node presents (server and cluster client). */
    readonly tlsCert: string;
    /** Enrollment certificate the node signs blocks with (BFT consenter identity). */
    readonly identityCert: string;
  }[];
}

/** Where an organisation writes the definition it hands to the others. */
export function exportFile(config: NetworkConfig, key: SiteKey): string {
  return path.join(config.home, 'export', `${key}.org.json`);
}

function definitionFile(config: NetworkConfig, key: SiteKey): string {
  return path.join(paths(config).orgDir(config.orgs[key]), 'definition.json');
}

/** SHA-256 of a file, hex: what two operators read to each other to know they hold the same bytes. */
export function fileSha256(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/** Writes this folder's organisation definition (after `org-init`), returns its path. */
export function exportDefinition(config: NetworkConfig): string {
  const site = config.site;
  if (site === undefined) throw new NetworkError('org definitions belong to a folder made with org-init --org');
  const org = config.orgs[site];
  const definition: OrgDefinition = {
    format: ORG_DEFINITION_FORMAT,
    key: site,
    mspId: org.mspId,
    name: org.name,
    domain: org.domain,
    channel: config.channel,
    caCert: fs.readFileSync(caCertFile(config, org), 'utf8'),
    ca: { host: org.ca.host, port: org.ca.port },
    peers: localPeerOrgs(config).flatMap((o) => orgPeers(o).map((p) => ({ name: p.name, host: p.host, port: p.port }))),
    orderers: localOrderers(config).map((o) => ({
      name: o.name,
      host: o.host,
      port: o.port,
      tlsCert: fs.readFileSync(path.join(ordererDir(config, o), 'tls', 'server.crt'), 'utf8'),
      identityCert: fs.readFileSync(path.join(ordererDir(config, o), 'msp', 'signcerts', 'cert.pem'), 'utf8'),
    })),
  };
  const file = exportFile(config, site);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(definition, null, 2)}\n`);
  return file;
}

/** DER of the OID 2.5.29.14 (subjectKeyIdentifier) as it appears in a certificate's extensions. */
const SUBJECT_KEY_IDENTIFIER_OID = Buffer.from([0x06, 0x03, 0x55, 0x1d, 0x0e]);

const EXPECTED: Readonly<Record<SiteKey, string>> = { hk: 'HKMSP', th: 'THMSP', audit: 'AuditMSP' };

function certificate(pem: unknown, what: string): X509Certificate {
  if (typeof pem !== 'string' || !pem.includes('-----BEGIN CERTIFICATE-----')) throw new NetworkError(`${what} is not a PEM certificate`);
  try {
    return new X509Certificate(pem);
  } catch (err) {
    throw new NetworkError(`${what} does not parse: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function endpoint(value: unknown, what: string): { host: string; port: number } {
  const v = value as { host?: unknown; port?: unknown } | null;
  if (
    typeof v?.host !== 'string' ||
    !/^[A-Za-z0-9.:-]{1,253}$/.test(v.host) ||
    typeof v.port !== 'number' ||
    !Number.isInteger(v.port) ||
    v.port < 1 ||
    v.port > 65535
  ) {
    throw new NetworkError(`${what} needs a host name and a port`);
  }
  return { host: v.host, port: v.port };
}

/** Format, JSON and no private key: what every definition must pass before anything else is read. */
function parseCommon(text: string, source: string): Partial<OrgDefinition> {
  if (/PRIVATE KEY/.test(text)) throw new NetworkError(`${source} contains a private key: never send or accept one`);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new NetworkError(`${source} is not JSON`);
  }
  const d = raw as Partial<OrgDefinition> | null;
  if (d?.format !== ORG_DEFINITION_FORMAT) throw new NetworkError(`${source} is not an ${ORG_DEFINITION_FORMAT} document`);
  return d;
}

function validName(name: unknown): name is string {
  return typeof name === 'string' && /^[a-z0-9.-]{1,64}$/.test(name);
}

/**
 * Checks another organisation's definition: the expected format and MSP id, parseable certificates,
 * every node certificate issued by the org's CA, and no private key anywhere in the file.
 */
export function parseDefinition(text: string, source: string): OrgDefinition {
  const d = parseCommon(text, source);
  if (typeof d.key !== 'string' || !(SITES as readonly string[]).includes(d.key))
    throw new NetworkError(`${source}: unknown organisation ${String(d.key)}`);
  const key = d.key;
  if (d.mspId !== EXPECTED[key])
    throw new NetworkError(`${source}: organisation ${key} must have MSP id ${EXPECTED[key]}, not ${String(d.mspId)}`);
  const ca = certificate(d.caCert, `${source}: caCert`);
  if (!ca.ca) throw new NetworkError(`${source}: caCert is not a CA certificate`);
  endpoint(d.ca, `${source}: ca`);
  const issuedByCa = (pem: unknown, what: string): void => {
    const cert = certificate(pem, what);
    if (!cert.verify(ca.publicKey) || cert.issuer !== ca.subject) throw new NetworkError(`${what} is not issued by the organisation's CA`);
  };
  const peers: readonly Partial<OrgDefinition['peers'][number]>[] = Array.isArray(d.peers) ? d.peers : [];
  const orderers: readonly Partial<OrgDefinition['orderers'][number]>[] = Array.isArray(d.orderers) ? d.orderers : [];
  for (const p of peers) {
    endpoint(p, `${source}: peer`);
    if (!validName(p.name)) throw new NetworkError(`${source}: bad peer name`);
  }
  for (const o of orderers) {
    endpoint(o, `${source}: orderer`);
    if (!validName(o.name)) throw new NetworkError(`${source}: bad orderer name`);
    issuedByCa(o.tlsCert, `${source}: ${o.name} TLS certificate`);
    issuedByCa(o.identityCert, `${source}: ${o.name} identity certificate`);
  }
  if (key !== 'audit' && peers.length === 0) throw new NetworkError(`${source}: an operator definition lists its peers`);
  return d as OrgDefinition;
}

/**
 * Records another organisation's definition in this folder: its MSP (certificates only), its peers'
 * TLS root and its orderers' certificates where the channel configuration and the CLI look for them.
 * Importing the same definition twice is harmless; a different one for the same org is refused.
 */
export function importDefinition(config: NetworkConfig, file: string): OrgDefinition {
  const definition = parseDefinition(fs.readFileSync(file, 'utf8'), path.basename(file));
  if (definition.key === config.site) throw new NetworkError(`${path.basename(file)} is this folder's own organisation`);
  if (definition.channel !== config.channel)
    throw new NetworkError(`${path.basename(file)} is for channel ${definition.channel}, this folder for ${config.channel}`);
  const target = definitionFile(config, definition.key);
  const text = `${JSON.stringify(definition, null, 2)}\n`;
  if (fs.existsSync(target)) {
    if (fs.readFileSync(target, 'utf8') === text) return definition;
    throw new NetworkError(
      `a different definition of ${definition.key} is already imported (${target}); remove that organisation's folder to replace it`,
    );
  }
  const org = config.orgs[definition.key];
  const orgDir = paths(config).orgDir(org);
  writeOrgMsp(path.join(orgDir, 'msp'), definition.caCert);
  const remote = endpointsOf(definition);
  for (const p of remote.peers) {
    const dir = peerDir(config, org, { ...org.peer, name: p.name } as NonNullable<typeof org.peer>);
    fs.mkdirSync(path.join(dir, 'tls'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'tls', 'ca.crt'), definition.caCert);
  }
  for (const o of definition.orderers) {
    const dir = path.join(orgDir, 'orderers', o.name);
    fs.mkdirSync(path.join(dir, 'tls'), { recursive: true });
    fs.mkdirSync(path.join(dir, 'msp', 'signcerts'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'tls', 'server.crt'), o.tlsCert);
    fs.writeFileSync(path.join(dir, 'tls', 'ca.crt'), definition.caCert);
    fs.writeFileSync(path.join(dir, 'msp', 'signcerts', 'cert.pem'), o.identityCert);
  }
  fs.writeFileSync(target, text);
  return definition;
}

function endpointsOf(d: OrgDefinition): RemoteEndpoints {
  return {
    host: d.ca.host,
    caPort: d.ca.port,
    peers: d.peers.map((p) => ({ name: p.name, host: p.host, port: p.port })),
    orderers: d.orderers.map((o) => ({ name: o.name, host: o.host, port: o.port })),
  };
}

/** Endpoints of every organisation imported into a site folder (read by loadConfig). */
export function importedEndpoints(home: string, site: SiteKey): Partial<Record<SiteKey, RemoteEndpoints>> {
  const out: Partial<Record<SiteKey, RemoteEndpoints>> = {};
  for (const key of SITES) {
    if (key === site) continue;
    const file = path.join(home, 'orgs', key, 'definition.json');
    if (fs.existsSync(file)) out[key] = endpointsOf(JSON.parse(fs.readFileSync(file, 'utf8')) as OrgDefinition);
  }
  return out;
}

/** Which organisations a site folder knows: its own and the imported ones. */
export function knownOrgs(config: NetworkConfig): SiteKey[] {
  return SITES.filter((key) => key === config.site || fs.existsSync(definitionFile(config, key)));
}

/** An organisation that joins the channel later (an institution with its own CA): clients only. */
export interface JoiningOrg {
  readonly key: string;
  readonly mspId: string;
  readonly name: string;
  readonly caCert: string;
}

/**
 * Checks the definition of an organisation asking to join: a new key, a new MSP id, a CA
 * certificate, no peers or orderers (it brings client identities only), no private key.
 */
export function parseJoiningDefinition(text: string, source: string): JoiningOrg {
  const d = parseCommon(text, source) as Partial<Record<keyof OrgDefinition, unknown>>;
  const key = d.key;
  if (typeof key !== 'string' || !/^[a-z][a-z0-9]{1,9}$/.test(key) || (SITES as readonly string[]).includes(key))
    throw new NetworkError(`${source}: a joining organisation needs a new short key (2-10 lowercase letters and digits)`);
  const mspId = d.mspId;
  if (
    typeof mspId !== 'string' ||
    !/^[A-Z][A-Za-z0-9]{1,30}MSP$/.test(mspId) ||
    Object.values(EXPECTED).includes(mspId) ||
    mspId === 'OrdererMSP'
  )
    throw new NetworkError(`${source}: a joining organisation needs a new MSP id ending in MSP`);
  const name = d.name;
  if (typeof name !== 'string' || !/^[A-Za-z][A-Za-z0-9]{1,30}$/.test(name) || ['HK', 'TH', 'Audit', 'Orderer'].includes(name))
    throw new NetworkError(`${source}: a joining organisation needs a new name (letters and digits)`);
  if ((Array.isArray(d.orderers) && d.orderers.length > 0) || (Array.isArray(d.peers) && d.peers.length > 0))
    throw new NetworkError(`${source}: a joining organisation brings client identities only (no peers or orderers)`);
  const ca = certificate(d.caCert, `${source}: caCert`);
  if (!ca.ca) throw new NetworkError(`${source}: caCert is not a CA certificate`);
  // Fabric's MSP refuses a CA certificate without a subject key identifier: say so before the orderers do
  if (!ca.raw.includes(SUBJECT_KEY_IDENTIFIER_OID))
    throw new NetworkError(`${source}: caCert has no subject key identifier extension (Fabric requires one)`);
  return { key, mspId, name, caCert: String(d.caCert) };
}
