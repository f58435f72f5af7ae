import { createPrivateKey, sign as nodeSign } from 'node:crypto';

import { expect } from 'chai';

import { canonicalize, certificateFingerprint, contentCommitment, isStrict, sha256Hex } from '@xborder/protocol';
import type { TlpLevel } from '@xborder/protocol';

import { ids, intel, registeredWorld, registry, sealed, signIntel, stixIndicator, submit, TLP } from '../../test/support/chaincode-fixture';
import type { FakeWorld } from '../../test/support/fake-world';

type Rec = Record<string, unknown>;
const parse = (v: unknown): Rec => JSON.parse(v as string) as Rec;

describe('intel contract', () => {
  let world: FakeWorld;
  beforeEach(async () => {
    world = await registeredWorld();
  });
  afterEach(() => {
    world.restore();
  });

  describe('SubmitIntel', () => {
    it('records an AMBER object: public commitment, content in the HK-TH collection, an event with ids and hashes only', async () => {
      const obj = stixIndicator();
      const signed = signIntel(obj, ids.hkBankA);
      const r = await submit(world, ids.hkBankA, signed);
      expect(r.error).to.equal(undefined);
      const { created, record } = parse(r.value) as { created: boolean; record: Rec };
      expect(created).to.equal(true);
      expect(record).to.include({
        stixId: obj.id,
        stixType: 'indicator',
        tlp: 'AMBER',
        producer: 'hk-bank-a',
        mspId: 'HKMSP',
        format: 2,
        contentCommitment: contentCommitment(signed.prepared.salt, canonicalize(obj)),
        signerFingerprint: certificateFingerprint(ids.hkBankA.certPem),
        confidence: 80,
        previousModified: null,
        revoked: false,
        txId: r.txId,
      });
      expect(record.statement).to.equal(signed.statementJson);
      const content = [...world.collection('hkThShared').values()].map((v) => Buffer.from(v).toString());
      // at rest the salt sits inside the value, so the SHA-256 Fabric publishes of it is not guessable
      expect(content).to.deep.equal([`${signed.prepared.salt}\n${signed.prepared.canonical}`]);
      expect(JSON.stringify(record)).not.to.contain(sha256Hex(canonicalize(obj)));
      expect(r.event?.name).to.equal('IntelSubmitted');
      expect(JSON.stringify(r.event?.payload)).not.to.contain('pay-promptp4y');
      // no guessable value anywhere in public state
      for (const v of world.state.values()) expect(Buffer.from(v).toString()).not.to.contain('pay-promptp4y');
    });

    it('is idempotent: the same version again returns the record and writes nothing', async () => {
      const signed = signIntel(stixIndicator(), ids.hkBankA);
      await submit(world, ids.hkBankA, signed);
      const before = world.snapshot();
      const again = await submit(world, ids.hkBankA, signed);
      expect(parse(again.value).created).to.equal(false);
      expect(again.writes).to.equal(0);
      expect(again.event).to.equal(undefined);
      expect(world.snapshot()).to.equal(before);
    });

    it('rejects every malformed or dishonest submission with its code and writes nothing', async () => {
      const obj = stixIndicator();
      const good = signIntel(obj, ids.hkBankA);
      await submit(world, ids.hkBankA, good);
      const before = world.snapshot();
      const other = signIntel(stixIndicator({ id: obj.id, name: 'changed' }), ids.hkBankA);
      const greenStatement = { ...good.prepared.statement, tlp: 'GREEN' };
      const greenSigned = signIntel(stixIndicator(), ids.hkBankA);
      const looseText = JSON.stringify(JSON.parse(greenSigned.prepared.canonical), null, 1);
      const looseStatement = canonicalize({
        ...greenSigned.prepared.statement,
        contentCommitment: contentCommitment(greenSigned.prepared.salt, looseText),
      });
      const loose = {
        statementJson: looseStatement,
        signature: nodeSign('sha256', Buffer.from(looseStatement), createPrivateKey(ids.hkBankA.keyPem)).toString('base64'),
      };
      const cases: [Promise<{ error?: Error; writes: number }>, RegExp][] = [
        [submit(world, ids.hkBankA, other), /^INTEL_VERSION_CONFLICT: /],
        [
          world.invoke(ids.hkBankA, (ctx) => intel.SubmitIntel(ctx, good.statementJson, Buffer.from('bad').toString('base64')), {
            transient: { content: sealed(good.prepared) },
          }),
          /^INTEL_SIGNATURE_INVALID: /,
        ],
        [world.invoke(ids.hkBankA, (ctx) => intel.SubmitIntel(ctx, '{"x":', good.signature)), /^INTEL_INVALID_JSON: /],
        [
          world.invoke(ids.hkBankA, (ctx) => intel.SubmitIntel(ctx, canonicalize(greenStatement), greenSigned.signature), {
            transient: { content: sealed(greenSigned.prepared) },
          }),
          /^INTEL_SIGNATURE_INVALID: /,
        ],
        [
          world.invoke(ids.hkBankA, (ctx) => intel.SubmitIntel(ctx, greenSigned.statementJson, greenSigned.signature)),
          /^INTEL_CONTENT_MISSING: /,
        ],
        [
          // committed and signed over non-canonical text: opens, then fails the canonical form
          world.invoke(ids.hkBankA, (ctx) => intel.SubmitIntel(ctx, loose.statementJson, loose.signature), {
            transient: { content: sealed({ salt: greenSigned.prepared.salt, canonical: looseText }) },
          }),
          /^INTEL_NOT_CANONICAL: /,
        ],
        [
          world.invoke(ids.hkBankA, (ctx) => intel.SubmitIntel(ctx, greenSigned.statementJson, greenSigned.signature), {
            transient: { content: sealed(good.prepared) },
          }),
          /^INTEL_COMMITMENT_MISMATCH: /,
        ],
        [submit(world, ids.hkBankB, greenSigned), /^INTEL_STATEMENT_MISMATCH: statement names hk-bank-a/],
        [submit(world, ids.auditor, greenSigned), /^ACCESS_DENIED: /],
        [submit(world, ids.hkAdmin, greenSigned), /^ACCESS_DENIED: /],
      ];
      for (const [promise, pattern] of cases) {
        const result = await promise;
        expect(result.error?.message).to.match(pattern);
        expect(result.writes).to.equal(0);
      }
      expect(world.snapshot()).to.equal(before);
    });

    it('refuses a statement whose TLP differs from the markings in the content', async () => {
      const obj = stixIndicator({ object_marking_refs: [TLP.GREEN] });
      const signed = signIntel(obj, ids.hkBankA);
      const lying = signIntel(stixIndicator({ id: obj.id, object_marking_refs: [TLP.GREEN] }), ids.hkBankA);
      // sign a statement claiming CLEAR for GREEN content
      const { createPrivateKey, sign } = await import('node:crypto');
      const statement = { ...lying.prepared.statement, contentCommitment: signed.prepared.statement.contentCommitment, tlp: 'CLEAR' };
      const sig = sign('sha256', Buffer.from(canonicalize(statement)), createPrivateKey(ids.hkBankA.keyPem)).toString('base64');
      const r = await world.invoke(ids.hkBankA, (ctx) => intel.SubmitIntel(ctx, canonicalize(statement), sig), {
        transient: { content: sealed(signed.prepared) },
      });
      expect(r.error?.message).to.match(/^INTEL_STATEMENT_MISMATCH: .*tlp \(content is GREEN\)/);
    });

    it('versions: newer modified from the producer only, never older, never after revocation', async () => {
      const v1 = stixIndicator();
      await submit(world, ids.hkBankA, signIntel(v1, ids.hkBankA));
      const v2 = { ...v1, modified: '2026-11-21T09:30:00Z', confidence: 90 };
      const r2 = await submit(world, ids.hkBankA, signIntel(v2, ids.hkBankA));
      expect((parse(r2.value).record as Rec).previousModified).to.equal(v1.modified);
      const older = { ...v1, modified: '2026-11-20T23:59:59.999Z' };
      expect((await submit(world, ids.hkBankA, signIntel(older, ids.hkBankA))).error?.message).to.match(
        /^INTEL_VERSION_CONFLICT: modified .* is not later/,
      );
      const hijack = { ...v1, modified: '2026-11-22T00:00:00Z' };
      expect((await submit(world, ids.hkBankB, signIntel(hijack, ids.hkBankB))).error?.message).to.match(/^INTEL_NOT_PRODUCER: /);
      const history = parse(
        `{"h":${String((await world.invoke(ids.auditor, (ctx) => intel.GetIntelHistory(ctx, v1.id as string))).value)}}`,
      ).h as Rec[];
      expect(history.map((h) => h.modified)).to.deep.equal([v1.modified, v2.modified]);
      expect(history.every((h) => typeof h.txId === 'string' && typeof h.txTime === 'string')).to.equal(true);
      const latest = parse((await world.invoke(ids.thBankA, (ctx) => intel.GetIntel(ctx, v1.id as string))).value);
      expect(latest.modified).to.equal(v2.modified);

      expect((await world.invoke(ids.hkBankB, (ctx) => intel.RevokeIntel(ctx, v1.id as string, 'not mine'))).error?.message).to.match(
        /^INTEL_NOT_PRODUCER: /,
      );
      const rev = await world.invoke(ids.hkBankA, (ctx) => intel.RevokeIntel(ctx, v1.id as string, 'false positive: domain is a sinkhole'));
      expect(parse(rev.value)).to.include({ revoked: true, revokeReason: 'false positive: domain is a sinkhole' });
      expect(rev.event?.name).to.equal('IntelRevoked');
      const v3 = { ...v1, modified: '2026-11-23T00:00:00Z' };
      expect((await submit(world, ids.hkBankA, signIntel(v3, ids.hkBankA))).error?.message).to.match(/^INTEL_REVOKED: /);
      expect((await world.invoke(ids.hkBankA, (ctx) => intel.RevokeIntel(ctx, v1.id as string, 'again'))).error?.message).to.match(
        /^INTEL_REVOKED: /,
      );
    });
  });

  describe('revocation and TLP from what the content says', () => {
    it('a version with revoked: true revokes the object, as RevokeIntel does; later versions are refused', async () => {
      const v1 = stixIndicator();
      await submit(world, ids.hkBankA, signIntel(v1, ids.hkBankA));
      const v2 = { ...v1, modified: '2026-11-21T00:00:00Z', revoked: true };
      const r = await submit(world, ids.hkBankA, signIntel(v2, ids.hkBankA));
      expect(parse(r.value).record).to.include({ revoked: true, revokeReason: `revoked: true in version ${v2.modified}` });
      const latest = parse((await world.invoke(ids.thBankA, (ctx) => intel.GetIntel(ctx, v1.id as string))).value);
      expect(latest).to.include({ modified: v2.modified, revoked: true });
      const v3 = { ...v1, modified: '2026-11-22T00:00:00Z' };
      expect((await submit(world, ids.hkBankA, signIntel(v3, ids.hkBankA))).error?.message).to.match(/^INTEL_REVOKED: /);
      // the same revoking version again is the same record, not an error
      expect((await submit(world, ids.hkBankA, signIntel(v2, ids.hkBankA))).error).to.equal(undefined);
    });

    it('shares at the most restrictive of markings and tlp: labels; a statement marking (ATT&CK copyright) sets no level', async () => {
      const attack = 'marking-definition--fa42a846-8d90-4e51-bc29-71d5b4802168';
      const cases: [Record<string, unknown>, string | RegExp][] = [
        [{ labels: ['tlp:red'], object_marking_refs: undefined }, 'RED'],
        [{ labels: ['phishing', 'TLP:AMBER+STRICT'], object_marking_refs: [TLP.GREEN] }, 'AMBER+STRICT'],
        [{ labels: ['tlp:clear'], object_marking_refs: [TLP.AMBER] }, 'AMBER'],
        [{ object_marking_refs: [attack] }, 'AMBER'],
        [{ object_marking_refs: [attack, TLP.CLEAR] }, 'CLEAR'],
        [{ labels: ['tlp:purple'] }, /^TLP_UNKNOWN: label "tlp:purple"/],
        [
          { object_marking_refs: ['marking-definition--00000000-0000-4000-8000-00000000beef'] },
          /^MARKING_UNCLASSIFIED: .*ask your operator to classify it/,
        ],
      ];
      for (const [overrides, expected] of cases) {
        const obj = Object.fromEntries(Object.entries(stixIndicator(overrides)).filter(([, v]) => v !== undefined));
        if (typeof expected === 'string') {
          const signed = signIntel(obj, ids.hkBankA);
          expect(signed.prepared.statement.tlp, JSON.stringify(overrides)).to.equal(expected);
          const r = await submit(world, ids.hkBankA, signed, !isStrict(expected as TlpLevel));
          expect(r.error, JSON.stringify(overrides)).to.equal(undefined);
          expect((parse(r.value).record as Rec).tlp).to.equal(expected);
        } else {
          expect(() => signIntel(obj, ids.hkBankA), JSON.stringify(overrides)).to.throw(expected);
        }
      }
    });
  });

  describe('salted commitments against guessing', () => {
    it('gives another institution no oracle on strict content: resubmitting a recorded version, right guess or wrong, is refused the same way and writes nothing', async () => {
      const obj = stixIndicator({ object_marking_refs: [TLP.AMBER_STRICT] });
      await submit(world, ids.hkBankA, signIntel(obj, ids.hkBankA), false);
      const before = world.snapshot();
      // hk-bank-b holds the exact content (right guess) or a variant (wrong guess), under its own salt
      const right = await submit(world, ids.hkBankB, signIntel(obj, ids.hkBankB), false);
      const wrong = await submit(world, ids.hkBankB, signIntel({ ...obj, name: 'a guess' }, ids.hkBankB), false);
      for (const r of [right, wrong]) {
        expect(r.error?.message).to.match(/^INTEL_NOT_PRODUCER: /);
        expect(r.writes).to.equal(0);
      }
      expect(world.snapshot()).to.equal(before);
    });

    it('keeps another member sharing the same CLEAR/GREEN/AMBER version as a co-signature; other content or a new version is refused', async () => {
      const obj = stixIndicator();
      const first = await submit(world, ids.hkBankA, signIntel(obj, ids.hkBankA));
      const recorded = parse(first.value).record as Rec;
      // th-bank-a re-shares the same object (its own salt and signature)
      const cosign = await submit(world, ids.thBankA, signIntel(obj, ids.thBankA));
      expect(cosign.error).to.equal(undefined);
      const result = parse(cosign.value);
      expect(result.created).to.equal(true);
      expect(result.record).to.deep.equal(recorded);
      expect(result.cosignature).to.include({ stixId: obj.id, modified: obj.modified, institution: 'th-bank-a', mspId: 'THMSP' });
      const again = await submit(world, ids.thBankA, signIntel(obj, ids.thBankA));
      expect(parse(again.value).created).to.equal(false);
      expect(again.writes).to.equal(0);
      const before = world.snapshot();
      const other = await submit(world, ids.hkBankB, signIntel({ ...obj, name: 'other content' }, ids.hkBankB));
      expect(other.error?.message).to.match(/^INTEL_CONTENT_DIFFERS: /);
      const newer = await submit(world, ids.hkBankB, signIntel({ ...obj, modified: '2026-11-30T00:00:00.000Z' }, ids.hkBankB));
      expect(newer.error?.message).to.match(/^INTEL_NOT_PRODUCER: /);
      for (const r of [other, newer]) expect(r.writes).to.equal(0);
      expect(world.snapshot()).to.equal(before);
      const listed = await world.invoke(ids.auditor, (ctx) => intel.GetIntelCosignatures(ctx, obj.id as string, obj.modified as string));
      const cosigners = parse(`{"c":${String(listed.value)}}`).c as Rec[];
      expect(cosigners.map((c) => c.institution)).to.deep.equal(['th-bank-a']);
      // the co-signer's own statement, verifiable like the producer's
      expect(JSON.parse(cosigners[0]?.statement as string)).to.include({ institution: 'th-bank-a' });
    });

    it('refuses strict content that does not open the recorded commitment (wrong salt) and writes nothing', async () => {
      const obj = stixIndicator({ object_marking_refs: [TLP.RED] });
      const signed = signIntel(obj, ids.hkBankA);
      await submit(world, ids.hkBankA, signed, false);
      const before = world.snapshot();
      const r = await world.invoke(ids.hkBankA, (ctx) => intel.StoreStrictContent(ctx, obj.id as string, obj.modified as string), {
        transient: { content: sealed({ salt: '0'.repeat(64), canonical: signed.prepared.canonical }) },
      });
      expect(r.error?.message).to.match(/^INTEL_COMMITMENT_MISMATCH: /);
      expect(r.writes).to.equal(0);
      expect(world.snapshot()).to.equal(before);
    });
  });

  describe('strict TLP content', () => {
    it('keeps AMBER+STRICT content out of the public transaction and in the producer org collection', async () => {
      const obj = stixIndicator({ object_marking_refs: [TLP.AMBER_STRICT] });
      const signed = signIntel(obj, ids.hkBankA);
      expect((await submit(world, ids.hkBankA, signed, true)).error?.message).to.match(/^INTEL_CONTENT_UNEXPECTED: /);
      const r = await submit(world, ids.hkBankA, signed, false);
      expect(parse(r.value).record).to.include({ tlp: 'AMBER+STRICT', confidence: null, labels: null });
      expect(world.collection('hkThShared').size).to.equal(0);

      const store = (who = ids.hkBankA, content = sealed(signed.prepared)) =>
        world.invoke(who, (ctx) => intel.StoreStrictContent(ctx, obj.id as string, obj.modified as string), { transient: { content } });
      expect((await store(ids.thBankA)).error?.message).to.match(/^INTEL_NOT_PRODUCER: /);
      expect(
        (
          await store(
            ids.hkBankA,
            sealed({
              salt: signed.prepared.salt,
              canonical: canonicalize(stixIndicator({ id: obj.id, name: 'tampered', object_marking_refs: [TLP.AMBER_STRICT] })),
            }),
          )
        ).error?.message,
      ).to.match(/^INTEL_COMMITMENT_MISMATCH: /);
      const ok = await store();
      expect(parse(ok.value)).to.include({ stored: true });
      // sealed at rest: the collection (what a peer door or a copy of the peer would give) holds ciphertext
      const atRest = [...world.collection('_implicit_org_HKMSP').values()].map((v) => Buffer.from(v).toString('latin1'));
      expect(atRest).to.have.length(1);
      expect(atRest[0]).to.match(/^xbsealed1:/);
      expect(atRest[0]).to.not.include(obj.id);
      expect(atRest[0]).to.not.include(signed.prepared.salt);
      expect((await store()).writes).to.equal(0);

      const read = (who = ids.hkBankA) => world.invoke(who, (ctx) => intel.GetIntelContent(ctx, obj.id as string, obj.modified as string));
      expect(parse((await read()).value)).to.deep.equal({
        content: signed.prepared.canonical,
        contentCommitment: signed.prepared.statement.contentCommitment,
        salt: signed.prepared.salt,
      });
      expect((await read(ids.hkBankB)).error?.message).to.match(
        /^ACCESS_DENIED: AMBER\+STRICT content is readable by its producer hk-bank-a only/,
      );
      expect((await read(ids.thBankA)).error?.message).to.match(/^ACCESS_DENIED: AMBER\+STRICT content is readable by its producer/);
      expect((await read(ids.auditor)).error?.message).to.match(/^ACCESS_DENIED: /);
    });

    it('lets TH institutions read AMBER content but never auditors', async () => {
      const obj = stixIndicator();
      const signed = signIntel(obj, ids.hkBankA);
      await submit(world, ids.hkBankA, signed);
      const th = await world.invoke(ids.thBankA, (ctx) => intel.GetIntelContent(ctx, obj.id as string, obj.modified as string));
      expect(parse(th.value).content).to.equal(signed.prepared.canonical);
      const audit = await world.invoke(ids.auditor, (ctx) => intel.GetIntelContent(ctx, obj.id as string, obj.modified as string));
      expect(audit.error?.message).to.match(/^ACCESS_DENIED: /);
    });
  });

  describe('content of many versions at once (GetIntelContents)', () => {
    it('answers each version as GetIntelContent would, in order, and refuses what it refuses', async () => {
      const amber = stixIndicator();
      const strict = stixIndicator({ object_marking_refs: [TLP.AMBER_STRICT] });
      const signedAmber = signIntel(amber, ids.hkBankA);
      await submit(world, ids.hkBankA, signedAmber);
      const signedStrict = signIntel(strict, ids.hkBankA);
      await submit(world, ids.hkBankA, signedStrict, false);
      await world.invoke(ids.hkBankA, (ctx) => intel.StoreStrictContent(ctx, strict.id as string, strict.modified as string), {
        transient: { content: sealed(signedStrict.prepared) },
      });
      const ask = [
        { stixId: amber.id, modified: amber.modified },
        { stixId: strict.id, modified: strict.modified },
        { stixId: amber.id, modified: '2030-01-01T00:00:00.000Z' },
      ];
      const read = async (who: typeof ids.hkBankA) => {
        const r = await world.invoke(who, (ctx) => intel.GetIntelContents(ctx, JSON.stringify(ask)));
        if (r.error) throw r.error;
        expect(r.writes).to.equal(0);
        return parse(`{"items":${String(r.value)}}`).items as Rec[];
      };
      const producer = await read(ids.hkBankA);
      expect(producer.map((i) => (i.error as string | undefined)?.split(':')[0] ?? i.content)).to.deep.equal([
        signedAmber.prepared.canonical,
        signedStrict.prepared.canonical,
        'INTEL_NOT_FOUND',
      ]);
      const other = await read(ids.thBankA);
      expect(other.map((i) => (i.error as string | undefined)?.split(':')[0] ?? 'content')).to.deep.equal([
        'content',
        'ACCESS_DENIED',
        'INTEL_NOT_FOUND',
      ]);
      for (const [who, items, code] of [
        [ids.auditor, ask, /^ACCESS_DENIED: /],
        [ids.hkBankA, [], /^INVALID_ARGUMENT: items must be a list of 1-100/],
        [ids.hkBankA, Array.from({ length: 101 }, () => ask[0]), /^INVALID_ARGUMENT: items must be a list of 1-100/],
        [ids.hkBankA, [{ stixId: 1 }], /^INVALID_ARGUMENT: each item/],
      ] as const) {
        const r = await world.invoke(who, (ctx) => intel.GetIntelContents(ctx, JSON.stringify(items)));
        expect(r.error?.message).to.match(code);
      }
    });
  });

  describe('listing with content (ListIntelObjects)', () => {
    it('gives members content they may read, marks latest versions, and withholds strict content of other producers', async () => {
      const amber = stixIndicator();
      const amber2 = { ...amber, modified: '2026-11-26T00:00:00.000Z', name: 'second version' };
      const strict = stixIndicator({ object_marking_refs: [TLP.AMBER_STRICT] });
      const signedAmber = signIntel(amber, ids.hkBankA);
      await submit(world, ids.hkBankA, signedAmber);
      await submit(world, ids.hkBankA, signIntel(amber2, ids.hkBankA));
      const signedStrict = signIntel(strict, ids.hkBankA);
      await submit(world, ids.hkBankA, signedStrict, false);
      await world.invoke(ids.hkBankA, (ctx) => intel.StoreStrictContent(ctx, strict.id as string, strict.modified as string), {
        transient: { content: sealed(signedStrict.prepared) },
      });
      const list = async (who: typeof ids.hkBankA) => {
        const r = await world.invoke(who, (ctx) => intel.ListIntelObjects(ctx, JSON.stringify({ filter: 'all' })));
        if (r.error) throw r.error;
        expect(r.writes).to.equal(0);
        return (parse(r.value).items as Rec[]).map((i) => ({
          modified: (i.record as Rec).modified,
          tlp: (i.record as Rec).tlp,
          latest: i.latest,
          content: i.content === null ? null : (JSON.parse(i.content as string) as Rec).name,
          salt: i.salt,
          unreadable: i.unreadable,
        }));
      };
      const producer = await list(ids.hkBankA);
      expect(producer.map((i) => [i.tlp, i.latest, i.content === null, i.unreadable])).to.deep.equal([
        ['AMBER', false, false, null],
        ['AMBER', true, false, null],
        ['AMBER+STRICT', true, false, null],
      ]);
      expect(producer[0]?.salt).to.equal(signedAmber.prepared.salt);
      expect(producer[1]?.content).to.equal('second version');
      for (const other of [ids.hkBankB, ids.thBankA]) {
        const seen = await list(other);
        expect(seen.map((i) => [i.tlp, i.content === null, i.salt === null, i.unreadable])).to.deep.equal([
          ['AMBER', false, false, null],
          ['AMBER', false, false, null],
          ['AMBER+STRICT', true, true, 'ACCESS_DENIED'],
        ]);
      }
      const audit = await world.invoke(ids.auditor, (ctx) => intel.ListIntelObjects(ctx, JSON.stringify({ filter: 'all' })));
      expect(audit.error?.message).to.match(/^ACCESS_DENIED: /);
      // content that does not open its commitment (a record of an older format) is withheld, the page still served
      const shared = world.collection('hkThShared');
      const firstKey = [...shared.keys()].filter((k) => k.includes(amber.id as string)).sort()[0];
      expect(firstKey).to.be.a('string');
      shared.set(firstKey ?? '', Buffer.from('{"not":"sealed"}'));
      const afterDamage = await list(ids.thBankA);
      expect(afterDamage.map((i) => i.unreadable)).to.deep.equal(['INTEL_CONTENT_MALFORMED', null, 'ACCESS_DENIED']);
    });
  });

  describe('sightings', () => {
    it('records sightings of several institutions under keys of their own', async () => {
      const obj = stixIndicator();
      await submit(world, ids.hkBankA, signIntel(obj, ids.hkBankA));
      const body = { stixId: obj.id, count: 3, firstSeen: '2026-11-24T01:00:00Z', lastSeen: '2026-11-24T05:00:00Z' };
      const a = await world.invoke(ids.thBankA, (ctx) => intel.RecordSighting(ctx, JSON.stringify(body)));
      const b = await world.invoke(ids.hkBankB, (ctx) =>
        intel.RecordSighting(ctx, JSON.stringify({ ...body, falsePositive: true, noteHash: 'a'.repeat(64) })),
      );
      expect(a.error).to.equal(undefined);
      expect(b.error).to.equal(undefined);
      expect(a.event?.name).to.equal('SightingRecorded');
      const page = parse((await world.invoke(ids.auditor, (ctx) => intel.GetSightings(ctx, obj.id as string, '10', ''))).value) as {
        items: Rec[];
      };
      expect(page.items.map((s) => s.institution)).to.deep.equal(['th-bank-a', 'hk-bank-b']);
      const bad = [
        [{ ...body, count: 0 }, /^SIGHTING_INVALID: count/],
        [{ ...body, lastSeen: '2026-11-23T00:00:00Z' }, /^SIGHTING_INVALID: lastSeen is before/],
        [{ ...body, noteHash: 'xyz' }, /^SIGHTING_INVALID: noteHash/],
        [{ ...body, stixId: 'indicator--00000000-0000-4000-8000-000000000000' }, /^INTEL_NOT_FOUND: /],
        [{ ...body, secret: 1 }, /^SIGHTING_INVALID: unknown fields/],
      ] as const;
      for (const [input, pattern] of bad) {
        const r = await world.invoke(ids.thBankA, (ctx) => intel.RecordSighting(ctx, JSON.stringify(input)));
        expect(r.error?.message).to.match(pattern);
        expect(r.writes).to.equal(0);
      }
    });
  });

  describe('reads for auditors', () => {
    it('lists by type, TLP, producer and org with pages and a time window, looks up by commitment, never writes', async () => {
      const objects = [0, 1, 2, 3, 4].map((i) => stixIndicator({ object_marking_refs: [i % 2 === 0 ? TLP.AMBER : TLP.GREEN] }));
      const signedObjects = objects.map((o) => signIntel(o, ids.hkBankA));
      for (const o of signedObjects) await submit(world, ids.hkBankA, o);
      const campaign = {
        type: 'campaign',
        spec_version: '2.1',
        id: 'campaign--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f',
        created: '2026-11-19T00:00:00Z',
        modified: '2026-11-19T00:00:00Z',
        name: 'QR phishing wave',
      };
      await submit(world, ids.thBankA, signIntel(campaign, ids.thBankA));
      const list = async (q: Rec): Promise<{ items: Rec[]; bookmark: string }> => {
        const r = await world.invoke(ids.auditor, (ctx) => intel.ListIntel(ctx, JSON.stringify(q)));
        if (r.error) throw r.error;
        expect(r.writes).to.equal(0);
        return JSON.parse(r.value as string) as { items: Rec[]; bookmark: string };
      };
      expect((await list({ filter: 'type', value: 'indicator' })).items).to.have.length(5);
      expect((await list({ filter: 'tlp', value: 'green' })).items).to.have.length(2);
      expect((await list({ filter: 'producer', value: 'th-bank-a' })).items.map((i) => i.stixId)).to.deep.equal([campaign.id]);
      expect((await list({ filter: 'org', value: 'HKMSP' })).items).to.have.length(5);
      const p1 = await list({ filter: 'all', pageSize: 4 });
      const p2 = await list({ filter: 'all', pageSize: 4, bookmark: p1.bookmark });
      expect(p1.items).to.have.length(4);
      expect(p2.items).to.have.length(2);
      expect(p2.bookmark).to.equal('');
      const times = [...p1.items, ...p2.items].map((i) => i.txTime as string);
      const windowed = await list({ filter: 'all', from: times[1], to: times[3] });
      expect(windowed.items.map((i) => i.txTime)).to.deep.equal([times[1], times[2]]);
      const commitment = signedObjects[2]!.prepared.statement.contentCommitment;
      const byCommitment = parse((await world.invoke(ids.auditor, (ctx) => intel.GetIntelByCommitment(ctx, commitment))).value);
      expect(byCommitment.stixId).to.equal(objects[2]!.id);
      const verify = parse((await world.invoke(ids.auditor, (ctx) => intel.VerifyIntel(ctx, '0'.repeat(64)))).value);
      expect(verify).to.include({ found: false });
      for (const q of [
        { filter: 'colour', value: 'x' },
        { filter: 'tlp', value: 'PURPLE' },
        { filter: 'all', pageSize: 0 },
        { filter: 'all', from: 'yesterday' },
      ]) {
        const r = await world.invoke(ids.auditor, (ctx) => intel.ListIntel(ctx, JSON.stringify(q)));
        expect(r.error?.message).to.match(/^(INVALID_ARGUMENT|TLP_UNKNOWN|PAGE_INVALID): /);
      }
    });
  });

  describe('listing entries grouped per transaction', () => {
    const batch = async (objs: Rec[]): Promise<{ writes: number }> => {
      const signed = objs.map((o) => signIntel(o, ids.hkBankA));
      const items = JSON.stringify(signed.map((x) => ({ statement: x.statementJson, signature: x.signature })));
      const transient = Object.fromEntries(signed.map((x, i) => [`content${String(i)}`, sealed(x.prepared)]));
      const r = await world.invoke(ids.hkBankA, (ctx) => intel.SubmitIntelBatch(ctx, items), { transient });
      if (r.error) throw r.error;
      return { writes: r.writes };
    };
    const list = async (q: Rec): Promise<{ items: Rec[]; bookmark: string }> => {
      const r = await world.invoke(ids.auditor, (ctx) => intel.ListIntel(ctx, JSON.stringify(q)));
      if (r.error) throw r.error;
      return JSON.parse(r.value as string) as { items: Rec[]; bookmark: string };
    };
    const walk = async (q: Rec, pageSize: number): Promise<{ ids: string[]; pages: number }> => {
      const seen: string[] = [];
      let bookmark = '';
      let pages = 0;
      do {
        const page = await list({ ...q, pageSize, ...(bookmark ? { bookmark } : {}) });
        expect(page.items.length).to.be.at.most(pageSize);
        seen.push(...page.items.map((i) => i.stixId as string));
        bookmark = page.bookmark;
        pages++;
      } while (bookmark !== '' && pages < 50);
      return { ids: seen, pages };
    };

    it('writes one entry per filter value for a whole batch, and pages through it without gaps or repeats', async () => {
      const first = [0, 1, 2, 3, 4, 5, 6].map((i) => stixIndicator({ object_marking_refs: [i % 2 === 0 ? TLP.AMBER : TLP.GREEN] }));
      const indexBefore = [...world.state.keys()].filter((k) => k.startsWith('intel-by')).length;
      const { writes } = await batch(first);
      const entries = [...world.state.keys()].filter((k) => k.startsWith('intel-by')).length - indexBefore;
      // all, type indicator, tlp AMBER, tlp GREEN, producer, org: 6 entries instead of 7 x 5
      expect(entries).to.equal(6);
      // per object: record, head, hash index, content and the "seen" tag of its pattern's domain; plus the 6 entries
      expect(writes).to.equal(7 * 5 + 6);
      const singles = [0, 1, 2].map(() => stixIndicator());
      for (const o of singles) await submit(world, ids.hkBankA, signIntel(o, ids.hkBankA));
      const last = [0, 1, 2, 3].map(() => stixIndicator());
      await batch(last);
      const expected = [...first, ...singles, ...last].map((o) => o.id);
      for (const size of [1, 3, 4, 7, 14, 200]) {
        const { ids: got, pages } = await walk({ filter: 'all' }, size);
        expect(got, `page size ${String(size)}`).to.deep.equal(expected);
        expect(pages, `page size ${String(size)}`).to.be.at.most(Math.ceil(14 / size) + 1);
      }
      expect((await walk({ filter: 'tlp', value: 'GREEN' }, 2)).ids).to.deep.equal(first.filter((_o, i) => i % 2 === 1).map((o) => o.id));
      const windowed = await list({ filter: 'all', from: (await list({ filter: 'all', pageSize: 8 })).items[7]?.txTime });
      expect(windowed.items.map((i) => i.stixId)).to.deep.equal([...singles, ...last].map((o) => o.id));
    });

    it('refuses bookmarks that are malformed or belong to another listing', async () => {
      await batch([0, 1, 2, 3].map(() => stixIndicator({ object_marking_refs: [TLP.GREEN] })));
      const p1 = await list({ filter: 'tlp', value: 'GREEN', pageSize: 2 });
      expect(p1.bookmark).not.to.equal('');
      for (const bookmark of ['%%%', 'eyJrIjoxfQ', Buffer.from('{"k":"zzz","i":0}').toString('base64url'), p1.bookmark]) {
        const q = bookmark === p1.bookmark ? { filter: 'type', value: 'indicator', bookmark } : { filter: 'tlp', value: 'GREEN', bookmark };
        const r = await world.invoke(ids.auditor, (ctx) => intel.ListIntel(ctx, JSON.stringify(q)));
        expect(r.error?.message, bookmark).to.match(/^PAGE_INVALID: /);
      }
    });
  });

  describe('SubmitIntelBatch', () => {
    it('records up to 100 objects all or nothing', async () => {
      const objs = [0, 1, 2].map(() => stixIndicator());
      const signed = objs.map((o) => signIntel(o, ids.hkBankA));
      const items = JSON.stringify(signed.map((s) => ({ statement: s.statementJson, signature: s.signature })));
      const transient = Object.fromEntries(signed.map((s, i) => [`content${String(i)}`, sealed(s.prepared)]));
      const r = await world.invoke(ids.hkBankA, (ctx) => intel.SubmitIntelBatch(ctx, items), { transient });
      expect(r.error).to.equal(undefined);
      expect((JSON.parse(r.value as string) as { created: boolean }[]).map((x) => x.created)).to.deep.equal([true, true, true]);
      expect((r.event?.payload as unknown[]).length).to.equal(3);
      const again = await world.invoke(ids.hkBankA, (ctx) => intel.SubmitIntelBatch(ctx, items), { transient });
      expect(again.writes).to.equal(0);

      const more = [0, 1].map(() => signIntel(stixIndicator(), ids.hkBankA));
      const broken = JSON.stringify([
        ...more.map((s) => ({ statement: s.statementJson, signature: s.signature })),
        { statement: more[0]!.statementJson, signature: more[1]!.signature },
      ]);
      const t2 = { content0: sealed(more[0]!.prepared), content1: sealed(more[1]!.prepared), content2: sealed(more[0]!.prepared) };
      const before = world.snapshot();
      const failed = await world.invoke(ids.hkBankA, (ctx) => intel.SubmitIntelBatch(ctx, broken), { transient: t2 });
      expect(failed.error?.message).to.match(/^INTEL_SIGNATURE_INVALID: item 2: /);
      expect(failed.writes).to.equal(0);
      expect(world.snapshot()).to.equal(before);
      const tooMany = JSON.stringify(Array.from({ length: 101 }, () => ({ statement: '{}', signature: 'AA==' })));
      expect((await world.invoke(ids.hkBankA, (ctx) => intel.SubmitIntelBatch(ctx, tooMany))).error?.message).to.match(
        /^BATCH_TOO_LARGE: /,
      );
    });
  });

  it('keeps earlier records verifiable after the signing key is revoked, and refuses new ones', async () => {
    const obj = stixIndicator();
    const signed = signIntel(obj, ids.hkBankA);
    await submit(world, ids.hkBankA, signed);
    await world.invoke(ids.hkAdmin, (ctx) => registry.RevokeKey(ctx, certificateFingerprint(ids.hkBankA.certPem), 'rotated', ''));
    expect((await submit(world, ids.hkBankA, signIntel(stixIndicator(), ids.hkBankA))).error?.message).to.match(/^KEY_REVOKED: /);
    const record = parse((await world.invoke(ids.auditor, (ctx) => intel.GetIntel(ctx, obj.id as string))).value);
    const key = parse((await world.invoke(ids.auditor, (ctx) => registry.GetKey(ctx, record.signerFingerprint as string))).value);
    const { X509Certificate, verify } = await import('node:crypto');
    const ok = verify(
      'sha256',
      Buffer.from(record.statement as string),
      new X509Certificate(key.certificate as string).publicKey,
      Buffer.from(record.signature as string, 'base64'),
    );
    expect(ok).to.equal(true);
  });
});
