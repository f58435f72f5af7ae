import { createPrivateKey, sign } from 'node:crypto';

import { expect } from 'chai';
import * as fc from 'fast-check';

import {
  ATTESTATION_PURPOSE,
  canonicalize,
  ERROR_CODES,
  partyCommitment,
  payerIdentity,
  rateMatches,
  sha256Hex,
  toMinor,
} from '@xborder/protocol';

import { ids, registeredWorld, registry } from '../../test/support/chaincode-fixture';
import { testIdentity } from '../../test/support/certs';
import type { FakeWorld } from '../../test/support/fake-world';
import {
  PARTIES,
  PARTY_KEY,
  partiesTransient,
  payment,
  paymentFields,
  signAttestation,
  signConfirmation,
} from '../../test/support/payment-fixture';

type Rec = Record<string, any>;
const parse = (v: unknown): Rec => JSON.parse(v as string) as Rec;

describe('money and commitments', () => {
  it('parses decimal amounts by ISO 4217 minor units, never floats', () => {
    expect(toMinor({ value: '1000.5', currency: 'HKD' }, 'x')).to.equal(100050n);
    expect(toMinor({ value: '12', currency: 'JPY' }, 'x')).to.equal(12n);
    expect(() => toMinor({ value: '12.5', currency: 'JPY' }, 'x')).to.throw(/^PAYMENT_INVALID: x: JPY has 0 decimals/);
    expect(() => toMinor({ value: '1e3', currency: 'HKD' }, 'x')).to.throw(/not a decimal amount/);
    expect(() => toMinor({ value: '01.00', currency: 'HKD' }, 'x')).to.throw(/not a decimal amount/);
    expect(() => toMinor({ value: '1.00', currency: 'XXX' }, 'x')).to.throw(/currency/);
  });

  it('checks amount x rate = settlement within a tolerance, exactly', () => {
    expect(rateMatches({ value: '1000.00', currency: 'HKD' }, '4.35', { value: '4350.00', currency: 'THB' }, 0n)).to.equal(true);
    expect(rateMatches({ value: '1000.00', currency: 'HKD' }, '4.35', { value: '4350.01', currency: 'THB' }, 1n)).to.equal(true);
    expect(rateMatches({ value: '1000.00', currency: 'HKD' }, '4.35', { value: '4350.02', currency: 'THB' }, 1n)).to.equal(false);
    expect(rateMatches({ value: '123.45', currency: 'HKD' }, '4.351234', { value: '537.16', currency: 'THB' }, 1n)).to.equal(true);
  });

  it('commits to proxies with a key, after normalising their spelling', () => {
    const key = PARTY_KEY.secret;
    const a = partyCommitment(key, 'mobile', '+852 9123-4567');
    expect(a).to.equal(partyCommitment(key, 'mobile', '0085291234567'));
    expect(a).to.match(/^[0-9a-f]{64}$/);
    expect(a).not.to.equal(sha256Hex('mobile:+85291234567'));
    expect(partyCommitment(key, 'email', 'Pay@Example.com ')).to.equal(partyCommitment(key, 'email', 'pay@example.com'));
  });

  it('sees one payer for the daily cap whatever proxy type or spelling, and the account over the proxy', () => {
    const key = PARTY_KEY.secret;
    const payer = payerIdentity(key, { value: '+852 9123-4567', account: null });
    expect(payerIdentity(key, { value: '0085291234567', account: null })).to.equal(payer);
    expect(payerIdentity(key, { value: '(852) 9123 4567', account: null })).to.not.equal(payer);
    // with the debtor account known, the proxy does not matter
    const byAccount = payerIdentity(key, { value: '+85291234567', account: 'HK12 3456 7890' });
    expect(payerIdentity(key, { value: 'someone@example.com', account: 'hk1234567890' })).to.equal(byAccount);
  });
});

describe('payment contract', () => {
  let world: FakeWorld;
  beforeEach(async () => {
    world = await registeredWorld();
  });
  afterEach(() => {
    world.restore();
  });

  const attest = (fields = paymentFields(), who = ids.hkBankA, parties = PARTIES) => {
    const s = signAttestation(fields, who);
    return world.invoke(who, (ctx) => payment.AttestPayment(ctx, s.json, s.signature), { transient: partiesTransient(parties) });
  };
  const confirm = (
    fields: ReturnType<typeof paymentFields>,
    status: 'ACSC' | 'ACCC' | 'ACSP' | 'PDNG' | 'RJCT' = 'ACSC',
    who = ids.thBankA,
    reason: string | null = null,
    parties = PARTIES,
  ) => {
    const s = signConfirmation(fields, status, who, reason);
    return world.invoke(who, (ctx) => payment.ConfirmPayment(ctx, s.json, s.signature), { transient: partiesTransient(parties) });
  };

  it('attests an HK->TH payment with commitments only, idempotently; a different one for the UETR conflicts', async () => {
    const fields = paymentFields();
    const r = await attest(fields);
    expect(r.error).to.equal(undefined);
    const { created, record } = parse(r.value);
    expect(created).to.equal(true);
    expect(record).to.include({ uetr: fields.uetr, state: 'ATTESTED', attester: 'hk-bank-a', corridor: 'HK-TH' });
    expect(r.event?.name).to.equal('PaymentAttested');
    for (const v of world.state.values()) expect(Buffer.from(v).toString()).not.to.match(/9123|1037/);
    const again = await attest(fields);
    expect(parse(again.value).created).to.equal(false);
    expect(again.writes).to.equal(0);
    const conflict = await attest({ ...fields, endToEndId: 'E2E-OTHER' });
    expect(conflict.error?.message).to.match(/^PAYMENT_CONFLICT: /);
    expect(conflict.writes).to.equal(0);
  });

  it('resolves agents named by clearing membership only, by BIC in 8 characters, or both; refuses agents whose BIC and membership disagree', async () => {
    // Hong Kong FPS style: the creditor agent by ClrSysMmbId only, the debtor agent by an 8-character BIC
    const byMembership = paymentFields({
      debtorAgent: { bic: 'VHBKHKHH', clearingSystem: null, clearingMemberId: null },
      creditorAgent: { bic: null, clearingSystem: 'THCBC', clearingMemberId: '031' },
    });
    const a = await attest(byMembership);
    expect(a.error).to.equal(undefined);
    expect((await confirm(byMembership)).error).to.equal(undefined);
    // another registered Thai bank cannot confirm it: the membership resolves to th-bank-a only
    const thBankB = testIdentity('th-bank-b', 'THMSP', 'submitter', 'th-bank-b');
    await world.invoke(ids.thAdmin, (ctx) =>
      registry.RegisterInstitution(
        ctx,
        JSON.stringify({ id: 'th-bank-b', name: 'B', kind: 'bank', memberships: [{ system: 'THCBC', memberId: '032' }] }),
      ),
    );
    await world.invoke(ids.thAdmin, (ctx) => registry.RegisterKey(ctx, 'th-bank-b', thBankB.certPem));
    const other = paymentFields({ creditorAgent: { bic: null, clearingSystem: 'THCBC', clearingMemberId: '031' } });
    await attest(other);
    const wrong = await confirm(other, 'ACSC', thBankB);
    expect(wrong.error?.message).to.match(/^PAYMENT_WRONG_SIDE: the creditor agent is not th-bank-b/);
    expect(wrong.writes).to.equal(0);
    // a member id without its system resolves when one institution holds it
    const noSystem = paymentFields({ creditorAgent: { bic: null, clearingSystem: null, clearingMemberId: '031' } });
    expect((await attest(noSystem)).error).to.equal(undefined);
    // BIC of hk-bank-a with the membership of hk-bank-b: refused, nothing written
    const before = world.snapshot();
    const split = await attest(paymentFields({ debtorAgent: { bic: 'VHBKHKHHXXX', clearingSystem: 'HKNCC', clearingMemberId: '802' } }));
    expect(split.error?.message).to.match(
      /^PAYMENT_INVALID: debtor agent: BIC VHBKHKHHXXX is hk-bank-a but clearing member 802 is hk-bank-b/,
    );
    expect(split.writes).to.equal(0);
    expect(world.snapshot()).to.equal(before);
    // the debtor agent must resolve to the attester: hk-bank-b's membership is not hk-bank-a
    const notMine = await attest(paymentFields({ debtorAgent: { bic: null, clearingSystem: 'HKNCC', clearingMemberId: '802' } }));
    expect(notMine.error?.message).to.match(/^PAYMENT_WRONG_SIDE: the debtor agent is not hk-bank-a/);
    expect(notMine.writes).to.equal(0);
    // an HK-TH payment whose creditor agent is a registered HK bank, or is ambiguous, is refused at attestation
    const toHk = await attest(paymentFields({ creditorAgent: { bic: null, clearingSystem: 'HKNCC', clearingMemberId: '802' } }));
    expect(toHk.error?.message).to.match(
      /^PAYMENT_WRONG_SIDE: the creditor agent hk-bank-b is a HKMSP institution; HK-TH payments go to THMSP/,
    );
    expect(toHk.writes).to.equal(0);
    const ambiguousCreditor = await attest(
      paymentFields({ creditorAgent: { bic: 'CPCBTHBK', clearingSystem: 'THCBC', clearingMemberId: '032' } }),
    );
    expect(ambiguousCreditor.error?.message).to.match(
      /^PAYMENT_INVALID: creditor agent: BIC CPCBTHBK is th-bank-a but clearing member 032 is th-bank-b/,
    );
    expect(ambiguousCreditor.writes).to.equal(0);
  });

  it('writes nothing for an attestation without payer/payee values, or one retried with other values under the same UETR', async () => {
    const fields = paymentFields();
    const s = signAttestation(fields, ids.hkBankA);
    const before = world.snapshot();
    const bare = await world.invoke(ids.hkBankA, (ctx) => payment.AttestPayment(ctx, s.json, s.signature));
    expect(bare.error?.message).to.match(/^PAYMENT_INVALID: payer and payee values must be sent as transient data/);
    expect(bare.writes).to.equal(0);
    expect(world.snapshot()).to.equal(before);
    expect((await attest(fields)).error).to.equal(undefined);
    const recorded = world.snapshot();
    // the same signed attestation, retried with another payee: a different payment, refused
    const other = await attest(fields, ids.hkBankA, { ...PARTIES, payee: { value: '+66 89 999 0000' } });
    expect(other.error?.message).to.match(/^PAYMENT_CONFLICT: /);
    expect(other.writes).to.equal(0);
    expect(world.snapshot()).to.equal(recorded);
  });

  it('confirms equal fields (CONFIRMED), disputes differences naming the fields, rejects on RJCT', async () => {
    const ok = paymentFields();
    await attest(ok);
    const c = await confirm(ok);
    expect(parse(c.value).record).to.include({ state: 'CONFIRMED', lastStatus: 'ACSC', confirmer: 'th-bank-a' });
    expect(c.event?.name).to.equal('PaymentConfirmed');

    const differs = paymentFields();
    await attest(differs);
    const d = await confirm({ ...differs, amount: { value: '1100.00', currency: 'HKD' } });
    expect(parse(d.value).record).to.include({ state: 'DISPUTED' });
    expect(parse(d.value).record.differingFields).to.deep.equal(['amount']);
    expect(d.event?.name).to.equal('PaymentDisputed');

    const rj = paymentFields();
    await attest(rj);
    expect(() => signConfirmation(rj, 'RJCT', ids.thBankA)).to.throw(/^PAYMENT_INVALID: an RJCT status needs a reason code/);
    const noReason = canonicalize({ ...JSON.parse(signConfirmation(rj, 'RJCT', ids.thBankA, 'AC04').json), reasonCode: null });
    const noReasonSig = sign('sha256', Buffer.from(noReason), createPrivateKey(ids.thBankA.keyPem)).toString('base64');
    const refused = await world.invoke(ids.thBankA, (ctx) => payment.ConfirmPayment(ctx, noReason, noReasonSig), {
      transient: partiesTransient(),
    });
    expect(refused.error?.message).to.match(/^PAYMENT_INVALID: an RJCT status needs a reason code/);
    const r = await confirm(rj, 'RJCT', ids.thBankA, 'AC04');
    expect(parse(r.value).record).to.include({ state: 'REJECTED', reasonCode: 'AC04' });
    expect(r.event?.name).to.equal('PaymentRejected');

    const got = parse((await world.invoke(ids.auditor, (ctx) => payment.GetPayment(ctx, differs.uetr))).value);
    expect(got.confirmations).to.have.length(1);
    expect(got.confirmations[0].differingFields).to.deep.equal(['amount']);
  });

  it('keeps PDNG open, then finalises; a final payment takes no other confirmation', async () => {
    const f = paymentFields();
    await attest(f);
    expect(parse((await confirm(f, 'PDNG')).value).record).to.include({ state: 'ATTESTED', lastStatus: 'PDNG' });
    expect(parse((await confirm(f, 'ACCC')).value).record).to.include({ state: 'CONFIRMED' });
    const same = await confirm(f, 'ACCC');
    expect(parse(same.value).created).to.equal(false);
    expect(same.writes).to.equal(0);
    expect((await confirm(f, 'RJCT', ids.thBankA, 'AM04')).error?.message).to.match(/^PAYMENT_FINAL: /);
    const history = JSON.parse((await world.invoke(ids.auditor, (ctx) => payment.GetPaymentHistory(ctx, f.uetr))).value as string) as {
      state: string;
    }[];
    expect(history.map((h) => h.state)).to.deep.equal(['ATTESTED', 'ATTESTED', 'CONFIRMED']);
  });

  it('enforces the per-payment and per-payer daily caps without a shared counter', async () => {
    const over = paymentFields({
      amount: { value: '23000.00', currency: 'HKD' },
      settlementAmount: { value: '100050.00', currency: 'THB' },
    });
    const r = await attest(over);
    expect(r.error?.message).to.match(/^PAYMENT_LIMIT_EXCEEDED: THB 100050.00 is over the per-payment cap/);
    expect(r.writes).to.equal(0);
    const payer = paymentFields().payer;
    for (let i = 0; i < 5; i++) {
      const ok = await attest(
        paymentFields({ payer, amount: { value: '22988.00', currency: 'HKD' }, settlementAmount: { value: '99997.80', currency: 'THB' } }),
      );
      expect(ok.error, `payment ${String(i)}`).to.equal(undefined);
    }
    const sixth = await attest(paymentFields({ payer }));
    expect(sixth.error?.message).to.match(/^PAYMENT_LIMIT_EXCEEDED: the payer would reach THB 504339.00/);
    const otherDay = await attest(paymentFields({ payer, settlementDate: '2026-11-26' }));
    expect(otherDay.error).to.equal(undefined);
  });

  it('lets only the sending side attest and only the receiving side confirm', async () => {
    const f = paymentFields();
    expect((await attest(f, ids.thBankA)).error?.message).to.match(/^PAYMENT_WRONG_SIDE: HK-TH payments are attested by HKMSP/);
    expect((await attest(f, ids.hkBankB)).error?.message).to.match(/^PAYMENT_WRONG_SIDE: the debtor agent is not hk-bank-b/);
    await attest(f);
    expect((await confirm(f, 'ACSC', ids.hkBankA)).error?.message).to.match(/^PAYMENT_WRONG_SIDE: HK-TH payments are confirmed by THMSP/);
    expect((await confirm(f, 'ACSC', ids.hkBankB)).error?.message).to.match(/^PAYMENT_WRONG_SIDE: /);
    expect((await attest(paymentFields(), ids.auditor)).error?.message).to.match(/^ACCESS_DENIED: /);
  });

  it('refuses malformed attestations with PAYMENT_INVALID and writes nothing', async () => {
    const base = paymentFields();
    const variants: Record<string, unknown>[] = [
      { ...base, uetr: 'not-a-uuid' },
      { ...base, uetr: base.uetr.toUpperCase() },
      { ...base, amount: { value: 1000, currency: 'HKD' } },
      { ...base, amount: { value: '1000.001', currency: 'HKD' } },
      { ...base, amount: { value: '1000.00', currency: 'ABC' } },
      { ...base, exchangeRate: '4.40' },
      { ...base, exchangeRate: '-4.35' },
      { ...base, msgType: 'pacs.008.001.02' },
      // a bank-made commitment or a raw value in the signed statement: refused (the operators commit)
      { ...base, payer: { proxyType: 'mobile', commitment: 'ab'.repeat(32) } },
      { ...base, payer: { proxyType: 'mobile', value: '+85291234567' } },
      { ...base, payee: { proxyType: 'phone' } },
      { ...base, chargeBearer: 'OUR' },
      { ...base, settlementDate: '2026-02-30' },
      { ...base, endToEndId: 'x'.repeat(36) },
      { ...base, debtorAgent: { bic: null, clearingSystem: null, clearingMemberId: null } },
    ];
    for (const v of variants) {
      const json = canonicalize({ ...v, purpose: ATTESTATION_PURPOSE, institution: 'hk-bank-a', mspId: 'HKMSP' });
      const sig = sign('sha256', Buffer.from(json), createPrivateKey(ids.hkBankA.keyPem)).toString('base64');
      const r = await world.invoke(ids.hkBankA, (ctx) => payment.AttestPayment(ctx, json, sig), { transient: partiesTransient() });
      expect(r.error?.message, JSON.stringify(v).slice(0, 80)).to.match(/^PAYMENT_INVALID: /);
      expect(r.writes).to.equal(0);
    }
    const s = signAttestation(base, ids.hkBankA);
    const forged = await world.invoke(
      ids.hkBankA,
      (ctx) => payment.AttestPayment(ctx, s.json, signAttestation(paymentFields(), ids.hkBankA).signature),
      { transient: partiesTransient() },
    );
    expect(forged.error?.message).to.match(/^PAYMENT_SIGNATURE_INVALID: /);
  });

  it('keeps the pacs.008 in the HK-TH collection when it matches messageHash', async () => {
    const message = '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pacs.008.001.08">...</Document>';
    const f = paymentFields({ messageHash: sha256Hex(message) });
    const s = signAttestation(f, ids.hkBankA);
    const bad = await world.invoke(ids.hkBankA, (ctx) => payment.AttestPayment(ctx, s.json, s.signature), {
      transient: { message: 'other', ...partiesTransient() },
    });
    expect(bad.error?.message).to.match(/^PAYMENT_INVALID: the transient message/);
    await world.invoke(ids.hkBankA, (ctx) => payment.AttestPayment(ctx, s.json, s.signature), {
      transient: { message, ...partiesTransient() },
    });
    expect((await world.invoke(ids.thBankA, (ctx) => payment.GetPaymentMessage(ctx, f.uetr))).value).to.equal(message);
    expect((await world.invoke(ids.auditor, (ctx) => payment.GetPaymentMessage(ctx, f.uetr))).error?.message).to.match(/^ACCESS_DENIED: /);
  });

  it('purges kept pacs.008 messages after their retention: operator admins only, never younger than 90 days', async () => {
    const message = '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pacs.008.001.08">CHAN TAI MAN</Document>';
    const old = paymentFields({ settlementDate: '2026-01-05', messageHash: sha256Hex(message) });
    const recent = paymentFields({ settlementDate: '2026-11-20', messageHash: sha256Hex(message) });
    for (const f of [old, recent]) {
      const s = signAttestation(f, ids.hkBankA);
      const r = await world.invoke(ids.hkBankA, (ctx) => payment.AttestPayment(ctx, s.json, s.signature), {
        transient: { message, ...partiesTransient() },
      });
      expect(r.error).to.equal(undefined);
    }
    const now = new Date('2026-12-01T10:00:00Z');
    const purge = (who: typeof ids.hkAdmin, before: string, size = '') =>
      world.invoke(who, (ctx) => payment.PurgePaymentMessages(ctx, before, size), { time: now });
    const before = world.snapshot();
    // a bank, an auditor, or a date inside the 90-day floor: refused, nothing purged
    expect((await purge(ids.hkBankA, '2026-06-01')).error?.message).to.match(/^ACCESS_DENIED: /);
    expect((await purge(ids.auditor, '2026-06-01')).error?.message).to.match(/^ACCESS_DENIED: /);
    expect((await purge(ids.hkAdmin, '2026-11-30')).error?.message).to.match(
      /^INVALID_ARGUMENT: messages are kept at least 90 days: beforeDate must be 2026-09-02 or earlier/,
    );
    expect((await purge(ids.hkAdmin, '2026-06-01', '0')).error?.message).to.match(/^PAGE_INVALID: /);
    expect(world.snapshot()).to.equal(before);
    const done = await purge(ids.thAdmin, '2026-06-01');
    expect(parse(done.value)).to.deep.equal({ beforeDate: '2026-06-01', purged: 1, more: false });
    expect(done.event?.name).to.equal('PaymentMessagesPurged');
    const gone = await world.invoke(ids.thBankA, (ctx) => payment.GetPaymentMessage(ctx, old.uetr));
    expect(gone.error?.message).to.match(/^PAYMENT_NOT_FOUND: no message kept .*purged/);
    expect((await world.invoke(ids.thBankA, (ctx) => payment.GetPaymentMessage(ctx, recent.uetr))).value).to.equal(message);
    // the record, its hash and signature stay
    expect(parse((await world.invoke(ids.auditor, (ctx) => payment.GetPayment(ctx, old.uetr))).value).record.messageHash).to.equal(
      sha256Hex(message),
    );
    expect(parse((await purge(ids.hkAdmin, '2026-06-01')).value)).to.include({ purged: 0, more: false });
  });

  it('reconciles a day: counts and sums per currency and state, unconfirmed and disputed items', async () => {
    const a = paymentFields();
    const b = paymentFields({ amount: { value: '200.00', currency: 'HKD' }, settlementAmount: { value: '870.00', currency: 'THB' } });
    const c = paymentFields();
    const d = paymentFields({ settlementDate: '2026-11-24' });
    for (const f of [a, b, c, d]) await attest(f);
    await confirm(a);
    // the receiver's payee is another person: the operators' commitments differ, the payee is disputed
    await confirm(b, 'ACSC', ids.thBankA, null, { ...PARTIES, payee: { value: '+66 81 234 5678' } });
    const later = new Date(Date.now() + 2 * 3600_000);
    const r = await world.invoke(ids.auditor, (ctx) => payment.Reconcile(ctx, '2026-11-25', 'HK-TH', ''), { time: later });
    const rec = parse(r.value);
    expect(rec.totals).to.deep.equal([
      { currency: 'HKD', state: 'ATTESTED', count: 1, amount: '1000.00', settlementCurrency: 'THB', settlementAmount: '4350.00' },
      { currency: 'HKD', state: 'CONFIRMED', count: 1, amount: '1000.00', settlementCurrency: 'THB', settlementAmount: '4350.00' },
      { currency: 'HKD', state: 'DISPUTED', count: 1, amount: '200.00', settlementCurrency: 'THB', settlementAmount: '870.00' },
    ]);
    expect(rec.unconfirmed.map((u: Rec) => u.uetr)).to.deep.equal([c.uetr]);
    expect(rec.disputed).to.deep.equal([{ uetr: b.uetr, attester: 'hk-bank-a', confirmer: 'th-bank-a', differingFields: ['payee'] }]);
    const soon = parse((await world.invoke(ids.auditor, (ctx) => payment.Reconcile(ctx, '2026-11-25', 'HK-TH', ''))).value);
    expect(soon.unconfirmed).to.deep.equal([]);
    // by institution: th-bank-a received all three (resolved creditor agent); hk-bank-b sent and received none
    const thA = parse((await world.invoke(ids.auditor, (ctx) => payment.Reconcile(ctx, '2026-11-25', 'HK-TH', 'th-bank-a'))).value);
    expect(thA.institution).to.equal('th-bank-a');
    expect(thA.totals.map((t: Rec) => t.count)).to.deep.equal([1, 1, 1]);
    const hkB = parse((await world.invoke(ids.auditor, (ctx) => payment.Reconcile(ctx, '2026-11-25', 'HK-TH', 'hk-bank-b'))).value);
    expect(hkB.totals).to.deep.equal([]);
    expect((await world.invoke(ids.auditor, (ctx) => payment.Reconcile(ctx, '2026-11-25', 'HK-TH', 'Not An Id'))).error?.message).to.match(
      /^INVALID_ARGUMENT: institution is malformed/,
    );
    const list = parse(
      (await world.invoke(ids.auditor, (ctx) => payment.ListPayments(ctx, JSON.stringify({ filter: 'status', value: 'DISPUTED' })))).value,
    );
    expect(list.items.map((i: Rec) => i.uetr)).to.deep.equal([b.uetr]);
    const byInst = parse(
      (
        await world.invoke(ids.auditor, (ctx) =>
          payment.ListPayments(
            ctx,
            JSON.stringify({ filter: 'institution', value: 'th-bank-a', fromDate: '2026-11-25', toDate: '2026-11-25' }),
          ),
        )
      ).value,
    );
    expect(byInst.items).to.have.length(2);
    const e2e = JSON.parse(
      (await world.invoke(ids.auditor, (ctx) => payment.GetPaymentsByEndToEndId(ctx, a.endToEndId))).value as string,
    ) as Rec[];
    expect(e2e.map((p) => p.uetr)).to.deep.equal([a.uetr]);
  });

  it('records returns and cancellations as new linked records, never edits', async () => {
    const f = paymentFields();
    await attest(f);
    await confirm(f);
    const ev = await world.invoke(ids.thBankA, (ctx) =>
      payment.RecordPaymentEvent(
        ctx,
        JSON.stringify({ uetr: f.uetr, type: 'RETURN', messageType: 'pacs.004.001.09', messageHash: 'b'.repeat(64), reasonCode: 'AC04' }),
      ),
    );
    expect(parse(ev.value)).to.include({ type: 'RETURN', institution: 'th-bank-a' });
    const got = parse((await world.invoke(ids.auditor, (ctx) => payment.GetPayment(ctx, f.uetr))).value);
    expect(got.record.state).to.equal('CONFIRMED');
    expect(got.events).to.have.length(1);
    const wrong = await world.invoke(ids.thBankA, (ctx) =>
      payment.RecordPaymentEvent(
        ctx,
        JSON.stringify({ uetr: f.uetr, type: 'RETURN', messageType: 'camt.056.001.08', messageHash: 'b'.repeat(64), reasonCode: null }),
      ),
    );
    expect(wrong.error?.message).to.match(/^PAYMENT_INVALID: messageType/);
  });

  it('changes corridor limits only when both operators agree', async () => {
    const limits = {
      corridor: 'HK-TH',
      perPaymentCap: { value: '50000.00', currency: 'THB' },
      dailyCap: { value: '200000.00', currency: 'THB' },
      rateToleranceMinor: 2,
      unconfirmedAfterMinutes: 15,
    };
    const p = await world.invoke(ids.hkAdmin, (ctx) => registry.ProposeCorridorLimits(ctx, JSON.stringify(limits)));
    const hash = parse(p.value).proposalHash as string;
    expect((await world.invoke(ids.hkAdmin, (ctx) => registry.ApproveCorridorLimits(ctx, 'HK-TH', hash))).error?.message).to.match(
      /^ACCESS_DENIED: /,
    );
    expect(
      (await world.invoke(ids.thAdmin, (ctx) => registry.ApproveCorridorLimits(ctx, 'HK-TH', 'f'.repeat(64)))).error?.message,
    ).to.match(/^CORRIDOR_INVALID: /);
    expect((await world.invoke(ids.thBankA, (ctx) => registry.ProposeCorridorLimits(ctx, JSON.stringify(limits)))).error?.message).to.match(
      /^ACCESS_DENIED: /,
    );
    const before = paymentFields({
      amount: { value: '12000.00', currency: 'HKD' },
      settlementAmount: { value: '52200.00', currency: 'THB' },
    });
    expect((await attest(before)).error).to.equal(undefined);
    const ok = await world.invoke(ids.thAdmin, (ctx) => registry.ApproveCorridorLimits(ctx, 'HK-TH', hash));
    expect(parse(ok.value)).to.include({ approvedBy: 'THMSP/th-operator' });
    const after = paymentFields({
      amount: { value: '12000.00', currency: 'HKD' },
      settlementAmount: { value: '52200.00', currency: 'THB' },
    });
    expect((await attest(after)).error?.message).to.match(/^PAYMENT_LIMIT_EXCEEDED: /);
    const got = parse((await world.invoke(ids.auditor, (ctx) => registry.GetCorridorLimits(ctx, 'HK-TH'))).value);
    expect(got.limits.perPaymentCap.value).to.equal('50000.00');
    expect(got.pending).to.equal(null);
  });

  it('gives only coded errors and no writes for random amounts, currencies, rates and ids (property)', async () => {
    const CODED = new RegExp(`^(${Object.keys(ERROR_CODES).join('|')}): `);
    const arb = fc.record({
      amount: fc.oneof(fc.string(), fc.integer().map(String), fc.double().map(String), fc.constant('1000.00')),
      currency: fc.oneof(fc.constantFrom('HKD', 'THB', 'JPY', 'XYZ'), fc.string()),
      rate: fc.oneof(fc.string(), fc.double().map(String), fc.constant('4.35')),
      uetr: fc.oneof(fc.uuid(), fc.string()),
      e2e: fc.string({ maxLength: 60 }),
    });
    await fc.assert(
      fc.asyncProperty(arb, async (x) => {
        const base = paymentFields();
        const v = {
          ...base,
          uetr: x.uetr,
          endToEndId: x.e2e,
          amount: { value: x.amount, currency: x.currency },
          exchangeRate: x.rate,
          purpose: ATTESTATION_PURPOSE,
          institution: 'hk-bank-a',
          mspId: 'HKMSP',
        };
        let json: string;
        try {
          json = canonicalize(v);
        } catch {
          return;
        }
        const sig = sign('sha256', Buffer.from(json), createPrivateKey(ids.hkBankA.keyPem)).toString('base64');
        const r = await world.invoke(ids.hkBankA, (ctx) => payment.AttestPayment(ctx, json, sig), { transient: partiesTransient() });
        if (r.error) {
          expect(r.error.message).to.match(CODED);
          expect(r.writes).to.equal(0);
        }
      }),
      { numRuns: 200 },
    );
  });
});
