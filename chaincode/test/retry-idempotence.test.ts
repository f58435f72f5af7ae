/**
 * A client that retries after "commit status unknown" sends the same request as a new transaction:
 * sightings and payment events must not be recorded twice.
 */
import { expect } from 'chai';

import { ids, intel, registeredWorld, signIntel, stixIndicator, submit } from '../../test/support/chaincode-fixture';
import type { FakeWorld } from '../../test/support/fake-world';
import { partiesTransient, payment, paymentFields, signAttestation } from '../../test/support/payment-fixture';

const parse = (v: unknown): Record<string, unknown> => JSON.parse(v as string) as Record<string, unknown>;

describe('retried requests are recorded once', () => {
  let world: FakeWorld;
  beforeEach(async () => {
    world = await registeredWorld();
  });
  afterEach(() => {
    world.restore();
  });

  it('records one sighting for the same report sent twice, and a new one for a different report', async () => {
    const obj = stixIndicator();
    await submit(world, ids.hkBankA, signIntel(obj, ids.hkBankA));
    const body = JSON.stringify({ stixId: obj.id, count: 4, firstSeen: '2026-11-24T01:00:00Z', lastSeen: '2026-11-24T02:00:00Z' });
    const first = await world.invoke(ids.thBankA, (ctx) => intel.RecordSighting(ctx, body));
    const retry = await world.invoke(ids.thBankA, (ctx) => intel.RecordSighting(ctx, body));
    expect(retry.error).to.equal(undefined);
    expect(retry.writes).to.equal(0);
    expect(parse(retry.value).txId).to.equal(parse(first.value).txId);
    const other = await world.invoke(ids.thBankA, (ctx) =>
      intel.RecordSighting(
        ctx,
        JSON.stringify({ stixId: obj.id, count: 5, firstSeen: '2026-11-24T01:00:00Z', lastSeen: '2026-11-24T03:00:00Z' }),
      ),
    );
    expect(other.writes).to.be.greaterThan(0);
    // another institution's identical report is its own sighting
    expect((await world.invoke(ids.hkBankB, (ctx) => intel.RecordSighting(ctx, body))).writes).to.be.greaterThan(0);
    const page = parse(
      (await world.invoke(ids.auditor, (ctx) => intel.GetSightings(ctx, obj.id as string, '10', ''))).value,
    ) as unknown as {
      items: unknown[];
    };
    expect(page.items).to.have.length(3);
  });

  it('records one payment event for the same message sent twice', async () => {
    const f = paymentFields();
    const s = signAttestation(f, ids.hkBankA);
    await world.invoke(ids.hkBankA, (ctx) => payment.AttestPayment(ctx, s.json, s.signature), { transient: partiesTransient() });
    const event = JSON.stringify({
      uetr: f.uetr,
      type: 'CANCELLATION_REQUEST',
      messageType: 'camt.056.001.08',
      messageHash: 'd'.repeat(64),
      reasonCode: 'DUPL',
    });
    const first = await world.invoke(ids.hkBankA, (ctx) => payment.RecordPaymentEvent(ctx, event));
    const retry = await world.invoke(ids.hkBankA, (ctx) => payment.RecordPaymentEvent(ctx, event));
    expect(retry.error).to.equal(undefined);
    expect(retry.writes).to.equal(0);
    expect(parse(retry.value).txId).to.equal(parse(first.value).txId);
    const got = parse((await world.invoke(ids.auditor, (ctx) => payment.GetPayment(ctx, f.uetr))).value) as { events: unknown[] };
    expect(got.events).to.have.length(1);
  });
});
