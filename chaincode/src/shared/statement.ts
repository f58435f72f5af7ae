import { ChaincodeError } from './errors';
import { isSha256Hex, sha256Hex } from './hash';
import { canonicalBytes, canonicalize } from './jcs';
import { isStixId, isStixTimestamp, stixFacts } from './stix';
import type { StixFacts } from './stix';
import { TLP_LEVELS, tlpFromName } from './tlp';
import type { TlpLevel } from './tlp';

/** Domain separation: a signature over an intel statement can never pass as another kind of statement. */
export const INTEL_STATEMENT_PURPOSE = 'xborder/intel-statement/v1';

/**
 * What a producing institution signs for one STIX object version. Serialised with RFC 8785 (JCS) and
 * signed with ECDSA P-256 / SHA-256 (DER, base64 on the wire) by the institution's enrolled key:
 * `sig = ECDSA-P256-SHA256(key, UTF8(JCS(statement)))`. Binds the content without revealing it.
 */
export interface IntelStatement {
  readonly purpose: typeof INTEL_STATEMENT_PURPOSE;
  /** Lowercase hex SHA-256 of the RFC 8785 canonical bytes of the STIX object. */
  readonly contentHash: string;
  readonly stixId: string;
  readonly stixType: string;
  readonly modified: string;
  readonly tlp: TlpLevel;
  readonly institution: string;
  readonly mspId: string;
}

const INSTITUTION_RE = /^[a-z0-9][a-z0-9-]{1,62}$/;
const MSP_RE = /^[A-Za-z][A-Za-z0-9.-]{0,63}$/;

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

/** Validates a statement from untrusted JSON. */
export function parseIntelStatement(value: unknown): IntelStatement {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ChaincodeError('INVALID_ARGUMENT', 'the statement must be a JSON object');
  }
  const s = value as Record<string, unknown>;
  const keys = Object.keys(s).sort().join(',');
  if (keys !== 'contentHash,institution,modified,mspId,purpose,stixId,stixType,tlp') {
    throw new ChaincodeError(
      'INVALID_ARGUMENT',
      'the statement must have exactly purpose, contentHash, stixId, stixType, modified, tlp, institution, mspId',
    );
  }
  if (s.purpose !== INTEL_STATEMENT_PURPOSE)
    throw new ChaincodeError('INVALID_ARGUMENT', `statement purpose must be ${INTEL_STATEMENT_PURPOSE}`);
  if (typeof s.contentHash !== 'string' || !isSha256Hex(s.contentHash))
    throw new ChaincodeError('INVALID_ARGUMENT', 'contentHash must be 64 lowercase hex digits');
  if (typeof s.stixType !== 'string' || typeof s.stixId !== 'string' || !isStixId(s.stixId, s.stixType)) {
    throw new ChaincodeError('INVALID_ARGUMENT', 'stixId must be "<stixType>--<uuid>"');
  }
  if (typeof s.modified !== 'string' || !isStixTimestamp(s.modified))
    throw new ChaincodeError('INVALID_ARGUMENT', 'modified must be a STIX timestamp');
  if (typeof s.tlp !== 'string' || !(TLP_LEVELS as readonly string[]).includes(s.tlp)) {
    throw new ChaincodeError('TLP_UNKNOWN', `statement tlp must be one of ${TLP_LEVELS.join(', ')}`);
  }
  if (!isInstitutionId(s.institution)) throw new ChaincodeError('INVALID_ARGUMENT', 'institution must be a short lowercase id');
  if (!isMspId(s.mspId)) throw new ChaincodeError('INVALID_ARGUMENT', 'mspId is malformed');
  return {
    purpose: INTEL_STATEMENT_PURPOSE,
    contentHash: s.contentHash,
    stixId: s.stixId,
    stixType: s.stixType,
    modified: s.modified,
    tlp: s.tlp as TlpLevel,
    institution: s.institution,
    mspId: s.mspId,
  };
}

export function statementBytes(statement: IntelStatement): Uint8Array {
  return canonicalBytes(statement);
}

/** Checks that a statement describes exactly this content (hash, id, type, modified, TLP). */
export function checkStatementMatchesContent(statement: IntelStatement, canonicalText: string, facts: StixFacts): void {
  const hash = sha256Hex(canonicalText);
  if (hash !== statement.contentHash) {
    throw new ChaincodeError('INTEL_HASH_MISMATCH', `content hashes to ${hash}, the statement says ${statement.contentHash}`);
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
  readonly facts: StixFacts;
  readonly statement: IntelStatement;
}

/** Canonicalises a STIX object, checks it, hashes it and builds its statement (client side). */
export function prepareIntel(object: unknown, producer: { institution: string; mspId: string }): PreparedIntel {
  const facts = stixFacts(object);
  const canonical = canonicalize(object);
  if (Buffer.byteLength(canonical) > 1024 * 1024) throw new ChaincodeError('INTEL_INVALID_OBJECT', 'object larger than 1 MiB');
  const statement: IntelStatement = {
    purpose: INTEL_STATEMENT_PURPOSE,
    contentHash: sha256Hex(canonical),
    stixId: facts.id,
    stixType: facts.type,
    modified: facts.modified,
    tlp: facts.tlp,
    institution: producer.institution,
    mspId: producer.mspId,
  };
  return { canonical, facts, statement };
}

export { tlpFromName };
