import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { expect } from 'chai';

import { buildReport, checkProof, manifestDigest, parseTrustAnchor } from '@xborder/sdk/audit';
import type { AuditReport } from '@xborder/sdk/audit';

import { PARTIES, paymentFields } from '../support/payment-fixture';
import { clientPool } from '../support/clients';
import { testNetwork } from '../support/network-hooks';
import { REPO_ROOT } from '../support/paths';

const repo = REPO_ROOT;
const CLI = path.join(repo, 'cli', 'dist', 'main.js');

function xborder(args: string[], env: Record<string, string> = {}): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    env: { ...process.env, XB_HOME: testNetwork.home, ...env },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function indicator(): Record<string, unknown> {
  return {
    type: 'indicator',
    spec_version: '2.1',
    id: `indicator--${randomUUID()}`,
    created: '2026-11-25T00:00:00Z',
    modified: '2026-11-25T00:00:00Z',
    pattern: "[url:value = 'https://audit-test.example/x']",
    pattern_type: 'stix',
    valid_from: '2026-11-25T00:00:00Z',
  };
}

describe('auditor toolkit on the real network', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'xb-audit-'));
  const anchorFile = path.join(testNetwork.home ?? '', 'channel', 'anchor.json');
  const { as, closeAll } = clientPool();
  after(() => {
    closeAll();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const object = indicator();
  const payment = paymentFields({
    settlementDate: `2032-0${String(1 + Math.floor(Math.random() * 9))}-1${String(Math.floor(Math.random() * 9))}`,
  });

  it('exports the trust anchor `up` wrote: genesis hash and CA root fingerprints of every MSP', () => {
    const r = xborder(['audit', 'anchor', '--as', 'audit-1']);
    expect(r.code, r.stderr).to.equal(0);
    const exported = JSON.parse(r.stdout) as { genesisHash: string; roots: Record<string, string[]> };
    expect(exported).to.deep.equal(JSON.parse(fs.readFileSync(anchorFile, 'utf8')));
    expect(Object.keys(exported.roots).sort()).to.deep.equal(['AuditMSP', 'HKMSP', 'OrdererMSP', 'THMSP']);
    const offline = xborder(['audit', 'anchor', '--genesis-block', path.join(testNetwork.home ?? '', 'channel', 'xborder.block')]);
    expect(JSON.parse(offline.stdout)).to.deep.equal(exported);
  });

  it('proves an intel record and a payment; check-proof runs with no network at all', async () => {
    await as('th-bank-b').intel.submit(object);
    await as('hk-bank-a').payments.attest(payment, PARTIES);
    for (const target of [`intel:${String(object.id)}`, `payment:${payment.uetr}`]) {
      const file = path.join(tmp, `${target.split(':')[0] ?? 'x'}.json`);
      const made = xborder(['audit', 'proof', target, '-o', file, '--as', 'audit-1']);
      expect(made.code, made.stderr).to.equal(0);
      // offline: no network home, nothing to connect to; no checkpoint covers the new block yet
      const check = xborder(['audit', 'check-proof', file, '--anchor', anchorFile], { XB_HOME: path.join(tmp, 'nowhere') });
      expect(check.code, check.stdout).to.equal(3);
      expect(check.stdout)
        .to.match(/ok\s+tx\.endorsed-by-both-operators/)
        .and.to.match(/ok\s+record\.institution-signature/)
        .and.to.match(/PENDING\s+validity\.cosigned/)
        .and.to.match(/valid according to the serving peer, not yet co-signed/)
        .and.not.to.match(/proof holds/);
      const unanchored = xborder(['audit', 'check-proof', file]);
      expect(unanchored.code, unanchored.stdout).to.equal(4);
      expect(unanchored.stdout)
        .to.match(/UNANCHORED\s+config\.anchor/)
        .and.to.match(/proof is UNANCHORED/);
    }
    // a member who can read the content hands the auditor an opening: the object and its salt
    const opened = xborder(['intel', 'content', String(object.id), '--opening', '--json', '--as', 'hk-bank-a']);
    expect(opened.code, opened.stderr).to.equal(0);
    const openingFile = path.join(tmp, 'opening.json');
    fs.writeFileSync(openingFile, opened.stdout);
    expect(
      xborder(['audit', 'check-proof', path.join(tmp, 'intel.json'), '--content', openingFile, '--anchor', anchorFile]).stdout,
    ).to.match(/ok\s+content\.hash/);
    // the bare object alone proves nothing: the commitment needs the salt; a wrong salt fails
    const contentFile = path.join(tmp, 'object.json');
    fs.writeFileSync(contentFile, JSON.stringify(object));
    const bare = xborder(['audit', 'check-proof', path.join(tmp, 'intel.json'), '--content', contentFile, '--anchor', anchorFile]);
    expect(bare.code).to.equal(1);
    expect(bare.stdout).to.match(/FAIL\s+content\.hash\s+the record holds a salted commitment/);
    const wrongSalt = xborder([
      'audit',
      'check-proof',
      path.join(tmp, 'intel.json'),
      '--content',
      contentFile,
      '--salt',
      'ab'.repeat(32),
      '--anchor',
      anchorFile,
    ]);
    expect(wrongSalt.code).to.equal(1);
    expect(wrongSalt.stdout).to.match(/FAIL\s+content\.hash/);
    const tamperedFile = path.join(tmp, 'tampered.json');
    const proof = JSON.parse(fs.readFileSync(path.join(tmp, 'intel.json'), 'utf8')) as { record: { value: string } };
    proof.record.value = proof.record.value.replace('"AMBER"', '"CLEAR"');
    fs.writeFileSync(tamperedFile, JSON.stringify(proof));
    const bad = xborder(['audit', 'check-proof', tamperedFile, '--anchor', anchorFile]);
    expect(bad.code).to.equal(1);
    expect(bad.stdout).to.match(/proof FAILED at record\.in-write-set/);
  });

  it('records checkpoints signed by both operators; proofs then link their block to the checkpoint', () => {
    const hk = xborder(['audit', 'checkpoint', '--as', 'hk-admin', '--json']);
    expect(hk.code, hk.stderr).to.equal(0);
    const th = xborder(['audit', 'checkpoint', '--as', 'th-admin', '--json']);
    expect(th.code, th.stderr).to.equal(0);
    expect(JSON.parse(th.stdout).height).to.equal(JSON.parse(hk.stdout).height);
    const list = xborder(['audit', 'checkpoints', '--as', 'audit-1', '--json']);
    expect(list.code, list.stdout).to.equal(0);
    const rows = JSON.parse(list.stdout) as { signedBy: string[]; operatorsAgree: boolean; matchesChain: boolean }[];
    expect(rows.some((r) => r.operatorsAgree && r.matchesChain && r.signedBy.length === 2)).to.equal(true);
    expect(xborder(['audit', 'checkpoint', '--as', 'audit-1']).stderr).to.match(/error ACCESS_DENIED/);
    const file = path.join(tmp, 'with-checkpoint.json');
    expect(xborder(['audit', 'proof', `intel:${String(object.id)}`, '-o', file, '--as', 'audit-1']).code).to.equal(0);
    const check = xborder(['audit', 'check-proof', file, '--anchor', anchorFile]);
    expect(check.code, check.stdout).to.equal(0);
    expect(check.stdout)
      .to.match(/ok\s+checkpoint\.signatures\s+height \d+ signed by (HKMSP, THMSP|THMSP, HKMSP) \(admins\)/)
      .and.to.match(/ok\s+checkpoint\.headers/)
      .and.to.match(/ok\s+checkpoint\.validity/)
      .and.to.match(
        /proof holds: intel indicator--[0-9a-f-]{36} version \S+ by th-bank-b \(key [0-9a-f]{16}\.\.\.\), written by transaction [0-9a-f]{64} \(index \d+ of block \d+\); block \d+ \([0-9a-f]{64}\), anchored and co-signed by both operators/,
      );
    const genesis = (JSON.parse(fs.readFileSync(anchorFile, 'utf8')) as { genesisHash: string }).genesisHash;
    expect(xborder(['audit', 'check-proof', file, '--genesis', genesis]).code).to.equal(0);
    expect(xborder(['audit', 'check-proof', file, '--genesis', genesis.replace(/^./, genesis.startsWith('0') ? '1' : '0')]).code).to.equal(
      1,
    );
  });

  it('verifies a content opening against the ledger; a bare object needs its salt', () => {
    const r = xborder(['audit', 'verify', path.join(tmp, 'opening.json'), '--as', 'audit-1']);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/signer\s+th-bank-b \(THMSP\)/);
    const salt = (JSON.parse(fs.readFileSync(path.join(tmp, 'opening.json'), 'utf8')) as { salt: string }).salt;
    const withSalt = xborder(['audit', 'verify', path.join(tmp, 'object.json'), '--salt', salt, '--as', 'audit-1']);
    expect(withSalt.code, withSalt.stderr).to.equal(0);
    const noSalt = xborder(['audit', 'verify', path.join(tmp, 'object.json'), '--as', 'audit-1']);
    expect(noSalt.code).to.not.equal(0);
    expect(noSalt.stderr).to.match(/records commit to content with a salt/);
    const guessed = xborder(['audit', 'verify', path.join(tmp, 'object.json'), '--salt', '0'.repeat(64), '--as', 'audit-1']);
    expect(guessed.code).to.equal(1);
    expect(guessed.stdout).to.match(/not on the ledger/);
  });

  it('verifies the whole chain: data hashes, previous-hash links, orderer signatures', async () => {
    const r = xborder(['audit', 'verify-chain', '--anchor', anchorFile, '--as', 'audit-1']);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/^blocks 0\.\.\d+ verified; tip [0-9a-f]{64}$/m);
    const unanchored = xborder(['audit', 'verify-chain', '--as', 'audit-1']);
    expect(unanchored.code).to.equal(4);
    expect(unanchored.stdout).to.match(/UNANCHORED/);
    const anchor = { anchor: parseTrustAnchor(fs.readFileSync(anchorFile, 'utf8')) };
    const report = await as('audit-1').audit.verifyChain(1, 3, { anchor });
    expect(report).to.include({ ok: true, outcome: 'verified', from: 1, to: 3 });
  });

  it('resumes a follower stopped mid-stream exactly where it stopped: no gaps, no repeats', async function () {
    this.timeout(120_000);
    // the network has at least this many events by now (registry seeding and the submissions above)
    const total = 8;
    const reference = xborder(['events', 'follow', '--limit', String(total), '--as', 'audit-1']);
    expect(reference.code, reference.stderr).to.equal(0);
    const expected = reference.stdout.trim().split('\n');
    expect(expected).to.have.length(total);
    const checkpoint = path.join(tmp, 'events.checkpoint');
    // first run: stopped by a signal after a few events
    const first = await new Promise<string[]>((resolve) => {
      const child = spawn(process.execPath, [CLI, 'events', 'follow', '--checkpoint', checkpoint, '--as', 'audit-1'], {
        env: { ...process.env, XB_HOME: testNetwork.home },
      });
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.split('\n').length > 3) child.kill('SIGTERM');
      });
      child.on('exit', () => {
        resolve(out.trim().split('\n'));
      });
    });
    expect(first.length).to.be.at.least(3).and.below(total);
    const rest = xborder(['events', 'follow', '--checkpoint', checkpoint, '--limit', String(total - first.length), '--as', 'audit-1']);
    expect([...first, ...rest.stdout.trim().split('\n')]).to.deep.equal(expected);
  });

  it('reports exactly what was submitted, with a manifest that detects edits; auditors only', async () => {
    const auditor = as('audit-1');
    const today = new Date().toISOString().slice(0, 10);
    const before = await buildReport(auditor.intel, auditor.payments, today, today);
    const th = as('th-bank-b');
    await th.intel.submit(indicator());
    await th.intel.submit(indicator());
    await as('hk-bank-b').intel.sight({
      stixId: String(object.id),
      count: 1,
      firstSeen: '2026-11-25T00:00:00Z',
      lastSeen: '2026-11-25T00:00:00Z',
    });
    const after = await buildReport(auditor.intel, auditor.payments, today, today);
    const row = (r: AuditReport, institution: string) =>
      r.intel
        .filter((x) => x.institution === institution && x.type === 'indicator')
        .reduce((a, x) => ({ submissions: a.submissions + x.submissions, sightings: a.sightings + x.sightings }), {
          submissions: 0,
          sightings: 0,
        });
    expect(row(after, 'th-bank-b').submissions - row(before, 'th-bank-b').submissions).to.equal(2);
    expect(row(after, 'hk-bank-b').sightings - row(before, 'hk-bank-b').sightings).to.equal(1);
    const { manifest, ...body } = after;
    expect(manifestDigest(body)).to.equal(manifest.digest);
    expect(manifestDigest({ ...body, to: '2099-12-31' })).not.to.equal(manifest.digest);

    const day = payment.settlementDate;
    const payReport = await buildReport(auditor.intel, auditor.payments, day, day);
    expect(payReport.payments).to.deep.equal([
      {
        corridor: 'HK-TH',
        currency: 'HKD',
        state: 'ATTESTED',
        count: 1,
        amount: '1000.00',
        settlementCurrency: 'THB',
        settlementAmount: '4350.00',
      },
    ]);
    // by institution: the receiving bank sees the payment, a bank with no part in it sees none, and
    // the intel rows are that institution's only
    const forReceiver = await buildReport(auditor.intel, auditor.payments, day, day, 'th-bank-a');
    expect(forReceiver.institution).to.equal('th-bank-a');
    expect(forReceiver.payments).to.deep.equal(payReport.payments);
    const forOther = await buildReport(auditor.intel, auditor.payments, day, day, 'th-bank-b');
    expect(forOther.payments).to.deep.equal([]);
    const intelOfB = await buildReport(auditor.intel, auditor.payments, today, today, 'hk-bank-b');
    expect(intelOfB.intel.every((r) => r.institution === 'hk-bank-b')).to.equal(true);
    const csvFile = path.join(tmp, 'report.csv');
    const csv = xborder(['audit', 'report', '--from', day, '--to', day, '--format', 'csv', '-o', csvFile, '--as', 'audit-1']);
    expect(csv.code, csv.stderr).to.equal(0);
    const text = fs.readFileSync(csvFile, 'utf8');
    expect(text)
      .to.match(/^payments,HK-TH,HKD,ATTESTED,1,1000\.00,THB,4350\.00$/m)
      .and.to.match(/^# sha256 [0-9a-f]{64}$/m);
    expect(checkProof).to.be.a('function');
  });
});
