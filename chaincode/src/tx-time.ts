import type { Context } from 'fabric-contract-api';

import { ChaincodeError } from '@xborder/protocol';

/** Default largest distance, in seconds, between a proposal's timestamp and the endorser's clock. */
export const DEFAULT_MAX_CLOCK_SKEW_SECONDS = 300;

/** `XB_MAX_CLOCK_SKEW_SECONDS` of the chaincode server, or the default. */
export function maxClockSkewMs(): number {
  const configured = Number(process.env.XB_MAX_CLOCK_SKEW_SECONDS ?? DEFAULT_MAX_CLOCK_SKEW_SECONDS);
  return (Number.isFinite(configured) && configured > 0 ? configured : DEFAULT_MAX_CLOCK_SKEW_SECONDS) * 1000;
}

/**
 * Refuses a proposal whose timestamp is further than the allowed skew from this endorser's clock.
 * The client sets the proposal timestamp, and records, key validity, listings and reconciliation
 * use it as the transaction's time; this bounds how far a client can move it. The endorser's clock
 * only decides whether to endorse, never what is written, so endorsements stay deterministic.
 */
export function checkTxTime(ctx: Context, nowMs: number = Date.now(), maxSkewMs: number = maxClockSkewMs()): void {
  const proposed = ctx.stub.getDateTimestamp().getTime();
  const skew = proposed - nowMs;
  if (Math.abs(skew) > maxSkewMs) {
    throw new ChaincodeError(
      'TX_TIME_SKEWED',
      `the proposal's timestamp ${new Date(proposed).toISOString()} is ${String(Math.round(skew / 1000))} s from this endorser's clock (at most ${String(maxSkewMs / 1000)} s)`,
    );
  }
}
