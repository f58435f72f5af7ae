import { createHash, verify, X509Certificate } from 'node:crypto';

/** Lowercase hex SHA-256. */
export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

export function isSha256Hex(value: string): boolean {
  return /^[0-9a-f]{64}$/.test(value);
}

/** Verifies an ECDSA P-256 / SHA-256 DER signature over `message` with the key of a PEM certificate. */
export function verifyWithCertificate(certificatePem: string, message: Uint8Array, signature: Uint8Array): boolean {
  try {
    const cert = new X509Certificate(certificatePem);
    return verify('sha256', message, cert.publicKey, signature);
  } catch {
    return false;
  }
}

/** SHA-256 fingerprint of a certificate's DER, lowercase hex without separators. */
export function certificateFingerprint(certificatePem: string): string {
  return sha256Hex(new X509Certificate(certificatePem).raw);
}
