/**
 * Test certificates made with openssl at run time (never committed): a CA per org and leaf
 * certificates carrying the Fabric CA attribute extension (1.2.3.4.5.6.7.8.1) with xborder.role and
 * xborder.institution, as the real Fabric CA writes them.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface TestIdentity {
  readonly name: string;
  readonly mspId: string;
  readonly role: string;
  readonly institution: string;
  readonly certPem: string;
  readonly keyPem: string;
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xb-certs-'));
const cas = new Map<string, { cert: string; key: string }>();

function openssl(args: string[]): void {
  execFileSync('openssl', args, { stdio: 'pipe' });
}

/** `mspId`'s CA, or with `impostor` another key under the very same CA name. */
function caFor(mspId: string, impostor = false): { cert: string; key: string } {
  const id = impostor ? `${mspId}-impostor` : mspId;
  const existing = cas.get(id);
  if (existing) return existing;
  const key = path.join(dir, `${id}-ca.key`);
  const cert = path.join(dir, `${id}-ca.pem`);
  openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', key]);
  openssl(['req', '-new', '-x509', '-key', key, '-out', cert, '-days', '30', '-subj', `/O=${mspId}/CN=ca.${mspId.toLowerCase()}`]);
  const entry = { cert, key };
  cas.set(id, entry);
  return entry;
}

/** The PEM of an org's test CA certificate (openssl's, with a subject key identifier as Fabric requires). */
export function testCaPem(mspId: string): string {
  return fs.readFileSync(caFor(mspId).cert, 'utf8');
}

const cache = new Map<string, TestIdentity>();

/** A leaf certificate for an identity, issued by its org's test CA (or another org's, to test refusals). */
export function testIdentity(
  name: string,
  mspId: string,
  role: string,
  institution: string,
  options: { days?: number; issuer?: string; impostorCa?: boolean } = {},
): TestIdentity {
  const cacheKey = `${name}|${mspId}|${role}|${institution}|${String(options.days ?? 30)}|${options.issuer ?? ''}|${String(options.impostorCa ?? false)}`;
  const hit = cache.get(cacheKey);
  if (hit) return hit;
  const ca = caFor(options.issuer ?? mspId, options.impostorCa ?? false);
  const base = path.join(dir, `${name}-${String(cache.size)}`);
  openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', `${base}.ec`]);
  openssl(['pkcs8', '-topk8', '-nocrypt', '-in', `${base}.ec`, '-out', `${base}.key`]);
  const attrs = JSON.stringify({ attrs: { 'hf.EnrollmentID': name, 'xborder.institution': institution, 'xborder.role': role } });
  // Fabric CA writes the JSON itself as the extension value
  fs.writeFileSync(`${base}.ext`, `1.2.3.4.5.6.7.8.1=DER:${Buffer.from(attrs).toString('hex').replace(/(..)/g, '$1:').slice(0, -1)}\n`);
  openssl(['req', '-new', '-key', `${base}.key`, '-out', `${base}.csr`, '-subj', `/OU=client/CN=${name}`]);
  const days = options.days ?? 30;
  openssl([
    'x509',
    '-req',
    '-in',
    `${base}.csr`,
    '-CA',
    ca.cert,
    '-CAkey',
    ca.key,
    '-CAcreateserial',
    '-out',
    `${base}.pem`,
    '-extfile',
    `${base}.ext`,
    '-days',
    String(days),
  ]);
  const identity: TestIdentity = {
    name,
    mspId,
    role,
    institution,
    certPem: fs.readFileSync(`${base}.pem`, 'utf8'),
    keyPem: fs.readFileSync(`${base}.key`, 'utf8'),
  };
  cache.set(cacheKey, identity);
  return identity;
}
