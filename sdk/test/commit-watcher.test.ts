import * as chai from 'chai';
import chaiAsPromised from 'chai-as-promised';

import { CommitWatcher } from '@xborder/sdk';
import type { BlockEventSource } from '@xborder/sdk';

chai.use(chaiAsPromised);
const { expect } = chai;

interface FakeBlock {
  readonly number: number;
  readonly txs: readonly [string, number][];
}

function filteredBlock(b: FakeBlock): unknown {
  return {
    getNumber: () => b.number,
    getFilteredTransactionsList: () => b.txs.map(([id, code]) => ({ getTxid: () => id, getTxValidationCode: () => code })),
  };
}

/**
 * A peer's block event service, scripted per stream: each stream yields its blocks, then breaks with
 * `error` (or stays open when `error` is undefined). Records the start block each stream was asked for.
 */
function scriptedSource(streams: { blocks: FakeBlock[]; error?: string }[]): {
  source: BlockEventSource;
  starts: (bigint | undefined)[];
  /** Resolves once the watcher has taken a block and asked for the next. */
  taken: Promise<void>;
} {
  const starts: (bigint | undefined)[] = [];
  let markTaken: () => void = () => undefined;
  const taken = new Promise<void>((resolve) => (markTaken = resolve));
  const source = {
    getFilteredBlockEvents: (options?: { startBlock?: bigint }) => {
      const script = streams[starts.length];
      starts.push(options?.startBlock);
      if (!script) return Promise.reject(new Error('peer unreachable'));
      let closed = false;
      async function* run(): AsyncGenerator {
        for (const b of script!.blocks) {
          await Promise.resolve();
          yield filteredBlock(b);
          markTaken(); // resumed: the watcher has handled the block
        }
        if (script!.error !== undefined) throw new Error(script!.error);
        // an open stream: wait until closed
        while (!closed) await new Promise((r) => setTimeout(r, 5));
      }
      const it = run();
      return Promise.resolve({
        [Symbol.asyncIterator]: () => it,
        close: () => {
          closed = true;
        },
      });
    },
  } as unknown as BlockEventSource;
  return { source, starts, taken };
}

describe('CommitWatcher (scripted block streams)', () => {
  it('reopens a broken stream from the block after the last one seen and misses nothing', async () => {
    const { source, starts } = scriptedSource([
      { blocks: [{ number: 5, txs: [['a', 0]] }], error: 'peer restarted' },
      { blocks: [{ number: 6, txs: [['b', 11]] }] },
    ]);
    const watcher = await CommitWatcher.start(source, { reconnectBackoffMs: 1 });
    try {
      const [a, b] = await Promise.all([watcher.wait('a', 2000), watcher.wait('b', 2000)]);
      expect(a).to.deep.equal({ transactionId: 'a', blockNumber: 5n, code: 0, successful: true });
      expect(b).to.deep.equal({ transactionId: 'b', blockNumber: 6n, code: 11, successful: false });
      expect(starts).to.deep.equal([undefined, 6n]);
    } finally {
      watcher.close();
    }
  });

  it('fails pending waits with COMMIT_EVENTS_FAILED when reopening keeps failing', async () => {
    const { source, starts } = scriptedSource([{ blocks: [], error: 'stream reset' }]);
    const watcher = await CommitWatcher.start(source, { maxReconnects: 2, reconnectBackoffMs: 1 });
    await expect(watcher.wait('never', 5000)).to.be.rejectedWith(/could not be reopened/);
    expect(starts.length).to.equal(3);
    await expect(watcher.wait('later')).to.be.rejectedWith(/could not be reopened/);
    watcher.close();
  });

  it('hands over an outcome that arrived before the wait, and refuses waits once closed', async () => {
    const { source, taken } = scriptedSource([{ blocks: [{ number: 9, txs: [['early', 0]] }] }]);
    const watcher = await CommitWatcher.start(source);
    await taken; // block 9 is handled before anyone waits for its transaction
    expect((await watcher.wait('early', 100)).blockNumber).to.equal(9n);
    watcher.close();
    await expect(watcher.wait('x')).to.be.rejectedWith(/closed/);
  });
});
