/**
 * The one table of error codes, shared by the chaincode and the SDK. Every rejection throws a
 * {@link ChaincodeError} whose message starts with its code (`CODE: reason`), because only the message
 * crosses the chain boundary to the client; a rejected transaction writes nothing.
 */
export const ERROR_CODES = {
  INVALID_ARGUMENT: 'an argument is missing, malformed or out of range',
  // JSON read as STIX content (strict-json.ts)
  JSON_DUPLICATE_KEY: 'an object gives the same key twice (JSON parsers disagree on which one counts)',
  JSON_FORBIDDEN_KEY: 'a key is __proto__, constructor or prototype',
  JSON_TEXT_INVALID: 'the text is not valid UTF-8, or a string holds a lone surrogate',
  JSON_TOO_DEEP: 'objects and arrays nest deeper than the limit (64)',
  ACCESS_DENIED: "the caller's org, role or institution may not run this transaction",
  TX_TIME_SKEWED: "the proposal's timestamp is further from the endorser's clock than allowed (XB_MAX_CLOCK_SKEW_SECONDS, default 300)",
  NOT_FOUND: 'the requested record does not exist',
  // registry
  INSTITUTION_INVALID: 'an institution record is malformed (id, kind, name, BIC or clearing code)',
  INSTITUTION_NOT_FOUND: 'no institution with this id',
  INSTITUTION_CONFLICT: 'an institution with this id exists with different details',
  INTEL_CREATOR_NOT_PRODUCER: "the object names another member's STIX identity as its creator (or is that identity)",
  INSTITUTION_OTHER_SIDE: "the institution's id prefix, a BIC's country or a clearing system belongs to the other operator's side",
  INSTITUTION_SUSPENDED: 'the institution is suspended and may not submit',
  KEY_INVALID: 'the certificate to register is malformed, expired or not issued to this institution',
  KEY_NOT_REGISTERED: "the submitter's certificate is not registered to its institution",
  KEY_REVOKED: "the submitter's certificate was revoked",
  KEY_EXPIRED: "the submitter's certificate is outside its validity period at the transaction time",
  // intel
  INTEL_INVALID_JSON: 'an intel argument or content is not valid JSON',
  INTEL_NOT_CANONICAL: 'the content is not in RFC 8785 canonical form',
  INTEL_INVALID_OBJECT: 'the STIX object breaks a STIX 2.1 rule (type, id, spec_version, timestamps)',
  INTEL_UNSUPPORTED_OBJECT: 'the STIX object kind is not recorded (marking definitions; cyber-observables at strict TLP levels)',
  SEEN_QUESTION_NOT_FOUND: 'no committed question with this id: ask with AskSeen and wait for its commit',
  SEEN_LIMIT_EXCEEDED: 'the institution asked its daily number of "have we seen this?" questions',
  INTEL_COMMITMENT_MISMATCH: "the content and its salt do not open the statement's (or record's) content commitment",
  INTEL_CONTENT_MALFORMED: 'sealed content is not 64 hex digits of salt, a line feed and the canonical object',
  INTEL_STATEMENT_MISMATCH: 'the statement does not match the content, the caller or the record',
  INTEL_SIGNATURE_INVALID: "the statement's signature does not verify with the submitter's certificate",
  INTEL_VERSION_CONFLICT: 'this version exists with a different content commitment, or is not newer than the latest',
  INTEL_NOT_PRODUCER: 'only the institution that produced the first version may version or revoke it',
  INTEL_CONTENT_DIFFERS: 'another member recorded this version of the object with other content (a co-signature needs the same content)',
  INTEL_REVOKED: 'the intel object is revoked and takes no new versions or sightings',
  INTEL_NOT_FOUND: 'no such intel object or version',
  INTEL_CONTENT_MISSING: 'the content (transient data) required for this TLP level is missing',
  INTEL_CONTENT_UNEXPECTED: 'content was sent in a transaction that must not carry it',
  TLP_UNKNOWN: 'the TLP level is not one of CLEAR, GREEN, AMBER, AMBER+STRICT, RED (or a known alias), or a marking list is malformed',
  MARKING_UNCLASSIFIED: 'a marking (object or granular) is not one the operators classify, so its sharing level is unknown',
  SIGHTING_INVALID: 'a sighting is malformed (count, first_seen, last_seen, note hash)',
  BATCH_TOO_LARGE: 'a batch holds more objects than allowed',
  PAGE_INVALID: 'page size or bookmark is invalid',
  RESULT_TOO_LARGE: 'an unpaged read would return more than its limit; narrow it (a UETR, a version) or use a paged listing',
  // payments
  PAYMENT_INVALID: 'a payment attestation or confirmation is malformed (ids, amounts, currencies, rate, agents, commitments)',
  PAYMENT_SIGNATURE_INVALID: "the attestation or confirmation signature does not verify with the submitter's certificate",
  PAYMENT_CONFLICT: 'a different attestation exists for this UETR',
  PAYMENT_NOT_FOUND: 'no payment with this UETR (or end-to-end id)',
  PAYMENT_LIMIT_EXCEEDED: 'the payment is over the per-payment cap, or the payer over the daily cap',
  PAYMENT_WRONG_SIDE: "the caller's org or institution is not the sending (attest) or receiving (confirm) side",
  PAYMENT_FINAL: 'the payment is in a final state; later events are recorded as new linked records',
  PARTY_KEY_UNAVAILABLE: "the operators' party-commitment key for this payment is not installed on an endorser (XB_PARTY_KEYS_FILE)",
  // checkpoints
  CHECKPOINT_INVALID: 'a checkpoint statement is malformed, for another channel or org, or its signature does not verify',
  CHECKPOINT_UNVERIFIED: "the endorsing peer's chain could not be read to confirm the checkpoint",
  CHECKPOINT_AHEAD: "the checkpoint height is above the endorsing peer's ledger height",
  CHECKPOINT_MISMATCH: "the checkpoint block hash differs from the endorsing peer's block, or from what this operator signed before",
  CORRIDOR_INVALID: 'corridor limits are malformed, or the approval does not match a pending proposal',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export function isErrorCode(value: string): value is ErrorCode {
  return Object.prototype.hasOwnProperty.call(ERROR_CODES, value);
}

export class ChaincodeError extends Error {
  readonly code: ErrorCode;
  /** The message without its code. */
  readonly reason: string;

  constructor(code: ErrorCode, reason: string) {
    super(`${code}: ${reason}`);
    this.name = 'ChaincodeError';
    this.code = code;
    this.reason = reason;
  }
}

const CODED = /(?:^|[\s:,])([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+): /g;

/**
 * Finds a chaincode error (`CODE: reason`) inside a message, also when a peer or the gateway wrapped
 * it ("chaincode response 500, INTEL_NOT_FOUND: ..."). Only codes of {@link ERROR_CODES} count.
 */
export function parseCodedMessage(message: string): { code: ErrorCode; reason: string } | undefined {
  for (const m of message.matchAll(CODED)) {
    const code = m[1];
    if (code !== undefined && isErrorCode(code)) return { code, reason: message.slice(m.index + m[0].length).trim() };
  }
  return undefined;
}
