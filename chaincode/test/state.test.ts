import * as chai from 'chai';
import chaiAsPromised from 'chai-as-promised';
import type { Context } from 'fabric-contract-api';

import { MAX_UNPAGED_RESULTS } from '@xborder/protocol';
import { rangeBounded } from '@xborder/chaincode/internal/state';

import { ids, intel, registeredWorld, signIntel, stixIndicator, submit } from '../../test/support/chaincode-fixture';

chai.use(chaiAsPromised);
const { expect } = chai;

/** A context whose range iterator yields `n` entries and records whether it was closed. */
function rangeOf(n: number): { ctx: Context; closed: () => boolean; read: () => number } {
  let closed = false;
  let read = 0;
  const iterator = {
    next: () => {
      if (read >= n) return Promise.resolve({ done: true, value: undefined });
      read++;
      return Promise.resolve({ done: false, value: { key: `k${String(read)}`, value: new Uint8Array([read]) } });
    },
    close: () => {
      closed = true;
      return Promise.resolve();
    },
  };
  const ctx = { stub: { getStateByRange: () => Promise.resolve(iterator) } } as unknown as Context;
  return { ctx, closed: () => closed, read: () => read };
}

describe('unpaged reads are bounded', () => {
  it('returns a range up to its limit and refuses a larger one with RESULT_TOO_LARGE, reading one entry past the limit at most', async () => {
    const small = rangeOf(3);
    expect(await rangeBounded(small.ctx, { start: 'a', end: 'b' }, 'things', 3)).to.have.length(3);
    const large = rangeOf(1_000_000);
    await expect(rangeBounded(large.ctx, { start: 'a', end: 'b' }, 'payments with end-to-end id NOTPROVIDED', 3)).to.be.rejectedWith(
      /^RESULT_TOO_LARGE: more than 3 payments with end-to-end id NOTPROVIDED/,
    );
    expect(large.read()).to.equal(4);
    expect(large.closed()).to.equal(true);
    expect(MAX_UNPAGED_RESULTS).to.equal(500);
  });

  it('reads an intel object’s versions through the bound', async () => {
    const world = await registeredWorld();
    try {
      const obj = stixIndicator();
      await submit(world, ids.hkBankA, signIntel(obj, ids.hkBankA));
      await submit(world, ids.hkBankA, signIntel({ ...obj, modified: '2026-11-21T00:00:00Z' }, ids.hkBankA));
      const history = await world.invoke(ids.auditor, (ctx) => intel.GetIntelHistory(ctx, obj.id as string));
      expect(JSON.parse(history.value as string)).to.have.length(2);
    } finally {
      world.restore();
    }
  });
});
