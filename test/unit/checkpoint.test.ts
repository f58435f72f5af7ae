import { createPrivateKey, sign } from 'node:crypto';

import { expect } from 'chai';

import { CheckpointContract } from '@xborder/chaincode';
import { canonicalize } from '@xborder/chaincode/dist/shared/jcs';

import type { TestIdentity } from '../support/certs';
import { ids } from '../support/chaincode-fixture';
import { FakeWorld } from '../support/fake-world';

const contract = new CheckpointContract();

function signed(who: TestIdentity, height: number, blockHash: string, overrides: Record<string, unknown> = {}): [string, string] {
  const statement = canonicalize({
    purpose: 'xborder/checkpoint/v1',
    channel: 'xborder',
    height,
    blockHash,
    mspId: who.mspId,
    ...overrides,
  });
  return [statement, sign('sha256', Buffer.from(statement), createPrivateKey(who.keyPem)).toString('base64')];
}

describe('checkpoint contract', () => {
  let world: FakeWorld;
  beforeEach(() => {
    world = new FakeWorld();
  });
  afterEach(() => {
    world.restore();
  });
  const record = (who: TestIdentity, args: [string, string]) =>
    world.invoke(who, (ctx) => {
      (ctx.stub.getChannelID as unknown as { returns: (v: string) => void }).returns('xborder');
      return contract.RecordCheckpoint(ctx, ...args);
    });

  it('records each operator admin checkpoint once, lists them in height order', async () => {
    const hash = 'a'.repeat(64);
    const hk = await record(ids.hkAdmin, signed(ids.hkAdmin, 12, hash));
    expect(hk.error).to.equal(undefined);
    expect(hk.event?.name).to.equal('CheckpointRecorded');
    expect((await record(ids.hkAdmin, signed(ids.hkAdmin, 12, hash))).writes).to.equal(0);
    await record(ids.thAdmin, signed(ids.thAdmin, 12, hash));
    await record(ids.thAdmin, signed(ids.thAdmin, 9, 'b'.repeat(64)));
    const page = JSON.parse((await world.invoke(ids.auditor, (ctx) => contract.ListCheckpoints(ctx, '10', ''))).value as string) as {
      items: { height: number; mspId: string }[];
    };
    expect(page.items.map((c) => `${String(c.height)}/${c.mspId}`)).to.deep.equal(['9/THMSP', '12/HKMSP', '12/THMSP']);
  });

  it('refuses other roles, other orgs, other hashes for a signed height, and bad signatures', async () => {
    const hash = 'c'.repeat(64);
    await record(ids.hkAdmin, signed(ids.hkAdmin, 5, hash));
    const cases: [Promise<{ error?: Error; writes: number }>, RegExp][] = [
      [record(ids.auditor, signed(ids.auditor, 5, hash)), /^ACCESS_DENIED: /],
      [record(ids.hkBankA, signed(ids.hkBankA, 5, hash)), /^ACCESS_DENIED: /],
      [record(ids.hkAdmin, signed(ids.hkAdmin, 5, hash, { mspId: 'THMSP' })), /^ACCESS_DENIED: /],
      [record(ids.hkAdmin, signed(ids.hkAdmin, 5, 'd'.repeat(64))), /^INVALID_ARGUMENT: HKMSP already signed height 5/],
      [
        record(ids.hkAdmin, [signed(ids.hkAdmin, 6, hash)[0], signed(ids.hkAdmin, 7, hash)[1]]),
        /^INVALID_ARGUMENT: the checkpoint signature/,
      ],
      [record(ids.hkAdmin, signed(ids.hkAdmin, 0, hash)), /^INVALID_ARGUMENT: height/],
      [record(ids.hkAdmin, signed(ids.hkAdmin, 6, hash, { channel: 'other' })), /^INVALID_ARGUMENT: channel/],
    ];
    for (const [p, pattern] of cases) {
      const r = await p;
      expect(r.error?.message).to.match(pattern);
      expect(r.writes).to.equal(0);
    }
  });
});
