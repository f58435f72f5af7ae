/**
 * The auditor console end to end: the real network, `startConsole` as audit-1, and the page in a real
 * headless Chromium. Counts on the page are compared with the ledger read through the SDK; proofs are
 * checked in the page and by the CLI's checker on the same files; every attack on the page's access
 * (no token, a wrong token, a foreign Host) is refused.
 */
import { spawnSync } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import * as os from 'node:os';
import * as path from 'node:path';

import { expect } from 'chai';
import type { Browser, BrowserContext, Page } from 'playwright-core';

import { newAccessToken, startConsole } from '@xborder/console';
import type { RunningConsole } from '@xborder/console';
import type { PaymentFields } from '@xborder/protocol';
import type { IntelRecord, ListQuery } from '@xborder/sdk';
import { checkProof, parseTrustAnchor } from '@xborder/sdk/audit';
import type { Proof } from '@xborder/sdk/audit';

import { launchChromium } from '@xborder/bench/internal/browser';
import { status, up } from '@xborder/network';
import { clientPool } from '../support/clients';
import { testNetwork } from '../support/network-hooks';
import { REPO_ROOT } from '../support/paths';
import { PARTIES, paymentFields } from '../support/payment-fixture';

const CLI = path.join(REPO_ROOT, 'cli', 'dist', 'main.js');
const SHOTS = process.env.XB_CONSOLE_SCREENSHOTS;

function statusHash(uetr: string, status: string): string {
  return createHash('sha256').update(`pacs.002 ${uetr} ${status}`).digest('hex');
}

function object(type: 'indicator' | 'identity', tlpMarking: string | null): Record<string, unknown> {
  const id = `${type}--${randomUUID()}`;
  const base = { type, spec_version: '2.1', id, created: '2026-12-01T00:00:00Z', modified: '2026-12-01T00:00:00Z' };
  const marking = tlpMarking !== null ? { object_marking_refs: [tlpMarking] } : {};
  return type === 'indicator'
    ? {
        ...base,
        ...marking,
        pattern: `[domain-name:value = 'console-${id.slice(-12)}.example']`,
        pattern_type: 'stix',
        valid_from: '2026-12-01T00:00:00Z',
      }
    : { ...base, ...marking, name: `Console test ${id.slice(-6)}`, identity_class: 'organization' };
}

/** TLP 2.0 marking definitions (STIX ids) of the levels the test uses. */
const TLP_AMBER = 'marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421';
const TLP_GREEN = 'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb';

/** Rows of a figure's data table: day -> category -> count. */
async function tableOf(page: Page, figureId: string): Promise<Record<string, Record<string, number>>> {
  return page.evaluate((id) => {
    const fig = document.getElementById(id);
    const heads = [...(fig?.querySelectorAll('thead th') ?? [])].map((th) => th.textContent);
    const out: Record<string, Record<string, number>> = {};
    for (const tr of fig?.querySelectorAll('tbody tr') ?? []) {
      const cells = [...tr.querySelectorAll('td')].map((td) => td.textContent);
      const row: Record<string, number> = {};
      heads.forEach((h, i) => {
        if (i > 0) row[h] = Number(cells[i]);
      });
      out[cells[0] ?? ''] = row;
    }
    return out;
  }, figureId);
}

async function tileOf(page: Page, id: string): Promise<number> {
  return Number(await page.textContent(`#${id}`));
}

function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { headers }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString('utf8')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** The first `n` changes of the console's event stream, asked for with a Last-Event-ID. */
function streamed(url: string, cookie: string, lastEventId: number, n: number): Promise<{ seq: number; id: string }[]> {
  return new Promise((resolve, reject) => {
    const got: { seq: number; id: string }[] = [];
    const req = http.get(url, { headers: { Cookie: cookie, 'Last-Event-ID': String(lastEventId), Accept: 'text/event-stream' } }, (res) => {
      let buffer = '';
      res.on('data', (chunk: Buffer) => {
        buffer += chunk.toString('utf8');
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (/^event: change$/m.test(block) && data !== undefined) got.push(JSON.parse(data) as { seq: number; id: string });
        }
        if (got.length >= n) {
          req.destroy();
          resolve(got.slice(0, n));
        }
      });
    });
    req.on('error', (e) => (got.length >= n ? undefined : reject(e)));
  });
}

describe('auditor console in a real headless Chromium', function () {
  this.timeout(300_000);
  const { as, closeAll } = clientPool();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'xb-console-'));
  const anchorFile = path.join(testNetwork.home ?? '', 'channel', 'anchor.json');
  const token = newAccessToken();
  // a settlement day of this test's own: the payments chart's row for it holds exactly its payments
  const settlementDate = `2031-${String(1 + Math.floor(Math.random() * 12)).padStart(2, '0')}-${String(1 + Math.floor(Math.random() * 28)).padStart(2, '0')}`;
  const payments: { confirmed: PaymentFields[]; disputed: PaymentFields; open: PaymentFields } = {
    confirmed: [0, 1, 2].map(() => paymentFields({ settlementDate })),
    disputed: paymentFields({ settlementDate }),
    open: paymentFields({ settlementDate }),
  };
  let running: RunningConsole;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const problems: string[] = [];
  const followErrors: string[] = [];

  const shot = async (name: string): Promise<void> => {
    if (SHOTS === undefined) return;
    fs.mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SHOTS, `console-${name}.png`), fullPage: true });
  };
  const ready = async (section: string): Promise<void> => {
    await page.waitForSelector(`body[data-ready="${section}"]`, { timeout: 30_000 });
  };
  const go = async (hash: string, section: string): Promise<void> => {
    await page.evaluate(() => delete document.body.dataset.ready);
    await page.evaluate((h) => (location.hash = h), hash);
    await ready(section);
  };

  before(async () => {
    const hk = as('hk-bank-a');
    const th = as('th-bank-a');
    for (const p of [...payments.confirmed, payments.disputed, payments.open]) await hk.payments.attest(p, PARTIES);
    for (const p of payments.confirmed)
      await th.payments.confirm(p, PARTIES, { status: 'ACSC', reasonCode: null, statusMessageHash: statusHash(p.uetr, 'ACSC') });
    const view = { ...payments.disputed, amount: { value: '990.00', currency: 'HKD' } };
    await th.payments.confirm(view, PARTIES, {
      status: 'ACSC',
      reasonCode: null,
      statusMessageHash: statusHash(payments.disputed.uetr, 'ACSC'),
    });
    await hk.intel.submit(object('indicator', TLP_AMBER));
    running = await startConsole({
      client: as('audit-1'),
      accessToken: token,
      port: 0,
      anchorText: fs.readFileSync(anchorFile, 'utf8'),
      anchorSource: 'anchor.json',
      onError: (m) => followErrors.push(m),
    });
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1366, height: 900 }, acceptDownloads: true });
    page = await context.newPage();
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
    });
  });

  after(async () => {
    // undefined when `before` failed early
    await (browser as Browser | undefined)?.close();
    await (running as RunningConsole | undefined)?.close();
    closeAll();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('lets no one in without the token: sign-in form, wrong token refused, API 401, foreign Host 421', async () => {
    await page.goto(running.url);
    await ready('signin');
    expect(await page.isVisible('label:has-text("Access token") input')).to.equal(true);
    await page.fill('#token', 'not-the-token');
    await page.click('button[type=submit]');
    await page.waitForSelector('p.error:has-text("not accepted")');
    for (const route of ['/api/overview', '/api/intel', `/api/proof?target=payment:${payments.open.uetr}`, '/api/events', '/api/anchor']) {
      const r = await get(new URL(route, running.url).toString());
      expect(r.status, route).to.equal(401);
      expect(r.body).to.contain('UNAUTHENTICATED');
    }
    // a page on another site that a browser resolves to loopback (DNS rebinding) gets nothing
    const port = new URL(running.url).port;
    const foreign = await get(running.url, { Host: `attacker.example:${port}` });
    expect(foreign.status).to.equal(421);
    // the console only reads: no route takes a write, whatever the method
    const write = await new Promise<number>((resolve, reject) => {
      const req = http.request(
        new URL('/api/intel', running.url),
        { method: 'POST', headers: { 'Content-Type': 'application/json' } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end('{}');
    });
    expect(write).to.be.oneOf([401, 404]);
    problems.splice(0); // the refused requests above log 401s in the page's console
  });

  it('opens with the token from the address, takes it out of the address, and shows the ledger\u2019s counts', async () => {
    // the same tab, the address changed to one with the token (no reload)
    await page.goto(`${running.url}#token=${token}`);
    await ready('overview');
    expect(page.url()).not.to.contain(token);
    const audit = as('audit-1');
    const since = running.view.overview().since;
    let intelTotal = 0;
    let bookmark = '';
    do {
      const q: ListQuery = { filter: 'all', from: `${since}T00:00:00.000Z`, pageSize: 200, ...(bookmark !== '' ? { bookmark } : {}) };
      const p = await audit.intel.list(q);
      intelTotal += p.items.length;
      bookmark = p.bookmark;
    } while (bookmark !== '');
    expect(await tileOf(page, 'tile-intel')).to.equal(intelTotal);
    expect(await tileOf(page, 'tile-height')).to.be.at.least((await audit.audit.chainInfo()).height - 1);
    const byState = await tableOf(page, 'chart-pay-state');
    expect(byState[settlementDate]).to.deep.include({ CONFIRMED: 3, DISPUTED: 1, ATTESTED: 1, Total: 5 });
    expect((await tableOf(page, 'chart-pay-corridor'))[settlementDate]).to.deep.include({ 'HK-TH': 5 });
    expect(await page.textContent('section[aria-labelledby="disputes-h"]')).to.contain(payments.disputed.uetr.slice(0, 18));
    await shot('overview');
  });

  it('shows records submitted while it is open without a reload, in the counts and the activity list', async () => {
    const today = new Date().toISOString().slice(0, 10);
    const before = { total: await tileOf(page, 'tile-intel'), tlp: (await tableOf(page, 'chart-intel-tlp'))[today] ?? {} };
    const submitted = [object('indicator', TLP_AMBER), object('indicator', TLP_AMBER), object('identity', TLP_GREEN)];
    await page.evaluate(() => ((window as unknown as { marker: string }).marker = 'same page'));
    await as('hk-bank-a').intel.submit(submitted[0]);
    await as('th-bank-a').intel.submit(submitted[1]);
    await as('th-bank-a').intel.submit(submitted[2]);
    for (const o of submitted) await page.waitForSelector(`#feed li a[href="#/intel/${String(o.id)}"]`, { timeout: 30_000 });
    await page.waitForFunction((n) => Number(document.getElementById('tile-intel')?.textContent) === n, before.total + 3, {
      timeout: 30_000,
    });
    const after = (await tableOf(page, 'chart-intel-tlp'))[today] ?? {};
    expect((after.AMBER ?? 0) - (before.tlp.AMBER ?? 0)).to.equal(2);
    expect((after.GREEN ?? 0) - (before.tlp.GREEN ?? 0)).to.equal(1);
    // no reload happened: the page's own state survived
    expect(await page.evaluate(() => (window as unknown as { marker?: string }).marker)).to.equal('same page');
    expect(await page.textContent('#live')).to.match(/^live/);
    // a stream that dropped resumes after the last change it saw: the three submissions, nothing else
    const session = (await context.cookies()).find((c) => c.name === 'xb_console');
    expect(session?.httpOnly).to.equal(true);
    expect(session?.sameSite).to.equal('Strict');
    const last = running.view.feed.last;
    const resumed = await streamed(new URL('/api/events', running.url).toString(), `xb_console=${session?.value ?? ''}`, last - 3, 3);
    expect(resumed.map((c) => c.seq)).to.deep.equal([last - 2, last - 1, last]);
    expect(resumed.map((c) => c.id)).to.deep.equal(submitted.map((o) => String(o.id)));
  });

  it('keeps following when its peer dies: after the restart, the next record appears once, live', async () => {
    const before = await tileOf(page, 'tile-intel');
    const peer = (await status(testNetwork)).processes.find((p) => p.name === 'peer0.hk');
    expect(peer?.pid, 'peer0.hk runs').to.be.a('number');
    process.kill(peer?.pid ?? 0, 'SIGKILL');
    await up(testNetwork, () => undefined, false);
    const o = object('indicator', TLP_AMBER);
    await as('hk-bank-a').intel.submit(o);
    await page.waitForSelector(`#feed li a[href="#/intel/${String(o.id)}"]`, { timeout: 60_000 });
    await page.waitForFunction((n) => Number(document.getElementById('tile-intel')?.textContent) === n, before + 1, { timeout: 30_000 });
    expect(
      followErrors.some((m) => m.startsWith('event stream:')),
      'the stream broke and was resumed',
    ).to.equal(true);
    expect(running.view.feed.latest(100).filter((c) => c.id === String(o.id))).to.have.length(1);
    expect(await page.$$eval(`#feed li a[href="#/intel/${String(o.id)}"]`, (l) => l.length)).to.equal(1);
  });

  it('lists intel with the ledger\u2019s filters and pages through it as the SDK does', async () => {
    for (let i = 0; i < 21; i++) await as(i % 2 === 0 ? 'hk-bank-a' : 'th-bank-a').intel.submit(object('identity', TLP_GREEN));
    const green: IntelRecord[][] = [];
    let bookmark = '';
    do {
      const p = await as('audit-1').intel.list({ filter: 'tlp', value: 'GREEN', pageSize: 10, ...(bookmark !== '' ? { bookmark } : {}) });
      if (p.items.length > 0) green.push(p.items);
      bookmark = p.bookmark;
    } while (bookmark !== '' && green.length < 3);
    expect(green.length, 'the test network holds more than one page of GREEN records').to.be.at.least(2);
    await go('#/intel', 'intel');
    await page.selectOption('#f-filter', 'tlp');
    await page.fill('#f-value', 'GREEN');
    await page.selectOption('#f-size', '10');
    await page.evaluate(() => delete document.body.dataset.ready);
    await page.click('form.filters button[type=submit]');
    await ready('intel');
    const rows = async (): Promise<string[]> =>
      page.$$eval('#intel-results tbody tr td:first-child a', (as_) => as_.map((a) => a.textContent));
    const first = await rows();
    expect(first).to.deep.equal(green[0]?.map((r) => r.stixId));
    expect(await page.$$eval('#intel-results tbody tr td:nth-child(3)', (tds) => tds.map((t) => t.textContent))).to.satisfy((l: string[]) =>
      l.every((t) => t === 'TLP:GREEN'),
    );
    await shot('intel');
    await page.evaluate(() => delete document.body.dataset.ready);
    await page.click('#page-next');
    await ready('intel');
    expect(await rows()).to.deep.equal(green[1]?.map((r) => r.stixId));
    expect(await page.textContent('#page-no')).to.match(/^Page 2/);
    await page.evaluate(() => delete document.body.dataset.ready);
    await page.click('#page-prev');
    await ready('intel');
    expect(await rows()).to.deep.equal(first);
    // a malformed filter value is the ledger's clear error, not a blank page
    await go('#/intel?filter=tlp&value=PURPLE', 'error');
    expect(await page.textContent('p.error')).to.match(/TLP_UNKNOWN|BAD_INPUT|INVALID/);
    problems.splice(0);
  });

  it('shows a record with its history, sightings, signer key status and signature status', async () => {
    const o = object('indicator', TLP_AMBER);
    await as('hk-bank-a').intel.submit(o);
    await as('th-bank-a').intel.sight({
      stixId: String(o.id),
      count: 4,
      firstSeen: '2026-12-01T01:00:00Z',
      lastSeen: '2026-12-01T02:00:00Z',
    });
    await go(`#/intel/${String(o.id)}`, 'intel');
    const text = await page.textContent('main');
    expect(text)
      .to.contain(String(o.id))
      .and.to.contain('signature valid')
      .and.to.contain('th-bank-a (THMSP)')
      .and.to.contain('History (1 versions)')
      .and.to.contain('not revoked');
    expect(await page.textContent('dl.fields .badge.ok')).to.equal('active');
    await shot('intel-detail');
    // its producer revokes it: the overview counts it live, and the record says so, with the reason
    await go('#/', 'overview');
    const revokedBefore = await tileOf(page, 'tile-revoked');
    await as('hk-bank-a').intel.revoke(String(o.id), 'false positive: console test');
    await page.waitForFunction((n) => Number(document.getElementById('tile-revoked')?.textContent) === n, revokedBefore + 1, {
      timeout: 30_000,
    });
    await go(`#/intel/${String(o.id)}`, 'intel');
    expect(await page.textContent('main'))
      .to.contain('false positive: console test')
      .and.not.to.contain('not revoked');
  });

  it('reconciles the test\u2019s settlement day and shows a dispute\u2019s differing fields side by side', async () => {
    await go(`#/payments?date=${settlementDate}`, 'payments');
    const hkth = await page.textContent('section[data-corridor="HK-TH"] p.summary');
    expect(hkth).to.match(/^5 payments · 1 awaiting confirmation \(0 for more than \d+ min\) · 1 disputed · 0 rejected/);
    expect(await page.textContent('section[data-corridor="HK-TH"] table'))
      .to.contain('HKD 3000.00')
      .and.to.contain('THB 13050.00');
    await shot('payments');
    await go(`#/payments/${payments.disputed.uetr}`, 'payments');
    const differs = await page.$$eval('#dispute-fields tr.differs', (trs) => trs.map((tr) => tr.getAttribute('data-field')));
    expect(differs).to.deep.equal(['amount.currency', 'amount.value']);
    const row = await page.$$eval('#dispute-fields tr[data-field="amount.value"] td', (tds) => tds.map((t) => t.textContent));
    expect(row).to.deep.equal([payments.disputed.amount.value, '990.00']);
    expect(await page.textContent('#timeline'))
      .to.contain('Attested by hk-bank-a')
      .and.to.contain('DISPUTED');
    await shot('payment-dispute');
  });

  it('downloads a proof that turns green in the page; one tampered byte turns it red, naming the check the CLI names', async () => {
    const o = object('indicator', TLP_AMBER);
    await as('hk-bank-a').intel.submit(o);
    // both operators sign a checkpoint above the record, so the proof can be co-signed
    const hkAdmin = as('hk-admin');
    const signed = await hkAdmin.audit.recordCheckpoint(await hkAdmin.audit.height());
    await as('th-admin').audit.recordCheckpoint(signed.height);
    await go(`#/intel/${String(o.id)}`, 'intel');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('a.proof-link')]);
    const file = path.join(tmp, 'proof.json');
    await download.saveAs(file);
    const proof = JSON.parse(fs.readFileSync(file, 'utf8')) as Proof;
    const anchor = { anchor: parseTrustAnchor(fs.readFileSync(anchorFile, 'utf8')) };
    expect((await checkProof(proof, anchor)).outcome).to.equal('holds');

    await go('#/proofs', 'proofs');
    const verdict = async (f: string): Promise<{ outcome: string; failed: string; tone: string }> => {
      await page.evaluate(() => document.getElementById('verdict')?.remove());
      await page.setInputFiles('#proof-file', f);
      await page.waitForSelector('#verdict', { timeout: 60_000 });
      return page.$eval('#verdict', (v) => ({
        outcome: v.getAttribute('data-outcome') ?? '',
        failed: v.getAttribute('data-failed') ?? '',
        tone: v.getAttribute('class') ?? '',
      }));
    };
    // dropped on the page (the drag-and-drop path); the tampered ones below through the file chooser
    await page.evaluate(() => document.getElementById('verdict')?.remove());
    const dropped = await page.evaluateHandle(
      ({ name, content }) => {
        const transfer = new DataTransfer();
        transfer.items.add(new File([content], name, { type: 'application/json' }));
        return transfer;
      },
      { name: 'proof.json', content: fs.readFileSync(file, 'utf8') },
    );
    await page.dispatchEvent('#drop-zone', 'drop', { dataTransfer: dropped });
    await page.waitForSelector('#verdict', { timeout: 60_000 });
    const good = await page.$eval('#verdict', (v) => ({
      outcome: v.getAttribute('data-outcome') ?? '',
      failed: v.getAttribute('data-failed') ?? '',
      tone: v.getAttribute('class') ?? '',
    }));
    expect(good).to.deep.equal({ outcome: 'holds', failed: '', tone: 'verdict ok' });
    // the verdict says what was proven
    expect(await page.textContent('#verdict')).to.match(
      /proof holds: intel indicator--[0-9a-f-]{36} version \S+ by [a-z-]+ \(key [0-9a-f]{16}/,
    );
    expect(await page.$$eval('#proof-result tbody tr', (trs) => trs.length)).to.equal((await checkProof(proof, anchor)).checks.length);
    await shot('proof-valid');

    // one byte of the file changed: a digit of the record inside the signed block's write set, and a byte of the block itself
    const text = fs.readFileSync(file, 'utf8');
    const recordAt = text.indexOf('"contentCommitment\\":\\"') + 25;
    const flipped = (s: string, i: number): string => s.slice(0, i) + (s[i] === 'a' ? 'b' : 'a') + s.slice(i + 1);
    const blockAt = text.indexOf('"block": "') + 10 + Math.floor(proof.block.length * 0.6);
    for (const [name, at] of [
      ['record', recordAt],
      ['block', blockAt],
    ] as const) {
      const tampered = path.join(tmp, `tampered-${name}.json`);
      const changed = flipped(text, at);
      expect(Array.from(changed).filter((c, i) => c !== text[i]).length).to.equal(1);
      fs.writeFileSync(tampered, changed);
      const cli = spawnSync(process.execPath, [CLI, 'audit', 'check-proof', tampered, '--anchor', anchorFile, '--json'], {
        encoding: 'utf8',
      });
      expect(cli.status, name).to.equal(1);
      const cliFailed = (JSON.parse(cli.stdout) as { failed: string }).failed;
      const red = await verdict(tampered);
      expect(red, name).to.deep.equal({ outcome: 'failed', failed: cliFailed, tone: 'verdict bad' });
      expect(await page.textContent('#verdict')).to.contain(`proof FAILED at ${cliFailed}`);
      if (name === 'record') await shot('proof-tampered');
    }
    // a real proof relabelled to another record: it proves nothing about that one (record.target), in
    // the page as in the CLI; another format is refused
    const relabelled = path.join(tmp, 'relabelled.json');
    fs.writeFileSync(
      relabelled,
      JSON.stringify({ ...proof, target: { type: 'intel', id: 'indicator--00000000-0000-4000-8000-000000000000' } }),
    );
    expect(await verdict(relabelled)).to.deep.equal({ outcome: 'failed', failed: 'record.target', tone: 'verdict bad' });
    const future = path.join(tmp, 'future.json');
    fs.writeFileSync(future, JSON.stringify({ ...proof, version: 99 }));
    expect((await verdict(future)).outcome).to.equal('unreadable');
    expect(await page.textContent('#verdict')).to.contain('proof version 99 is not supported');
    // not a proof at all: a clear error, still red
    const junk = path.join(tmp, 'junk.json');
    fs.writeFileSync(junk, '{"kind":"something else"}');
    expect((await verdict(junk)).outcome).to.equal('unreadable');
    expect(await page.textContent('#verdict')).to.contain('not an xborder proof');
  });

  it('meets accessibility basics: no serious axe-core violations on any page, and keyboard navigation', async () => {
    const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
    for (const [hash, section] of [
      ['#/', 'overview'],
      ['#/intel', 'intel'],
      [`#/intel/${(await as('audit-1').intel.list({ filter: 'all', pageSize: 1 })).items[0]?.stixId ?? ''}`, 'intel'],
      [`#/payments?date=${settlementDate}`, 'payments'],
      [`#/payments/${payments.disputed.uetr}`, 'payments'],
      ['#/proofs', 'proofs'],
    ] as const) {
      await go(hash, section);
      const violations = await page.evaluate(async (src) => {
        // axe is evaluated by the test harness, not loaded by the page (whose policy allows its own scripts only)
        (0, eval)(src);
        const axe = (
          window as unknown as {
            axe: { run: (ctx: Document, o: unknown) => Promise<{ violations: { id: string; impact: string; nodes: unknown[] }[] }> };
          }
        ).axe;
        const r = await axe.run(document, { resultTypes: ['violations'] });
        return r.violations
          .filter((v) => v.impact === 'serious' || v.impact === 'critical')
          .map((v) => `${v.id} (${String(v.nodes.length)})`);
      }, axeSource);
      expect(violations, hash).to.deep.equal([]);
    }
    // keyboard: the first Tab reaches the skip link, then the sections
    await page.evaluate(() => (location.hash = '#/'));
    await page.reload();
    await ready('overview');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).to.equal('Skip to content');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).to.equal('Intel');
    await page.evaluate(() => delete document.body.dataset.ready);
    await page.keyboard.press('Enter');
    await ready('intel');
  });

  it('serves HTTPS when given a certificate: the session cookie is then Secure', async () => {
    const tls = path.join(testNetwork.home ?? '', 'orgs', 'hk', 'taxii', 'tls');
    const ca = fs.readFileSync(path.join(tls, 'ca.crt'));
    const secondToken = newAccessToken();
    const secure = await startConsole({
      client: as('audit-1'),
      accessToken: secondToken,
      port: 0,
      tls: { cert: fs.readFileSync(path.join(tls, 'server.crt'), 'utf8'), key: fs.readFileSync(path.join(tls, 'server.key'), 'utf8') },
    });
    const signIn = (presented: string): Promise<{ status: number; cookie: string }> =>
      new Promise((resolve, reject) => {
        const req = https.request(
          new URL('/api/session', secure.url),
          { method: 'POST', ca, servername: 'localhost', headers: { 'Content-Type': 'application/json' } },
          (res) => {
            res.resume();
            resolve({ status: res.statusCode ?? 0, cookie: String(res.headers['set-cookie'] ?? '') });
          },
        );
        req.on('error', reject);
        req.end(JSON.stringify({ token: presented }));
      });
    try {
      expect(secure.url).to.match(/^https:\/\/127\.0\.0\.1:\d+\/$/);
      const answer = await signIn(secondToken);
      expect(answer.status).to.equal(200);
      expect(answer.cookie).to.match(/^xb_console=[A-Za-z0-9_-]+; Path=\/; HttpOnly; SameSite=Strict; Secure$/);
      // each console has a token of its own: the first console's opens nothing here
      expect((await signIn(token)).status).to.equal(401);
    } finally {
      await secure.close();
    }
  });

  it('ran without script errors or policy violations, and the CLI refuses a non-auditor identity', () => {
    expect(problems).to.deep.equal([]);
    const r = spawnSync(process.execPath, [CLI, 'console', '--as', 'hk-bank-a', '--port', '0'], {
      encoding: 'utf8',
      env: { ...process.env, XB_HOME: testNetwork.home },
      timeout: 60_000,
    });
    expect(r.status).to.equal(1);
    expect(r.stderr).to.match(/CONFIG.*hk-bank-a is a submitter identity; the console reads as an auditor identity/);
  });
});
