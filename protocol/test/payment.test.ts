/** Payment statements from untrusted JSON: the shape by schema (naming the field), then the arithmetic. */
import { expect } from 'chai';

import { ATTESTATION_PURPOSE, CONFIRMATION_PURPOSE, parseAttestation, parseConfirmation, parsePartyValues } from '@xborder/protocol';

import { paymentFields } from '../../test/support/payment-fixture';

const attestation = { ...paymentFields(), purpose: ATTESTATION_PURPOSE, institution: 'hk-bank-a', mspId: 'HKMSP' };

describe('payment statements from untrusted JSON', () => {
  it('reads an attestation with canonical amounts, refusing each malformed field by name', () => {
    const read = parseAttestation({
      ...attestation,
      amount: { value: '1000', currency: 'HKD' },
      settlementAmount: { value: '4350', currency: 'THB' },
    });
    expect(read.amount.value).to.equal('1000.00');
    const refused: [Record<string, unknown>, RegExp][] = [
      [{ ...attestation, purpose: CONFIRMATION_PURPOSE }, /^PAYMENT_INVALID: purpose must be equal to constant/],
      [{ ...attestation, extra: 1 }, /^PAYMENT_INVALID: unknown fields: extra/],
      [{ ...attestation, uetr: attestation.uetr.toUpperCase() }, /^PAYMENT_INVALID: uetr must match pattern/],
      [{ ...attestation, payer: { proxyType: 'phone' } }, /^PAYMENT_INVALID: payer\.proxyType must be equal to one of/],
      [{ ...attestation, payer: { proxyType: 'mobile', value: '+85291234567' } }, /^PAYMENT_INVALID: unknown fields: value/],
      [
        { ...attestation, charges: [{ amount: { value: '1.00', currency: 'HKD' }, agent: 'x'.repeat(36) }] },
        /^PAYMENT_INVALID: charges\.0\.agent must match/,
      ],
      [{ ...attestation, settlementDate: '2026-02-30' }, /^PAYMENT_INVALID: settlementDate must be a date/],
      [{ ...attestation, amount: { value: '1000.001', currency: 'HKD' } }, /^PAYMENT_INVALID: amount: HKD has 2 decimals/],
      [
        { ...attestation, debtorAgent: { bic: null, clearingSystem: null, clearingMemberId: null } },
        /^PAYMENT_INVALID: debtorAgent needs a BIC or a clearing member id/,
      ],
      [{ ...attestation, exchangeRate: '4.40' }, /^PAYMENT_INVALID: amount x exchangeRate does not give settlementAmount/],
      [{ ...attestation, institution: 'HK Bank' }, /^PAYMENT_INVALID: institution must match pattern/],
    ];
    for (const [value, pattern] of refused) expect(() => parseAttestation(value), pattern.source).to.throw(pattern);
  });

  it('reads a confirmation: a status with its reason, and the receiver view without the arithmetic check', () => {
    const confirmation = {
      purpose: CONFIRMATION_PURPOSE,
      fields: { ...paymentFields(), exchangeRate: '4.40' },
      status: 'RJCT',
      reasonCode: 'AC04',
      statusMessageHash: 'c'.repeat(64),
      institution: 'th-bank-a',
      mspId: 'THMSP',
    };
    expect(parseConfirmation(confirmation).fields.exchangeRate).to.equal('4.40');
    expect(() => parseConfirmation({ ...confirmation, reasonCode: null })).to.throw(/^PAYMENT_INVALID: an RJCT status needs a reason code/);
    expect(() => parseConfirmation({ ...confirmation, status: 'DONE' })).to.throw(/^PAYMENT_INVALID: status must be equal to one of/);
    expect(() => parseConfirmation({ ...confirmation, fields: { ...confirmation.fields, scheme: 'SWIFT' } })).to.throw(
      /^PAYMENT_INVALID: scheme must be equal to constant/,
    );
  });

  it('reads the transient party values, refusing blank, oversize and control characters', () => {
    const good = { payer: { value: '+85291234567', account: null }, payee: { value: '0812345678' } };
    expect(parsePartyValues(good).payer.value).to.equal('+85291234567');
    expect(() => parsePartyValues({ ...good, payee: { value: '   ' } })).to.throw(/^PAYMENT_INVALID: payee\.value must match pattern/);
    expect(() => parsePartyValues({ ...good, payee: { value: 'x'.repeat(257) } })).to.throw(
      /^PAYMENT_INVALID: payee\.value must NOT have more than 256/,
    );
    expect(() => parsePartyValues({ ...good, payee: { value: 'a\u0007b' } })).to.throw(
      /^PAYMENT_INVALID: parties: values must be printable/,
    );
    expect(() => parsePartyValues({ payer: good.payer })).to.throw(/^PAYMENT_INVALID: payee is missing/);
  });
});
