import { createHash, randomBytes, randomInt } from 'node:crypto';

import * as chai from 'chai';

import type { PaymentFields } from '@xborder/chaincode/dist/shared/payment';

import { clientPool, codeOf } from '../support/clients';
import { paymentFields } from '../support/payment-fixture';

const { expect } = chai;

const statusHash = (uetr: string, status: string): string => createHash('sha256').update(`pacs.002 ${uetr} ${status}`).digest('hex');

describe('payments on the real network: attest, confirm, dispute, reject, caps, reconciliation', () => {
  const { as, closeAll } = clientPool();
  after(() => {
    closeAll();
  });

  // a settlement date of its own, so each run reconciles exactly what it attested
  const date = `2031-${String(randomInt(1, 13)).padStart(2, '0')}-${String(randomInt(1, 29)).padStart(2, '0')}`;
  const pay = (overrides: Partial<Record<keyof PaymentFields, unknown>> = {}): PaymentFields =>
    paymentFields({ settlementDate: date, ...overrides });
  const confirmed = pay();
  const disputed = pay({ amount: { value: '200.00', currency: 'HKD' }, settlementAmount: { value: '870.00', currency: 'THB' } });
  const rejected = pay({ amount: { value: '50.00', currency: 'HKD' }, settlementAmount: { value: '217.50', currency: 'THB' } });
  const open = pay({ amount: { value: '10.00', currency: 'HKD' }, settlementAmount: { value: '43.50', currency: 'THB' } });

  it('lets an HK bank attest FPS -> PromptPay payments and a TH bank confirm one', async () => {
    const hk = as('hk-bank-a');
    for (const p of [confirmed, disputed, rejected, open]) {
      const r = await hk.payments.attest(p);
      expect(r.created).to.equal(true);
      expect(r.record.state).to.equal('ATTESTED');
    }
    expect((await hk.payments.attest(confirmed)).created).to.equal(false);
    const th = as('th-bank-a');
    const c = await th.payments.confirm(confirmed, {
      status: 'ACSC',
      reasonCode: null,
      statusMessageHash: statusHash(confirmed.uetr, 'ACSC'),
    });
    expect(c.record.state).to.equal('CONFIRMED');
    expect(c.confirmation.confirmer).to.equal('th-bank-a');
  });

  it('ends DISPUTED, naming amount, when the confirmation differs in amount', async () => {
    const th = as('th-bank-a');
    const view = { ...disputed, amount: { value: '210.00', currency: 'HKD' } };
    const r = await th.payments.confirm(view, { status: 'ACSC', reasonCode: null, statusMessageHash: statusHash(disputed.uetr, 'ACSC') });
    expect(r.record.state).to.equal('DISPUTED');
    expect(r.record.differingFields).to.deep.equal(['amount']);
    const stored = await as('audit-1').payments.get(disputed.uetr);
    expect(stored.confirmations[0]?.confirmation).to.contain('"210.00"');
    expect(stored.record.attestation).to.contain('"200.00"');
  });

  it('ends REJECTED on an RJCT status with its reason', async () => {
    const r = await as('th-bank-a').payments.confirm(rejected, {
      status: 'RJCT',
      reasonCode: 'AC04',
      statusMessageHash: statusHash(rejected.uetr, 'RJCT'),
    });
    expect(r.record).to.include({ state: 'REJECTED', reasonCode: 'AC04' });
  });

  it('refuses a payment over the cap and a payer over the daily cap', async () => {
    const hk = as('hk-bank-a');
    const big = pay({ amount: { value: '23000.00', currency: 'HKD' }, settlementAmount: { value: '100050.00', currency: 'THB' } });
    expect(await codeOf(hk.payments.attest(big))).to.equal('PAYMENT_LIMIT_EXCEEDED');
    // a payer of its own, so only these five count towards the daily cap
    const payer = { proxyType: 'mobile', commitment: randomBytes(32).toString('hex') };
    const nearCap = (): PaymentFields =>
      pay({ payer, amount: { value: '22988.00', currency: 'HKD' }, settlementAmount: { value: '99997.80', currency: 'THB' } });
    for (let i = 0; i < 5; i++) await hk.payments.attest(nearCap());
    expect(await codeOf(hk.payments.attest(pay({ payer })))).to.equal('PAYMENT_LIMIT_EXCEEDED');
  });

  it('does not let an HK institution confirm its own payment', async () => {
    expect(
      await codeOf(
        as('hk-bank-a').payments.confirm(open, { status: 'ACSC', reasonCode: null, statusMessageHash: statusHash(open.uetr, 'ACSC') }),
      ),
    ).to.equal('PAYMENT_WRONG_SIDE');
  });

  it('lets the auditor reconcile the day: counts, sums, open and disputed items; never write', async () => {
    const auditor = as('audit-1');
    const rec = await auditor.payments.reconcile(date, 'HK-TH');
    const byState = Object.fromEntries(rec.totals.map((t) => [t.state, t]));
    expect(byState.CONFIRMED).to.include({ count: 1, amount: '1000.00', settlementAmount: '4350.00' });
    expect(byState.DISPUTED).to.include({ count: 1, amount: '200.00', settlementAmount: '870.00' });
    expect(byState.REJECTED).to.include({ count: 1, amount: '50.00' });
    expect(byState.ATTESTED).to.include({ count: 6, amount: `${(10 + 5 * 22988).toFixed(0)}.00` });
    expect(rec.disputed).to.deep.equal([
      { uetr: disputed.uetr, attester: 'hk-bank-a', confirmer: 'th-bank-a', differingFields: ['amount'] },
    ]);
    expect(rec.rejected).to.deep.equal([{ uetr: rejected.uetr, reasonCode: 'AC04' }]);
    // nothing is older than the 30 minute threshold yet
    expect(rec.unconfirmed).to.deep.equal([]);
    const listed = await auditor.payments.list({ filter: 'status', value: 'DISPUTED', fromDate: date, toDate: date });
    expect(listed.items.map((p) => p.uetr)).to.deep.equal([disputed.uetr]);
    expect(await codeOf(auditor.payments.attest(pay()))).to.equal('ACCESS_DENIED');
  });
});
