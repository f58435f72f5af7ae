import { createHash, type KeyObject, verify, X509Certificate } from 'node:crypto';

/** Lowercase hex SHA-256. */
export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

export function isSha256Hex(value: string): boolean {
  return /^[0-9a-f]{64}$/.test(value);
}

/**
 * Parsed certificates by PEM text. Parsing an X.509 certificate costs far more than checking an
 * ECDSA signature, and a batch checks every object with the same registered key, so the parse is done
 * once per certificate and process. Results depend on the PEM text alone, so caching keeps every
 * endorser deterministic. Bounded: the oldest entry goes first.
 */
const CACHE_LIMIT = 512;
const parsed = new Map<string, { publicKey: KeyObject; fingerprint: string }>();

function parse(certificatePem: string): { publicKey: KeyObject; fingerprint: string } {
  const hit = parsed.get(certificatePem);
  if (hit) return hit;
  const cert = new X509Certificate(certificatePem);
  const entry = { publicKey: cert.publicKey, fingerprint: sha256Hex(cert.raw) };
  if (parsed.size >= CACHE_LIMIT) {
    const oldest = parsed.keys().next().value;
    if (oldest !== undefined) parsed.delete(oldest);
  }
  parsed.set(certificatePem, entry);
  return entry;
}

/** Verifies an ECDSA P-256 / SHA-256 DER signature over `message` with the key of a PEM certificate. */
export function verifyWithCertificate(certificatePem: string, message: Uint8Array, signature: Uint8Array): boolean {
  try {
    return verify('sha256', message, parse(certificatePem).publicKey, signature);
  } catch {
    return false;
  }
}

/** SHA-256 fingerprint of a certificate's DER, lowercase hex without separators. */
export function certificateFingerprint(certificatePem: string): string {
  return parse(certificatePem).fingerprint;
}
