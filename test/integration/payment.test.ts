import { spawnSync } from 'node:child_process';
import { createHash, createHmac, randomInt, sign } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

import * as chai from 'chai';

import { ATTESTATION_PURPOSE, canonicalize, partyCommitment } from '@xborder/protocol';
import type { PartyValues, PaymentFields } from '@xborder/protocol';
import { partyKeysFile, resolveConfig, rotatePartyKey } from '@xborder/network';

import { clientPool, codeOf } from '../support/clients';
import { testNetwork } from '../support/network-hooks';
import { PARTIES, paymentFields } from '../support/payment-fixture';

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
      const r = await hk.payments.attest(p, PARTIES);
      expect(r.created).to.equal(true);
      expect(r.record.state).to.equal('ATTESTED');
    }
    expect((await hk.payments.attest(confirmed, PARTIES)).created).to.equal(false);
    const th = as('th-bank-a');
    const c = await th.payments.confirm(confirmed, PARTIES, {
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
    const r = await th.payments.confirm(view, PARTIES, {
      status: 'ACSC',
      reasonCode: null,
      statusMessageHash: statusHash(disputed.uetr, 'ACSC'),
    });
    expect(r.record.state).to.equal('DISPUTED');
    expect(r.record.differingFields).to.deep.equal(['amount']);
    const stored = await as('audit-1').payments.get(disputed.uetr);
    expect(stored.confirmations[0]?.confirmation).to.contain('"210.00"');
    expect(stored.record.attestation).to.contain('"200.00"');
  });

  it('ends REJECTED on an RJCT status with its reason', async () => {
    const r = await as('th-bank-a').payments.confirm(rejected, PARTIES, {
      status: 'RJCT',
      reasonCode: 'AC04',
      statusMessageHash: statusHash(rejected.uetr, 'RJCT'),
    });
    expect(r.record).to.include({ state: 'REJECTED', reasonCode: 'AC04' });
  });

  it('refuses a payment over the cap and a payer over the daily cap', async () => {
    const hk = as('hk-bank-a');
    const big = pay({ amount: { value: '23000.00', currency: 'HKD' }, settlementAmount: { value: '100050.00', currency: 'THB' } });
    expect(await codeOf(hk.payments.attest(big, PARTIES))).to.equal('PAYMENT_LIMIT_EXCEEDED');
    // a payer of its own, so only these five count towards the daily cap
    const mobile = `+852 9${String(randomInt(1e6, 1e7))}`;
    const payer: PartyValues = { ...PARTIES, payer: { value: mobile, account: null } };
    const nearCap = (): PaymentFields =>
      pay({ amount: { value: '22988.00', currency: 'HKD' }, settlementAmount: { value: '99997.80', currency: 'THB' } });
    for (let i = 0; i < 5; i++) await hk.payments.attest(nearCap(), payer);
    expect(await codeOf(hk.payments.attest(pay(), payer))).to.equal('PAYMENT_LIMIT_EXCEEDED');
    // the attack: the same payer again under another proxy type and spelling; the cap still follows the payer
    const relabelled = pay({ payer: { proxyType: 'e-wallet' } });
    expect(
      await codeOf(hk.payments.attest(relabelled, { ...PARTIES, payer: { value: mobile.replace('+', '00'), account: null } })),
    ).to.equal('PAYMENT_LIMIT_EXCEEDED');
    expect(await codeOf(as('audit-1').payments.get(relabelled.uetr))).to.equal('PAYMENT_NOT_FOUND');
  });

  it('does not let an HK institution confirm its own payment', async () => {
    expect(
      await codeOf(
        as('hk-bank-a').payments.confirm(open, PARTIES, {
          status: 'ACSC',
          reasonCode: null,
          statusMessageHash: statusHash(open.uetr, 'ACSC'),
        }),
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
    expect(await codeOf(auditor.payments.attest(pay(), PARTIES))).to.equal('ACCESS_DENIED');
  });
  it('gives banks no key to test guesses with: commitments come from the operators\u2019 chaincode, the key is nowhere a bank can read', async () => {
    const home = testNetwork.home ?? '';
    const keyFile = partyKeysFile(resolveConfig({ home }));
    const secrets = (JSON.parse(fs.readFileSync(keyFile, 'utf8')) as { keys: { secret: string }[] }).keys.map((k) => k.secret);
    const stored = await as('audit-1').payments.get(confirmed.uetr);
    const { payee } = stored.record.parties;
    // the operators' key does make the commitment (so the test can tell a key that works)
    expect(partyCommitment(Buffer.from(secrets[0] ?? '', 'hex'), 'national-id', PARTIES.payee.value)).to.equal(payee);
    // everything a bank holds: its identity folder (profile, certificates, keys); try every key-like value in it
    const bankFiles: string[] = [];
    const walk = (dir: string): void => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const f = path.join(dir, e.name);
        if (e.isDirectory()) walk(f);
        else bankFiles.push(f);
      }
    };
    walk(path.join(home, 'identities', 'hk-bank-a'));
    expect(bankFiles.length).to.be.greaterThan(2);
    let tried = 0;
    for (const f of bankFiles) {
      const text = fs.readFileSync(f, 'latin1');
      for (const secret of secrets) expect(text, f).not.to.include(secret);
      const candidates = [...(text.match(/[0-9a-fA-F]{64,}/g) ?? []), ...(text.match(/[A-Za-z0-9+/]{43,}={0,2}/g) ?? [])];
      for (const c of candidates) {
        for (const key of [Buffer.from(c, 'hex'), Buffer.from(c, 'base64'), Buffer.from(c)]) {
          tried++;
          expect(partyCommitment(key, 'national-id', PARTIES.payee.value)).to.not.equal(payee);
          expect(createHmac('sha256', key).update(`national-id:${PARTIES.payee.value}`).digest('hex')).to.not.equal(payee);
        }
      }
    }
    expect(tried).to.be.greaterThan(0);
    // and a bank that sends its own commitment in the statement is refused
    const bank = as('hk-bank-a');
    const own = canonicalize({
      ...pay(),
      payee: { proxyType: 'national-id', commitment: 'ab'.repeat(32) },
      purpose: ATTESTATION_PURPOSE,
      institution: 'hk-bank-a',
      mspId: 'HKMSP',
    });
    const signature = sign('sha256', Buffer.from(own), bank.signingKey).toString('base64');
    const refused = bank.transactor.submit('payment', 'AttestPayment', {
      args: [own, signature],
      transient: { parties: Buffer.from(canonicalize(PARTIES)) },
    });
    expect(await codeOf(refused)).to.equal('PAYMENT_INVALID');
  });

  it('rotates the party key for a later day without restarting anything; older payments keep their key', async () => {
    const config = resolveConfig({ home: testNetwork.home ?? '' });
    const keys = (JSON.parse(fs.readFileSync(partyKeysFile(config), 'utf8')) as { keys: { id: string; from: string }[] }).keys;
    const latest =
      keys
        .map((k) => k.from)
        .sort()
        .at(-1) ?? '2000-01-01';
    const start = new Date(Math.max(Date.parse(`${latest}T00:00:00Z`) + 86_400_000, Date.parse('2040-01-01T00:00:00Z')));
    const from = start.toISOString().slice(0, 10);
    const added = rotatePartyKey(config, from);
    const before = pay();
    const after = paymentFields({ settlementDate: from });
    const hk = as('hk-bank-a');
    const inForce = keys.filter((k) => k.from <= date).at(-1)?.id;
    expect((await hk.payments.attest(before, PARTIES)).record.parties.keyId).to.equal(inForce);
    const rotated = await hk.payments.attest(after, PARTIES);
    expect(rotated.record.parties.keyId).to.equal(added.id);
    const old = await as('audit-1').payments.get(confirmed.uetr);
    expect(rotated.record.parties.payer).to.not.equal(old.record.parties.payer);
    // the receiver's confirmation is committed under the payment's own key and matches
    const c = await as('th-bank-a').payments.confirm(after, PARTIES, {
      status: 'ACSC',
      reasonCode: null,
      statusMessageHash: statusHash(after.uetr, 'ACSC'),
    });
    expect(c.record.state).to.equal('CONFIRMED');
    expect(c.confirmation.parties.keyId).to.equal(added.id);
  });
  it('purges a kept pacs.008 once its retention ends, from every peer; the record and its hash stay', async () => {
    const message = `<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pacs.008.001.08">CHAN TAI MAN ${String(randomInt(1e9))}</Document>`;
    const old = paymentFields({
      settlementDate: `2020-0${String(randomInt(1, 10))}-1${String(randomInt(0, 10))}`,
      messageHash: createHash('sha256').update(message).digest('hex'),
    });
    await as('hk-bank-a').payments.attest(old, PARTIES, { message: Buffer.from(message) });
    expect(await as('th-bank-a').payments.message(old.uetr)).to.equal(message);
    // sealed at rest: the peers' ledgers (blocks, private data store, state) never hold the message in
    // clear (Fabric's transient store keeps a proposal's transient data until its commit; see SECURITY.md)
    const marker = message.slice(message.indexOf('CHAN TAI MAN'), message.indexOf('</Document>'));
    for (const peer of ['peer0.hk', 'peer0.th']) {
      const dir = path.join(testNetwork.home ?? '', 'data', peer, 'ledgersData');
      const grep = spawnSync('grep', ['-r', '-l', '-a', '-F', marker, dir], { encoding: 'utf8' });
      expect(grep.status, `grep failed: ${grep.stderr}`).to.be.oneOf([0, 1]); // 1: nothing matches
      expect(grep.stdout, `${peer} holds the pacs.008 in clear`).to.equal('');
    }
    expect(await codeOf(as('hk-bank-a').payments.purgeMessages('2021-01-01'))).to.equal('ACCESS_DENIED');
    expect(await codeOf(as('hk-admin').payments.purgeMessages(new Date().toISOString().slice(0, 10)))).to.equal('INVALID_ARGUMENT');
    const r = await as('hk-admin').payments.purgeMessages('2021-01-01', { batchSize: 1 });
    expect(r.purged).to.be.greaterThan(0);
    // gone on both operators' peers
    for (const org of ['HKMSP', 'THMSP']) {
      const read = as('th-bank-a').transactor.evaluate('payment', 'GetPaymentMessage', [old.uetr], undefined, {
        endorsingOrganizations: [org],
      });
      expect(await codeOf(read), org).to.equal('PAYMENT_NOT_FOUND');
    }
    expect((await as('audit-1').payments.get(old.uetr)).record.messageHash).to.equal(old.messageHash);
  });
});
