/**
 * TAXII polling loses nothing: the OASIS taxii2-client polls `added_after` the last date_added it got
 * (as MISP's and OpenCTI's connectors do) while two producers ingest at once with the CLI's defaults,
 * one of them with its clock 90 s slow (the endorsers accept up to 300 s), and the TAXII server is
 * restarted in the middle. Listings come from the server's ledger index, where date_added is the time
 * a version became visible in commit order: every object must arrive exactly once.
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { expect } from 'chai';

import { httpRequest } from '../support/http-client';
import { testNetwork } from '../support/network-hooks';
import { REPO_ROOT } from '../support/paths';
import { startProcess } from '../support/processes';
import type { Started } from '../support/processes';
import { freshIndicator, GREEN } from '../support/stix-objects';
import { TAXII } from '../support/taxii-conformance';
import { until } from '../support/until';

const CLI = path.join(REPO_ROOT, 'cli', 'dist', 'main.js');
const SLOW_CLOCK = path.join(REPO_ROOT, 'test', 'dist', 'test', 'support', 'slow-clock.js');
const home = testNetwork.home ?? '';
const PER_PRODUCER = 300;

interface Exited {
  code: number | null;
  stderr: string;
}

/** Runs the CLI as `identity` in the background; resolves with its exit. */
function produce(identity: string, bundle: string, clockShiftMs: number): Promise<Exited> {
  const child = spawn(
    process.execPath,
    [...(clockShiftMs !== 0 ? ['--require', SLOW_CLOCK] : []), CLI, '--as', identity, 'intel', 'submit', bundle],
    {
      env: { ...process.env, XB_HOME: home, XB_IDENTITY: '', XB_TEST_CLOCK_SHIFT_MS: String(clockShiftMs) },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stderr })));
}

describe('TAXII polling from the ledger index: concurrent producers, a slow clock, a server restart', function () {
  this.timeout(600_000);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'xb-taxii-poll-'));
  const credentials = path.join(tmp, 'credentials.json');
  const stopFile = path.join(tmp, 'stop');
  const password = `pw-${randomUUID()}`;
  const ca = path.join(home, 'orgs', 'hk', 'taxii', 'tls', 'ca.crt');
  let server: Started | undefined;
  let poller: ReturnType<typeof spawn> | undefined;

  const serve = (port: string): Promise<Started> =>
    startProcess(
      process.execPath,
      [
        CLI,
        '--as',
        'hk-bank-a',
        '--json',
        'taxii',
        'serve',
        '--port',
        port,
        '--credentials',
        credentials,
        '--state',
        path.join(tmp, 'state'),
        '--index',
        path.join(tmp, 'index.sqlite'),
        '--rate-limit',
        '100000',
      ],
      /"listening": "https:\/\//,
      { env: { ...process.env, XB_HOME: home, XB_IDENTITY: '' }, timeoutMs: 120_000 },
    );

  after(async () => {
    poller?.kill('SIGKILL');
    await server?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('delivers every object exactly once to a taxii2-client poller', async () => {
    const added = spawnSync(process.execPath, [CLI, '--as', 'hk-bank-a', 'taxii', 'add-user', 'poller', '--credentials', credentials], {
      env: { ...process.env, XB_HOME: home, XB_IDENTITY: '' },
      input: `${password}\n`,
      encoding: 'utf8',
    });
    expect(added.status, added.stderr).to.equal(0);
    const venv = spawnSync('bash', [path.join(REPO_ROOT, 'taxii', 'scripts', 'python-env.sh')], { encoding: 'utf8' }).stdout.trim();

    server = await serve('0');
    const discovery = /"listening": "([^"]+)"/.exec(server.readyLine)?.[1] ?? '';
    const port = /:(\d+)\/taxii2\/$/.exec(discovery)?.[1] ?? '';
    expect(port).to.match(/^\d+$/);

    // the poller starts first: its first round takes what the ledger already holds
    let pollerOut = '';
    let pollerErr = '';
    poller = spawn(
      path.join(venv, 'bin', 'python'),
      [path.join(REPO_ROOT, 'taxii', 'test', 'python', 'taxii_poller.py'), discovery, ca, 'shared', stopFile, '100'],
      {
        env: { ...process.env, TAXII_USER: 'poller', TAXII_PASSWORD: password, REQUESTS_CA_BUNDLE: ca, CURL_CA_BUNDLE: '' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    poller.stdout?.on('data', (c: Buffer) => (pollerOut += c.toString('utf8')));
    poller.stderr?.on('data', (c: Buffer) => (pollerErr += c.toString('utf8')));
    const pollerExit = new Promise<number | null>((resolve) => poller?.once('exit', resolve));
    await until('the poller to finish a round', () => (/round 1:/.test(pollerErr) ? true : undefined));

    const bundles: Record<string, Record<string, unknown>[]> = {};
    for (const producer of ['th-bank-a', 'hk-bank-b']) {
      bundles[producer] = Array.from({ length: PER_PRODUCER }, (_, i) => freshIndicator(GREEN, `poll ${producer} ${String(i)}`));
      fs.writeFileSync(
        path.join(tmp, `${producer}.json`),
        JSON.stringify({ type: 'bundle', id: `bundle--${randomUUID()}`, objects: bundles[producer] }),
      );
    }
    const producing = [
      produce('th-bank-a', path.join(tmp, 'th-bank-a.json'), 0),
      // its proposals carry a time 90 s behind the others'
      produce('hk-bank-b', path.join(tmp, 'hk-bank-b.json'), -90_000),
    ];

    // the server is restarted while the producers write and the poller polls
    const roundsBefore = (pollerErr.match(/round \d+:/g) ?? []).length;
    await until('a poller round during the writes', () =>
      (pollerErr.match(/round \d+:/g) ?? []).length > roundsBefore ? true : undefined,
    );
    await server.stop();
    server = await serve(port);

    for (const [producer, exit] of [
      ['th-bank-a', await producing[0]],
      ['hk-bank-b', await producing[1]],
    ] as const)
      expect(exit?.code, `${producer}: ${exit?.stderr ?? ''}`).to.equal(0);

    // the server's index holds every object before the poller's last round starts
    const expected = new Map<string, string>();
    for (const o of Object.values(bundles).flat()) expected.set(String(o.id), String(o.modified));
    const root = discovery.replace(/taxii2\/$/, 'xborder/');
    const collections = await httpRequest(`${root}collections/`, {
      headers: { accept: TAXII, authorization: `Basic ${Buffer.from(`poller:${password}`).toString('base64')}` },
      ca: fs.readFileSync(ca, 'utf8'),
    });
    const shared = (collections.json().collections as { id: string; title: string }[]).find((c) => c.title === 'shared')?.id ?? '';
    const last = [...expected.keys()];
    await until(
      'the index to hold every object',
      async () => {
        for (const id of [last[PER_PRODUCER - 1], last[2 * PER_PRODUCER - 1]]) {
          const r = await httpRequest(`${root}collections/${shared}/objects/${String(id)}/`, {
            headers: { accept: TAXII, authorization: `Basic ${Buffer.from(`poller:${password}`).toString('base64')}` },
            ca: fs.readFileSync(ca, 'utf8'),
          });
          if (r.status !== 200) return undefined;
        }
        return true;
      },
      120_000,
    );
    fs.writeFileSync(stopFile, '');
    expect(await pollerExit, pollerErr).to.equal(0);

    const report = JSON.parse(pollerOut) as { received: [string, string][]; rounds: number; pages: number; failures: number };
    const counts = new Map<string, number>();
    for (const [id, modified] of report.received) counts.set(`${id}@${modified}`, (counts.get(`${id}@${modified}`) ?? 0) + 1);
    const twice = [...counts.entries()].filter(([, n]) => n > 1).map(([k]) => k);
    const lost = [...expected.entries()].filter(
      ([id, modified]) => !counts.has(`${id}@${new Date(modified).toISOString()}`) && !counts.has(`${id}@${modified}`),
    );
    process.stdout.write(
      `      polled: ${String(expected.size)} written by 2 producers (one 90 s slow), ${String(expected.size - lost.length)} delivered, ${String(lost.length)} lost, ${String(twice.length)} twice; ${String(report.rounds)} rounds, ${String(report.pages)} pages, ${String(report.failures)} failed requests across the restart\n`,
    );
    expect(twice, 'delivered more than once').to.deep.equal([]);
    expect(
      lost.map(([id]) => id),
      'never delivered',
    ).to.deep.equal([]);
    expect(report.failures, 'the restart was seen by the poller').to.be.greaterThan(0);
  });
});
