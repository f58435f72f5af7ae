import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { expect } from 'chai';

import { runBench, parseBenchArgs } from '@xborder/bench/internal/run';
import type { BenchOptions } from '@xborder/bench/internal/run';

import { testNetwork } from '../support/network-hooks';
import { REPO_ROOT } from '../support/paths';

/** Bench options for a run on the running test network itself. */
function onTestNetwork(args: string[]): BenchOptions {
  return { ...parseBenchArgs(args), network: testNetwork };
}

describe('benchmark harness smoke run (a few seconds, no timing assertions)', () => {
  it('runs every load scenario side by side with the baseline and reports ratios, latencies and CPU', async function () {
    this.timeout(600_000);
    const opts = onTestNetwork([
      '--duration',
      '4',
      '--warmup',
      '1',
      '--concurrency',
      '4',
      '--scenario',
      'baseline,intel,intel-batch-10,attest,confirm,ingest',
    ]);
    const results = await runBench(opts, 'smoke');
    expect(results.errors).to.deep.equal([]);
    expect(results.load.map((s) => s.scenario)).to.deep.equal(['baseline', 'intel', 'intel-batch-10', 'attest', 'confirm']);
    for (const s of results.load) {
      expect(s.committed, s.scenario).to.be.greaterThan(0);
      expect(s.failures, `${s.scenario}: ${String(s.firstFailure)}`).to.equal(0);
      expect(s.processes.map((p) => p.name)).to.include.members(['peer0.hk', 'peer0.th', 'orderer0', 'client']);
    }
    expect(results.load[1]?.ratioToBaseline).to.be.a('number');
    expect(results.ingestion?.objects).to.equal(2000);
  });

  it('runs with commit status from block events (CommitWatcher), continuous checkpointing and a proof check', async function () {
    this.timeout(300_000);
    const opts = onTestNetwork([
      '--duration',
      '3',
      '--warmup',
      '1',
      '--concurrency',
      '8',
      '--commit',
      'events',
      '--checkpointing',
      '1',
      '--scenario',
      'baseline,intel-batch-10,proof,taxii',
    ]);
    const results = await runBench(opts, 'smoke events');
    expect(results.errors).to.deep.equal([]);
    expect(results.options.commit).to.equal('events');
    // both operators checkpointed beside the load, and a proof built after it holds
    expect(results.checkpoints).to.be.greaterThan(0);
    expect(results.proof?.outcome).to.equal('holds');
    expect(results.proof?.checks).to.be.greaterThan(20);
    // the TAXII server served full pages with content, and took 1,000 posted objects onto the ledger
    expect(results.taxii?.pages).to.be.greaterThan(0);
    expect(results.taxii?.objectsPerSecond).to.be.greaterThan(0);
    expect(results.taxii?.post.taxiiObjectsPerSecond).to.have.length(2);
    expect(results.taxii?.post.ratio).to.be.greaterThan(0);
    for (const s of results.load) {
      expect(s.committed, s.scenario).to.be.greaterThan(0);
      expect(s.failures, `${s.scenario}: ${String(s.firstFailure)}`).to.equal(0);
    }
  });

  it('profiles a scenario: Go pprof of both peers, V8 profiles of the chaincode servers and the load generator', async function () {
    this.timeout(300_000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xb-profiles-'));
    try {
      const opts = {
        ...onTestNetwork(['--duration', '3', '--warmup', '1', '--concurrency', '4', '--profile', '--scenario', 'intel']),
        profileDir: dir,
      };
      const results = await runBench(opts, 'smoke profile');
      expect(results.load[0]?.failures).to.equal(0);
      const files = fs.readdirSync(dir);
      for (const name of [
        'peer0.hk.pprof',
        'peer0.th.pprof',
        'cc-xborder-hk.cpuprofile',
        'cc-xborder-th.cpuprofile',
        'client.cpuprofile',
      ]) {
        expect(files, name).to.include(`tuned-intel-${name}`);
        expect(fs.statSync(path.join(dir, `tuned-intel-${name}`)).size, name).to.be.greaterThan(100);
        expect(fs.readFileSync(path.join(dir, `tuned-intel-${name}.txt`), 'utf8'), name).to.match(
          name.endsWith('.pprof') ? /flat%/ : /self time per function/,
        );
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** True while any process of the group `pgid` is alive. */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('npm run bench when a scenario fails', () => {
  let dir = '';
  let pgid: number | undefined;
  after(() => {
    // whatever the outcome, nothing of the run outlives the test
    if (pgid !== undefined && groupAlive(pgid)) process.kill(-pgid, 'SIGKILL');
    if (dir !== '') fs.rmSync(dir, { recursive: true, force: true });
  });

  it('exits 1 within seconds of the failure, keeps the figures before it and leaves no process behind', async function () {
    this.timeout(300_000);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xb-bench-fail-'));
    // a browser that passes the version check but crashes at start: the console scenario fails after
    // its console server and ledger follower are up (what once kept a failed run alive)
    const browser = path.join(dir, 'chromium');
    fs.writeFileSync(
      browser,
      '#!/bin/sh\nif [ "$1" = --version ]; then echo "Chromium 160.0.1.1 built on Debian"; exit 0; fi\necho crashed >&2\nexit 3\n',
      { mode: 0o755 },
    );
    const results = path.join(dir, 'results');
    const child = spawn(
      process.execPath,
      [
        path.join(REPO_ROOT, 'bench', 'dist', 'run.js'),
        '--network-home',
        testNetwork.home ?? '',
        '--scenario',
        'baseline,console,proof',
        '--duration',
        '2',
        '--warmup',
        '0',
        '--concurrency',
        '2',
      ],
      { env: { ...process.env, XB_CHROMIUM: browser, XB_BENCH_RESULTS: results }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    pgid = child.pid;
    let stdout = '';
    let stderr = '';
    let failedAt: number | undefined;
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (failedAt === undefined && stderr.includes('scenario console failed')) failedAt = Date.now();
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    const exitedAt = Date.now();
    expect(code, stderr).to.equal(1);
    expect(failedAt, stderr).to.be.a('number');
    expect(exitedAt - (failedAt ?? 0), 'seconds from the failure to the exit').to.be.below(5_000);
    // the baseline's figures survive: printed and written, with the failure named
    expect(stdout).to.match(/\| baseline \| tuned \|/);
    expect(stdout).to.include('FAILED');
    expect(stdout).to.include('scenario console failed');
    const files = fs.readdirSync(results).filter((f) => f.endsWith('.json'));
    expect(files).to.have.length(1);
    const written = JSON.parse(fs.readFileSync(path.join(results, files[0] ?? ''), 'utf8')) as {
      load: { scenario: string; committed: number }[];
      errors: string[];
      proof: unknown;
    };
    expect(written.load.map((s) => s.scenario)).to.deep.equal(['baseline']);
    expect(written.load[0]?.committed).to.be.greaterThan(0);
    expect(written.errors.join('\n')).to.match(/scenario console failed: .*(crashed|exit|closed)/is);
    // the run ended at the failure: the proof scenario after it never ran
    expect(written.proof).to.equal(null);
    expect(groupAlive(child.pid ?? 0), 'a process of the bench run is still alive').to.equal(false);
  });
});
