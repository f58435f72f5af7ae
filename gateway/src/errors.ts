import { CommitError, CommitStatusError, EndorseError, GatewayError } from '@hyperledger/fabric-gateway';

/** What one peer answered, when a request failed at several peers. */
export interface PeerDetail {
  readonly address: string;
  readonly mspId: string;
  readonly message: string;
}

/**
 * Every failure of the SDK: `code` is the chaincode's stable error code (`INTEL_NOT_FOUND`, ...) when
 * the chaincode rejected the request, or a client-side code such as `ENDORSEMENT_FAILED`,
 * `COMMIT_FAILED`, `MVCC_READ_CONFLICT`, `UNAVAILABLE`, `DEADLINE_EXCEEDED`, `BAD_INPUT`, `CONFIG`.
 */
export class XborderError extends Error {
  readonly code: string;
  readonly transactionId: string | undefined;
  readonly details: readonly PeerDetail[];

  constructor(code: string, message: string, options: { transactionId?: string; details?: readonly PeerDetail[]; cause?: unknown } = {}) {
    super(message, options.cause !== undefined ? { cause: options.cause } : undefined);
    this.name = 'XborderError';
    this.code = code;
    this.transactionId = options.transactionId;
    this.details = options.details ?? [];
  }
}

const CODE_PREFIX = /(?:^|[\s:])([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+): (.*)$/s;

/** Finds a chaincode error code (`CODE: reason`) inside a peer's message. */
export function extractCode(message: string): { code: string; reason: string } | undefined {
  const idx = message.search(/[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+: /);
  if (idx < 0) return undefined;
  const m = CODE_PREFIX.exec(message.slice(Math.max(0, idx - 1)));
  if (!m?.[1] || m[2] === undefined) return undefined;
  return { code: m[1], reason: m[2].trim() };
}

/** The SDK's code for a transaction the peers committed as invalid, by its validation code. */
export function validationCodeName(code: number): string {
  switch (code) {
    case 10:
      return 'ENDORSEMENT_POLICY_FAILURE';
    case 11:
      return 'MVCC_READ_CONFLICT';
    case 12:
      return 'PHANTOM_READ_CONFLICT';
    default:
      return 'COMMIT_FAILED';
  }
}

/** Maps a fabric-gateway error (or anything thrown) to an {@link XborderError}. */
export function toXborderError(err: unknown): XborderError {
  if (err instanceof XborderError) return err;
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
    const texts = [...details.map((d) => d.message), err.message];
    for (const text of texts) {
      const found = extractCode(text);
      if (found) return new XborderError(found.code, found.reason, { ...(txId ? { transactionId: txId } : {}), details, cause: err });
    }
    const grpc = GRPC_CODES[err.code] ?? 'GATEWAY_ERROR';
    const code = err instanceof EndorseError && grpc === 'ABORTED' ? 'ENDORSEMENT_FAILED' : grpc;
    const perPeer = details.length > 0 ? `\n${details.map((d) => `  ${d.mspId} ${d.address}: ${d.message}`).join('\n')}` : '';
    return new XborderError(code, `${err.message}${perPeer}`, { ...(txId ? { transactionId: txId } : {}), details, cause: err });
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
