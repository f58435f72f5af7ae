import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

import { ChaincodeError } from './errors';

/**
 * Salted commitments to intel content. A bare SHA-256 of a small canonical object (a relationship, a
 * templated indicator) can be found by hashing candidates; a commitment keyed by a random salt cannot,
 * and whoever holds the content and its salt can still check it:
 *
 *   commitment = lowercase hex HMAC-SHA256(key = salt, message = UTF-8 canonical content)
 *
 * The salt is 32 random bytes (64 lowercase hex digits), new for every object version, chosen by the
 * producer and kept with the content in private data, never on the public ledger.
 */
export const COMMITMENT_SCHEME = 'hmac-sha256-salt256/v1';
export const SALT_BYTES = 32;

const SALT_RE = /^[0-9a-f]{64}$/;

export function isSalt(value: unknown): value is string {
  return typeof value === 'string' && SALT_RE.test(value);
}

/** A fresh random salt (client side; the chaincode never makes one: it would not be deterministic). */
export function newSalt(): string {
  return randomBytes(SALT_BYTES).toString('hex');
}

export function contentCommitment(salt: string, canonical: string | Uint8Array): string {
  if (!isSalt(salt)) throw new ChaincodeError('INVALID_ARGUMENT', 'a salt is 64 lowercase hex digits (32 bytes)');
  return createHmac('sha256', Buffer.from(salt, 'hex')).update(canonical).digest('hex');
}

/** Whether `canonical` under `salt` gives `commitment` (constant time). */
export function opensTo(commitment: string, salt: string, canonical: string | Uint8Array): boolean {
  const computed = Buffer.from(contentCommitment(salt, canonical), 'hex');
  const given = Buffer.from(commitment, 'hex');
  return given.length === computed.length && timingSafeEqual(given, computed);
}

/**
 * Content as it travels (transient data) and rests (private data): the salt, a line feed, then the
 * canonical content. Fabric writes the SHA-256 of every private value to the public ledger, so the
 * salt must be inside the value: a bare canonical value would put its guessable hash back in the block.
 */
export function sealContent(salt: string, canonical: string): Uint8Array {
  if (!isSalt(salt)) throw new ChaincodeError('INVALID_ARGUMENT', 'a salt is 64 lowercase hex digits (32 bytes)');
  return Buffer.from(`${salt}\n${canonical}`, 'utf8');
}

/** Splits sealed content into salt and canonical bytes; refuses anything else with INTEL_CONTENT_MALFORMED. */
export function openSealed(bytes: Uint8Array): { salt: string; canonical: Uint8Array } {
  const salt = Buffer.from(bytes.subarray(0, 64)).toString('latin1');
  if (bytes.length < 66 || bytes[64] !== 0x0a || !isSalt(salt)) {
    throw new ChaincodeError(
      'INTEL_CONTENT_MALFORMED',
      'content must be sent sealed: 64 hex digits of salt, a line feed, the canonical object',
    );
  }
  return { salt, canonical: bytes.subarray(65) };
}

/**
 * What a member who read a version's content hands to an auditor: the object and its salt, enough to
 * recompute the commitment on the ledger (`xborder audit verify opening.json`).
 */
export const OPENING_FORMAT = 'xborder/content-opening/v1';

export interface ContentOpening {
  readonly format: typeof OPENING_FORMAT;
  readonly stixId: string;
  readonly modified: string;
  readonly contentCommitment: string;
  readonly salt: string;
  readonly object: unknown;
}

export function isOpening(value: unknown): value is ContentOpening {
  if (typeof value !== 'object' || value === null) return false;
  const o = value as Record<string, unknown>;
  return o.format === OPENING_FORMAT && isSalt(o.salt) && typeof o.object === 'object' && o.object !== null;
}
