/**
 * Ledger keys: simple keys made of parts joined by U+0001 (inputs never contain control characters),
 * so every family of keys can be read with (paginated) range queries, which Fabric does not allow on
 * composite keys. The chaincode writes with these and the offline proof checker binds a record to
 * its own ids with them.
 */
import { ChaincodeError } from './errors';
import { timestampKey } from './stix';
import { hasControlChars } from './text';

export const KEY_SEPARATOR = '\u0001';
/** Sorts after every separator: the end of a prefix range. */
export const KEY_RANGE_END = '\u0002';

/** Joins key parts; refuses an empty part or one with a control character. */
export function ledgerKey(...parts: readonly string[]): string {
  for (const part of parts) {
    if (part.length === 0 || hasControlChars(part))
      throw new ChaincodeError('INVALID_ARGUMENT', 'key parts must be non-empty and free of control characters');
  }
  return parts.join(KEY_SEPARATOR);
}

/** The key of one intel version's public record. */
export function intelVersionKey(stixId: string, modified: string): string {
  return ledgerKey('intel', stixId, timestampKey(modified));
}

/** The key of a payment's public record. */
export function paymentRecordKey(uetr: string): string {
  return ledgerKey('payment', uetr);
}

/** Which family a key belongs to, as far as proofs care. */
export function recordKind(key: string): 'intel' | 'payment' | 'other' {
  if (key.startsWith(`intel${KEY_SEPARATOR}`)) return 'intel';
  if (key.startsWith(`payment${KEY_SEPARATOR}`)) return 'payment';
  return 'other';
}
