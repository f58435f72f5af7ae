import { expect } from 'chai';

import { ActivityIndex } from '@xborder/console';

const intel = (
  stixId: string,
  modified: string,
  over: Partial<{ tlp: string; stixType: string; producer: string; txTime: string; revoked: boolean }> = {},
) => ({
  stixId,
  modified,
  stixType: over.stixType ?? 'indicator',
  tlp: (over.tlp ?? 'AMBER') as 'AMBER',
  producer: over.producer ?? 'hk-bank-a',
  txTime: over.txTime ?? '2026-12-01T10:00:00.000Z',
  revoked: over.revoked ?? false,
});

const payment = (uetr: string, state: 'ATTESTED' | 'CONFIRMED' | 'DISPUTED' | 'REJECTED', differingFields: string[] = []) => ({
  uetr,
  corridor: 'HK-TH' as const,
  settlementDate: '2026-12-01',
  state,
  attester: 'hk-bank-a',
  confirmer: state === 'ATTESTED' ? null : 'th-bank-a',
  differingFields,
});

describe('console activity index', () => {
  it('counts each intel version once per day by TLP, type and producer, however often it is seen', () => {
    const index = new ActivityIndex();
    expect(index.addIntel(intel('indicator--a', 'v1'))).to.equal(true);
    expect(index.addIntel(intel('indicator--a', 'v1'))).to.equal(false);
    index.addIntel(intel('indicator--a', 'v2', { tlp: 'RED' }));
    index.addIntel(intel('identity--b', 'v1', { stixType: 'identity', producer: 'th-bank-a', txTime: '2026-12-02T00:00:00.000Z' }));
    const s = index.snapshot();
    expect(s.intel.total).to.equal(3);
    expect(s.intel.days).to.deep.equal([
      { day: '2026-12-01', total: 2, tlp: { AMBER: 1, RED: 1 }, type: { indicator: 2 }, producer: { 'hk-bank-a': 2 } },
      { day: '2026-12-02', total: 1, tlp: { AMBER: 1 }, type: { identity: 1 }, producer: { 'th-bank-a': 1 } },
    ]);
    expect(index.snapshot(1).intel.days.map((d) => d.day)).to.deep.equal(['2026-12-02']);
  });

  it('counts revoked objects once, whether listed revoked or revoked by an event', () => {
    const index = new ActivityIndex();
    index.addIntel(intel('indicator--a', 'v1', { revoked: true }));
    index.revokeIntel('indicator--a');
    index.revokeIntel('indicator--c');
    expect(index.snapshot().intel.revoked).to.equal(2);
  });

  it('moves a payment between states without counting it twice, and keeps the open disputes', () => {
    const index = new ActivityIndex();
    index.putPayment(payment('u1', 'ATTESTED'));
    index.putPayment(payment('u2', 'ATTESTED'));
    index.putPayment(payment('u1', 'DISPUTED', ['amount']));
    index.putPayment(payment('u2', 'CONFIRMED'));
    index.putPayment(payment('u2', 'CONFIRMED'));
    let s = index.snapshot();
    expect(s.payments.total).to.equal(2);
    expect(s.payments.days).to.deep.equal([
      { day: '2026-12-01', total: 2, corridor: { 'HK-TH': 2 }, state: { DISPUTED: 1, CONFIRMED: 1 } },
    ]);
    expect(s.disputes.map((d) => [d.uetr, d.differingFields])).to.deep.equal([['u1', ['amount']]]);
    expect(index.hasPayment('u1')).to.equal(true);
    index.putPayment(payment('u1', 'REJECTED'));
    s = index.snapshot();
    expect(s.disputes).to.deep.equal([]);
    expect(s.payments.days[0]?.state).to.deep.equal({ REJECTED: 1, CONFIRMED: 1 });
  });
});
