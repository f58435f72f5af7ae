import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { expect } from 'chai';

import { runBench, parseBenchArgs } from '@xborder/bench/internal/run';
import type { BenchOptions } from '@xborder/bench/internal/run';

import { testNetwork } from '../support/network-hooks';

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
