import * as fs from 'node:fs';
import * as path from 'node:path';

import * as chai from 'chai';
import chaiAsPromised from 'chai-as-promised';

import { ATTESTATION_PURPOSE, parseAttestation } from '@xborder/protocol';
import { answeredTransactions, corridorOf, parsePacs002, parsePacs008, partyValuesOf, toPaymentFields, XborderError } from '@xborder/sdk';
import type { ClearingMembership, Institution } from '@xborder/sdk';

import { EXAMPLES } from '../../test/support/paths';

chai.use(chaiAsPromised);
const { expect } = chai;

function institution(id: string, mspId: string, bics: string[], memberships: ClearingMembership[]): Institution {
  return { id, mspId, name: id, kind: 'bank', bics, memberships, status: 'active', registeredAt: '', updatedAt: '', txId: '' };
}

const PAYMENTS = path.join(EXAMPLES, 'payments');
const read = (f: string): string => fs.readFileSync(path.join(PAYMENTS, f), 'utf8');

describe('ISO 20022 mapping', () => {
  it('maps each CdtTrfTxInf of a pacs.008 to attestation fields naming proxy types only; values go apart, for the operators', async () => {
    const msg = parsePacs008(read('pacs008-hk-th.xml'));
    expect(msg.msgType).to.equal('pacs.008.001.08');
    expect(msg.msgId).to.equal('VHBK20261125PP000117');
    expect(msg.transactions).to.have.length(2);
    const [a, b] = msg.transactions;
    expect(a).to.include({
      uetr: '6f1c2d3e-4a5b-4c6d-8e7f-901234567890',
      endToEndId: 'QR-CPCB-MERCH-77810',
      exchangeRate: '4.35',
      chargeBearer: 'SLEV',
    });
    expect(a!.amount).to.deep.equal({ value: '1000.00', currency: 'HKD' });
    expect(a!.payer).to.deep.include({ proxyType: 'mobile', value: '+852-91234567' });
    expect(b!.payer.proxyType).to.equal('email');
    const fields = toPaymentFields(msg, a!, await corridorOf(a!));
    expect(fields.corridor).to.equal('HK-TH');
    expect(JSON.stringify(fields)).not.to.match(/91234567|1103700123456|CHAN TAI MAN/);
    expect(() => parseAttestation({ ...fields, purpose: ATTESTATION_PURPOSE, institution: 'hk-bank-a', mspId: 'HKMSP' })).not.to.throw();
    expect(partyValuesOf(a!).payer.value).to.equal('+852-91234567');
  });

  it('hashes per transaction so that another copy differs only where the transaction differs', () => {
    const sender = parsePacs008(read('pacs008-hk-th.xml'));
    const receiver = parsePacs008(read('pacs008-hk-th-receiver-copy.xml'));
    expect(receiver.transactions[0]!.messageHash).to.equal(sender.transactions[0]!.messageHash);
    expect(receiver.transactions[1]!.messageHash).not.to.equal(sender.transactions[1]!.messageHash);
    const reformatted = read('pacs008-hk-th.xml')
      .replace(/\n\s*/g, '')
      .replace('<Document xmlns=', '<doc:Document xmlns:doc=')
      .replace('</Document>', '</doc:Document>');
    expect(parsePacs008(reformatted.replace(/<(\/?)(?!doc:|\?|!)([A-Za-z])/g, '<$1doc:$2')).transactions[0]!.messageHash).to.equal(
      sender.transactions[0]!.messageHash,
    );
  });

  it('reads the status of each original transaction from a pacs.002', () => {
    const st = parsePacs002(read('pacs002-th-status.xml'));
    expect(st.originalMsgId).to.equal('VHBK20261125PP000117');
    expect(st.statuses.map((s) => [s.uetr, s.status])).to.deep.equal([
      ['6f1c2d3e-4a5b-4c6d-8e7f-901234567890', 'ACSC'],
      ['0b9a8c7d-6e5f-4a3b-9c2d-1e0f2a3b4c5d', 'ACSC'],
    ]);
    const rejected = read('pacs002-th-status.xml').replace(
      '<TxSts>ACSC</TxSts>',
      '<TxSts>RJCT</TxSts><StsRsnInf><Rsn><Cd>AC04</Cd></Rsn></StsRsnInf>',
    );
    expect(parsePacs002(rejected).statuses[0]).to.include({ status: 'RJCT', reasonCode: 'AC04' });
  });

  it('accepts pacs.008 versions 08 to 13 and pacs.002 versions 10 to 14 only', () => {
    const base = read('pacs008-hk-th.xml');
    for (const v of ['09', '10', '13'])
      expect(parsePacs008(base.replace('pacs.008.001.08', `pacs.008.001.${v}`)).msgType).to.equal(`pacs.008.001.${v}`);
    expect(() => parsePacs008(base.replace('pacs.008.001.08', 'pacs.008.001.02'))).to.throw(XborderError, /version 02 is not supported/);
    expect(() => parsePacs002(read('pacs002-th-status.xml').replace('pacs.002.001.10', 'pacs.002.001.15'))).to.throw(
      XborderError,
      /not supported/,
    );
  });

  it('refuses bad files with a clear BAD_INPUT error', () => {
    const base = read('pacs008-hk-th.xml');
    const cases: [string, RegExp][] = [
      ['{"not":"xml"}', /not well-formed XML/],
      [base.slice(0, base.length / 2), /not well-formed XML/],
      ['<Document xmlns="urn:example"><x/></Document>', /no urn:iso:std:iso:20022/],
      [read('pacs002-th-status.xml'), /expected a pacs.008 message, got pacs.002.001.10/],
      ['<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><Document/>', /DOCTYPE/],
      [base.replace(/<UETR>[^<]*<\/UETR>/, ''), /missing UETR/],
      [base.replace('<Cd>TELE</Cd>', '<Cd>ZZZZ</Cd>'), /unknown type ZZZZ/],
      ['x'.repeat(9 * 1024 * 1024), /larger than/],
    ];
    for (const [xml, pattern] of cases) {
      expect(() => parsePacs008(xml)).to.throw(XborderError, pattern);
    }
  });
  describe('messages as banks send them', () => {
    const registry: Institution[] = [
      institution('hk-bank-a', 'HKMSP', ['VHBKHKHHXXX'], [{ system: 'HKNCC', memberId: '801' }]),
      institution('hk-bank-b', 'HKMSP', ['KPBKHKHHXXX'], [{ system: 'HKNCC', memberId: '802' }]),
      institution('th-bank-a', 'THMSP', ['CPCBTHBKXXX'], [{ system: 'THCBC', memberId: '031' }]),
    ];

    it('resolves creditor agents named by clearing membership only through the registry, per transaction', async () => {
      const msg = parsePacs008(read('pacs008-th-hk-clearing.xml'));
      const [first, second] = msg.transactions;
      expect(first?.creditorAgent).to.deep.equal({ bic: null, clearingSystem: 'HKNCC', clearingMemberId: '801' });
      // without the registry the corridor cannot be told (the old behaviour); with it, each resolves
      await expect(corridorOf(first!)).to.be.rejectedWith(XborderError, /cannot tell the corridor .* \(TH -> \?\)/);
      expect(await corridorOf(first!, registry)).to.equal('TH-HK');
      expect(await corridorOf(second!, registry)).to.equal('TH-HK');
      expect(second).to.deep.include({ endToEndId: 'NOTPROVIDED', chargeBearer: 'SHAR' });
      expect(second?.charges).to.deep.equal([{ amount: { value: '25.00', currency: 'THB' }, agent: 'CPCBTHBKXXX' }]);
      // an agent whose BIC and membership name two institutions is refused
      const split = { ...first!, creditorAgent: { bic: 'KPBKHKHHXXX', clearingSystem: 'HKNCC', clearingMemberId: '801' } };
      await expect(corridorOf(split, registry)).to.be.rejectedWith(
        XborderError,
        /BIC KPBKHKHHXXX is hk-bank-b but clearing member 801 is hk-bank-a/,
      );
    });

    it('applies a group status to every transaction, matches NOTPROVIDED by UETR, and answers only what a pacs.002 names', () => {
      const original = parsePacs008(read('pacs008-th-hk-clearing.xml'));
      const group = answeredTransactions(parsePacs002(read('pacs002-hk-group-status.xml')), original);
      expect(group.map((a) => [a.tx.uetr, a.status])).to.deep.equal([
        ['3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f', 'ACCC'],
        ['4d5e6f7a-8b9c-4d0e-9f1a-2b3c4d5e6f7a', 'ACCC'],
      ]);
      const some = answeredTransactions(parsePacs002(read('pacs002-hk-notprovided.xml')), original);
      expect(some.map((a) => [a.tx.uetr, a.status])).to.deep.equal([['4d5e6f7a-8b9c-4d0e-9f1a-2b3c4d5e6f7a', 'ACSC']]);
      // NOTPROVIDED without a UETR names both transactions: refused rather than guessed
      const twoNotProvided = read('pacs008-th-hk-clearing.xml').replace('PP-REMIT-55120', 'NOTPROVIDED');
      const ambiguous = read('pacs002-hk-notprovided.xml').replace(/<OrgnlUETR>[^<]*<\/OrgnlUETR>/, '');
      expect(() => answeredTransactions(parsePacs002(ambiguous), parsePacs008(twoNotProvided))).to.throw(
        XborderError,
        /NOTPROVIDED without OrgnlUETR matches 2/,
      );
      // a rejected group needs its reason; a status for another message is refused
      const rejected = read('pacs002-hk-group-status.xml').replace('<GrpSts>ACCC</GrpSts>', '<GrpSts>RJCT</GrpSts>');
      expect(() => answeredTransactions(parsePacs002(rejected), original)).to.throw(XborderError, /a rejected group needs a reason code/);
      expect(() => answeredTransactions(parsePacs002(read('pacs002-th-status.xml')), original)).to.throw(
        XborderError,
        /answers VHBK20261125PP000117/,
      );
    });

    it('refuses a missing UETR, too many decimals for the currency, and a zero-decimal currency with decimals', () => {
      const base = read('pacs008-th-hk-clearing.xml');
      expect(() => parsePacs008(base.replace(/<UETR>3c4d[^<]*<\/UETR>/, ''))).to.throw(XborderError, /missing UETR/);
      const msg = parsePacs008(base.replace('<InstdAmt Ccy="THB">4000.00</InstdAmt>', '<InstdAmt Ccy="THB">4000.001</InstdAmt>'));
      const fields = toPaymentFields(msg, msg.transactions[0]!, 'TH-HK');
      expect(() => parseAttestation({ ...fields, purpose: ATTESTATION_PURPOSE, institution: 'th-bank-a', mspId: 'THMSP' })).to.throw(
        /^PAYMENT_INVALID: amount: THB has 2 decimals, got 3/,
      );
      const yen = { ...fields, amount: { value: '1000.5', currency: 'JPY' } };
      expect(() => parseAttestation({ ...yen, purpose: ATTESTATION_PURPOSE, institution: 'th-bank-a', mspId: 'THMSP' })).to.throw(
        /^PAYMENT_INVALID: amount: JPY has 0 decimals, got 1/,
      );
    });
  });
});
