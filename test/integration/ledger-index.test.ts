/**
 * The ledger index on the real network, through the CLI: it holds exactly what its reader may read
 * (another bank's index never holds strict content, grepped in the file itself), resumes after a
 * SIGKILL with no gap and no duplicate (equal to a rebuild from genesis), is checked against the
 * ledger (a tampered row is found), refuses another reader's file, and answers analysts' searches.
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import Database from 'better-sqlite3';
import { expect } from 'chai';

import { IndexStore } from '@xborder/ledger-index';
import type { IndexOwner, StoredVersion } from '@xborder/ledger-index';
import { toMicros } from '@xborder/protocol';

import { clientPool } from '../support/clients';
import { testNetwork } from '../support/network-hooks';
import { REPO_ROOT } from '../support/paths';
import { AMBER_STRICT, freshIndicator, GREEN } from '../support/stix-objects';

const CLI = path.join(REPO_ROOT, 'cli', 'dist', 'main.js');
const home = testNetwork.home ?? '';

function xborder(args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    env: { ...process.env, XB_HOME: home, XB_IDENTITY: '' },
    encoding: 'utf8',
    timeout: 300_000,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Every byte of an index (the file and its write-ahead log), to search for a canary. */
function bytesOf(file: string): string {
  return ['', '-wal'].map((s) => (fs.existsSync(`${file}${s}`) ? fs.readFileSync(`${file}${s}`).toString('latin1') : '')).join('');
}

/** An index's versions without what differs between two builds (positions and date_added). */
function contentOf(file: string, owner: IndexOwner): { rows: string[]; added: bigint[] } {
  const store = IndexStore.open(file, owner);
  try {
    const all: StoredVersion[] = [...store.all()];
    return {
      rows: all.map((v) => JSON.stringify([v.block, v.txIndex, v.txId, v.record, v.object])).sort(),
      added: all.map((v) => toMicros(v.dateAdded) ?? 0n),
    };
  } finally {
    store.close();
  }
}

describe('ledger index through the CLI on the real network', function () {
  this.timeout(600_000);
  const { as, closeAll } = clientPool();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'xb-index-'));
  const strictCanary = `strict-${randomUUID()}`;
  const domain = `${randomUUID()}.search.example`;
  const technique = `T${String(1000 + Math.floor(Math.random() * 8000))}.${String(100 + Math.floor(Math.random() * 800))}`;
  let indicatorId = '';
  let attackId = '';

  before(async () => {
    const a = as('hk-bank-a');
    await a.intel.submit(freshIndicator(AMBER_STRICT, 'strict canary', { pattern: `[url:value = 'https://${strictCanary}.example/']` }));
    const indicator = freshIndicator(GREEN, 'QR phishing landing page', {
      pattern: `[domain-name:value = '${domain}']`,
      labels: ['qr-phishing'],
    });
    indicatorId = String(indicator.id);
    await as('th-bank-a').intel.submit(indicator);
    const now = new Date().toISOString();
    const attack = {
      type: 'attack-pattern',
      spec_version: '2.1',
      id: `attack-pattern--${randomUUID()}`,
      created: now,
      modified: now,
      name: 'Phishing through QR codes',
      external_references: [{ source_name: 'mitre-attack', external_id: technique }],
      object_marking_refs: [GREEN],
    };
    attackId = attack.id;
    await a.intel.submit(attack);
  });
  after(() => {
    closeAll();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it("holds exactly what its reader may read: another bank's index has no strict content, the producer's has its own", () => {
    const other = path.join(tmp, 'hk-bank-b.sqlite');
    const own = path.join(tmp, 'hk-bank-a.sqlite');
    expect(xborder(['--as', 'hk-bank-b', 'index', 'update', '--file', other]).code).to.equal(0);
    expect(xborder(['--as', 'hk-bank-a', 'index', 'update', '--file', own]).code).to.equal(0);
    expect(bytesOf(other)).to.not.include(strictCanary);
    expect(bytesOf(own), 'positive control: the producer reads its own strict content').to.include(strictCanary);
    // another reader's file is refused, not read with the wrong rights
    const refused = xborder(['--as', 'hk-bank-b', 'index', 'status', '--file', own]);
    expect(refused.code).to.not.equal(0);
    expect(refused.stderr).to.match(/CONFIG: INDEX_OWNER_MISMATCH/);
  });

  it('resumes after a SIGKILL with no gap and no duplicate: equal to a rebuild from genesis, and checks clean', async () => {
    const killed = path.join(tmp, 'killed.sqlite');
    const child = spawn(process.execPath, [CLI, '--as', 'hk-bank-b', 'index', 'update', '--verbose', '--file', killed], {
      env: { ...process.env, XB_HOME: home, XB_IDENTITY: '' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    await new Promise<void>((resolve, reject) => {
      let err = '';
      child.stderr.on('data', (c: Buffer) => {
        err += c.toString('utf8');
        // killed in the middle of the chain, while it reads and writes blocks
        if (/\[index\] block 12:/.test(err)) {
          child.kill('SIGKILL');
          resolve();
        }
      });
      child.once('exit', () => reject(new Error(`the update ended before block 12:\n${err}`)));
    });
    await exited;
    const resumed = xborder(['--as', 'hk-bank-b', '--json', 'index', 'update', '--file', killed]);
    expect(resumed.code, resumed.stderr).to.equal(0);
    expect((JSON.parse(resumed.stdout) as { blocks: number }).blocks, 'resumed past the killed block, not from genesis').to.be.lessThan(
      (JSON.parse(resumed.stdout) as { nextBlock: number }).nextBlock,
    );
    const rebuilt = path.join(tmp, 'rebuilt.sqlite');
    expect(xborder(['--as', 'hk-bank-b', 'index', 'rebuild', '--file', rebuilt]).code).to.equal(0);
    // the rebuild may have seen a block more: bring the first level with it
    expect(xborder(['--as', 'hk-bank-b', 'index', 'update', '--file', killed]).code).to.equal(0);
    const owner: IndexOwner = JSON.parse(
      (new Database(killed, { readonly: true }).prepare("SELECT value FROM meta WHERE name = 'owner'").get() as { value: string }).value,
    ) as IndexOwner;
    const a = contentOf(killed, owner);
    const b = contentOf(rebuilt, owner);
    expect(a.rows.length).to.be.greaterThan(0);
    expect(a.rows).to.deep.equal(b.rows);
    for (const added of [a.added, b.added]) for (let i = 1; i < added.length; i++) expect(added[i]! > added[i - 1]!).to.equal(true);
    const check = xborder(['--as', 'hk-bank-b', 'index', 'check', '--file', killed]);
    expect(check.code, check.stdout).to.equal(0);
    expect(check.stdout).to.match(/ 0 difference\(s\)/);
  });

  it('index check finds a tampered record, a removed row and content the reader may not read', () => {
    // a copy of the index the previous test rebuilt (hk-bank-b's, whole)
    const file = path.join(tmp, 'tampered.sqlite');
    fs.copyFileSync(path.join(tmp, 'rebuilt.sqlite'), file);
    expect(xborder(['--as', 'hk-bank-b', 'index', 'update', '--file', file]).code).to.equal(0);
    const db = new Database(file);
    db.prepare("UPDATE intel_versions SET record = json_set(record, '$.producer', 'hk-bank-b') WHERE stix_id = ?").run(indicatorId);
    db.prepare('DELETE FROM intel_versions WHERE stix_id = ?').run(attackId);
    // content planted for a strict record of another institution
    db.prepare(
      "UPDATE intel_versions SET object = json_object('id', 'planted') WHERE tlp = 'AMBER+STRICT' AND producer = 'hk-bank-a'",
    ).run();
    db.close();
    const check = xborder(['--as', 'hk-bank-b', '--json', 'index', 'check', '--file', file]);
    expect(check.code).to.equal(1);
    const problems = (JSON.parse(check.stdout) as { differences: { stixId: string; problem: string }[] }).differences;
    const found = problems.map((p) => [p.stixId, p.problem]);
    expect(found).to.deep.include([indicatorId, 'record differs']);
    expect(found).to.deep.include([attackId, 'missing from the index']);
    expect(problems.filter((p) => p.problem === 'object differs').length).to.be.greaterThan(0);
    expect(xborder(['--as', 'hk-bank-b', 'index', 'rebuild', '--file', file]).code).to.equal(0);
    expect(xborder(['--as', 'hk-bank-b', 'index', 'check', '--file', file]).code).to.equal(0);
  });

  it('answers searches: a value inside a pattern, an ATT&CK external id, text with a producer and a time range', () => {
    const search = (...args: string[]): { total: number; items: { stixId: string; block: number; txId: string }[] } => {
      // hk-bank-b's index of the first test, brought up to date by the search itself
      const r = xborder(['--as', 'hk-bank-b', '--json', 'intel', 'search', '--file', path.join(tmp, 'hk-bank-b.sqlite'), ...args]);
      expect(r.code, r.stderr).to.equal(0);
      return JSON.parse(r.stdout) as { total: number; items: { stixId: string; block: number; txId: string }[] };
    };
    const byPattern = search('--pattern', domain);
    expect(byPattern.items.map((i) => i.stixId)).to.deep.equal([indicatorId]);
    expect(byPattern.items[0]?.block).to.be.greaterThan(0);
    expect(byPattern.items[0]?.txId).to.match(/^[0-9a-f]{64}$/);
    expect(search('--external-id', technique).items.map((i) => i.stixId)).to.deep.equal([attackId]);
    const since = new Date(Date.now() - 3_600_000).toISOString();
    const text = search('--text', 'qr phishing', '--producer', 'th-bank-a', '--since', since, '--type', 'indicator');
    expect(text.items.map((i) => i.stixId)).to.include(indicatorId);
    expect(search('--text', 'qr phishing', '--producer', 'th-bank-a', '--until', '2000-01-01').total).to.equal(0);
    const bad = xborder(['--as', 'hk-bank-b', 'intel', 'search', '--since', 'last tuesday']);
    expect(bad.code).to.not.equal(0);
    expect(bad.stderr).to.match(/BAD_INPUT: --since: not a date or time/);
  });
});
