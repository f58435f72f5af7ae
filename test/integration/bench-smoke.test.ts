import { expect } from 'chai';

import { runBench, parseBenchArgs } from '@xborder/bench/dist/run';

import { testNetwork } from '../support/network-hooks';

describe('benchmark harness smoke run (a few seconds, no timing assertions)', () => {
  it('runs every load scenario side by side with the baseline and reports ratios, latencies and CPU', async function () {
    this.timeout(600_000);
    const opts = {
      ...parseBenchArgs([
        '--duration',
        '4',
        '--warmup',
        '1',
        '--concurrency',
        '4',
        '--scenario',
        'baseline,intel,intel-batch-10,attest,confirm,ingest',
      ]),
      // the running test network itself
      home: testNetwork.home ?? '',
      homeIsExact: true,
      portOffset: testNetwork.portOffset ?? 20000,
    };
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

  it('runs with commit status from block events (CommitWatcher) as well', async function () {
    this.timeout(300_000);
    const opts = {
      ...parseBenchArgs([
        '--duration',
        '3',
        '--warmup',
        '1',
        '--concurrency',
        '8',
        '--commit',
        'events',
        '--scenario',
        'baseline,intel-batch-10',
      ]),
      home: testNetwork.home ?? '',
      homeIsExact: true,
      portOffset: testNetwork.portOffset ?? 20000,
    };
    const results = await runBench(opts, 'smoke events');
    expect(results.options.commit).to.equal('events');
    for (const s of results.load) {
      expect(s.committed, s.scenario).to.be.greaterThan(0);
      expect(s.failures, `${s.scenario}: ${String(s.firstFailure)}`).to.equal(0);
    }
  });
});
