/**
 * Payments as banks send them, and the lifecycle of member institutions, through the CLI on the real
 * network: agents named by clearing membership only, several creditor agents in one message, a group
 * status, NOTPROVIDED end-to-end ids; institution changes with history, suspension and reactivation.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { expect } from 'chai';

import { testNetwork } from '../support/network-hooks';
import { EXAMPLES, REPO_ROOT } from '../support/paths';

const CLI = path.join(REPO_ROOT, 'cli', 'dist', 'main.js');
const XBNET = path.join(REPO_ROOT, 'network', 'dist', 'cli.js');
const PAY = path.join(EXAMPLES, 'payments');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  json: () => any;
}

function xborder(args: string[], input?: string): Run {
  const r = spawnSync(process.execPath, [CLI, ...args, '--json'], {
    env: { ...process.env, XB_HOME: testNetwork.home, XB_IDENTITY: '' },
    input,
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, json: () => JSON.parse(r.stdout) };
}

/** `payment confirm` of a pacs.002 against the receiver's copy of the clearing-membership message. */
function confirmClearing(pacs002: string, who: string): Run {
  return xborder(['payment', 'confirm', path.join(PAY, pacs002), '--pacs008', path.join(PAY, 'pacs008-th-hk-clearing.xml'), '--as', who]);
}

describe('payments as banks send them, and member institutions, through the CLI', function () {
  this.timeout(300_000);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'xb-members-'));
  after(() => {
    // leave hk-bank-b as the seed has it, whatever happened
    xborder(['registry', 'activate', 'hk-bank-b', '--as', 'hk-admin']);
    xborder(['registry', 'update', 'hk-bank-b', '--bic', 'KPBKHKHHXXX', '--as', 'hk-admin']);
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('attests a message whose creditor agents are named by HKNCC membership only, and confirms by group status and NOTPROVIDED', () => {
    const attested = xborder(['payment', 'attest', path.join(PAY, 'pacs008-th-hk-clearing.xml'), '--as', 'th-bank-a']);
    expect(attested.code, attested.stdout + attested.stderr).to.equal(0);
    const txs = attested.json().transactions as { uetr: string; status: string }[];
    expect(txs.map((t) => t.status).every((s) => s === 'attested' || s === 'existing')).to.equal(true);
    expect(txs).to.have.length(2);
    // hk-bank-a's group status answers for its own transaction only
    const group = confirmClearing('pacs002-hk-group-status.xml', 'hk-bank-a');
    expect(group.code, group.stdout + group.stderr).to.equal(0);
    expect((group.json().transactions as { uetr: string; state: string }[]).map((t) => [t.uetr, t.state])).to.deep.equal([
      ['3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f', 'CONFIRMED'],
    ]);
    const notProvided = confirmClearing('pacs002-hk-notprovided.xml', 'hk-bank-b');
    expect(notProvided.code, notProvided.stdout + notProvided.stderr).to.equal(0);
    expect(notProvided.json().transactions[0]).to.include({ uetr: '4d5e6f7a-8b9c-4d0e-9f1a-2b3c4d5e6f7a', state: 'CONFIRMED' });
    // hk-bank-a cannot confirm hk-bank-b's transaction: the chaincode resolves the membership too
    const forced = confirmClearing('pacs002-hk-notprovided.xml', 'hk-bank-a');
    expect(forced.code).to.equal(1);
    expect(forced.json().transactions[0]).to.include({ status: 'rejected', code: 'PAYMENT_WRONG_SIDE' });
  });

  it('records a cancellation request (camt.056) and a return (pacs.004) after confirmation, by the payment\u2019s own institutions only', () => {
    const uetr = '3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f';
    const camt056 = path.join(tmp, 'camt056.xml');
    const pacs004 = path.join(tmp, 'pacs004.xml');
    fs.writeFileSync(
      camt056,
      `<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.056.001.08"><FIToFIPmtCxlReq><Undrlyg><TxInf><OrgnlUETR>${uetr}</OrgnlUETR></TxInf></Undrlyg></FIToFIPmtCxlReq></Document>`,
    );
    fs.writeFileSync(
      pacs004,
      `<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pacs.004.001.09"><PmtRtr><TxInf><OrgnlUETR>${uetr}</OrgnlUETR></TxInf></PmtRtr></Document>`,
    );
    const request = xborder([
      'payment',
      'event',
      uetr,
      '--type',
      'CANCELLATION_REQUEST',
      '--message-type',
      'camt.056.001.08',
      '--message',
      camt056,
      '--reason',
      'DUPL',
      '--as',
      'th-bank-a',
    ]);
    expect(request.code, request.stdout + request.stderr).to.equal(0);
    const returned = xborder([
      'payment',
      'event',
      uetr,
      '--type',
      'RETURN',
      '--message-type',
      'pacs.004.001.09',
      '--message',
      pacs004,
      '--reason',
      'FOCR',
      '--as',
      'hk-bank-a',
    ]);
    expect(returned.code, returned.stdout + returned.stderr).to.equal(0);
    // a bank that is neither agent of the payment may not add events to it
    const stranger = xborder([
      'payment',
      'event',
      uetr,
      '--type',
      'RETURN',
      '--message-type',
      'pacs.004.001.09',
      '--message',
      pacs004,
      '--as',
      'hk-bank-b',
    ]);
    expect(stranger.code).to.not.equal(0);
    expect(stranger.stdout + stranger.stderr).to.match(/PAYMENT_WRONG_SIDE/);
    const got = xborder(['payment', 'get', uetr, '--as', 'audit-1']);
    expect(got.code, got.stderr).to.equal(0);
    const types = (got.json().events as { type: string; institution: string }[]).map((e) => `${e.type}:${e.institution}`);
    expect(types).to.include.members(['CANCELLATION_REQUEST:th-bank-a', 'RETURN:hk-bank-a']);
    expect(got.json().record).to.include({ state: 'CONFIRMED' });
  });

  it('refuses a missing UETR, too many decimals for the currency and decimals in a zero-decimal currency, writing nothing', () => {
    const base = fs
      .readFileSync(path.join(PAY, 'pacs008-th-hk-clearing.xml'), 'utf8')
      .replace('CPCB20261126FP000204', 'CPCB20261126FP000777');
    const variants: [string, string, RegExp][] = [
      ['no-uetr', base.replace(/<UETR>3c4d[^<]*<\/UETR>/, ''), /BAD_INPUT.*missing UETR/s],
      [
        'decimals',
        base
          .replace('3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f', '9a0b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d')
          .replace('<InstdAmt Ccy="THB">4000.00</InstdAmt>', '<InstdAmt Ccy="THB">4000.001</InstdAmt>'),
        /PAYMENT_INVALID.*THB has 2 decimals, got 3/s,
      ],
      [
        'zero-decimal',
        base
          .replace('3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f', '0b1c2d3e-4f5a-4b6c-9d7e-8f9a0b1c2d3e')
          .replace('<InstdAmt Ccy="THB">4000.00</InstdAmt>', '<InstdAmt Ccy="JPY">4000.5</InstdAmt>'),
        /PAYMENT_INVALID.*JPY has 0 decimals, got 1/s,
      ],
    ];
    for (const [name, xml, pattern] of variants) {
      const file = path.join(tmp, `${name}.xml`);
      fs.writeFileSync(file, xml);
      const r = xborder(['payment', 'attest', file, '--as', 'th-bank-a']);
      expect(r.code, name).to.not.equal(0);
      expect(r.stdout + r.stderr, name).to.match(pattern);
    }
    for (const uetr of ['9a0b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d', '0b1c2d3e-4f5a-4b6c-9d7e-8f9a0b1c2d3e']) {
      expect(xborder(['payment', 'get', uetr, '--as', 'audit-1']).stdout).to.match(/PAYMENT_NOT_FOUND/);
    }
  });

  it('refuses an agent whose BIC and membership name two institutions, on the client and on the chaincode, writing nothing', () => {
    // a copy under new ids whose first creditor agent has hk-bank-b's BIC and hk-bank-a's membership
    const split = fs
      .readFileSync(path.join(PAY, 'pacs008-th-hk-clearing.xml'), 'utf8')
      .replace('CPCB20261126FP000204', 'CPCB20261126FP000999')
      .replace('3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f', '5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b')
      .replace('4d5e6f7a-8b9c-4d0e-9f1a-2b3c4d5e6f7a', '6f7a8b9c-0d1e-4f2a-9b3c-4d5e6f7a8b9c')
      .replace(/<CdtrAgt>\s*<FinInstnId>/, '<CdtrAgt><FinInstnId><BICFI>KPBKHKHHXXX</BICFI>');
    expect(split).to.include('<BICFI>KPBKHKHHXXX</BICFI>');
    const file = path.join(tmp, 'split.xml');
    fs.writeFileSync(file, split);
    const client = xborder(['payment', 'attest', file, '--as', 'th-bank-a']);
    expect(client.code).to.equal(1);
    expect(client.json().transactions[0]).to.include({ status: 'rejected', code: 'PAYMENT_INVALID' });
    expect(client.json().transactions[0].reason).to.match(/BIC KPBKHKHHXXX is hk-bank-b but clearing member 801 is hk-bank-a/);
    // with --corridor the client does not resolve; the chaincode refuses the same agent
    const chain = xborder(['payment', 'attest', file, '--corridor', 'TH-HK', '--as', 'th-bank-a']);
    expect(chain.code).to.equal(1);
    expect(chain.json().transactions[0]).to.include({ status: 'rejected', code: 'PAYMENT_INVALID' });
    const none = xborder(['payment', 'get', '5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b', '--as', 'audit-1']);
    expect(none.code).to.not.equal(0);
    expect(none.stdout + none.stderr).to.match(/PAYMENT_NOT_FOUND/);
  });

  it("changes an institution's details with history; refuses ambiguity and other operators; suspension stops it until reactivated", () => {
    const added = xborder(['registry', 'update', 'hk-bank-b', '--bic', 'KPBKHKHHXXX', 'KPBKHKHH2XX', '--as', 'hk-admin']);
    expect(added.code, added.stdout + added.stderr).to.equal(0);
    expect(added.json().bics).to.deep.equal(['KPBKHKHH2XX', 'KPBKHKHHXXX']);
    const taken = xborder(['registry', 'update', 'hk-bank-b', '--bic', 'VHBKHKHH', '--as', 'hk-admin']);
    expect(taken.code).to.not.equal(0);
    expect(taken.stdout + taken.stderr).to.match(/INSTITUTION_CONFLICT/);
    const foreign = xborder(['registry', 'update', 'hk-bank-b', '--name', 'Taken over', '--as', 'th-admin']);
    expect(foreign.code).to.not.equal(0);
    expect(foreign.stdout + foreign.stderr).to.match(/ACCESS_DENIED/);

    const suspended = xborder(['registry', 'suspend', 'hk-bank-b', '--as', 'hk-admin']);
    expect(suspended.code, suspended.stderr).to.equal(0);
    const bundle = path.join(EXAMPLES, 'intel', 'phishing-campaign-bundle.json');
    const refused = xborder(['intel', 'submit', bundle, '--as', 'hk-bank-b']);
    expect(refused.code).to.not.equal(0);
    expect(refused.stdout + refused.stderr).to.match(/INSTITUTION_SUSPENDED/);
    // an AMBER object of the example bundle (submitted by hk-bank-a, readable by every member bank)
    expect(xborder(['intel', 'submit', bundle, '--as', 'hk-bank-a']).code).to.equal(0);
    const objects = (
      JSON.parse(fs.readFileSync(bundle, 'utf8')) as { objects: { id: string; type: string; object_marking_refs?: string[] }[] }
    ).objects;
    const someId =
      objects.find(
        (o) => o.type === 'indicator' && (o.object_marking_refs ?? []).includes('marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421'),
      )?.id ?? '';
    expect(someId).to.match(/^indicator--/);
    const read = xborder(['intel', 'content', someId, '--as', 'hk-bank-b']);
    expect(read.code).to.not.equal(0);
    expect(read.stdout + read.stderr).to.match(/INSTITUTION_SUSPENDED/);
    expect(xborder(['registry', 'activate', 'hk-bank-b', '--as', 'hk-admin']).code).to.equal(0);
    expect(xborder(['intel', 'content', someId, '--as', 'hk-bank-b']).code).to.equal(0);

    // the auditor sees every state
    const history = xborder(['registry', 'history', 'hk-bank-b', '--as', 'audit-1']);
    expect(history.code, history.stderr).to.equal(0);
    const states = (history.json() as { record: { status: string; bics: string[] } }[]).map(
      (h) => `${h.record.status}:${h.record.bics.length}`,
    );
    expect(states.slice(-3)).to.deep.equal(['active:2', 'suspended:2', 'active:2']);
  });
  it("onboards a fifth bank end to end: CA registration by its operator, a key made on the bank's side only, ledger registration, then intel and a payment", () => {
    const home = testNetwork.home ?? '';
    const bankHome = path.join(tmp, 'bank-c-home');
    const secretFile = path.join(tmp, 'hk-bank-c.secret');
    // the operator: CA registration (the secret goes to an owner-only file, never to the terminal)
    const ca = spawnSync(
      process.execPath,
      [
        XBNET,
        'register-member',
        '--org',
        'hk',
        '--institution',
        'hk-bank-c',
        '--secret-file',
        secretFile,
        '--home',
        home,
        '--port-offset',
        String(testNetwork.portOffset ?? 0),
        '--json',
      ],
      { encoding: 'utf8', timeout: 60_000 },
    );
    expect(ca.status, ca.stderr).to.equal(0);
    const secret = fs.readFileSync(secretFile, 'utf8').trim();
    expect(ca.stdout + ca.stderr).to.not.include(secret);
    expect(fs.statSync(secretFile).mode & 0o077).to.equal(0);
    const { caUrl, caCert } = JSON.parse(ca.stdout) as { caUrl: string; caCert: string };
    // ... and the ledger side
    const registered = xborder([
      'registry',
      'register',
      'hk-bank-c',
      '--name',
      'Lantau Digital Bank',
      '--bic',
      'LTDBHKHHXXX',
      '--membership',
      'HKNCC/803',
      '--as',
      'hk-admin',
    ]);
    expect(registered.code, registered.stdout + registered.stderr).to.equal(0);
    // the bank, on its own machine (its own home): a key made here, the secret on stdin
    const enroll = (bankFolder: string, stdin: string, ...extra: string[]) =>
      xborder(
        [
          'member',
          'enroll',
          'hk-bank-c',
          ...extra,
          '--ca-url',
          caUrl,
          '--ca-cert',
          caCert,
          '--profile-from',
          path.join(home, 'identities', 'hk-bank-a', 'profile.json'),
          '--home',
          bankFolder,
        ],
        stdin,
      );
    const enrolled = enroll(bankHome, `${secret}\n`);
    expect(enrolled.code, enrolled.stdout + enrolled.stderr).to.equal(0);
    const { certificate } = enrolled.json() as { certificate: string };
    // the secret enrolls once: a copy of it (left in a mail, a ticket) enrolls nothing later
    const replayed = enroll(path.join(tmp, 'bank-c-thief-home'), `${secret}\n`);
    expect(replayed.code, 'a second enrollment with the one-time secret').to.not.equal(0);
    expect(replayed.stdout + replayed.stderr).to.match(/CONFIG[\s\S]*the CA refused the enrolment/);
    expect(fs.existsSync(path.join(tmp, 'bank-c-thief-home', 'identities', 'hk-bank-c', 'msp', 'signcerts'))).to.equal(false);
    const keyFile = path.join(bankHome, 'identities', 'hk-bank-c', 'msp', 'keystore', 'priv_sk');
    expect(fs.statSync(keyFile).mode & 0o077).to.equal(0);
    // the private key exists in the bank's folder only: no file of the operator's network holds it
    const keyLine = fs.readFileSync(keyFile, 'utf8').split('\n')[2] ?? '';
    expect(keyLine.length).to.be.greaterThan(20);
    const found = spawnSync('grep', ['-r', '-l', '-F', keyLine, home], { encoding: 'utf8' });
    expect(found.stdout.trim()).to.equal('');
    // the operator registers the bank's certificate (public) as its signing key
    expect(xborder(['registry', 'register-key', 'hk-bank-c', certificate, '--as', 'hk-admin']).code).to.equal(0);
    const who = xborder(['whoami', '--as', 'hk-bank-c', '--home', bankHome]);
    expect(who.code, who.stderr).to.equal(0);
    expect(who.json()).to.include({ institution: 'hk-bank-c', mspId: 'HKMSP', role: 'submitter' });
    // it shares intel ...
    const now = new Date().toISOString();
    const indicator = {
      type: 'indicator',
      spec_version: '2.1',
      id: 'indicator--9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a',
      created: now,
      modified: now,
      name: 'Fake Lantau Digital Bank login page',
      pattern: "[url:value = 'https://lantau-digital-login.example/']",
      pattern_type: 'stix',
      valid_from: now,
      object_marking_refs: ['marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421'],
    };
    const bundleFile = path.join(tmp, 'bank-c.json');
    fs.writeFileSync(
      bundleFile,
      JSON.stringify({ type: 'bundle', id: 'bundle--1e2d3c4b-5a69-4788-9a0b-c1d2e3f4a5b6', objects: [indicator] }),
    );
    const shared = xborder(['intel', 'submit', bundleFile, '--as', 'hk-bank-c', '--home', bankHome]);
    expect(shared.code, shared.stdout + shared.stderr).to.equal(0);
    expect(xborder(['intel', 'get', indicator.id, '--as', 'audit-1']).json()).to.include({ producer: 'hk-bank-c' });
    // ... and attests a payment it sends (its BIC as debtor agent)
    const pacs008 = fs
      .readFileSync(path.join(PAY, 'pacs008-hk-th.xml'), 'utf8')
      .replace(/VHBKHKHHXXX/g, 'LTDBHKHHXXX')
      .replace('VHBK20261125PP000117', 'LTDB20261125PP000001')
      .replace('6f1c2d3e-4a5b-4c6d-8e7f-901234567890', '7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d')
      .replace('0b9a8c7d-6e5f-4a3b-9c2d-1e0f2a3b4c5d', '8b9c0d1e-2f3a-4b4c-9d5e-6f7a8b9c0d1e');
    const payFile = path.join(tmp, 'bank-c-pacs008.xml');
    fs.writeFileSync(payFile, pacs008);
    const attested = xborder(['payment', 'attest', payFile, '--as', 'hk-bank-c', '--home', bankHome]);
    expect(attested.code, attested.stdout + attested.stderr).to.equal(0);
    // (existing when the test network is reused between runs)
    expect(
      (attested.json().transactions as { status: string }[]).every((t) => t.status === 'attested' || t.status === 'existing'),
    ).to.equal(true);
    expect(attested.json().transactions).to.have.length(2);
    // another bank cannot attest with the new bank's BIC
    const impostor = xborder(['payment', 'attest', payFile, '--as', 'hk-bank-a']);
    expect(impostor.code).to.equal(1);
    // the day's reconciliation by institution: the new bank's two payments, nothing of hk-bank-b's
    const mine = xborder([
      'payment',
      'reconcile',
      '--date',
      '2026-11-25',
      '--corridor',
      'HK-TH',
      '--institution',
      'hk-bank-c',
      '--as',
      'audit-1',
    ]);
    expect(mine.code, mine.stderr).to.equal(0);
    expect(mine.json().institution).to.equal('hk-bank-c');
    expect((mine.json().totals as { count: number }[]).reduce((n, t) => n + t.count, 0)).to.equal(2);

    // key rotation: a second key enrolled on the bank's side (renewed with the current key: the secret
    // enrolls once), registered, then the first revoked;
    // the old key is refused from then on, the new one signs, and a back-dated revocation is refused
    const second = enroll(bankHome, '', '--name', 'hk-bank-c-2', '--renew', 'hk-bank-c');
    expect(second.code, second.stdout + second.stderr).to.equal(0);
    const secondKey = second.json() as { certificate: string; fingerprint: string };
    expect(xborder(['registry', 'register-key', 'hk-bank-c', secondKey.certificate, '--as', 'hk-admin']).code).to.equal(0);
    const firstFingerprint = (enrolled.json() as { fingerprint: string }).fingerprint;
    const backDated = xborder([
      'registry',
      'revoke-key',
      firstFingerprint,
      '--reason',
      'rotation',
      '--from',
      '2020-01-01T00:00:00Z',
      '--as',
      'hk-admin',
    ]);
    expect(backDated.code).to.not.equal(0);
    expect(backDated.stdout + backDated.stderr).to.match(/never back-dated/);
    expect(xborder(['registry', 'revoke-key', firstFingerprint, '--reason', 'rotation', '--as', 'hk-admin']).code).to.equal(0);
    const withOldKey = xborder(['intel', 'submit', bundleFile, '--as', 'hk-bank-c', '--home', bankHome]);
    expect(withOldKey.code).to.not.equal(0);
    expect(withOldKey.stdout + withOldKey.stderr).to.match(/KEY_REVOKED/);
    const newKey = xborder(['intel', 'submit', bundleFile, '--as', 'hk-bank-c-2', '--home', bankHome]);
    expect(newKey.code, newKey.stdout + newKey.stderr).to.equal(0);
    // the record the old key signed is still on the ledger under its producer; the timeline shows both keys
    expect(xborder(['intel', 'get', indicator.id, '--as', 'audit-1']).json()).to.include({ producer: 'hk-bank-c' });
    // an auditor's proof of it says the key was active then and was revoked later, with the reason
    const proofFile = path.join(tmp, 'bank-c-proof.json');
    expect(xborder(['audit', 'proof', `intel:${indicator.id}`, '-o', proofFile, '--as', 'audit-1']).code).to.equal(0);
    const anchorFile = path.join(testNetwork.home ?? '', 'channel', 'anchor.json');
    const checked = xborder(['audit', 'check-proof', proofFile, '--anchor', anchorFile, '--json']);
    const keyCheck = (checked.json().checks as { name: string; status: string; detail: string }[]).find(
      (c) => c.name === 'record.signer-key-status',
    );
    expect(keyCheck?.status).to.equal('pass');
    expect(keyCheck?.detail).to.match(/active at the record's time; revoked later, at \S+ \(rotation\)/);
    const timeline = xborder(['registry', 'keys', 'hk-bank-c', '--as', 'audit-1']).json() as {
      fingerprint: string;
      revokedAt: string | null;
    }[];
    // (a reused test network also lists the keys of earlier runs)
    const thisRun = timeline.filter((k) => k.fingerprint === firstFingerprint || k.fingerprint === secondKey.fingerprint);
    expect(thisRun.map((k) => [k.fingerprint, k.revokedAt === null])).to.deep.equal([
      [firstFingerprint, false],
      [secondKey.fingerprint, true],
    ]);
  });
});
