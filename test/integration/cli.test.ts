import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { expect } from 'chai';

import { loadConfig, processManager } from '@xborder/network';

import { testNetwork } from '../support/network-hooks';
import { REPO_ROOT } from '../support/paths';

const repo = REPO_ROOT;
const CLI = path.join(repo, 'cli', 'dist', 'main.js');
const BUNDLE = path.join(repo, 'examples', 'intel', 'phishing-campaign-bundle.json');
const PAY = path.join(repo, 'examples', 'payments');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  json: () => any;
}

function xborder(args: string[], input?: string): Run {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    env: { ...process.env, XB_HOME: testNetwork.home, XB_IDENTITY: '' },
    input,
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, json: () => JSON.parse(r.stdout) };
}

describe('xborder CLI end to end on the real network', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'xb-cli-'));
  after(() => {
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('prints help and exits 0; an unknown command exits 2', () => {
    const help = xborder(['--help']);
    expect(help.code).to.equal(0);
    expect(help.stdout)
      .to.match(/intel/)
      .and.to.match(/payment/);
    expect(xborder(['intel', 'submit', '--help']).stdout).to.match(/--batch-size/);
    expect(xborder(['teleport']).code).to.equal(2);
  });

  it('whoami shows the identity from the certificate', () => {
    const r = xborder(['whoami', '--as', 'th-bank-b', '--json']);
    expect(r.code).to.equal(0);
    expect(r.json()).to.include({ mspId: 'THMSP', institution: 'th-bank-b', role: 'submitter' });
  });

  it('refuses bad files with a clear error, exit 1 and nothing submitted', () => {
    const notJson = path.join(tmp, 'not.json');
    fs.writeFileSync(notJson, 'this is not json');
    const truncated = path.join(tmp, 'truncated.json');
    fs.writeFileSync(truncated, fs.readFileSync(BUNDLE, 'utf8').slice(0, 500));
    const notStix = path.join(tmp, 'not-stix.json');
    fs.writeFileSync(notStix, '{"hello":"world"}');
    const empty = fs.mkdtempSync(path.join(tmp, 'empty-'));
    for (const [file, pattern] of [
      [notJson, /error BAD_INPUT: .*not JSON/],
      [truncated, /error BAD_INPUT: .*not JSON/],
      [notStix, /error BAD_INPUT: .*not a STIX bundle or object/],
      [empty, /error BAD_INPUT: .*no \.json files/],
      [path.join(tmp, 'missing.json'), /error BAD_INPUT: .*no such file/],
    ] as const) {
      const r = xborder(['intel', 'submit', file, BUNDLE, '--as', 'hk-bank-b']);
      expect(r.code, file).to.equal(1);
      expect(r.stderr).to.match(pattern);
      expect(r.stderr).to.match(/hint: fix the file/);
    }
    const list = xborder(['intel', 'list', '--producer', 'hk-bank-b', '--json', '--as', 'audit-1']);
    expect(list.json().items).to.deep.equal([]);
  });

  it('submits a bundle, reports per object, and says so when a re-run changes nothing', () => {
    const first = xborder(['intel', 'submit', BUNDLE, '--as', 'hk-bank-a', '--json']);
    expect(first.code, first.stderr).to.equal(0);
    const report = first.json();
    expect(report.total).to.equal(11);
    expect(report.submitted + report.existing).to.equal(9);
    expect(report.skipped).to.equal(2);
    const again = xborder(['intel', 'submit', BUNDLE, '--as', 'hk-bank-a']);
    expect(again.code).to.equal(0);
    expect(again.stdout)
      .to.match(/0 submitted, 9 already on the ledger/)
      .and.to.match(/nothing new/);
  });

  it('lets a second member share the same feed: each recorded version co-signed, shown by intel get, idempotent', () => {
    const first = xborder(['intel', 'submit', BUNDLE, '--as', 'hk-bank-a', '--json']).json();
    const versions = (first.outcomes as { status: string; stixId: string; tlp: string }[]).filter(
      (o) => o.status === 'submitted' || o.status === 'existing',
    );
    const strict = versions.filter((o) => o.tlp === 'AMBER+STRICT' || o.tlp === 'RED');
    expect(strict.length, 'the bundle has a strict object').to.be.greaterThan(0);
    const again = xborder(['intel', 'submit', BUNDLE, '--as', 'th-bank-a', '--json']);
    const report = again.json();
    // every shared version co-signed once; strict ones stay their producer's (nothing is compared)
    expect(report.cosigned + report.existing).to.equal(versions.length - strict.length);
    expect(
      (report.outcomes as { status: string; code?: string }[]).filter((o) => o.status === 'rejected').map((o) => o.code),
    ).to.deep.equal(strict.map(() => 'INTEL_NOT_PRODUCER'));
    const one = versions.find((o) => o.stixId.startsWith('indicator--'))?.stixId ?? '';
    const got = xborder(['intel', 'get', one, '--as', 'hk-bank-b', '--json']).json();
    expect(got.producer).to.equal('hk-bank-a');
    expect(got.cosignatures.map((c: { institution: string }) => c.institution)).to.include('th-bank-a');
    const human = xborder(['intel', 'get', one, '--as', 'hk-bank-b']);
    expect(human.stdout).to.match(/co-signed by\s+th-bank-a \(THMSP/);
    const third = xborder(['intel', 'submit', BUNDLE, '--as', 'th-bank-a', '--json']).json();
    expect(third.cosigned).to.equal(0);
  });

  it('summarises refusals by code: a feed refused for one reason is one line, with examples; --all lists each, --json counts', () => {
    const now = new Date().toISOString();
    const object = (i: number, extra: Record<string, unknown>): Record<string, unknown> => ({
      type: 'indicator',
      spec_version: '2.1',
      id: `indicator--${randomUUID()}`,
      created: now,
      modified: now,
      name: `summary ${String(i)}`,
      pattern: `[url:value = 'https://${randomUUID()}.example/']`,
      pattern_type: 'stix',
      valid_from: now,
      ...extra,
    });
    const objects = [
      ...Array.from({ length: 40 }, (_, i) =>
        object(i, { object_marking_refs: ['marking-definition--00000000-0000-4000-8000-0000000000aa'] }),
      ),
      ...Array.from({ length: 3 }, (_, i) => object(100 + i, { labels: ['tlp:purple'] })),
      // a statement marking (ATT&CK's copyright) is accepted and shared at the default level
      object(200, { object_marking_refs: ['marking-definition--fa42a846-8d90-4e51-bc29-71d5b4802168'] }),
    ];
    const file = path.join(tmp, 'messy-feed.json');
    fs.writeFileSync(file, JSON.stringify({ type: 'bundle', id: `bundle--${randomUUID()}`, objects }));
    const human = xborder(['intel', 'submit', file, '--as', 'hk-bank-a']);
    expect(human.code).to.equal(1);
    const lines = human.stdout.split('\n');
    expect(human.stdout).to.match(/44 objects in .*: 1 submitted, 0 already on the ledger, 43 rejected/);
    expect(lines.filter((l) => /^\s+40\s+MARKING_UNCLASSIFIED\s/.test(l))).to.have.length(1);
    expect(lines.filter((l) => /^\s+3\s+TLP_UNKNOWN\s/.test(l))).to.have.length(1);
    // the first examples of each code, not one line per object
    expect(lines.filter((l) => / MARKING_UNCLASSIFIED /.test(l) && /#\d+/.test(l))).to.have.length(3);
    expect(human.stdout).to.match(/all 43 with --all/);
    const all = xborder(['intel', 'submit', file, '--as', 'hk-bank-a', '--all']);
    expect(all.stdout.split('\n').filter((l) => /#\d+/.test(l))).to.have.length(43);
    const quiet = xborder(['intel', 'submit', file, '--as', 'hk-bank-a', '--quiet']);
    expect(quiet.stdout.split('\n').filter((l) => /#\d+/.test(l))).to.have.length(0);
    expect(quiet.stdout).to.match(/0 submitted, 1 already on the ledger, 43 rejected/);
    const json = xborder(['intel', 'submit', file, '--as', 'hk-bank-a', '--json']).json();
    expect(json.byCode.map((c: { code: string; count: number }) => [c.code, c.count])).to.deep.equal([
      ['MARKING_UNCLASSIFIED', 40],
      ['TLP_UNKNOWN', 3],
    ]);
  });

  it("refuses an indicator that credits another member's STIX identity as its creator; TAXII readers never see it", () => {
    const id = `indicator--${randomUUID()}`;
    const file = path.join(tmp, 'borrowed-authorship.json');
    fs.writeFileSync(
      file,
      JSON.stringify({
        type: 'indicator',
        spec_version: '2.1',
        id,
        created: '2026-12-01T00:00:00Z',
        modified: '2026-12-01T00:00:00Z',
        created_by_ref: 'identity--5d1b6e4c-9c1e-4d55-8a3f-2f0e8b6c1a01', // hk-bank-a's, per the registry
        confidence: 100,
        pattern: "[domain-name:value = 'borrowed-authority.example']",
        pattern_type: 'stix',
        valid_from: '2026-12-01T00:00:00Z',
      }),
    );
    const r = xborder(['intel', 'submit', file, '--as', 'th-bank-b']);
    expect(r.code).to.equal(1);
    expect(r.stdout + r.stderr).to.match(/INTEL_CREATOR_NOT_PRODUCER/);
    expect(xborder(['intel', 'get', id, '--as', 'audit-1']).stderr).to.match(/INTEL_NOT_FOUND/);
    // the registry says whose identity it is
    const holder = xborder(['registry', 'institution', 'hk-bank-a', '--json', '--as', 'audit-1']);
    expect(holder.json()).to.deep.include({ stixIdentities: ['identity--5d1b6e4c-9c1e-4d55-8a3f-2f0e8b6c1a01'] });
  });

  it('reports rejected objects with code and reason, submits the good ones, exits 1; reads from stdin', () => {
    const good = {
      type: 'indicator',
      spec_version: '2.1',
      id: `indicator--${'7'.repeat(8)}-1111-4111-8111-${Date.now().toString(16).padStart(12, '0').slice(-12)}`,
      created: '2026-11-25T00:00:00Z',
      modified: '2026-11-25T00:00:00Z',
      pattern: "[domain-name:value = 'stdin.example']",
      pattern_type: 'stix',
      valid_from: '2026-11-25T00:00:00Z',
    };
    const bad = { ...good, id: good.id.replace('indicator--7', 'indicator--8'), created: '2026-11-26T00:00:00Z' };
    const r = xborder(
      ['intel', 'submit', '-', '--as', 'hk-bank-b', '--json'],
      JSON.stringify({ type: 'bundle', id: 'bundle--1d5e3f0a-3c55-4c43-9c65-3b6f1f0b2b7a', objects: [good, bad] }),
    );
    expect(r.code).to.equal(1);
    const report = r.json();
    expect(report.submitted).to.equal(1);
    expect(report.outcomes.find((o: any) => o.status === 'rejected')).to.include({ code: 'INTEL_INVALID_OBJECT', stixId: bad.id });
  });

  it('gets, lists, reads history and content, records a sighting and revokes', () => {
    const id = 'indicator--2a3b4c5d-6e7f-4081-9a2b-3c4d5e6f7a04';
    const get = xborder(['intel', 'get', id, '--as', 'th-bank-a']);
    expect(get.code).to.equal(0);
    expect(get.stdout).to.match(/producer\s+hk-bank-a \(HKMSP\)/);
    expect(xborder(['intel', 'history', id, '--json', '--as', 'audit-1']).json()).to.have.length(1);
    const list = xborder(['intel', 'list', '--tlp', 'AMBER', '--page-size', '2', '--json', '--as', 'audit-1']).json();
    expect(list.items).to.have.length(2);
    expect(list.bookmark).to.be.a('string').and.not.equal('');
    const next = xborder([
      'intel',
      'list',
      '--tlp',
      'AMBER',
      '--page-size',
      '2',
      '--bookmark',
      list.bookmark,
      '--json',
      '--as',
      'audit-1',
    ]).json();
    expect(next.items[0].stixId).not.to.equal(list.items[0].stixId);
    const content = xborder(['intel', 'content', id, '--json', '--as', 'th-bank-b']);
    expect(content.json().pattern).to.contain('hk-th-qr-pay.example');
    const audit = xborder(['intel', 'content', id, '--as', 'audit-1']);
    expect(audit.code).to.equal(1);
    expect(audit.stderr).to.match(/^error ACCESS_DENIED: /m);
    const sight = xborder([
      'intel',
      'sight',
      id,
      '--count',
      '2',
      '--first-seen',
      '2026-11-25T01:00:00Z',
      '--last-seen',
      '2026-11-25T02:00:00Z',
      '--as',
      'th-bank-b',
    ]);
    expect(sight.code, sight.stderr).to.equal(0);
    const wrong = xborder(['intel', 'revoke', id, '--reason', 'not mine', '--as', 'th-bank-a']);
    expect(wrong.code).to.equal(1);
    expect(wrong.stderr).to.match(/error (INTEL_NOT_PRODUCER|ACCESS_DENIED)/);
  });

  it('attests a pacs.008, confirms with a pacs.002 and the receiver copy, and reconciles', () => {
    const attest = xborder(['payment', 'attest', path.join(PAY, 'pacs008-hk-th.xml'), '--as', 'hk-bank-a', '--json']);
    expect(attest.code, attest.stderr).to.equal(0);
    expect(attest.json().transactions).to.have.length(2);
    const confirm = xborder([
      'payment',
      'confirm',
      path.join(PAY, 'pacs002-th-status.xml'),
      '--pacs008',
      path.join(PAY, 'pacs008-hk-th-receiver-copy.xml'),
      '--as',
      'th-bank-a',
      '--json',
    ]);
    expect(confirm.code, confirm.stderr).to.equal(0);
    expect(confirm.json().transactions.map((t: any) => t.state)).to.deep.equal(['CONFIRMED', 'DISPUTED']);
    const get = xborder(['payment', 'get', '0b9a8c7d-6e5f-4a3b-9c2d-1e0f2a3b4c5d', '--as', 'audit-1']);
    expect(get.stdout)
      .to.match(/state\s+DISPUTED/)
      .and.to.match(/differs\s+amount/);
    const rec = xborder(['payment', 'reconcile', '--date', '2026-11-25', '--corridor', 'HK-TH', '--as', 'audit-1']);
    expect(rec.code).to.equal(0);
    expect(rec.stdout).to.match(/DISPUTED\s+1/);
    const list = xborder([
      'payment',
      'list',
      '--status',
      'DISPUTED',
      '--from-date',
      '2026-11-25',
      '--to-date',
      '2026-11-25',
      '--json',
      '--as',
      'audit-1',
    ]);
    expect(list.json().items.map((p: any) => p.uetr)).to.include('0b9a8c7d-6e5f-4a3b-9c2d-1e0f2a3b4c5d');
    const own = xborder([
      'payment',
      'confirm',
      path.join(PAY, 'pacs002-th-status.xml'),
      '--pacs008',
      path.join(PAY, 'pacs008-hk-th.xml'),
      '--as',
      'hk-bank-a',
    ]);
    expect(own.code).to.equal(1);
    expect(own.stdout).to.match(/PAYMENT_WRONG_SIDE/);
  });

  it('manages the registry: seed, institutions, keys, register and revoke a key (admins only)', () => {
    const seed = xborder(['registry', 'seed', path.join(repo, 'examples', 'institutions.json'), '--json']);
    expect(seed.code, seed.stderr).to.equal(0);
    expect(seed.json().map((r: any) => r.institution)).to.include.members(['hk-bank-a', 'th-bank-b']);
    const inst = xborder(['registry', 'institution', 'th-bank-a', '--as', 'audit-1']);
    expect(inst.stdout).to.match(/BICs\s+CPCBTHBKXXX/);
    expect(inst.stdout).to.match(/memberships\s+THCBC\/031/);
    expect(
      xborder(['registry', 'institutions', 'HKMSP', '--json', '--as', 'audit-1'])
        .json()
        .items.map((i: any) => i.id),
    ).to.include.members(['hk-bank-a', 'hk-bank-b']);
    const keys = xborder(['registry', 'keys', 'hk-bank-a', '--json', '--as', 'audit-1']).json();
    expect(keys.length).to.be.greaterThan(0);
    const cert = path.join(testNetwork.home ?? '', 'identities', 'th-bank-b', 'msp', 'signcerts', 'cert.pem');
    const again = xborder(['registry', 'register-key', 'th-bank-b', cert, '--as', 'th-admin']);
    expect(again.code, again.stderr).to.equal(0);
    expect(xborder(['registry', 'register-key', 'th-bank-b', cert, '--as', 'th-bank-a']).stderr).to.match(/error ACCESS_DENIED/);
    expect(xborder(['registry', 'revoke-key', keys[0].fingerprint, '--reason', 'x', '--as', 'th-admin']).stderr).to.match(
      /error ACCESS_DENIED: an admin of THMSP/,
    );
  });

  it('revokes an intel object through the CLI as its producer', () => {
    const id = 'x-xborder-fraud-pattern--7f809102-a3b4-45d6-8f70-8192a3b4c509';
    const r = xborder(['intel', 'revoke', id, '--reason', 'superseded by a new pattern', '--as', 'hk-bank-a']);
    expect(r.code, r.stderr).to.equal(0);
    expect(xborder(['intel', 'get', id, '--json', '--as', 'audit-1']).json()).to.include({
      revoked: true,
      revokeReason: 'superseded by a new pattern',
    });
  });

  it('refuses bad ISO 20022 files: not XML, wrong message, wrong version', () => {
    const bad = path.join(tmp, 'bad.xml');
    fs.writeFileSync(bad, '<Document><unclosed></Document>');
    const wrongVersion = path.join(tmp, 'v02.xml');
    fs.writeFileSync(
      wrongVersion,
      fs.readFileSync(path.join(PAY, 'pacs008-hk-th.xml'), 'utf8').replace('pacs.008.001.08', 'pacs.008.001.02'),
    );
    for (const [file, pattern] of [
      [bad, /not well-formed XML/],
      [path.join(PAY, 'pacs002-th-status.xml'), /expected a pacs.008 message/],
      [wrongVersion, /version 02 is not supported/],
    ] as const) {
      const r = xborder(['payment', 'attest', file, '--as', 'hk-bank-a']);
      expect(r.code).to.equal(1);
      expect(r.stderr).to.match(pattern);
    }
  });

  it('runs the demo story to the end on the network (the second half of npm start)', async () => {
    const r = spawnSync(process.execPath, [path.join(repo, 'cli', 'dist', 'demo.js')], {
      env: { ...process.env, XB_HOME: testNetwork.home },
      encoding: 'utf8',
      timeout: 180_000,
    });
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/sighting recorded in tx/);
    expect(r.stdout).to.match(/CONFIRMED tx/);
    expect(r.stdout).to.match(/DISPUTED - the TH copy differs in amount/);
    expect(r.stdout).to.match(/signature valid/);
    expect(r.stdout).to.match(
      /proof holds: (intel|payment) \S+ .*written by transaction [0-9a-f]{64} .*; block \d+ .*anchored and co-signed by both operators/,
    );
    expect(r.stdout).to.match(/npm run network:down/);
    // and leaves the auditor console running as a service of the network, its token in an owner-only file
    const address = /Auditor console \(audit-1, read only\) (?:still )?at (http:\/\/127\.0\.0\.1:(\d+)\/)/.exec(r.stdout);
    expect(address, r.stdout).to.not.equal(null);
    expect(Number(address?.[2])).to.equal(9480 + 20000);
    const accessFile = path.join(testNetwork.home ?? '', 'console', 'audit-1.url');
    expect(fs.statSync(accessFile).mode & 0o777).to.equal(0o600);
    const access = fs.readFileSync(accessFile, 'utf8').trim();
    expect(access.startsWith(`${address?.[1] ?? ''}#token=`)).to.equal(true);
    expect(r.stdout).not.to.contain(access.split('#token=')[1]);
    const page = await fetch(address?.[1] ?? '');
    expect(page.status).to.equal(200);
    expect(await page.text()).to.contain('xborder auditor console');
    // it is one of the network's processes: what stops the network stops it (here alone, so the rest of the run is as before)
    const processes = processManager(loadConfig({ home: testNetwork.home ?? '' }));
    expect(processes.runningPid('console-audit-1')).to.be.a('number');
    expect(await processes.stop('console-audit-1')).to.equal(true);
    expect(processes.runningPid('console-audit-1')).to.equal(undefined);
  });
});
