import { expect } from 'chai';
import * as fc from 'fast-check';

import { canonicalize, ERROR_CODES } from '@xborder/protocol';

import { ids, intel, registeredWorld, registry, signIntel, stixIndicator } from '../../test/support/chaincode-fixture';
import type { FakeWorld } from '../../test/support/fake-world';

const CODED = new RegExp(`^(${Object.keys(ERROR_CODES).join('|')}): `);

/** Checks one transaction result: either success, or a coded error that wrote nothing. */
function codedOrOk(result: { error?: Error; writes: number }): void {
  if (result.error) {
    expect(result.error.message).to.match(CODED);
    expect(result.writes).to.equal(0);
  }
}

describe('contracts under random and mutated input (property-based)', () => {
  let world: FakeWorld;
  before(async () => {
    world = await registeredWorld();
  });
  after(() => {
    world.restore();
  });

  it('SubmitIntel: random statements, signatures and content only ever give coded errors and no writes', async () => {
    const valid = signIntel(stixIndicator(), ids.hkBankA);
    const statement = valid.prepared.statement as unknown as Record<string, unknown>;
    const mutatedStatement = fc
      .record({
        key: fc.constantFrom(...Object.keys(statement), 'extra'),
        value: fc.oneof(fc.string(), fc.integer(), fc.constant(null), fc.boolean()),
      })
      .map(({ key, value }) => canonicalize({ ...statement, [key]: value }));
    const statementArb = fc.oneof(fc.string(), mutatedStatement, fc.json());
    const signatureArb = fc.oneof(fc.string(), fc.base64String(), fc.constant(valid.signature));
    const contentArb = fc.option(fc.oneof(fc.string(), fc.json(), fc.constant(valid.prepared.canonical)), { nil: undefined });
    await fc.assert(
      fc.asyncProperty(statementArb, signatureArb, contentArb, async (st, sig, content) => {
        const before = world.snapshot();
        const r = await world.invoke(
          ids.hkBankA,
          (ctx) => intel.SubmitIntel(ctx, st, sig),
          content === undefined ? {} : { transient: { content } },
        );
        codedOrOk(r);
        if (r.error) expect(world.snapshot()).to.equal(before);
      }),
      { numRuns: 300 },
    );
  });

  it('RecordSighting, ListIntel, RegisterInstitution and RevokeIntel: coded errors only, no writes on rejection', async function () {
    this.timeout(60_000); // a hundred random runs of four contracts: seconds, more on a loaded machine
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.json(), fc.string()), fc.string(), async (json, text) => {
        codedOrOk(await world.invoke(ids.thBankA, (ctx) => intel.RecordSighting(ctx, json)));
        codedOrOk(await world.invoke(ids.auditor, (ctx) => intel.ListIntel(ctx, json)));
        codedOrOk(await world.invoke(ids.hkAdmin, (ctx) => registry.RegisterInstitution(ctx, json)));
        codedOrOk(await world.invoke(ids.hkBankA, (ctx) => intel.RevokeIntel(ctx, text, text)));
        codedOrOk(await world.invoke(ids.auditor, (ctx) => intel.GetIntelVersion(ctx, text, text)));
      }),
      { numRuns: 200 },
    );
  });
});
