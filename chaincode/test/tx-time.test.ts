import { expect } from 'chai';
import type { Context } from 'fabric-contract-api';

import { checkTxTime, DEFAULT_MAX_CLOCK_SKEW_SECONDS, maxClockSkewMs } from '@xborder/chaincode/internal/tx-time';

const at = (iso: string): Context => ({ stub: { getDateTimestamp: () => new Date(iso) } }) as unknown as Context;

describe('client-chosen time: endorsers bound the proposal timestamp', () => {
  const now = Date.parse('2026-12-01T12:00:00Z');

  it('endorses within the allowed skew, in either direction', () => {
    expect(() => checkTxTime(at('2026-12-01T12:04:59Z'), now)).to.not.throw();
    expect(() => checkTxTime(at('2026-12-01T11:55:01Z'), now)).to.not.throw();
  });

  it('refuses a back-dated or future-dated proposal with TX_TIME_SKEWED', () => {
    expect(() => checkTxTime(at('2026-12-01T11:00:00Z'), now)).to.throw(/^TX_TIME_SKEWED: .* -3600 s from this endorser's clock/);
    expect(() => checkTxTime(at('2027-01-01T00:00:00Z'), now)).to.throw(/^TX_TIME_SKEWED: /);
    expect(() => checkTxTime(at('2026-12-01T12:00:31Z'), now, 30_000)).to.throw(/^TX_TIME_SKEWED: /);
  });

  it('takes the limit from XB_MAX_CLOCK_SKEW_SECONDS, 5 minutes by default', () => {
    const saved = process.env.XB_MAX_CLOCK_SKEW_SECONDS;
    try {
      delete process.env.XB_MAX_CLOCK_SKEW_SECONDS;
      expect(maxClockSkewMs()).to.equal(DEFAULT_MAX_CLOCK_SKEW_SECONDS * 1000);
      expect(DEFAULT_MAX_CLOCK_SKEW_SECONDS).to.equal(300);
      process.env.XB_MAX_CLOCK_SKEW_SECONDS = '60';
      expect(maxClockSkewMs()).to.equal(60_000);
      process.env.XB_MAX_CLOCK_SKEW_SECONDS = 'nonsense';
      expect(maxClockSkewMs()).to.equal(300_000);
    } finally {
      if (saved === undefined) delete process.env.XB_MAX_CLOCK_SKEW_SECONDS;
      else process.env.XB_MAX_CLOCK_SKEW_SECONDS = saved;
    }
  });
});
