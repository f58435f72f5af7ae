/**
 * The one table of error codes. Every rejection throws a {@link ChaincodeError} whose message starts
 * with its code (`CODE: reason`), because only the message crosses the chain boundary to the client.
 */
export const ERROR_CODES = {
  INVALID_ARGUMENT: 'an argument is missing, malformed or out of range',
  ACCESS_DENIED: "the caller's org or role may not run this transaction",
  NOT_FOUND: 'the requested record does not exist',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export class ChaincodeError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, reason: string) {
    super(`${code}: ${reason}`);
    this.name = 'ChaincodeError';
    this.code = code;
  }
}
