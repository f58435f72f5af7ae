import { createPrivateKey, sign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';

/** Order of the P-256 group; Fabric rejects ECDSA signatures whose S is above half of it. */
const P256_N = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551');
const P256_HALF_N = P256_N >> 1n;

/**
 * A signer for `@hyperledger/fabric-gateway` built on `node:crypto` (OpenSSL): ECDSA P-256 over
 * SHA-256, DER-encoded, low-S normalised as Fabric requires. Use it with `hash.none`: it receives
 * the whole message and hashes it itself, which lets OpenSSL do the work in one call.
 *
 * @example
 * ```ts
 * const gateway = connect({ client, identity, signer: newNodeSigner(keyPem), hash: hash.none });
 * ```
 */
export function newNodeSigner(privateKey: KeyObject | string | Buffer): (message: Uint8Array) => Promise<Uint8Array> {
  const key = typeof privateKey === 'string' || Buffer.isBuffer(privateKey) ? createPrivateKey(privateKey) : privateKey;
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new TypeError('the node:crypto signer needs an ECDSA P-256 private key');
  }
  return (message) => Promise.resolve(signLowS(key, message));
}

/** ECDSA P-256 / SHA-256 signature of `message`, DER-encoded with S in the lower half of the group. */
export function signLowS(key: KeyObject, message: Uint8Array): Uint8Array {
  return toLowS(sign('sha256', message, key));
}

/** Rewrites a DER ECDSA signature so that S <= n/2 (the same signature, in Fabric's canonical form). */
export function toLowS(der: Uint8Array): Uint8Array {
  const { r, s } = parseDerSignature(der);
  if (s <= P256_HALF_N) return der;
  return encodeDerSignature(r, P256_N - s);
}

/** Parses a DER `SEQUENCE { INTEGER r, INTEGER s }`. */
export function parseDerSignature(der: Uint8Array): { r: bigint; s: bigint } {
  let offset = 0;
  const expect = (tag: number): number => {
    if (der[offset] !== tag) throw new Error('invalid DER signature');
    offset++;
    let length = der[offset++] ?? 0;
    if (length & 0x80) {
      const bytes = length & 0x7f;
      length = 0;
      for (let i = 0; i < bytes; i++) length = (length << 8) | (der[offset++] ?? 0);
    }
    return length;
  };
  const total = expect(0x30);
  if (total !== der.length - offset) throw new Error('invalid DER signature length');
  const readInt = (): bigint => {
    const len = expect(0x02);
    const bytes = der.subarray(offset, offset + len);
    offset += len;
    return BigInt(`0x${Buffer.from(bytes).toString('hex') || '0'}`);
  };
  const r = readInt();
  const s = readInt();
  if (offset !== der.length) throw new Error('trailing bytes after DER signature');
  return { r, s };
}

export function encodeDerSignature(r: bigint, s: bigint): Uint8Array {
  const int = (v: bigint): Buffer => {
    let hex = v.toString(16);
    if (hex.length % 2) hex = `0${hex}`;
    let bytes = Buffer.from(hex, 'hex');
    if ((bytes[0] ?? 0) & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
    return Buffer.concat([Buffer.from([0x02, bytes.length]), bytes]);
  };
  const body = Buffer.concat([int(r), int(s)]);
  return new Uint8Array(Buffer.concat([Buffer.from([0x30, body.length]), body]));
}
