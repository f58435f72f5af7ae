import { ChaincodeError } from './errors';
import { intelStatementShape } from './arguments';
import { contentCommitment, isSalt, newSalt, opensTo } from './commitment';
import { INSTITUTION_ID_PATTERN, MAX_OBJECT_BYTES, MSP_ID_PATTERN } from './constants';
import { canonicalBytes, canonicalize } from './jcs';
import { OBSERVABLE_STATEMENT_PURPOSE, observableFacts } from './observable';
import type { ObservableStatement } from './observable';
import { isStixId, isStixTimestamp, SCO_TYPES, stixFacts } from './stix';
import type { StixFacts } from './stix';
import { TLP_LEVELS, tlpFromName } from './tlp';
import type { TlpLevel } from './tlp';

/**
 * Domain separation: a signature over an intel statement can never pass as another kind of statement.
 * Version 2 commits to the content with a salted commitment (see commitment.ts); version 1 carried a
 * bare SHA-256 of the content, which small objects give away, and is no longer accepted.
 */
export const INTEL_STATEMENT_PURPOSE = 'xborder/intel-statement/v2';

/**
 * What a producing institution signs for one STIX object version. Serialised with RFC 8785 (JCS) and
 * signed with ECDSA P-256 / SHA-256 (DER, base64 on the wire) by the institution's enrolled key:
 * `sig = ECDSA-P256-SHA256(key, UTF8(JCS(statement)))`. Binds the content without revealing it.
 */
export interface IntelStatement {
  readonly purpose: typeof INTEL_STATEMENT_PURPOSE;
  /** Lowercase hex HMAC-SHA256(salt, RFC 8785 canonical bytes of the STIX object); see commitment.ts. */
  readonly contentCommitment: string;
  readonly stixId: string;
  readonly stixType: string;
  readonly modified: string;
  readonly tlp: TlpLevel;
  readonly institution: string;
  readonly mspId: string;
}

const INSTITUTION_RE = new RegExp(INSTITUTION_ID_PATTERN);
const MSP_RE = new RegExp(MSP_ID_PATTERN);

export function isInstitutionId(value: unknown): value is string {
  return typeof value === 'string' && INSTITUTION_RE.test(value);
}

export function isMspId(value: unknown): value is string {
  return typeof value === 'string' && MSP_RE.test(value);
}

/** Parses JSON text, mapping a syntax error to the given code. */
export function parseJson(text: string, code: 'INTEL_INVALID_JSON' | 'INVALID_ARGUMENT', what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ChaincodeError(code, `${what} is not valid JSON`);
  }
}

/**
 * Parses content that must already be in canonical form: re-serialising must give the same text
 * (this also rejects duplicate keys, numbers beyond 2^53 and non-canonical whitespace or escapes).
 */
export function parseCanonical(text: string, what: string): unknown {
  const value = parseJson(text, 'INTEL_INVALID_JSON', what);
  if (canonicalize(value) !== text) throw new ChaincodeError('INTEL_NOT_CANONICAL', `${what} is not RFC 8785 canonical JSON`);
  return value;
}

/** Validates a statement from untrusted JSON: its shape by schema, then what the fields must mean. */
export function parseIntelStatement(value: unknown): IntelStatement {
  const purpose = typeof value === 'object' && value !== null ? (value as { purpose?: unknown }).purpose : undefined;
  if (purpose !== INTEL_STATEMENT_PURPOSE)
    throw new ChaincodeError(
      'INVALID_ARGUMENT',
      `statement purpose must be ${INTEL_STATEMENT_PURPOSE} (version 1 statements carry a bare content hash and are refused)`,
    );
  const s = intelStatementShape(value);
  if (!isStixId(s.stixId, s.stixType)) throw new ChaincodeError('INVALID_ARGUMENT', 'stixId must be "<stixType>--<uuid>"');
  if (!isStixTimestamp(s.modified)) throw new ChaincodeError('INVALID_ARGUMENT', 'modified must be a STIX timestamp');
  if (!(TLP_LEVELS as readonly string[]).includes(s.tlp)) {
    throw new ChaincodeError('TLP_UNKNOWN', `statement tlp must be one of ${TLP_LEVELS.join(', ')}`);
  }
  return {
    purpose: INTEL_STATEMENT_PURPOSE,
    contentCommitment: s.contentCommitment,
    stixId: s.stixId,
    stixType: s.stixType,
    modified: s.modified,
    tlp: s.tlp as TlpLevel,
    institution: s.institution,
    mspId: s.mspId,
  };
}

export function statementBytes(statement: IntelStatement | ObservableStatement): Uint8Array {
  return canonicalBytes(statement);
}

/** Checks that a statement describes exactly this content (commitment under `salt`, id, type, modified, TLP). */
export function checkStatementMatchesContent(statement: IntelStatement, salt: string, canonicalText: string, facts: StixFacts): void {
  if (!opensTo(statement.contentCommitment, salt, canonicalText)) {
    throw new ChaincodeError('INTEL_COMMITMENT_MISMATCH', "the content and its salt do not open the statement's commitment");
  }
  const mismatches: string[] = [];
  if (facts.id !== statement.stixId) mismatches.push('stixId');
  if (facts.type !== statement.stixType) mismatches.push('stixType');
  if (facts.modified !== statement.modified) mismatches.push('modified');
  if (facts.tlp !== statement.tlp) mismatches.push(`tlp (content is ${facts.tlp})`);
  if (mismatches.length > 0)
    throw new ChaincodeError('INTEL_STATEMENT_MISMATCH', `statement differs from the content in ${mismatches.join(', ')}`);
}

/** What a client prepares for one STIX object before signing. */
export interface PreparedIntel {
  readonly canonical: string;
  /** The random salt of this version's commitment; it travels and rests with the content only. */
  readonly salt: string;
  /** The object's STIX id and version (`modified`; null for cyber-observables, which have none). */
  readonly id: string;
  readonly version: string | null;
  /** An intel statement, or for a cyber-observable an observable statement (no id, no value). */
  readonly statement: IntelStatement | ObservableStatement;
}

/**
 * Canonicalises a STIX object, checks it, commits to it and builds its statement (client side). A new
 * random salt each time unless `salt` is given (to resubmit a version with the salt it was recorded with).
 */
export function prepareIntel(object: unknown, producer: { institution: string; mspId: string }, salt = newSalt()): PreparedIntel {
  const type = typeof object === 'object' && object !== null ? (object as { type?: unknown }).type : undefined;
  const observable = typeof type === 'string' && SCO_TYPES.has(type);
  const canonical = canonicalize(object);
  if (Buffer.byteLength(canonical) > MAX_OBJECT_BYTES) throw new ChaincodeError('INTEL_INVALID_OBJECT', 'object larger than 1 MiB');
  if (!isSalt(salt)) throw new ChaincodeError('INVALID_ARGUMENT', 'a salt is 64 lowercase hex digits (32 bytes)');
  if (observable) {
    const facts = observableFacts(object);
    const statement: ObservableStatement = {
      purpose: OBSERVABLE_STATEMENT_PURPOSE,
      contentCommitment: contentCommitment(salt, canonical),
      stixType: facts.type,
      tlp: facts.tlp,
      institution: producer.institution,
      mspId: producer.mspId,
    };
    return { canonical, salt, id: facts.id, version: null, statement };
  }
  const facts = stixFacts(object);
  const statement: IntelStatement = {
    purpose: INTEL_STATEMENT_PURPOSE,
    contentCommitment: contentCommitment(salt, canonical),
    stixId: facts.id,
    stixType: facts.type,
    modified: facts.modified,
    tlp: facts.tlp,
    institution: producer.institution,
    mspId: producer.mspId,
  };
  return { canonical, salt, id: facts.id, version: facts.modified, statement };
}

export { tlpFromName };
