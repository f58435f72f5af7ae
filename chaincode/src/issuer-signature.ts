/**
 * Whether a certificate was signed by the same CA key as another certificate, with no CA certificate at
 * hand: the chaincode sees only certificates, and the one it can trust is the caller's own, which the
 * peer's MSP has already validated against the org's CA. An ECDSA signature determines its signer's
 * public key up to a few candidates (SEC 1, 4.1.6), so the candidates recovered from the trusted
 * certificate's signature include the CA's key; the other candidates are points nobody holds a private
 * key for. The certificate under test must then verify, by OpenSSL, under one of them.
 */
import { createHash, createPublicKey } from 'node:crypto';
import type { KeyObject, X509Certificate } from 'node:crypto';

import { ecdsa } from '@noble/curves/abstract/weierstrass';
import { p256, p384 } from '@noble/curves/nist';
import { sha256, sha384 } from '@noble/hashes/sha2';
import { BitString, fromBER, Sequence } from 'asn1js';

interface SignedParts {
  readonly tbs: Uint8Array;
  readonly algorithm: string;
  readonly signature: Uint8Array;
}

const ECDSA_WITH = new Map<string, string>([
  ['1.2.840.10045.4.3.2', 'sha256'],
  ['1.2.840.10045.4.3.3', 'sha384'],
]);

function signedParts(cert: X509Certificate): SignedParts | undefined {
  const parsed = fromBER(new Uint8Array(cert.raw));
  if (parsed.offset === -1 || !(parsed.result instanceof Sequence)) return undefined;
  const [tbs, algorithm, signature] = parsed.result.valueBlock.value;
  if (!(tbs instanceof Sequence) || !(algorithm instanceof Sequence) || !(signature instanceof BitString)) return undefined;
  const oid = algorithm.valueBlock.value[0];
  if (oid === undefined) return undefined;
  return {
    tbs: new Uint8Array(tbs.valueBeforeDecodeView),
    algorithm: (oid as unknown as { valueBlock: { toString(): string } }).valueBlock.toString(),
    signature: new Uint8Array(signature.valueBlock.valueHexView),
  };
}

// digests are computed above (prehash off); the hash given here is only the curves' signing default
const CURVES = [
  [ecdsa(p256.Point, sha256), 'P-256'],
  [ecdsa(p384.Point, sha384), 'P-384'],
] as const;

/** The public keys (as Node key objects) that could have made `cert`'s ECDSA signature. */
function signerCandidates(cert: X509Certificate): KeyObject[] {
  const parts = signedParts(cert);
  if (!parts) return [];
  const hash = ECDSA_WITH.get(parts.algorithm);
  if (hash === undefined) return [];
  const digest = createHash(hash).update(parts.tbs).digest();
  const keys: KeyObject[] = [];
  for (const [curve, name] of CURVES) {
    let signature;
    try {
      signature = curve.Signature.fromBytes(parts.signature, 'der');
    } catch {
      continue;
    }
    for (let bit = 0; bit < 4; bit++) {
      try {
        const recovered = curve.recoverPublicKey(signature.addRecoveryBit(bit).toBytes('recovered'), digest, { prehash: false });
        const point = curve.Point.fromBytes(recovered).toAffine();
        const size = name === 'P-256' ? 32 : 48;
        const b64 = (n: bigint) => Buffer.from(n.toString(16).padStart(size * 2, '0'), 'hex').toString('base64url');
        keys.push(createPublicKey({ key: { kty: 'EC', crv: name, x: b64(point.x), y: b64(point.y) }, format: 'jwk' }));
      } catch {
        // no point for this recovery bit (or r out of range on this curve)
      }
    }
  }
  return keys;
}

/**
 * True when `cert` carries a signature that verifies under the key that signed `trusted` (which the
 * caller has already validated), and names the same issuer.
 */
export function signedBySameIssuer(cert: X509Certificate, trusted: X509Certificate): boolean {
  if (cert.issuer !== trusted.issuer) return false;
  return signerCandidates(trusted).some((key) => {
    try {
      return cert.verify(key);
    } catch {
      return false;
    }
  });
}
