import { expect } from 'chai';

import { ChangeFeed } from '@xborder/console';

const change = (id: string) => ({ kind: 'intel' as const, id, summary: '', event: 'IntelSubmitted', block: 1, txId: 't', at: null });

describe('console change feed', () => {
  it('numbers changes in order, hands them to listeners until they unsubscribe', () => {
    const feed = new ChangeFeed();
    const seen: number[] = [];
    const stop = feed.subscribe((c) => seen.push(c.seq));
    feed.push(change('a'));
    feed.push(change('b'));
    stop();
    feed.push(change('c'));
    expect(seen).to.deep.equal([1, 2]);
    expect(feed.last).to.equal(3);
    expect(feed.latest(2).map((c) => c.id)).to.deep.equal(['c', 'b']);
  });

  it('gives a reconnecting reader exactly what it missed, or null when that is no longer kept', () => {
    const feed = new ChangeFeed(3);
    expect(feed.after(0)).to.deep.equal([]);
    for (const id of ['a', 'b', 'c', 'd', 'e']) feed.push(change(id));
    expect(feed.after(5)).to.deep.equal([]);
    expect(feed.after(3)?.map((c) => c.id)).to.deep.equal(['d', 'e']);
    expect(feed.after(2)?.map((c) => c.id)).to.deep.equal(['c', 'd', 'e']);
    expect(feed.after(1)).to.equal(null);
  });
});
