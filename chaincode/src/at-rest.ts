/**
 * Private data sealed at rest under the operators' key, so that a door the chaincode does not guard
 * (a peer API, a misconfigured collection or ACL, a copy of a peer's disk) gives out ciphertext: only
 * the chaincode, which checks who may read, opens it. AES-256-GCM with a key derived from an operators'
 * party key and a nonce derived from what is sealed (its purpose, its record and the hash of the
 * plaintext): every endorser seals the same bytes alike, and a nonce never serves two plaintexts.
 * Format: `xbsealed1:<key id>:` then ciphertext and the 16-byte tag.
 */
import { createCipheriv, createDecipheriv, createHash, createHmac } from 'node:crypto';

import { ChaincodeError } from '@xborder/protocol';

import type { PartyKey } from './party-keys';

const MAGIC = 'xbsealed1:';

function parts(secret: Uint8Array, purpose: string, context: string): { key: Buffer; iv: Buffer } {
  return {
    key: createHmac('sha256', secret).update(`xborder/at-rest/v1/${purpose}`).digest(),
    iv: createHash('sha256').update(`${purpose}/${context}`).digest().subarray(0, 12),
  };
}

/** Seals `plain` for `purpose` (e.g. `payment-message`) under `key`; `context` names the record and content. */
export function sealAtRest(key: PartyKey, purpose: string, context: string, plain: Uint8Array): Uint8Array {
  const { key: k, iv } = parts(key.secret, purpose, context);
  const cipher = createCipheriv('aes-256-gcm', k, iv);
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([Buffer.from(`${MAGIC}${key.id}:`, 'utf8'), body, cipher.getAuthTag()]);
}

/** Whether bytes were sealed by {@link sealAtRest} (records written before sealing are plain). */
export function isSealedAtRest(bytes: Uint8Array): boolean {
  return Buffer.from(bytes.subarray(0, MAGIC.length)).toString('latin1') === MAGIC;
}

/** Opens sealed bytes with the key they name (looked up by `keyOf`); refuses tampered bytes. */
export function openAtRest(bytes: Uint8Array, purpose: string, context: string, keyOf: (id: string) => PartyKey): Uint8Array {
  const buf = Buffer.from(bytes);
  const end = buf.indexOf(0x3a, MAGIC.length);
  if (!isSealedAtRest(buf) || end < 0) throw new ChaincodeError('INVALID_ARGUMENT', 'not sealed private data');
  const key = keyOf(buf.subarray(MAGIC.length, end).toString('utf8'));
  const { key: k, iv } = parts(key.secret, purpose, context);
  const sealed = buf.subarray(end + 1);
  const decipher = createDecipheriv('aes-256-gcm', k, iv);
  decipher.setAuthTag(sealed.subarray(sealed.length - 16));
  try {
    return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - 16)), decipher.final()]);
  } catch {
    throw new ChaincodeError('INVALID_ARGUMENT', `sealed ${purpose} does not open: altered, or sealed for another record`);
  }
}
