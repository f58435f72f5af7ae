import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import Database from 'better-sqlite3';
import { expect } from 'chai';

import type { IntelRecord } from '@xborder/protocol';
import { intelVersionKey, toMicros } from '@xborder/protocol';
import { IndexStore } from '@xborder/ledger-index';
import type { IndexedVersion, IndexOwner } from '@xborder/ledger-index';

const OWNER: IndexOwner = { channel: 'xborder', mspId: 'HKMSP', institution: 'hk-bank-a', genesis: 'ab'.repeat(32) };

function version(
  stixId: string,
  modified: string,
  extra: Partial<IntelRecord> = {},
  object: Record<string, unknown> | null = {},
): IndexedVersion {
  const record = {
    stixId,
    stixType: stixId.split('--')[0],
    modified,
    tlp: 'GREEN',
    producer: 'hk-bank-a',
    previousModified: null,
    txTime: modified,
    ...extra,
  } as unknown as IntelRecord;
  return {
    ledgerKey: intelVersionKey(stixId, modified),
    txIndex: 0,
    txId: `tx-${stixId}-${modified}`,
    record,
    object: object === null ? null : { id: stixId, modified, ...object },
  };
}

const A = 'indicator--0f2d1c8e-1111-4a6e-9c0e-3d1f6a7b2c01';
const B = 'indicator--0f2d1c8e-2222-4a6e-9c0e-3d1f6a7b2c02';
const C = 'indicator--0f2d1c8e-3333-4a6e-9c0e-3d1f6a7b2c03';

describe('ledger index store (SQLite)', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xb-index-'));
    file = path.join(dir, 'index.sqlite');
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('keeps commit order and a strictly increasing date_added, even when the clock stands still or goes back', () => {
    const clock = [5_000_000n, 5_000_000n, 4_000_000n, 9_000_000n];
    const store = IndexStore.open(file, OWNER, { clock: () => clock.shift() ?? 1n });
    // the producer's clock is irrelevant: B's record claims an earlier time than A's but commits later
    store.apply({ number: 0, versions: [] });
    store.apply({ number: 1, versions: [version(A, '2026-12-01T10:00:00.000Z'), version(B, '2026-12-01T09:58:30.000Z')] });
    store.apply({ number: 2, versions: [version(C, '2026-12-01T09:00:00.000Z'), version(A, '2026-12-01T10:05:00.000Z')] });
    const page = store.page({ filter: 'all' }, undefined, 0, 10);
    expect(page.items.map((v) => [v.record.stixId, v.block])).to.deep.equal([
      [A, 1],
      [B, 1],
      [C, 2],
      [A, 2],
    ]);
    const added = page.items.map((v) => toMicros(v.dateAdded) ?? 0n);
    expect(added).to.deep.equal([5_000_000n, 5_000_001n, 5_000_002n, 9_000_000n]);
    expect(page.items.map((v) => v.latest)).to.deep.equal([false, true, true, true]);
    expect(store.nextBlock).to.equal(3);
    store.close();
  });

  it('pages by position with filters and a from time; more says whether the listing goes on', () => {
    let t = 1_000_000n;
    const store = IndexStore.open(file, OWNER, { clock: () => (t += 1000n) });
    store.apply({
      number: 0,
      versions: [
        version(A, '2026-12-01T10:00:00.000Z'),
        version(B, '2026-12-01T10:00:00.000Z', { tlp: 'AMBER', producer: 'th-bank-a' }),
        version(C, '2026-12-01T10:00:00.000Z'),
      ],
    });
    const first = store.page({ filter: 'all' }, undefined, 0, 2);
    expect(first.items.map((v) => v.record.stixId)).to.deep.equal([A, B]);
    expect(first.more).to.equal(true);
    const second = store.page({ filter: 'all' }, undefined, first.items[1]?.seq ?? 0, 2);
    expect(second.items.map((v) => v.record.stixId)).to.deep.equal([C]);
    expect(second.more).to.equal(false);
    expect(store.page({ filter: 'tlp', value: 'AMBER' }, undefined, 0, 10).items.map((v) => v.record.stixId)).to.deep.equal([B]);
    expect(store.page({ filter: 'producer', value: 'hk-bank-a' }, undefined, 0, 10).items.map((v) => v.record.stixId)).to.deep.equal([
      A,
      C,
    ]);
    const fromB = toMicros(first.items[1]?.dateAdded ?? '') ?? 0n;
    expect(store.page({ filter: 'all' }, fromB, 0, 10).items.map((v) => v.record.stixId)).to.deep.equal([B, C]);
    store.close();
  });

  it('resumes at the first block not applied; a block out of order changes nothing', () => {
    const store = IndexStore.open(file, OWNER);
    store.apply({ number: 0, versions: [version(A, '2026-12-01T10:00:00.000Z')] });
    expect(() => {
      store.apply({ number: 2, versions: [version(B, '2026-12-01T10:00:00.000Z')] });
    }).to.throw(/INDEX_OUT_OF_ORDER: block 2 given, 1 expected/);
    store.close();
    const reopened = IndexStore.open(file, OWNER);
    expect(reopened.nextBlock).to.equal(1);
    expect(reopened.size).to.equal(1);
    reopened.close();
  });

  it('a block fails whole: nothing of it is kept and the same block applies again', () => {
    const store = IndexStore.open(file, OWNER);
    const good = version(B, '2026-12-01T10:00:00.000Z');
    const bad = { ...good, record: { ...good.record, modified: 'not a time' } };
    expect(() => {
      store.apply({ number: 0, versions: [version(A, '2026-12-01T10:00:00.000Z'), bad] });
    }).to.throw(/not a timestamp/);
    expect(store.size).to.equal(0);
    expect(store.nextBlock).to.equal(0);
    store.apply({ number: 0, versions: [version(A, '2026-12-01T10:00:00.000Z')] });
    expect(store.size).to.equal(1);
    store.close();
  });

  it('a rewritten record (revocation) keeps its place and date_added', () => {
    const store = IndexStore.open(file, OWNER);
    store.apply({ number: 0, versions: [version(A, '2026-12-01T10:00:00.000Z'), version(B, '2026-12-01T10:00:00.000Z')] });
    const before = store.versions(A)[0];
    store.apply({ number: 1, versions: [version(A, '2026-12-01T10:00:00.000Z', { revoked: true })] });
    const after = store.versions(A)[0];
    expect(after?.record.revoked).to.equal(true);
    expect(after?.seq).to.equal(before?.seq);
    expect(after?.dateAdded).to.equal(before?.dateAdded);
    expect(store.size).to.equal(2);
    store.close();
  });

  it('content that arrives later moves its version to the end with a new date_added, so pollers past it still get it', () => {
    let t = 1_000_000n;
    const store = IndexStore.open(file, OWNER, { clock: () => (t += 1000n) });
    store.apply({
      number: 0,
      versions: [{ ...version(A, '2026-12-01T10:00:00.000Z', {}, null), pending: true }, version(B, '2026-12-01T10:00:00.000Z')],
    });
    expect(store.pending(10).map((p) => p.stixId)).to.deep.equal([A]);
    const seen = store.page({ filter: 'all' }, undefined, 0, 10).items;
    const cursor = seen[seen.length - 1];
    store.apply({ number: 1, versions: [], revealed: [{ ledgerKey: intelVersionKey(A, '2026-12-01T10:00:00.000Z'), object: { id: A } }] });
    expect(store.pending(10)).to.deep.equal([]);
    const after = store.page({ filter: 'all' }, (toMicros(cursor?.dateAdded ?? '') ?? 0n) + 1n, cursor?.seq ?? 0, 10).items;
    expect(after.map((v) => [v.record.stixId, v.object?.id])).to.deep.equal([[A, A]]);
    store.close();
  });

  it('refuses an index of another reader or chain, and one written by a newer release', () => {
    IndexStore.open(file, OWNER).close();
    expect(() => IndexStore.open(file, { ...OWNER, institution: 'hk-bank-b' })).to.throw(/INDEX_OWNER_MISMATCH/);
    expect(() => IndexStore.open(file, { ...OWNER, genesis: 'cd'.repeat(32) })).to.throw(/INDEX_OWNER_MISMATCH/);
    const db = new Database(file);
    db.pragma('user_version = 99');
    db.close();
    expect(() => IndexStore.open(file, OWNER)).to.throw(/INDEX_TOO_NEW/);
    expect(fs.statSync(file).mode & 0o777).to.equal(0o600);
  });

  it('searches by type, TLP, producer, shared time, text, pattern values and external ids, with counts and pages', () => {
    const store = IndexStore.open(file, OWNER);
    const attack = 'attack-pattern--0f2d1c8e-4444-4a6e-9c0e-3d1f6a7b2c04';
    store.apply({
      number: 0,
      versions: [
        version(
          A,
          '2026-12-01T10:00:00.000Z',
          {},
          { name: 'QR phishing wave', pattern: "[domain-name:value = 'pay-qr.example']", labels: ['phishing'] },
        ),
        version(
          B,
          '2026-12-02T10:00:00.000Z',
          { producer: 'th-bank-a', tlp: 'AMBER' },
          {
            name: 'mule accounts',
            description: 'QR codes used 100% of the time',
            pattern: "[ipv4-addr:value = '203.0.113.9']",
          },
        ),
        version(
          attack,
          '2026-12-03T10:00:00.000Z',
          {},
          { name: 'Phishing', external_references: [{ source_name: 'mitre-attack', external_id: 'T1566' }] },
        ),
        version(C, '2026-12-04T10:00:00.000Z', { tlp: 'AMBER+STRICT', producer: 'hk-bank-b' }, null),
      ],
    });
    const ids = (q: Parameters<IndexStore['search']>[0]): string[] => store.search(q).items.map((v) => v.record.stixId);
    expect(ids({ text: 'qr' })).to.deep.equal([A, B]);
    expect(ids({ text: 'phishing' })).to.deep.equal([A, attack]);
    expect(ids({ text: '100%' })).to.deep.equal([B]);
    expect(ids({ text: '%' })).to.deep.equal([B]);
    expect(ids({ pattern: 'pay-qr.example' })).to.deep.equal([A]);
    expect(ids({ pattern: '203.0.113.9' })).to.deep.equal([B]);
    expect(ids({ externalId: 'T1566' })).to.deep.equal([attack]);
    expect(ids({ producers: ['th-bank-a'] })).to.deep.equal([B]);
    expect(ids({ tlp: ['AMBER+STRICT'] })).to.deep.equal([C]);
    expect(ids({ types: ['attack-pattern'] })).to.deep.equal([attack]);
    expect(ids({ since: '2026-12-02T00:00:00.000Z', until: '2026-12-04T00:00:00.000Z' })).to.deep.equal([B, attack]);
    const first = store.search({ limit: 3 });
    expect(first.total).to.equal(4);
    expect(first.items).to.have.length(3);
    const second = store.search({ limit: 3, after: first.next ?? 0 });
    expect(second.items.map((v) => v.record.stixId)).to.deep.equal([C]);
    expect(second.next).to.equal(null);
    store.close();
  });

  it("finds a version by the object's own id (an observable's real id) only where the content is held", () => {
    const store = IndexStore.open(file, OWNER);
    const handle = 'observable--0f2d1c8e-5555-4a6e-9c0e-3d1f6a7b2c05';
    const real = 'domain-name--6f3b6a5e-2d3c-5b1a-9c0e-3d1f6a7b2c06';
    const hidden = 'observable--0f2d1c8e-6666-4a6e-9c0e-3d1f6a7b2c07';
    const readable = version(handle, '2026-12-01T10:00:00.000Z', { stixType: 'domain-name' }, {});
    store.apply({
      number: 0,
      versions: [
        { ...readable, object: { type: 'domain-name', id: real, value: 'pay.example' } },
        version(hidden, '2026-12-01T10:00:00.000Z', { stixType: 'domain-name' }, null),
      ],
    });
    expect(store.versions(real).map((v) => v.record.stixId)).to.deep.equal([handle]);
    expect(store.versions(handle).map((v) => v.record.stixId)).to.deep.equal([handle]);
    expect(store.versions('domain-name--00000000-0000-5000-8000-000000000000')).to.deep.equal([]);
    store.close();
  });

  it("keeps other members' co-signatures with their version, once each, without moving it", () => {
    const store = IndexStore.open(file, OWNER);
    const v = version(A, '2026-12-01T10:00:00.000Z');
    store.apply({ number: 0, versions: [v] });
    const before = store.versions(A)[0];
    expect(before?.cosigners).to.deep.equal([]);
    const cosign = { versionKey: v.ledgerKey, institution: 'th-bank-a', signerKey: 'cd'.repeat(32), txId: 'tx-cosign' };
    store.apply({ number: 1, versions: [], cosignatures: [cosign] });
    store.apply({ number: 2, versions: [], cosignatures: [cosign, { ...cosign, institution: 'hk-bank-b', txId: 'tx-2' }] });
    const after = store.versions(A)[0];
    expect(after?.cosigners).to.deep.equal([
      { institution: 'th-bank-a', signerKey: 'cd'.repeat(32) },
      { institution: 'hk-bank-b', signerKey: 'cd'.repeat(32) },
    ]);
    expect(after?.seq).to.equal(before?.seq);
    expect(after?.dateAdded).to.equal(before?.dateAdded);
    expect(store.page({ filter: 'all' }, undefined, 0, 10).items[0]?.cosigners).to.have.length(2);
    store.close();
  });
});
