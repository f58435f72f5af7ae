import * as fs from 'node:fs';
import * as path from 'node:path';

/** File name every MSP folder uses for its CA certificate (fabric-ca-client names it after host-port). */
export const CA_CERT_FILE = 'ca.pem';
/** File name of the single private key in a normalised keystore. */
export const KEY_FILE = 'priv_sk';

/**
 * NodeOUs configuration: the OU a Fabric CA writes into each certificate (`--id.type`) becomes the
 * role used by policies (`HKMSP.peer`, `HKMSP.admin`, ...).
 */
export function nodeOUsConfig(caCertFile = CA_CERT_FILE): string {
  const ou = (name: string): string =>
    `  ${name}:\n    Certificate: cacerts/${caCertFile}\n    OrganizationalUnitIdentifier: ${name.replace(/OUIdentifier$/, '').toLowerCase()}\n`;
  return [
    'NodeOUs:',
    '  Enable: true',
    ou('ClientOUIdentifier').trimEnd(),
    ou('PeerOUIdentifier').trimEnd(),
    ou('AdminOUIdentifier').trimEnd(),
    ou('OrdererOUIdentifier').trimEnd(),
    '',
  ].join('\n');
}

/**
 * Turns the folder fabric-ca-client wrote into the layout Fabric and our SDK expect: one CA cert in
 * `cacerts/ca.pem` (and `tlscacerts/ca.pem`), one key in `keystore/priv_sk`, NodeOUs `config.yaml`.
 */
export function normaliseMsp(mspDir: string, caCertPem: string): void {
  for (const sub of ['cacerts', 'tlscacerts']) {
    const dir = path.join(mspDir, sub);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, CA_CERT_FILE), caCertPem);
  }
  normaliseKeystore(path.join(mspDir, 'keystore'));
  fs.rmSync(path.join(mspDir, 'IssuerPublicKey'), { force: true });
  fs.rmSync(path.join(mspDir, 'IssuerRevocationPublicKey'), { force: true });
  fs.rmSync(path.join(mspDir, 'user'), { recursive: true, force: true });
  fs.writeFileSync(path.join(mspDir, 'config.yaml'), nodeOUsConfig());
}

/** A TLS enrollment becomes `server.crt`, `server.key`, `ca.crt` (names used by Fabric's samples). */
export function tlsFromEnrollment(enrollDir: string, tlsDir: string, caCertPem: string): void {
  fs.mkdirSync(tlsDir, { recursive: true });
  fs.copyFileSync(path.join(enrollDir, 'signcerts', 'cert.pem'), path.join(tlsDir, 'server.crt'));
  const keyDir = path.join(enrollDir, 'keystore');
  const keys = fs.readdirSync(keyDir);
  if (keys.length !== 1 || keys[0] === undefined) {
    throw new Error(`expected one key in ${keyDir}, found ${String(keys.length)}`);
  }
  fs.copyFileSync(path.join(keyDir, keys[0]), path.join(tlsDir, 'server.key'));
  fs.chmodSync(path.join(tlsDir, 'server.key'), 0o600);
  fs.writeFileSync(path.join(tlsDir, 'ca.crt'), caCertPem);
  fs.rmSync(enrollDir, { recursive: true, force: true });
}

function normaliseKeystore(keyDir: string): void {
  const keys = fs.readdirSync(keyDir);
  if (keys.length === 1 && keys[0] === KEY_FILE) return;
  const fresh = keys.filter((k) => k !== KEY_FILE);
  if (fresh.length !== 1 || fresh[0] === undefined) {
    throw new Error(`expected one new key in ${keyDir}, found ${fresh.join(', ')}`);
  }
  fs.renameSync(path.join(keyDir, fresh[0]), path.join(keyDir, KEY_FILE));
  fs.chmodSync(path.join(keyDir, KEY_FILE), 0o600);
}

/** The org-level MSP folder that goes into the channel configuration (certificates only). */
export function writeOrgMsp(orgMspDir: string, caCertPem: string): void {
  for (const sub of ['cacerts', 'tlscacerts']) {
    fs.mkdirSync(path.join(orgMspDir, sub), { recursive: true });
    fs.writeFileSync(path.join(orgMspDir, sub, CA_CERT_FILE), caCertPem);
  }
  fs.writeFileSync(path.join(orgMspDir, 'config.yaml'), nodeOUsConfig());
}
