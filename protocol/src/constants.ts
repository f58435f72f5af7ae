/**
 * Facts both sides rely on, in one place: who the operators are, where content lives, and the limits
 * every transaction and client respects.
 */

/** The two operators: their admins sign checkpoints and configuration changes; their institutions write. */
export const OPERATOR_MSPS = ['HKMSP', 'THMSP'] as const;
export type OperatorMsp = (typeof OPERATOR_MSPS)[number];

export function isOperatorMsp(mspId: string): mspId is OperatorMsp {
  return (OPERATOR_MSPS as readonly string[]).includes(mspId);
}

/** Private collection both operators' peers hold: content marked CLEAR, GREEN or AMBER, kept pacs.008 messages. */
export const SHARED_COLLECTION = 'hkThShared';

/** Private collection of one org only: content marked AMBER+STRICT or RED. */
export function implicitCollection(mspId: string): string {
  return `_implicit_org_${mspId}`;
}

/** Most intel objects in one SubmitIntelBatch transaction. */
export const MAX_BATCH = 100;

/** Largest canonical STIX object recorded. */
export const MAX_OBJECT_BYTES = 1024 * 1024;

/** Page sizes of every paged listing. */
export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

/** Most kept payment messages one purge transaction removes. */
export const MAX_PURGE_BATCH = 200;

/** Fabric's transaction validation codes the SDK and the tools name (peer.TxValidationCode). */
export const VALIDATION_CODES = { VALID: 0, ENDORSEMENT_POLICY_FAILURE: 10, MVCC_READ_CONFLICT: 11, PHANTOM_READ_CONFLICT: 12 } as const;

/** Most entries an unpaged read returns before it answers RESULT_TOO_LARGE. */
export const MAX_UNPAGED_RESULTS = 500;

/** Institution ids (short lowercase names) and MSP ids, as patterns for regular expressions and schemas. */
export const INSTITUTION_ID_PATTERN = '^[a-z0-9][a-z0-9-]{1,62}$';
export const MSP_ID_PATTERN = '^[A-Za-z][A-Za-z0-9.-]{0,63}$';

/** A UUID of any version (STIX ids) and a version 4 UUID (UETRs), lowercase only. */
export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
export const UUID4_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** A base64 DER ECDSA signature as it travels (P-256 signatures are at most 72 bytes; 400 leaves room). */
const SIGNATURE_B64_RE = /^[A-Za-z0-9+/]+={0,2}$/;
export const MAX_SIGNATURE_B64 = 400;

export function isSignatureBase64(value: string): boolean {
  return value.length <= MAX_SIGNATURE_B64 && SIGNATURE_B64_RE.test(value);
}

export function isUetr(value: unknown): value is string {
  return typeof value === 'string' && UUID4_RE.test(value);
}
