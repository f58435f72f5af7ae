/**
 * Enrolment of a member institution at its operator's Fabric CA, on the institution's own machine: the
 * key pair is generated here, only the certificate signing request (public key and name) goes to the
 * CA, so the private key never exists anywhere else. Speaks the Fabric CA REST API (`/api/v1/enroll`,
 * HTTP Basic with the one-time enrollment secret the operator registered) over TLS checked against
 * the CA's certificate.
 */
import { createPrivateKey, X509Certificate, webcrypto } from 'node:crypto';
import * as https from 'node:https';

import * as pkijs from 'pkijs';
import * as asn1js from 'asn1js';

import { XborderError } from './errors';
import { signLowS } from './signer';

/** What enrolment gives: the certificate, the key that never left this machine, and the CA's chain. */
export interface Enrolment {
  readonly certificatePem: string;
  readonly privateKeyPem: string;
  readonly caChainPem: string;
}

function pem(kind: 'CERTIFICATE REQUEST' | 'PRIVATE KEY', der: ArrayBuffer): string {
  const b64 = Buffer.from(der)
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .trimEnd();
  return `-----BEGIN ${kind}-----\n${b64}\n-----END ${kind}-----\n`;
}

/** A PKCS #10 request for `commonName` signed by a new P-256 key, and that key as PKCS #8 PEM. */
async function certificateRequest(commonName: string): Promise<{ csrPem: string; privateKeyPem: string }> {
  const keys = await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
  const csr = new pkijs.CertificationRequest();
  csr.version = 0;
  // PKCS #10 requires the attributes field even when empty (Go's parser in Fabric CA insists)
  csr.attributes = [];
  csr.subject.typesAndValues.push(
    new pkijs.AttributeTypeAndValue({ type: '2.5.4.3', value: new asn1js.Utf8String({ value: commonName }) }),
  );
  await csr.subjectPublicKeyInfo.importKey(keys.publicKey);
  await csr.sign(keys.privateKey, 'SHA-256');
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  return { csrPem: pem('CERTIFICATE REQUEST', csr.toSchema().toBER(false)), privateKeyPem: pem('PRIVATE KEY', pkcs8) };
}

function post(url: URL, body: string, headers: Record<string, string>, caPem: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      url,
      { method: 'POST', ca: caPem, headers: { 'content-type': 'application/json', ...headers }, timeout: 30_000 },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('the CA did not answer within 30 s')));
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * Enrolls at a Fabric CA with a key generated here.
 * @param options - the CA's URL and certificate (PEM), the enrollment id the operator registered and its secret
 * @returns the issued certificate, the new private key (PKCS #8 PEM) and the CA chain
 * @throws {@link XborderError} CONFIG when the CA refuses (wrong secret, unknown id) or cannot be reached
 */
export async function enrollAtCa(options: {
  readonly caUrl: string;
  readonly caCertPem: string;
  readonly enrollmentId: string;
  readonly secret: string;
}): Promise<Enrolment> {
  const auth = Buffer.from(`${options.enrollmentId}:${options.secret}`).toString('base64');
  return requestCertificate(options.caUrl, options.caCertPem, '/api/v1/enroll', options.enrollmentId, () => `Basic ${auth}`);
}

/**
 * Renews an enrolled identity's certificate with a new key generated here (key rotation), proving who
 * it is with its current certificate and key (Fabric CA's token authentication) instead of the
 * enrollment secret, which enrolls once. The current key signs the request; it never leaves this process.
 * @throws {@link XborderError} CONFIG when the CA refuses (revoked, expired, unknown) or cannot be reached
 */
export async function reenrollAtCa(options: {
  readonly caUrl: string;
  readonly caCertPem: string;
  readonly certificatePem: string;
  readonly privateKeyPem: string;
}): Promise<Enrolment> {
  const current = new X509Certificate(options.certificatePem);
  const cn = /(?:^|\n)CN=([^\n]+)/.exec(current.subject)?.[1] ?? '';
  const path = '/api/v1/reenroll';
  // Fabric CA's token: base64(cert) "." base64(ECDSA-SHA256 over method.b64(uri).b64(body).b64(cert))
  const token = (body: string): string => {
    const b64cert = Buffer.from(options.certificatePem).toString('base64');
    const payload = `POST.${Buffer.from(path).toString('base64')}.${Buffer.from(body).toString('base64')}.${b64cert}`;
    // Fabric CA, like every Fabric verifier, accepts only low-S ECDSA signatures
    const signature = signLowS(createPrivateKey(options.privateKeyPem), Buffer.from(payload));
    return `${b64cert}.${Buffer.from(signature).toString('base64')}`;
  };
  return requestCertificate(options.caUrl, options.caCertPem, path, cn, token);
}

async function requestCertificate(
  caUrl: string,
  caCertPem: string,
  endpoint: string,
  commonName: string,
  authorization: (body: string) => string,
): Promise<Enrolment> {
  const { csrPem, privateKeyPem } = await certificateRequest(commonName);
  const url = new URL(endpoint, caUrl);
  const body = JSON.stringify({ certificate_request: csrPem });
  let answer: { status: number; body: string };
  try {
    answer = await post(url, body, { authorization: authorization(body) }, caCertPem);
  } catch (err) {
    throw new XborderError('CONFIG', `the CA at ${url.origin} cannot be reached: ${err instanceof Error ? err.message : String(err)}`);
  }
  let parsed: { success?: boolean; result?: { Cert?: string; ServerInfo?: { CAChain?: string } }; errors?: { message?: string }[] };
  try {
    parsed = JSON.parse(answer.body) as typeof parsed;
  } catch {
    throw new XborderError('CONFIG', `the CA answered ${String(answer.status)} without JSON`);
  }
  const cert = parsed.result?.Cert;
  if (parsed.success !== true || cert === undefined)
    throw new XborderError(
      'CONFIG',
      `the CA refused the enrolment: ${parsed.errors?.map((e) => e.message).join('; ') ?? String(answer.status)}`,
    );
  const certificatePem = Buffer.from(cert, 'base64').toString('utf8');
  // the certificate must be for the key generated here
  const issued = new X509Certificate(certificatePem);
  const mine = createPrivateKey(privateKeyPem);
  if (!issued.checkPrivateKey(mine)) throw new XborderError('CONFIG', 'the CA issued a certificate for another key');
  return { certificatePem, privateKeyPem, caChainPem: Buffer.from(parsed.result?.ServerInfo?.CAChain ?? '', 'base64').toString('utf8') };
}
