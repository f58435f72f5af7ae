/**
 * The parts of `node:crypto` the offline proof checks use, for the browser bundle: SHA-256 and
 * HMAC-SHA256 (@noble/hashes), ECDSA P-256 verification of DER signatures (@noble/curves) and
 * certificate parsing (PKI.js). The checks call these synchronously, as they do on Node; certificate
 * paths are validated by PKI.js over WebCrypto.
 */
import { p256 } from '@noble/curves/nist.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import * as asn1js from 'asn1js';
import { Buffer } from 'buffer';
import * as pkijs from 'pkijs';

type Data = Uint8Array | string;

function bytes(data: Data, encoding?: string): Uint8Array {
  return typeof data === 'string' ? Buffer.from(data, (encoding ?? 'utf8') as BufferEncoding) : data;
}

function output(digest: Uint8Array, encoding?: string): Buffer | string {
  const b = Buffer.from(digest);
  return encoding === undefined ? b : b.toString(encoding as BufferEncoding);
}

function requireSha256(algorithm: string): void {
  if (algorithm.toLowerCase().replace('-', '') !== 'sha256') throw new Error(`${algorithm} is not available in the browser`);
}

interface Hash {
  update(data: Data, encoding?: string): Hash;
  digest(): Buffer;
  digest(encoding: string): string;
}

/** Node's chained update/digest over a noble hash or MAC. */
function nodeStyle(h: { update(b: Uint8Array): unknown; digest(): Uint8Array }): Hash {
  const wrapped = {
    update(data: Data, encoding?: string): Hash {
      h.update(bytes(data, encoding));
      return wrapped as Hash;
    },
    digest: (encoding?: string) => output(h.digest(), encoding),
  };
  return wrapped as Hash;
}

export function createHash(algorithm: string): Hash {
  requireSha256(algorithm);
  return nodeStyle(sha256.create());
}

export function createHmac(algorithm: string, key: Data): Hash {
  requireSha256(algorithm);
  return nodeStyle(hmac.create(sha256, bytes(key)));
}

export function timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) throw new RangeError('Input buffers must have the same byte length');
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return d === 0;
}

export function randomBytes(n: number): Buffer {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(n)));
}

/** A P-256 public key as an uncompressed point. */
export class KeyObject {
  readonly point: Uint8Array;
  constructor(point: Uint8Array) {
    this.point = point;
  }
}

/** What the checks read of a certificate: its DER and its public key. */
export class X509Certificate {
  readonly raw: Buffer;
  readonly publicKey: KeyObject;

  constructor(pem: string | Uint8Array) {
    const text = typeof pem === 'string' ? pem : Buffer.from(pem).toString('utf8');
    const der = Buffer.from(text.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, ''), 'base64');
    const asn1 = asn1js.fromBER(new Uint8Array(der).buffer);
    if (asn1.offset === -1) throw new Error('certificate is not DER');
    const cert = new pkijs.Certificate({ schema: asn1.result });
    this.raw = der;
    this.publicKey = new KeyObject(new Uint8Array(cert.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView));
  }
}

/** ECDSA P-256 over SHA-256 of `message`, DER signature; like Node, high-S signatures verify too. */
export function verify(algorithm: string, message: Uint8Array, key: KeyObject, signature: Uint8Array): boolean {
  requireSha256(algorithm);
  return p256.verify(signature, message, key.point, { prehash: true, lowS: false, format: 'der' });
}

/** The page never signs: it holds no key. */
export function createPrivateKey(): never {
  throw new Error('no private keys in the browser');
}

export function sign(): never {
  throw new Error('no signing in the browser');
}
