/**
 * TLP fails closed: the level is the most restrictive of every marking that applies to an object,
 * object and granular alike; ids in non-canonical case and markings the operators do not classify
 * are refused, never shared at a default level.
 */
import { expect } from 'chai';
import * as fc from 'fast-check';

import { ChaincodeError, stixFacts, TLP_LEVELS, TLP_MARKING_IDS } from '@xborder/protocol';
import type { TlpLevel } from '@xborder/protocol';

import { TLP, ids, registeredWorld, signIntel, stixIndicator, submit } from '../../test/support/chaincode-fixture';

const upper = (id: string): string => id.replace(/--(.*)$/, (_m, uuid: string) => `--${uuid.toUpperCase()}`);
const level = (object: Record<string, unknown>): TlpLevel => stixFacts(object).tlp;
const codeOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    expect(err).to.be.instanceOf(ChaincodeError);
    return (err as ChaincodeError).code;
  }
  return 'accepted';
};

describe('TLP fails closed (attacks on the sharing level)', () => {
  it('refuses the TLP:RED marking written in upper case instead of recording it as AMBER', () => {
    const object = stixIndicator({ object_marking_refs: [upper(TLP.RED)] });
    expect(codeOf(() => stixFacts(object))).to.equal('TLP_UNKNOWN');
    expect(() => stixFacts(object)).to.throw(/ids are lower case/);
  });

  it('refuses an object id in upper case: one id, one spelling, one owner', () => {
    const object = stixIndicator();
    expect(codeOf(() => stixFacts({ ...object, id: upper(String(object.id)) }))).to.equal('INTEL_INVALID_OBJECT');
  });

  it('takes RED from a granular marking on one property of an AMBER object', () => {
    const object = stixIndicator({
      object_marking_refs: [TLP.AMBER],
      granular_markings: [{ marking_ref: TLP.RED, selectors: ['pattern'] }],
    });
    expect(level(object)).to.equal('RED');
    // a language-only granular marking does not change the level
    expect(level(stixIndicator({ granular_markings: [{ lang: 'th', selectors: ['name'] }] }))).to.equal('AMBER');
  });

  it('refuses a marking the operators do not classify (an unknown TLP-like or any other marking)', () => {
    const unknown = 'marking-definition--00000000-0000-4000-8000-000000000000';
    expect(codeOf(() => stixFacts(stixIndicator({ object_marking_refs: [TLP.GREEN, unknown] })))).to.equal('MARKING_UNCLASSIFIED');
    expect(codeOf(() => stixFacts(stixIndicator({ granular_markings: [{ marking_ref: unknown, selectors: ['pattern'] }] })))).to.equal(
      'MARKING_UNCLASSIFIED',
    );
    for (const bad of [[{ selectors: ['pattern'] }], [{ marking_ref: TLP.RED, selectors: [] }], 'RED', [TLP.RED]])
      expect(codeOf(() => stixFacts(stixIndicator({ granular_markings: bad })))).to.equal('TLP_UNKNOWN');
  });

  it('gives the most restrictive level of any set of known markings, and never a level for a set with a bad one (property)', () => {
    const known = Object.keys(TLP_MARKING_IDS);
    const marking = fc.constantFrom(...known);
    const bad = fc.oneof(
      marking.map(upper),
      fc
        .uuid()
        .map((u) => `marking-definition--${u}`)
        .filter((id) => !(id in TLP_MARKING_IDS)),
      fc.string(),
    );
    const placed = fc.record({ ref: marking, granular: fc.boolean(), selector: fc.constantFrom('pattern', 'name', 'description') });
    fc.assert(
      fc.property(
        fc.array(placed, { maxLength: 6 }),
        fc.option(fc.record({ ref: bad, granular: fc.boolean() }), { nil: undefined }),
        (refs, poison) => {
          const all = poison ? [...refs, { ...poison, selector: 'pattern' }] : refs;
          const object = stixIndicator({
            object_marking_refs: all.filter((r) => !r.granular).map((r) => r.ref),
            granular_markings: all.filter((r) => r.granular).map((r) => ({ marking_ref: r.ref, selectors: [r.selector] })),
          });
          if (poison) {
            expect(['TLP_UNKNOWN', 'MARKING_UNCLASSIFIED']).to.include(codeOf(() => stixFacts(object)));
            return;
          }
          const levels = refs.map((r) => TLP_MARKING_IDS[r.ref]!);
          const expected = levels.length === 0 ? 'AMBER' : TLP_LEVELS[Math.max(...levels.map((l) => TLP_LEVELS.indexOf(l)))];
          expect(level(object)).to.equal(expected);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('on the contract: the upper-case RED object is refused and nothing is written, the granular RED one is stored as RED', async () => {
    const world = await registeredWorld();
    try {
      const object = stixIndicator({ object_marking_refs: [upper(TLP.RED)] });
      expect(() => signIntel(object, ids.hkBankA)).to.throw(ChaincodeError, /^TLP_UNKNOWN: /);
      const granular = stixIndicator({ granular_markings: [{ marking_ref: TLP.RED, selectors: ['pattern'] }] });
      const signed = signIntel(granular, ids.hkBankA);
      expect(signed.prepared.statement.tlp).to.equal('RED');
      // strict content never travels with the record: sent with it, the record is refused
      const withContent = await submit(world, ids.hkBankA, signed, true);
      expect(withContent.error?.message).to.match(/^INTEL_CONTENT_UNEXPECTED: /);
      expect(withContent.writes).to.equal(0);
      const r = await submit(world, ids.hkBankA, signed, false);
      expect(r.error).to.equal(undefined);
      expect(world.collection('hkThShared').size).to.equal(0);
    } finally {
      world.restore();
    }
  });
});
