import { expect } from 'chai';
import * as fc from 'fast-check';

import {
  ChaincodeError,
  DEFAULT_TLP,
  isStixTimestamp,
  isStrict,
  stixFacts,
  timestampKey,
  tlpFromMarkings,
  tlpFromName,
} from '@xborder/protocol';

import { ids, intel, registeredWorld, sealed, signIntel, stixIndicator, submit, TLP } from '../../test/support/chaincode-fixture';
import { exampleObjects, schemaFor } from '../../test/support/stix-schemas';

describe('STIX 2.1 rules and TLP normalisation', () => {
  it('maps OASIS TLP 2.0, TLP 1.0 and OpenCTI marking ids, taking the most restrictive', () => {
    expect(tlpFromMarkings([TLP.WHITE_V1])).to.equal('CLEAR');
    expect(tlpFromMarkings([TLP.GREEN, TLP.AMBER_STRICT])).to.equal('AMBER+STRICT');
    expect(tlpFromMarkings(['marking-definition--826578e1-40ad-459f-bc73-ede076f81f37'])).to.equal('AMBER+STRICT');
    expect(tlpFromMarkings(['marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed', TLP.CLEAR])).to.equal('RED');
    expect(() => tlpFromMarkings(['marking-definition--00000000-0000-4000-8000-000000000000'])).to.throw(/^MARKING_UNCLASSIFIED: /);
    expect(tlpFromMarkings([])).to.equal(DEFAULT_TLP);
  });

  it('accepts the TLP name aliases', () => {
    expect(tlpFromName('TLP:WHITE')).to.equal('CLEAR');
    expect(tlpFromName('amber+strict')).to.equal('AMBER+STRICT');
    expect(tlpFromName('AMBER_STRICT')).to.equal('AMBER+STRICT');
    expect(tlpFromName('tlp:red')).to.equal('RED');
    expect(tlpFromName('purple')).to.equal(undefined);
  });

  it('orders timestamps of different precision correctly', () => {
    expect(timestampKey('2016-04-06T20:03:48Z')).to.equal('2016-04-06T20:03:48.000000000Z');
    expect(timestampKey('2016-04-06T20:03:48.1Z') > timestampKey('2016-04-06T20:03:48.000999Z')).to.equal(true);
    expect(isStixTimestamp('2016-02-30T00:00:00Z')).to.equal(false);
    expect(isStixTimestamp('2016-04-06 20:03:48Z')).to.equal(false);
    expect(isStixTimestamp('2016-04-06T20:03:48+08:00')).to.equal(false);
  });

  it('accepts every SDO and SRO of the OASIS examples; refuses their cyber-observables, upper-case ids and unclassified markings with a code', () => {
    const examples = exampleObjects();
    expect(examples.length).to.be.greaterThan(200);
    let accepted = 0;
    const refused: string[] = [];
    for (const { file, object } of examples) {
      if (['domain-name', 'ipv4-addr'].includes(object.type as string)) {
        expect(() => stixFacts(object), `${file} ${String(object.id)}`).to.throw(ChaincodeError, /^INTEL_UNSUPPORTED_OBJECT: /);
        continue;
      }
      const id = String(object.id);
      const unclassified = JSON.stringify(object.object_marking_refs ?? []).includes('5e57c739-391a-4eb3-b6be-7d15ca92d5ec');
      if (id !== id.toLowerCase() || unclassified) {
        expect(() => stixFacts(object), `${file} ${id}`).to.throw(
          ChaincodeError,
          /^(INTEL_INVALID_OBJECT: id ids are lower case|MARKING_UNCLASSIFIED: )/,
        );
        refused.push(id);
        continue;
      }
      const facts = stixFacts(object);
      expect(facts.id).to.equal(object.id);
      accepted++;
    }
    expect(accepted).to.be.greaterThan(250);
    expect(refused).to.have.length(2);
  });

  it('refuses objects that break STIX rules, each with its code', () => {
    const base = stixIndicator();
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ ...base, type: 'Indicator' }, /^INTEL_INVALID_OBJECT: type/],
      [{ ...base, id: 'malware--6ba7b810-9dad-41d1-80b4-00c04fd430c8' }, /^INTEL_INVALID_OBJECT: id/],
      [{ ...base, id: 'indicator--not-a-uuid' }, /^INTEL_INVALID_OBJECT: id/],
      [{ ...base, spec_version: '2.0' }, /^INTEL_INVALID_OBJECT: spec_version/],
      [{ ...base, created: '2026-11-20' }, /^INTEL_INVALID_OBJECT: created/],
      [{ ...base, modified: '2026-11-19T00:00:00Z' }, /^INTEL_INVALID_OBJECT: modified must not be earlier/],
      [{ ...base, confidence: 101 }, /^INTEL_INVALID_OBJECT: confidence/],
      [{ ...base, labels: 'phishing' }, /^INTEL_INVALID_OBJECT: labels/],
      [{ ...base, object_marking_refs: ['tlp:amber'] }, /^TLP_UNKNOWN: /],
      [{ type: 'bundle', id: 'bundle--6ba7b810-9dad-41d1-80b4-00c04fd430c8', objects: [] }, /^INTEL_INVALID_OBJECT: a bundle/],
      [{ type: 'marking-definition', id: TLP.AMBER }, /^INTEL_UNSUPPORTED_OBJECT: /],
    ];
    for (const [obj, pattern] of cases) expect(() => stixFacts(obj)).to.throw(ChaincodeError, pattern);
  });

  it('accepts custom x- object types', () => {
    const custom = {
      type: 'x-hk-fraud-case',
      spec_version: '2.1',
      id: 'x-hk-fraud-case--1d5e3f0a-3c55-4c43-9c65-3b6f1f0b2b7a',
      created: '2026-11-20T00:00:00Z',
      modified: '2026-11-20T00:00:00Z',
      x_loss_hkd: '1200.50',
    };
    expect(stixFacts(custom).type).to.equal('x-hk-fraud-case');
  });

  it('stores only objects that validate against the OASIS STIX 2.1 JSON schemas', async () => {
    const world = await registeredWorld();
    const objects = [
      stixIndicator(),
      ...exampleObjects()
        .map((e) => e.object)
        .filter((o) => !['domain-name', 'ipv4-addr'].includes(o.type as string))
        // ids in upper case and unclassified markings are refused (see the test above)
        .filter((o) => String(o.id) === String(o.id).toLowerCase() && !JSON.stringify(o.object_marking_refs ?? []).includes('7d15ca92d5ec'))
        .slice(0, 40),
    ];
    for (const object of objects) {
      const signed = signIntel(object, ids.hkBankA);
      const strict = isStrict(signed.prepared.statement.tlp);
      const r = await submit(world, ids.hkBankA, signed, !strict);
      expect(r.error, String(object.id)).to.equal(undefined);
      if (strict) {
        const s = await world.invoke(
          ids.hkBankA,
          (ctx) => intel.StoreStrictContent(ctx, signed.prepared.id, signed.prepared.version ?? ''),
          {
            transient: { content: sealed(signed.prepared) },
          },
        );
        expect(s.error, String(object.id)).to.equal(undefined);
      }
    }
    const stored = [...world.collection('hkThShared').values(), ...world.collection('_implicit_org_HKMSP').values()].map(
      // at rest: 64 hex digits of salt, a line feed, the canonical object
      (v) => JSON.parse(Buffer.from(v).subarray(65).toString()) as Record<string, unknown>,
    );
    expect(stored.length).to.equal(new Set(objects.map((o) => `${String(o.id)}|${String(o.modified)}`)).size);
    for (const object of stored) {
      const validate = schemaFor(object.type as string);
      expect(validate, `schema for ${String(object.type)}`).to.not.equal(undefined);
      expect(validate!(object), `${String(object.id)}: ${JSON.stringify(validate!.errors?.slice(0, 2))}`).to.equal(true);
    }
    world.restore();
  });

  it('never returns anything but a coded error for random or mutated objects (property)', () => {
    const codes = /^(INTEL_INVALID_OBJECT|INTEL_UNSUPPORTED_OBJECT|TLP_UNKNOWN|MARKING_UNCLASSIFIED|INVALID_ARGUMENT): /;
    const valid = stixIndicator();
    const mutation = fc.record({
      key: fc.constantFrom(
        'type',
        'id',
        'spec_version',
        'created',
        'modified',
        'confidence',
        'labels',
        'object_marking_refs',
        'granular_markings',
        'valid_until',
        'revoked',
      ),
      value: fc.oneof(fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(fc.string()), fc.object()),
    });
    fc.assert(
      fc.property(mutation, ({ key, value }) => {
        try {
          stixFacts({ ...valid, [key]: value });
        } catch (err) {
          expect(err).to.be.instanceOf(ChaincodeError);
          expect((err as Error).message).to.match(codes);
        }
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.anything(), (value) => {
        try {
          stixFacts(value);
        } catch (err) {
          expect((err as Error).message).to.match(codes);
        }
      }),
      { numRuns: 300 },
    );
  });
});
