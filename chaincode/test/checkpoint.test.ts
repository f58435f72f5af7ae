import { createHash, createPrivateKey, sign } from 'node:crypto';

import { expect } from 'chai';

import { CheckpointContract } from '@xborder/chaincode';
import { canonicalize } from '@xborder/protocol';
import { setLedgerView } from '@xborder/chaincode/internal/peer-ledger';

import type { TestIdentity } from '../../test/support/certs';
import { ids } from '../../test/support/chaincode-fixture';
import { FakeWorld } from '../../test/support/fake-world';

const contract = new CheckpointContract();

/** The endorsing peer's chain in these tests: 20 blocks, block n's header hash is SHA-256("n"). */
const LEDGER_HEIGHT = 20;
const headerHash = (n: number): string => createHash('sha256').update(String(n)).digest('hex');
const VALIDITY = 'e'.repeat(64);

function signed(
  who: TestIdentity,
  height: number,
  blockHash = headerHash(height - 1),
  overrides: Record<string, unknown> = {},
): [string, string] {
  const statement = canonicalize({
    purpose: 'xborder/checkpoint/v2',
    channel: 'xborder',
    height,
    blockHash,
    validity: VALIDITY,
    mspId: who.mspId,
    ...overrides,
  });
  return [statement, sign('sha256', Buffer.from(statement), createPrivateKey(who.keyPem)).toString('base64')];
}

describe('checkpoint contract', () => {
  let world: FakeWorld;
  let reads = 0;
  beforeEach(() => {
    world = new FakeWorld();
    reads = 0;
    // the endorsing peer's view: 20 blocks, and the hashes its polls saw (all but height 7)
    const hashes = new Map(Array.from({ length: LEDGER_HEIGHT }, (_v, i) => [i + 1, headerHash(i)] as const).filter(([h]) => h !== 7));
    setLedgerView({
      snapshot: () => ({ height: LEDGER_HEIGHT, hashes }),
      want: (height) => {
        reads++;
        hashes.set(height, headerHash(height - 1));
      },
    });
  });
  afterEach(() => {
    world.restore();
    setLedgerView(null);
  });
  const record = (who: TestIdentity, args: [string, string]) =>
    world.invoke(who, (ctx) => {
      (ctx.stub.getChannelID as unknown as { returns: (v: string) => void }).returns('xborder');
      return contract.RecordCheckpoint(ctx, ...args);
    });

  it('records each operator admin checkpoint once, lists them in height order', async () => {
    const hk = await record(ids.hkAdmin, signed(ids.hkAdmin, 12));
    expect(hk.error).to.equal(undefined);
    expect(hk.event?.name).to.equal('CheckpointRecorded');
    expect((await record(ids.hkAdmin, signed(ids.hkAdmin, 12))).writes).to.equal(0);
    await record(ids.thAdmin, signed(ids.thAdmin, 12));
    await record(ids.thAdmin, signed(ids.thAdmin, 9));
    expect((await record(ids.thAdmin, signed(ids.thAdmin, LEDGER_HEIGHT))).error).to.equal(undefined);
    const page = JSON.parse((await world.invoke(ids.auditor, (ctx) => contract.ListCheckpoints(ctx, '10', ''))).value as string) as {
      items: { height: number; mspId: string; validity: string }[];
    };
    expect(page.items.map((c) => `${String(c.height)}/${c.mspId}`)).to.deep.equal(['9/THMSP', '12/HKMSP', '12/THMSP', '20/THMSP']);
    expect(page.items.every((c) => c.validity === VALIDITY)).to.equal(true);
  });

  it("confirms height and hash from the endorsing peer's own ledger: no height above it, no other hash", async () => {
    const cases: [Promise<{ error?: Error; writes: number }>, RegExp][] = [
      [
        record(ids.hkAdmin, signed(ids.hkAdmin, LEDGER_HEIGHT + 1, headerHash(LEDGER_HEIGHT))),
        /^CHECKPOINT_AHEAD: height 21 is above this peer's ledger height 20/,
      ],
      [record(ids.hkAdmin, signed(ids.hkAdmin, 1e12, 'a'.repeat(64))), /^CHECKPOINT_AHEAD: /],
      [record(ids.hkAdmin, signed(ids.hkAdmin, 8, headerHash(9))), /^CHECKPOINT_MISMATCH: block 7 has header hash/],
      [record(ids.hkAdmin, signed(ids.hkAdmin, LEDGER_HEIGHT, headerHash(3))), /^CHECKPOINT_MISMATCH: /],
    ];
    for (const [p, pattern] of cases) {
      const r = await p;
      expect(r.error?.message).to.match(pattern);
      expect(r.writes).to.equal(0);
    }
    // a height the polls skipped is read from the peer first: refused until then, checked after
    expect((await record(ids.hkAdmin, signed(ids.hkAdmin, 7, headerHash(9)))).error?.message).to.match(/^CHECKPOINT_UNVERIFIED: /);
    expect(reads).to.equal(1);
    expect((await record(ids.hkAdmin, signed(ids.hkAdmin, 7, headerHash(9)))).error?.message).to.match(/^CHECKPOINT_MISMATCH: /);
    expect((await record(ids.hkAdmin, signed(ids.hkAdmin, 7))).error).to.equal(undefined);
    setLedgerView(null);
    const blind = await record(ids.hkAdmin, signed(ids.hkAdmin, 5));
    expect(blind.error?.message).to.match(/^CHECKPOINT_UNVERIFIED: /);
    expect(blind.writes).to.equal(0);
  });

  it('refuses other roles, other orgs, another hash or validity for a signed height, and bad statements', async () => {
    await record(ids.hkAdmin, signed(ids.hkAdmin, 5));
    const cases: [Promise<{ error?: Error; writes: number }>, RegExp][] = [
      [record(ids.auditor, signed(ids.auditor, 5)), /^ACCESS_DENIED: /],
      [record(ids.hkBankA, signed(ids.hkBankA, 5)), /^ACCESS_DENIED: /],
      [record(ids.hkAdmin, signed(ids.hkAdmin, 5, headerHash(4), { mspId: 'THMSP' })), /^ACCESS_DENIED: /],
      [
        record(ids.hkAdmin, signed(ids.hkAdmin, 5, headerHash(4), { validity: 'f'.repeat(64) })),
        /^CHECKPOINT_MISMATCH: HKMSP already signed height 5/,
      ],
      [record(ids.hkAdmin, [signed(ids.hkAdmin, 6)[0], signed(ids.hkAdmin, 7)[1]]), /^CHECKPOINT_INVALID: the checkpoint signature/],
      [record(ids.hkAdmin, signed(ids.hkAdmin, 0, 'a'.repeat(64))), /^CHECKPOINT_INVALID: height/],
      [record(ids.hkAdmin, signed(ids.hkAdmin, 6, headerHash(5), { channel: 'other' })), /^CHECKPOINT_INVALID: channel/],
      [record(ids.hkAdmin, signed(ids.hkAdmin, 6, headerHash(5), { validity: 'short' })), /^CHECKPOINT_INVALID: validity/],
      [record(ids.hkAdmin, signed(ids.hkAdmin, 6, headerHash(5), { purpose: 'xborder/checkpoint/v1' })), /^CHECKPOINT_INVALID: purpose/],
    ];
    for (const [p, pattern] of cases) {
      const r = await p;
      expect(r.error?.message).to.match(pattern);
      expect(r.writes).to.equal(0);
    }
  });
});
