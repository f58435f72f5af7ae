import { CommitError, CommitStatusError, EndorseError, GatewayError } from '@hyperledger/fabric-gateway';
import { ChaincodeError, parseCodedMessage, VALIDATION_CODES } from '@xborder/protocol';
import type { ErrorCode } from '@xborder/protocol';

/** What one peer answered, when a request failed at several peers. */
export interface PeerDetail {
  readonly address: string;
  readonly mspId: string;
  readonly message: string;
}

/**
 * The SDK's own error codes, for failures the chaincode did not name. None of them is also a chaincode
 * code (`ERROR_CODES` of `@xborder/protocol`), so a code always says which side decided.
 */
export const CLIENT_ERROR_CODES = {
  ENDORSEMENT_FAILED: 'the peers did not endorse the proposal, without a chaincode code (see details)',
  ENDORSEMENT_POLICY_FAILURE: 'the transaction was committed as invalid: its endorsements do not satisfy the policy',
  MVCC_READ_CONFLICT: 'the transaction was committed as invalid: a key it read changed first (resubmitted by the SDK)',
  PHANTOM_READ_CONFLICT: 'the transaction was committed as invalid: a range it read changed first (resubmitted by the SDK)',
  COMMIT_FAILED: 'the transaction was committed as invalid for another reason (see the validation code)',
  COMMIT_TIMEOUT: 'no block carried the transaction in time',
  COMMIT_EVENTS_FAILED: 'the block event stream broke and could not be reopened, or the watcher is closed',
  UNAVAILABLE: 'a peer, orderer or stream could not be reached (gRPC UNAVAILABLE)',
  DEADLINE_EXCEEDED: 'a call took longer than its deadline (gRPC DEADLINE_EXCEEDED)',
  GATEWAY_ERROR: 'the gateway failed for another reason; `grpcStatus` names the gRPC status',
  PROOF_FAILED: 'a proof could not be built from what the peer returned',
  BAD_INPUT: 'an input file or value is malformed',
  CONFIG: 'a profile, identity or key file is missing or malformed',
  USAGE: 'a command was called with wrong arguments',
  CLIENT_ERROR: 'anything else thrown in the client',
} as const;

/** A code of {@link CLIENT_ERROR_CODES}: a failure the SDK names because the chaincode did not. */
export type ClientErrorCode = keyof typeof CLIENT_ERROR_CODES;

/** Every code an {@link XborderError} carries: the chaincode's or the SDK's. */
export type XborderErrorCode = ErrorCode | ClientErrorCode;

/**
 * Every failure of the SDK: `code` is the chaincode's stable error code (`INTEL_NOT_FOUND`, ...) when
 * the chaincode rejected the request, else one of {@link CLIENT_ERROR_CODES}; a gRPC failure keeps its
 * status name in `grpcStatus`.
 */
export class XborderError extends Error {
  readonly code: XborderErrorCode;
  readonly transactionId: string | undefined;
  readonly details: readonly PeerDetail[];
  /** The gRPC status name (`UNAVAILABLE`, `INVALID_ARGUMENT`, ...) when the failure came from a gRPC call. */
  readonly grpcStatus: string | undefined;

  constructor(
    code: XborderErrorCode,
    message: string,
    options: { transactionId?: string; details?: readonly PeerDetail[]; grpcStatus?: string; cause?: unknown } = {},
  ) {
    super(message, options.cause !== undefined ? { cause: options.cause } : undefined);
    this.name = 'XborderError';
    this.code = code;
    this.transactionId = options.transactionId;
    this.details = options.details ?? [];
    this.grpcStatus = options.grpcStatus;
  }
}

/** Finds a chaincode error code (`CODE: reason`) inside a peer's message. */
export function extractCode(message: string): { code: ErrorCode; reason: string } | undefined {
  return parseCodedMessage(message);
}

/** The SDK's code for a transaction the peers committed as invalid, by its validation code. */
export function validationCodeName(code: number): ClientErrorCode {
  switch (code) {
    case VALIDATION_CODES.ENDORSEMENT_POLICY_FAILURE:
      return 'ENDORSEMENT_POLICY_FAILURE';
    case VALIDATION_CODES.MVCC_READ_CONFLICT:
      return 'MVCC_READ_CONFLICT';
    case VALIDATION_CODES.PHANTOM_READ_CONFLICT:
      return 'PHANTOM_READ_CONFLICT';
    default:
      return 'COMMIT_FAILED';
  }
}

/** Maps a fabric-gateway error (or anything thrown) to an {@link XborderError}. */
export function toXborderError(err: unknown): XborderError {
  if (err instanceof XborderError) return err;
  // the protocol's own checks, run in the client before anything is sent, keep their code
  if (err instanceof ChaincodeError) return new XborderError(err.code, err.reason, { cause: err });
  if (err instanceof CommitError) {
    const status = String(err.code);
    const code = validationCodeName(err.code);
    return new XborderError(code, `transaction ${err.transactionId} was not valid (validation code ${status}): ${err.message}`, {
      transactionId: err.transactionId,
      cause: err,
    });
  }
  if (err instanceof GatewayError) {
    const details = err.details.map((d) => ({ address: d.address, mspId: d.mspId, message: d.message }));
    const txId = err instanceof EndorseError || err instanceof CommitStatusError ? err.transactionId : undefined;
    // the gRPC status leads the gateway's own message ("3 INVALID_ARGUMENT: ..."): it is not a chaincode code
    const texts = [...details.map((d) => d.message), err.message.replace(/^\d+ [A-Z_]+: /, '')];
    for (const text of texts) {
      const found = extractCode(text);
      if (found) return new XborderError(found.code, found.reason, { ...(txId ? { transactionId: txId } : {}), details, cause: err });
    }
    const grpcStatus = GRPC_CODES[err.code] ?? `GRPC_${String(err.code)}`;
    const code: ClientErrorCode =
      grpcStatus === 'UNAVAILABLE' || grpcStatus === 'DEADLINE_EXCEEDED'
        ? grpcStatus
        : err instanceof EndorseError && grpcStatus === 'ABORTED'
          ? 'ENDORSEMENT_FAILED'
          : 'GATEWAY_ERROR';
    const perPeer = details.length > 0 ? `\n${details.map((d) => `  ${d.mspId} ${d.address}: ${d.message}`).join('\n')}` : '';
    return new XborderError(code, `${err.message}${perPeer}`, {
      ...(txId ? { transactionId: txId } : {}),
      details,
      grpcStatus,
      cause: err,
    });
  }
  if (err instanceof Error) return new XborderError('CLIENT_ERROR', err.message, { cause: err });
  return new XborderError('CLIENT_ERROR', String(err));
}

const GRPC_CODES: Record<number, string> = {
  1: 'CANCELLED',
  2: 'UNKNOWN',
  3: 'INVALID_ARGUMENT',
  4: 'DEADLINE_EXCEEDED',
  5: 'NOT_FOUND',
  7: 'PERMISSION_DENIED',
  9: 'FAILED_PRECONDITION',
  10: 'ABORTED',
  13: 'INTERNAL',
  14: 'UNAVAILABLE',
  16: 'UNAUTHENTICATED',
};

/** Runs the protocol's client-side checks; their refusals become an {@link XborderError} with the same code. */
export function checkedLocally<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw toXborderError(err);
  }
}
