import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

import type { NetworkConfig, OrgConfig } from './config';
import { OPS_HOST, isLocal, localOrgs, paths, peerOrgs } from './config';
import { run } from './exec';
import { connectionProfile, idAttrs, seedIdentities } from './identities';
import type { SeedIdentity } from './identities';
import { normaliseMsp, tlsFromEnrollment, writeOrgMsp } from './msp';
import type { ProcessSpec } from './processes';

/** The process spec of an org's Fabric CA (TLS on; its operations endpoint answers `/healthz`). */
export function caProcess(config: NetworkConfig, org: OrgConfig): ProcessSpec {
  const p = paths(config);
  const home = path.join(p.caHome(org), 'server');
  const secret = bootstrapSecret(config, org);
  const ca = org.ca;
  return {
    name: ca.name,
    command: path.join(p.bin, 'fabric-ca-server'),
    args: [
      'start',
      '--home',
      home,
      '--address',
      config.bindHost,
      '--port',
      String(ca.port),
      '--tls.enabled',
      '--csr.cn',
      `ca.${org.domain}`,
      '--csr.hosts',
      uniqueHosts(ca.host, `ca.${org.domain}`).join(','),
      '--operations.listenaddress',
      `${OPS_HOST}:${String(ca.opsPort)}`,
      '--registry.maxenrollments',
      '-1',
      // at info level the server prints its whole configuration, the bootstrap credential included
      '--loglevel',
      'warning',
    ],
    // the bootstrap credential goes through the environment (readable by the owner only), never the
    // command line (readable by every local user in /proc) or the log that records the command
    env: { FABRIC_CA_SERVER_BOOT: `admin:${secret}` },
    ports: [
      { host: config.bindHost, port: ca.port },
      { host: OPS_HOST, port: ca.opsPort },
    ],
    readiness: { kind: 'healthz', url: `http://${OPS_HOST}:${String(ca.opsPort)}/healthz` },
  };
}

/** The CA's root certificate, written by the server at first start. */
export function caCertFile(config: NetworkConfig, org: OrgConfig): string {
  return path.join(paths(config).caHome(org), 'server', 'ca-cert.pem');
}

/** The CA bootstrap admin password: random per network, kept in the (git-ignored) network home. */
function bootstrapSecret(config: NetworkConfig, org: OrgConfig): string {
  return secretFor(config, org, 'admin');
}

/** Every enrollment secret of an org's CA identities, from the CA folder's secrets file (0600). */
export function readSecrets(config: NetworkConfig, org: OrgConfig): Record<string, string> {
  const file = path.join(paths(config).caHome(org), 'secrets.json');
  if (!fs.existsSync(file)) return {};
  const parsed: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
  return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, string>) : {};
}

function secretFor(config: NetworkConfig, org: OrgConfig, id: string): string {
  const dir = paths(config).caHome(org);
  const file = path.join(dir, 'secrets.json');
  const secrets = readSecrets(config, org);
  const existing = secrets[id];
  if (typeof existing === 'string') return existing;
  const created = randomBytes(18).toString('base64url');
  secrets[id] = created;
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  fs.writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return created;
}

function uniqueHosts(...hosts: string[]): string[] {
  return [...new Set([...hosts, 'localhost', '127.0.0.1'])];
}

/** A node (peer or orderer) to enroll: an enrollment certificate and a TLS server certificate. */
export interface NodeEnrollment {
  readonly org: OrgConfig;
  readonly id: string;
  readonly type: 'peer' | 'orderer' | 'client';
  readonly hosts: readonly string[];
  /** Folder that receives `msp/` and `tls/`. */
  readonly dir: string;
  /** Whether an MSP (enrollment certificate) is needed besides the TLS certificate. */
  readonly withMsp: boolean;
}

class CaClient {
  readonly #config: NetworkConfig;
  readonly #org: OrgConfig;
  readonly #bin: string;
  readonly #caCert: string;
  readonly #adminHome: string;

  constructor(config: NetworkConfig, org: OrgConfig) {
    this.#config = config;
    this.#org = org;
    this.#bin = path.join(paths(config).bin, 'fabric-ca-client');
    this.#caCert = caCertFile(config, org);
    this.#adminHome = path.join(paths(config).caHome(org), 'registrar');
  }

  get caCertPem(): string {
    return fs.readFileSync(this.#caCert, 'utf8');
  }

  #url(id: string, secret: string): string {
    return `https://${id}:${secret}@${this.#org.ca.host}:${String(this.#org.ca.port)}`;
  }

  /**
   * Runs fabric-ca-client with secrets in its environment only (FABRIC_CA_CLIENT_URL carries the
   * enrollment credential, FABRIC_CA_CLIENT_ID_SECRET a registration secret), and scrubs them from
   * any error it reports.
   */
  async #client(args: string[], what: string, secrets: { url?: string; idSecret?: string } = {}): Promise<string> {
    const env: Record<string, string> = { FABRIC_CA_CLIENT_HOME: this.#adminHome };
    if (secrets.url !== undefined) env.FABRIC_CA_CLIENT_URL = secrets.url;
    if (secrets.idSecret !== undefined) env.FABRIC_CA_CLIENT_ID_SECRET = secrets.idSecret;
    const redact = [secrets.url, secrets.idSecret, ...Object.values(readSecrets(this.#config, this.#org))].filter(
      (v): v is string => v !== undefined && v !== '',
    );
    return run(this.#bin, [...args, '--tls.certfiles', this.#caCert], `${this.#org.ca.name}: ${what}`, { env, redact });
  }

  async enrollRegistrar(): Promise<void> {
    if (fs.existsSync(path.join(this.#adminHome, 'msp', 'signcerts', 'cert.pem'))) return;
    await this.#client(['enroll'], 'enroll the CA registrar', { url: this.#url('admin', bootstrapSecret(this.#config, this.#org)) });
  }

  /** Registers an identity once; a second registration of the same id is not an error. */
  /**
   * Registers an identity (again: a no-op) and returns its enrollment secret. `maxEnrollments`: how
   * often the secret may be used (the CA's default, unlimited, for the network's own nodes, which
   * enroll twice; 1 for a member's one-time secret).
   */
  async register(id: string, type: string, attrs?: string, maxEnrollments?: number): Promise<string> {
    const secret = secretFor(this.#config, this.#org, id);
    const args = ['register', '--id.name', id, '--id.type', type];
    if (attrs !== undefined) args.push('--id.attrs', attrs);
    if (maxEnrollments !== undefined) args.push('--id.maxenrollments', String(maxEnrollments));
    try {
      await this.#client(args, `register ${id}`, { idSecret: secret });
    } catch (err) {
      if (!(err instanceof Error) || !/already registered/i.test(err.message)) throw err;
    }
    return secret;
  }

  async enroll(id: string, secret: string, mspDir: string, options: { tls?: boolean; hosts?: readonly string[] } = {}): Promise<void> {
    const args = ['enroll', '-M', mspDir];
    if (options.tls === true) args.push('--enrollment.profile', 'tls');
    if (options.hosts && options.hosts.length > 0) args.push('--csr.hosts', options.hosts.join(','));
    await this.#client(args, `enroll ${id}${options.tls === true ? ' (TLS)' : ''}`, { url: this.#url(id, secret) });
  }
}

/**
 * Registers and enrolls, through each org's running CA, every node and seed identity of the network,
 * writes the org MSPs used by the channel configuration, and a connection profile per identity.
 * Skips whatever already exists, so it is safe to run again.
 */
export async function enrollAll(config: NetworkConfig, nodes: readonly NodeEnrollment[]): Promise<void> {
  const p = paths(config);
  const clients = new Map<string, CaClient>();
  for (const org of localOrgs(config)) {
    const client = new CaClient(config, org);
    await client.enrollRegistrar();
    writeOrgMsp(path.join(p.orgDir(org), 'msp'), client.caCertPem);
    clients.set(org.key, client);
  }
  const clientFor = (org: OrgConfig): CaClient => {
    const c = clients.get(org.key);
    if (!c) throw new Error(`no CA client for ${org.key}`);
    return c;
  };

  for (const node of nodes) {
    const ca = clientFor(node.org);
    const hosts = uniqueHosts(...node.hosts);
    const secret = await ca.register(node.id, node.type);
    const msp = path.join(node.dir, 'msp');
    if (node.withMsp && !fs.existsSync(path.join(msp, 'signcerts', 'cert.pem'))) {
      await ca.enroll(node.id, secret, msp, { hosts });
      normaliseMsp(msp, ca.caCertPem);
    }
    const tls = path.join(node.dir, 'tls');
    if (!fs.existsSync(path.join(tls, 'server.crt'))) {
      const tmp = path.join(node.dir, 'tls-enroll');
      fs.rmSync(tmp, { recursive: true, force: true });
      await ca.enroll(node.id, secret, tmp, { tls: true, hosts });
      tlsFromEnrollment(tmp, tls, ca.caCertPem);
    }
  }

  for (const identity of seedIdentities(config).filter((i) => isLocal(config, i.org))) {
    await enrollIdentity(config, identity, clientFor(identity.org));
  }
}

/**
 * Writes each local identity's connection profile and the TLS roots of the peers it may use: after
 * enrollment, and again once another organisation's definition is imported (its peers join the list).
 */
export function writeProfiles(config: NetworkConfig): void {
  for (const identity of seedIdentities(config).filter((i) => isLocal(config, i.org))) {
    if (fs.existsSync(path.join(paths(config).identities, identity.name, 'msp', 'signcerts', 'cert.pem'))) writeProfile(config, identity);
  }
}

/** The TLS root an organisation's nodes are verified against (its org MSP: ours, or imported). */
export function tlsRootFile(config: NetworkConfig, org: OrgConfig): string {
  return path.join(paths(config).orgDir(org), 'msp', 'tlscacerts', 'ca.pem');
}

function writeProfile(config: NetworkConfig, identity: SeedIdentity): void {
  const dir = path.join(paths(config).identities, identity.name);
  const tlsRoots = path.join(dir, 'tls');
  fs.mkdirSync(tlsRoots, { recursive: true });
  const known = peerOrgs(config).filter((org) => fs.existsSync(tlsRootFile(config, org)));
  for (const org of known) fs.copyFileSync(tlsRootFile(config, org), path.join(tlsRoots, `${org.key}-ca.pem`));
  const profile = connectionProfile(config, identity, new Set(known.map((o) => o.key)));
  fs.writeFileSync(path.join(dir, 'profile.json'), `${JSON.stringify(profile, null, 2)}\n`);
}

/**
 * Registers and enrolls one more client identity through its org's running CA (a new employee or a
 * replacement certificate), with its folder and connection profile. Returns the identity's folder.
 */
export async function enrollExtraIdentity(config: NetworkConfig, identity: SeedIdentity): Promise<string> {
  const client = new CaClient(config, identity.org);
  await client.enrollRegistrar();
  await enrollIdentity(config, identity, client);
  return path.join(paths(config).identities, identity.name);
}

/**
 * Registers a new member institution's identity at its org's CA (role submitter, the institution as
 * attribute, both written into the certificate it will enroll) without enrolling it: the institution
 * enrolls itself with the returned one-time secret, generating its key on its own machine.
 */
export async function registerMemberAtCa(
  config: NetworkConfig,
  org: OrgConfig,
  institution: string,
): Promise<{ secret: string; caUrl: string; caCertPem: string }> {
  const client = new CaClient(config, org);
  await client.enrollRegistrar();
  // the secret is the member's to enroll with once: a copy that leaks later enrolls nothing
  const secret = await client.register(institution, 'client', idAttrs({ role: 'submitter', institution }), 1);
  return { secret, caUrl: `https://${org.ca.host}:${String(org.ca.port)}`, caCertPem: client.caCertPem };
}

async function enrollIdentity(config: NetworkConfig, identity: SeedIdentity, ca: CaClient): Promise<void> {
  const p = paths(config);
  const dir = path.join(p.identities, identity.name);
  const msp = path.join(dir, 'msp');
  const secret = await ca.register(identity.name, identity.type, idAttrs(identity));
  if (!fs.existsSync(path.join(msp, 'signcerts', 'cert.pem'))) {
    await ca.enroll(identity.name, secret, msp);
    normaliseMsp(msp, ca.caCertPem);
  }
  // admins also get a TLS client certificate (the orderer admin endpoint requires mutual TLS)
  if (identity.type === 'admin' && !fs.existsSync(path.join(dir, 'tls', 'server.crt'))) {
    const tmp = path.join(dir, 'tls-enroll');
    fs.rmSync(tmp, { recursive: true, force: true });
    await ca.enroll(identity.name, secret, tmp, { tls: true, hosts: [identity.name] });
    tlsFromEnrollment(tmp, path.join(dir, 'tls'), ca.caCertPem);
  }
  writeProfile(config, identity);
}
