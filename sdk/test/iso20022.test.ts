import * as fs from 'node:fs';
import * as path from 'node:path';

import { expect } from 'chai';

import { ATTESTATION_PURPOSE, parseAttestation } from '@xborder/protocol';
import { parsePacs002, parsePacs008, partyValuesOf, toPaymentFields, XborderError } from '@xborder/sdk';
import { EXAMPLES } from '../../test/support/paths';

const PAYMENTS = path.join(EXAMPLES, 'payments');
const read = (f: string): string => fs.readFileSync(path.join(PAYMENTS, f), 'utf8');

describe('ISO 20022 mapping', () => {
  it('maps each CdtTrfTxInf of a pacs.008 to attestation fields naming proxy types only; values go apart, for the operators', () => {
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
    const fields = toPaymentFields(msg, a!);
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
});
