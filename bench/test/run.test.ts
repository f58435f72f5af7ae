import { expect } from 'chai';

import { selfTimes } from '@xborder/bench/internal/cpuprofile';
import { BenchHelp, parseBenchArgs } from '@xborder/bench/internal/run';

describe('benchmark options and profile summaries', () => {
  it('parses the short and full runs, commit mode and profiling', () => {
    const short = parseBenchArgs([]);
    expect(short).to.include({ full: false, seconds: 15, warmup: 5, concurrency: 64, commit: 'status', profile: false });
    expect(short.blocks).to.deep.equal(['tuned']);
    const full = parseBenchArgs(['--full', '--commit', 'events', '--profile', '--scenario', 'baseline,intel']);
    expect(full).to.include({ full: true, seconds: 60, concurrency: 128, commit: 'events', profile: true });
    expect(full.blocks).to.deep.equal(['tuned', 'defaults']);
    expect(full.scenarios).to.deep.equal(['baseline', 'intel']);
    expect(short.networkProfile).to.equal('dev');
    expect(parseBenchArgs(['--network-profile', 'bft']).networkProfile).to.equal('bft');
    expect(parseBenchArgs(['--checkpointing', '10']).checkpointing).to.equal(10);
    expect(short.checkpointing).to.equal(undefined);
    expect(short.readRecords).to.deep.equal([10_000]);
    expect(full.readRecords).to.deep.equal([10_000, 100_000]);
    expect(parseBenchArgs(['--records', '100000,20000', '--scenario', 'reads,taxii']).readRecords).to.deep.equal([20_000, 100_000]);
  });

  it('answers --help with the usage and refuses what it does not know', () => {
    expect(() => parseBenchArgs(['--help'])).to.throw(BenchHelp, /--commit status\|events/);
    expect(() => parseBenchArgs(['--bogus'])).to.throw(/Unknown option '--bogus'.*see --help/);
    expect(() => parseBenchArgs(['--commit', 'maybe'])).to.throw(/--commit must be status or events/);
    expect(() => parseBenchArgs(['--network-profile', 'solo'])).to.throw(/--network-profile must be dev, ha or bft/);
    expect(() => parseBenchArgs(['--scenario', 'teleport'])).to.throw(/unknown scenario teleport/);
    expect(() => parseBenchArgs(['--duration', 'ten'])).to.throw(/positive integer/);
    expect(() => parseBenchArgs(['--records', '10k'])).to.throw(/--records must be a comma-separated list/);
  });

  it('sums self time per function across call sites from a V8 profile', () => {
    const frame = (functionName: string, url = '', lineNumber = 0) => ({ functionName, url, lineNumber });
    const profile = {
      nodes: [
        { id: 1, callFrame: frame('(root)') },
        { id: 2, callFrame: frame('sign', 'file:///x/node_modules/fabric/signer.js', 9) },
        { id: 3, callFrame: frame('sign', 'file:///x/node_modules/fabric/signer.js', 9) },
        { id: 4, callFrame: frame('(idle)') },
      ],
      startTime: 0,
      endTime: 10_000,
      samples: [2, 3, 4, 2, 4],
      // each sample lasts until the next one; the last one has no duration
      timeDeltas: [0, 1000, 2000, 3000, 4000],
    };
    const { total, rows } = selfTimes(profile);
    expect(total).to.equal(10);
    expect(rows[0]).to.deep.include({ fn: 'sign', where: 'fabric/signer.js:10', ms: 7 });
    expect(rows[1]).to.deep.include({ fn: '(idle)', ms: 3 });
  });
});
