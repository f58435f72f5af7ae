/** Cyber-observables on the intel contract: handles, keyed tags, nothing revealing in public state, and "seen". */
import { createPrivateKey, randomUUID, sign as nodeSign } from 'node:crypto';

import { expect } from 'chai';

import { canonicalize, contentCommitment, SEEN_DAILY_LIMIT } from '@xborder/protocol';

import { ids, intel, registeredWorld, sealed, signIntel, stixIndicator, submit, TLP } from '../../test/support/chaincode-fixture';
import type { FakeWorld } from '../../test/support/fake-world';
import { installPartyKeys } from '../../test/support/payment-fixture';

type Rec = Record<string, unknown>;
const parse = (v: unknown): Rec => JSON.parse(v as string) as Rec;

const ip = (value = '198.51.100.3', marking: string = TLP.GREEN): Rec => ({
  type: 'ipv4-addr',
  spec_version: '2.1',
  id: `ipv4-addr--${value === '198.51.100.3' ? 'ff26c055-6336-5bc5-b98d-13d6226742dd' : '0a7f2b3c-4d5e-5f60-8a1b-2c3d4e5f6a7b'}`,
  value,
  object_marking_refs: [marking],
});

/** Every public state value (world state, not private data) as text. */
function publicState(world: FakeWorld): string {
  return [...world.state.entries()].map(([k, v]) => `${k}=${Buffer.from(v).toString('utf8')}`).join('\n');
}

describe('cyber-observables on the intel contract', () => {
  let world: FakeWorld;
  beforeEach(async () => {
    installPartyKeys();
    world = await registeredWorld();
  });
  afterEach(() => {
    world.restore();
  });

  const ask = (who: typeof ids.hkBankA, type: string, value: string, endorseOnly = false) =>
    world.invoke(who, (ctx) => intel.AskSeen(ctx), { transient: { query: Buffer.from(canonicalize({ type, value })) }, endorseOnly });
  /** Asks and, once the question committed, reads the answer (the SDK's `seen`). */
  const seen = async (who: typeof ids.hkBankA, type: string, value: string) => {
    const asked = await ask(who, type, value);
    if (asked.error) return asked;
    const { questionId } = parse(asked.value) as { questionId: string };
    return world.invoke(who, (ctx) => intel.GetSeenAnswer(ctx, questionId));
  };

  it('answers "seen" for values inside shared indicators\' simple patterns, however spelled, and not for other patterns', async () => {
    const domain = `pay-${randomUUID().slice(0, 8)}.example`;
    const simple = stixIndicator({
      pattern: `[domain-name:value = '${domain}' OR url:value = 'https://${domain}/otp'] OR [ipv4-addr:value = '203.0.113.77']`,
    });
    expect((await submit(world, ids.hkBankA, signIntel(simple, ids.hkBankA))).error).to.equal(undefined);
    const compound = stixIndicator({ pattern: `[domain-name:value = 'compound-${domain}' AND url:value = 'https://x.example/']` });
    expect((await submit(world, ids.thBankA, signIntel(compound, ids.thBankA))).error).to.equal(undefined);
    for (const [type, value] of [
      ['domain-name', `${domain.toUpperCase()}.`],
      ['url', `https://${domain}:443/otp#x`],
      ['ipv4-addr', '203.0.113.77/32'],
    ]) {
      const r = await seen(ids.thBankA, type ?? '', value ?? '');
      expect(parse(r.value), value).to.include({ count: 1 });
      expect(parse(r.value).producers, value).to.deep.equal(['hk-bank-a']);
    }
    // an AND names no value plainly; a near miss is a miss
    expect(parse((await seen(ids.hkBankA, 'domain-name', `compound-${domain}`)).value)).to.include({ count: 0 });
    expect(parse((await seen(ids.hkBankA, 'domain-name', `${domain}.org`)).value)).to.include({ count: 0 });
    // the tags are keyed: neither the value nor its plain hash is in the public state
    const pub = publicState(world);
    expect(pub).to.not.include(domain);
  });

  it('records an observable under a keyed handle with keyed tags: its id and value appear in no public state', async () => {
    const obj = ip();
    const r = await submit(world, ids.hkBankA, signIntel(obj, ids.hkBankA));
    expect(r.error).to.equal(undefined);
    const record = parse(r.value).record as Rec;
    expect(record.stixId).to.match(/^observable--[0-9a-f-]{36}$/);
    expect(record).to.include({ stixType: 'ipv4-addr', modified: '1970-01-01T00:00:00.000Z', tlp: 'GREEN', producer: 'hk-bank-a' });
    expect((record.observable as Rec).tags).to.have.length(1);
    const pub = publicState(world);
    expect(pub).to.not.include(obj.id);
    expect(pub).to.not.include(obj.value);
    expect(pub).to.not.include('ff26c055');
    // the content is in the shared collection, sealed
    expect(
      [...world.collection('hkThShared').values()].some((v) =>
        Buffer.from(v)
          .toString()
          .includes(obj.value as string),
      ),
    ).to.equal(true);
    // the same observable again (new salt) is the same record; another producer gets its own
    const again = await submit(world, ids.hkBankA, signIntel(obj, ids.hkBankA));
    expect(parse(again.value)).to.include({ created: false });
    expect(again.writes).to.equal(0);
    const th = parse((await submit(world, ids.thBankA, signIntel(obj, ids.thBankA))).value).record as Rec;
    expect(th.stixId).to.not.equal(record.stixId);
  });

  it('answers "seen" for the value however spelled, not for a near miss, records the question by tag, and limits it per day', async () => {
    await submit(world, ids.hkBankA, signIntel(ip(), ids.hkBankA));
    await submit(world, ids.thBankA, signIntel(ip(), ids.thBankA));
    const hit = await seen(ids.hkBankB, 'ipv4-addr', ' 198.51.100.3 ');
    expect(hit.error).to.equal(undefined);
    expect(parse(hit.value)).to.include({ count: 2, revoked: 0 });
    expect(parse(hit.value).producers).to.deep.equal(['hk-bank-a', 'th-bank-a']);
    for (const near of ['198.51.100.30', '198.51.100.33', '198.51.100']) {
      expect(parse((await seen(ids.hkBankB, 'ipv4-addr', near)).value), near).to.include({ count: 0, firstSeen: null });
    }
    // the question is written by tag only; the value asked is nowhere in public state
    await seen(ids.hkBankB, 'domain-name', 'never-shared.example');
    const pub = publicState(world);
    expect(pub).to.include('seen-query');
    expect(pub).to.not.include('never-shared.example');
    expect(pub).to.not.include('198.51.100.30');
    // auditors may not ask; a malformed question writes nothing
    expect((await seen(ids.auditor, 'ipv4-addr', '198.51.100.3')).error?.message).to.match(/^ACCESS_DENIED: /);
    const bad = await seen(ids.hkBankB, 'indicator', 'x');
    expect(bad.error?.message).to.match(/^INVALID_ARGUMENT: /);
    expect(bad.writes).to.equal(0);
    // the question record holds the asker, never the value or its tag in clear
    const question = [...world.state.entries()].find(([k]) => k.startsWith('seen-query'))?.[1];
    expect(parse(Buffer.from(question ?? []).toString())).to.have.keys(['institution', 'mspId', 'keyId', 'sealed', 'txTime']);
    // the daily limit: the next question past it is refused and writes nothing
    const quotaKey = [...world.state.keys()].find((k) => k.includes('seen-quota') && k.includes('hk-bank-b')) ?? '';
    world.state.set(quotaKey, Buffer.from(JSON.stringify({ count: SEEN_DAILY_LIMIT })));
    const over = await seen(ids.hkBankB, 'ipv4-addr', '198.51.100.3');
    expect(over.error?.message).to.match(/^SEEN_LIMIT_EXCEEDED: /);
    expect(over.writes).to.equal(0);
  });

  it('gives an endorsed but unsubmitted question nothing: no answer, no read of the index, no tag; only a committed question is answered, to its asker', async function () {
    this.timeout(60_000);
    await submit(world, ids.hkBankA, signIntel(ip(), ids.hkBankA));
    const tagKeys = [...world.state.keys()].filter((k) => k.startsWith('obs-tag'));
    expect(tagKeys).to.have.length(1);
    const tag = tagKeys[0]?.split('\u0001')[1] ?? '';
    expect(tag).to.match(/^[0-9a-f]{64}$/);
    // 300 guesses by endorsement alone (the real value among them): what each proposal response shows
    for (let i = 0; i < 300; i++) {
      const value = i === 7 ? '198.51.100.3' : `198.51.${String(i >> 8)}.${String(i & 255)}`;
      const r = await ask(ids.hkBankB, 'ipv4-addr', value, true);
      expect(r.error).to.equal(undefined);
      expect(Object.keys(parse(r.value))).to.have.members(['questionId', 'askedToday', 'dailyLimit']);
      // nothing of the index is read, and neither the result nor any written value holds the tag
      expect(r.rwset.ranges.filter(([start]) => start.startsWith('obs-tag'))).to.deep.equal([]);
      expect(JSON.stringify(r.rwset) + String(r.value)).to.not.include(tag);
    }
    // none of them was committed: none counted, none answerable
    expect([...world.state.keys()].filter((k) => k.includes('seen-'))).to.deep.equal([]);
    const unsubmitted = (await ask(ids.hkBankB, 'ipv4-addr', '198.51.100.3', true)).txId;
    const notCommitted = await world.invoke(ids.hkBankB, (ctx) => intel.GetSeenAnswer(ctx, unsubmitted));
    expect(notCommitted.error?.message).to.match(/^SEEN_QUESTION_NOT_FOUND: /);
    // a committed question is answered to its asker only, and counted
    const asked = await ask(ids.hkBankB, 'ipv4-addr', '198.51.100.3');
    const { questionId } = parse(asked.value) as { questionId: string };
    const answer = await world.invoke(ids.hkBankB, (ctx) => intel.GetSeenAnswer(ctx, questionId));
    expect(parse(answer.value)).to.include({ type: 'ipv4-addr', count: 1 });
    const other = await world.invoke(ids.thBankA, (ctx) => intel.GetSeenAnswer(ctx, questionId));
    expect(other.error?.message).to.match(/^ACCESS_DENIED: /);
    const quota = [...world.state.entries()].find(([k]) => k.includes('seen-quota') && k.includes('hk-bank-b'))?.[1];
    expect(parse(Buffer.from(quota ?? []).toString())).to.deep.equal({ count: 1 });
  });

  it('refuses strict observables, observables named in intel statements, and statements that misdescribe the content', async () => {
    // the SDK refuses to prepare a RED observable; a hand-made statement for one is refused by the chaincode
    expect(() => signIntel(ip('198.51.100.3', TLP.RED), ids.hkBankA)).to.throw(
      /^INTEL_UNSUPPORTED_OBJECT: RED observables are not recorded/,
    );
    const redObject = ip('198.51.100.3', TLP.RED);
    const green = signIntel({ ...redObject, object_marking_refs: [TLP.GREEN] }, ids.hkBankA);
    const redCanonical = canonicalize(redObject);
    const redStatement = canonicalize({
      ...green.prepared.statement,
      tlp: 'RED',
      contentCommitment: contentCommitment(green.prepared.salt, redCanonical),
    });
    const redSig = nodeSign('sha256', Buffer.from(redStatement), createPrivateKey(ids.hkBankA.keyPem)).toString('base64');
    const redResult = await world.invoke(ids.hkBankA, (ctx) => intel.SubmitIntel(ctx, redStatement, redSig), {
      transient: { content: sealed({ salt: green.prepared.salt, canonical: redCanonical }) },
    });
    expect(redResult.error?.message).to.match(/^INTEL_UNSUPPORTED_OBJECT: RED observables are not recorded/);
    expect(redResult.writes).to.equal(0);
    const obj = ip();
    const signed = signIntel(obj, ids.hkBankA);
    const asIntel = canonicalize({
      purpose: 'xborder/intel-statement/v2',
      contentCommitment: signed.prepared.statement.contentCommitment,
      stixId: obj.id,
      stixType: 'ipv4-addr',
      modified: '2026-11-25T00:00:00.000Z',
      tlp: 'GREEN',
      institution: 'hk-bank-a',
      mspId: 'HKMSP',
    });
    const sig = nodeSign('sha256', Buffer.from(asIntel), createPrivateKey(ids.hkBankA.keyPem)).toString('base64');
    const r = await world.invoke(ids.hkBankA, (ctx) => intel.SubmitIntel(ctx, asIntel, sig), {
      transient: { content: sealed(signed.prepared) },
    });
    expect(r.error?.message).to.match(/^INTEL_UNSUPPORTED_OBJECT: ipv4-addr is a cyber-observable/);
    expect(r.writes).to.equal(0);
    const wrongType = canonicalize({ ...signed.prepared.statement, stixType: 'domain-name' });
    const sig2 = nodeSign('sha256', Buffer.from(wrongType), createPrivateKey(ids.hkBankA.keyPem)).toString('base64');
    const r2 = await world.invoke(ids.hkBankA, (ctx) => intel.SubmitIntel(ctx, wrongType, sig2), {
      transient: { content: sealed(signed.prepared) },
    });
    expect(r2.error?.message).to.match(/^INTEL_STATEMENT_MISMATCH: statement differs from the content in stixType/);
    expect(r2.writes).to.equal(0);
  });
});
