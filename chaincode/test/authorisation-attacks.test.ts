/**
 * Members overreaching: each attack is refused with its code and writes nothing.
 */
import { X509Certificate, createHash } from 'node:crypto';

import { expect } from 'chai';

import { sha256Hex } from '@xborder/protocol';

import { ids, intel, registeredWorld, registry, sealed, signIntel, stixIndicator, submit, TLP } from '../../test/support/chaincode-fixture';
import { testIdentity } from '../../test/support/certs';
import type { FakeWorld } from '../../test/support/fake-world';
import { partiesTransient, payment, paymentFields, signAttestation } from '../../test/support/payment-fixture';

const fingerprint = (pem: string): string => createHash('sha256').update(new X509Certificate(pem).raw).digest('hex');

describe('authorisation attacks on the contracts', () => {
  let world: FakeWorld;
  beforeEach(async () => {
    world = await registeredWorld();
  });
  afterEach(() => {
    world.restore();
  });

  const attested = async (message?: string) => {
    const f = paymentFields(message !== undefined ? { messageHash: sha256Hex(message) } : {});
    const s = signAttestation(f, ids.hkBankA);
    const r = await world.invoke(ids.hkBankA, (ctx) => payment.AttestPayment(ctx, s.json, s.signature), {
      transient: { ...partiesTransient(), ...(message !== undefined ? { message } : {}) },
    });
    expect(r.error).to.equal(undefined);
    return f;
  };
  const event = (uetr: string) =>
    JSON.stringify({ uetr, type: 'CANCELLATION_REQUEST', messageType: 'camt.056.001.08', messageHash: 'c'.repeat(64), reasonCode: 'DUPL' });

  it('records payment events from the payment’s own institutions only (not any HK or TH bank)', async () => {
    const f = await attested();
    const outsider = await world.invoke(ids.hkBankB, (ctx) => payment.RecordPaymentEvent(ctx, event(f.uetr)));
    expect(outsider.error?.message).to.match(/^PAYMENT_WRONG_SIDE: only the payment's debtor and creditor agents/);
    expect(outsider.writes).to.equal(0);
    expect((await world.invoke(ids.hkBankA, (ctx) => payment.RecordPaymentEvent(ctx, event(f.uetr)))).error).to.equal(undefined);
    expect((await world.invoke(ids.thBankA, (ctx) => payment.RecordPaymentEvent(ctx, event(f.uetr)))).error).to.equal(undefined);
  });

  it('lets only the debtor and creditor agents read a stored pacs.008', async () => {
    const message = '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pacs.008.001.08">payer and payee</Document>';
    const f = await attested(message);
    expect((await world.invoke(ids.hkBankB, (ctx) => payment.GetPaymentMessage(ctx, f.uetr))).error?.message).to.match(/^ACCESS_DENIED: /);
    expect((await world.invoke(ids.hkAdmin, (ctx) => payment.GetPaymentMessage(ctx, f.uetr))).error?.message).to.match(
      /^(ACCESS_DENIED|KEY_NOT_REGISTERED): /,
    );
    expect((await world.invoke(ids.thBankA, (ctx) => payment.GetPaymentMessage(ctx, f.uetr))).value).to.equal(message);
    expect((await world.invoke(ids.hkBankA, (ctx) => payment.GetPaymentMessage(ctx, f.uetr))).value).to.equal(message);
  });

  it('keeps the pacs.008 sealed at rest: what any peer door would hand out of the collection is ciphertext, and a swapped copy does not open', async () => {
    const message =
      '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pacs.008.001.08">Payer Chan Tai Man, account 012-345678-901</Document>';
    const f = await attested(message);
    const kept = [...world.collection('hkThShared').entries()].filter(([k]) => k.startsWith('payment-message'));
    expect(kept).to.have.length(1);
    const stored = Buffer.from(kept[0]![1]);
    expect(stored.toString('latin1')).to.match(/^xbsealed1:/);
    for (const clear of ['Chan Tai Man', '012-345678-901', 'pacs.008']) expect(stored.toString('latin1')).to.not.include(clear);
    expect((await world.invoke(ids.thBankA, (ctx) => payment.GetPaymentMessage(ctx, f.uetr))).value).to.equal(message);
    // the sealed bytes of one payment put under another's key do not open (the nonce and tag bind them)
    const other = await attested('<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pacs.008.001.08">another</Document>');
    world.collection('hkThShared').set(`payment-message\u0001${other.uetr}`, stored);
    const swapped = await world.invoke(ids.thBankA, (ctx) => payment.GetPaymentMessage(ctx, other.uetr));
    expect(swapped.error?.message).to.match(/^INVALID_ARGUMENT: sealed payment-message does not open/);
    // a message kept before sealing (plain) still reads
    world.collection('hkThShared').set(`payment-message\u0001${f.uetr}`, Buffer.from(message));
    expect((await world.invoke(ids.thBankA, (ctx) => payment.GetPaymentMessage(ctx, f.uetr))).value).to.equal(message);
  });

  it('keeps AMBER+STRICT content to its producer: another bank of the same operator cannot read it', async () => {
    const obj = stixIndicator({ object_marking_refs: [TLP.AMBER_STRICT] });
    const signed = signIntel(obj, ids.hkBankA);
    await submit(world, ids.hkBankA, signed, false);
    await world.invoke(ids.hkBankA, (ctx) => intel.StoreStrictContent(ctx, obj.id as string, obj.modified as string), {
      transient: { content: sealed(signed.prepared) },
    });
    const read = (who: typeof ids.hkBankA) =>
      world.invoke(who, (ctx) => intel.GetIntelContent(ctx, obj.id as string, obj.modified as string));
    expect((await read(ids.hkBankB)).error?.message).to.match(
      /^ACCESS_DENIED: AMBER\+STRICT content is readable by its producer hk-bank-a only/,
    );
    expect((JSON.parse((await read(ids.hkBankA)).value as string) as { content: string }).content).to.equal(signed.prepared.canonical);
  });

  it('refuses content reads by a revoked key and by a suspended institution', async () => {
    const obj = stixIndicator();
    await submit(world, ids.hkBankA, signIntel(obj, ids.hkBankA));
    const read = (who: typeof ids.hkBankA) =>
      world.invoke(who, (ctx) => intel.GetIntelContent(ctx, obj.id as string, obj.modified as string));
    expect((await read(ids.hkBankB)).error).to.equal(undefined);
    await world.invoke(ids.hkAdmin, (ctx) => registry.RevokeKey(ctx, fingerprint(ids.hkBankB.certPem), 'stolen laptop', ''));
    expect((await read(ids.hkBankB)).error?.message).to.match(/^KEY_REVOKED: /);
    await world.invoke(ids.thAdmin, (ctx) => registry.SetInstitutionStatus(ctx, 'th-bank-a', 'suspended'));
    expect((await read(ids.thBankA)).error?.message).to.match(/^INSTITUTION_SUSPENDED: /);
  });

  it('lets only the operators’ admins register institutions, each BIC (8 or 11 characters alike) and clearing membership once', async () => {
    const auditAdmin = testIdentity('audit-admin', 'AuditMSP', 'admin', 'audit-office');
    const member = (id: string, extra: Record<string, unknown>) => JSON.stringify({ id, name: id, kind: 'bank', ...extra });
    const byAudit = await world.invoke(auditAdmin, (ctx) =>
      registry.RegisterInstitution(ctx, member('audit-bank', { bics: ['AUDTHKHHXXX'] })),
    );
    expect(byAudit.error?.message).to.match(/^ACCESS_DENIED: /);
    expect(byAudit.writes).to.equal(0);
    // hk-bank-a holds VHBKHKHHXXX and HKNCC/801 (registered by the fixture); VHBKHKHH is the same BIC
    const sameBic = await world.invoke(ids.hkAdmin, (ctx) =>
      registry.RegisterInstitution(ctx, member('hk-bank-c', { bics: ['VHBKHKHH'] })),
    );
    expect(sameBic.error?.message).to.match(/^INSTITUTION_CONFLICT: BIC VHBKHKHHXXX is already registered/);
    expect(sameBic.writes).to.equal(0);
    const sameCode = await world.invoke(ids.hkAdmin, (ctx) =>
      registry.RegisterInstitution(ctx, member('hk-bank-d', { memberships: [{ system: 'HKNCC', memberId: '801' }] })),
    );
    expect(sameCode.error?.message).to.match(/^INSTITUTION_CONFLICT: membership HKNCC\/801 is already registered/);
    expect(sameCode.writes).to.equal(0);
    const fresh = await world.invoke(ids.hkAdmin, (ctx) =>
      registry.RegisterInstitution(ctx, member('hk-bank-c', { bics: ['NEWBHKHHXXX'] })),
    );
    expect(fresh.error).to.equal(undefined);
  });

  it('refuses an operator registering or reshaping an institution of the other side (id prefix, BIC country, clearing system), writing nothing', async () => {
    const member = (id: string, extra: Record<string, unknown>) => JSON.stringify({ id, name: id, kind: 'bank', ...extra });
    const squats = [
      { as: ids.thAdmin, json: member('hk-bank-z', { bics: ['SQATTHBKXXX'] }), why: /ids starting hk- are HKMSP's/ },
      { as: ids.thAdmin, json: member('th-bank-z', { bics: ['SQATHKHHXXX'] }), why: /BIC SQATHKHHXXX is of HK/ },
      {
        as: ids.thAdmin,
        json: member('th-bank-z', { memberships: [{ system: 'HKNCC', memberId: '899' }] }),
        why: /clearing system HKNCC is HKMSP's side/,
      },
      { as: ids.hkAdmin, json: member('th-bank-y', {}), why: /ids starting th- are THMSP's/ },
      { as: ids.hkAdmin, json: member('hk-bank-y', { bics: ['SQATTHBK'] }), why: /BIC SQATTHBKXXX is of TH/ },
    ];
    for (const squat of squats) {
      const r = await world.invoke(squat.as, (ctx) => registry.RegisterInstitution(ctx, squat.json));
      expect(r.error?.message, squat.json)
        .to.match(/^INSTITUTION_OTHER_SIDE: /)
        .and.to.match(squat.why);
      expect(r.writes, squat.json).to.equal(0);
    }
    // a TH institution cannot be given an HK BIC afterwards either
    const own = await world.invoke(ids.thAdmin, (ctx) => registry.RegisterInstitution(ctx, member('th-bank-x', { bics: ['OWNXTHBKXXX'] })));
    expect(own.error).to.equal(undefined);
    const moved = await world.invoke(ids.thAdmin, (ctx) =>
      registry.UpdateInstitution(ctx, 'th-bank-x', JSON.stringify({ bics: ['OWNXHKHHXXX'] })),
    );
    expect(moved.error?.message).to.match(/^INSTITUTION_OTHER_SIDE: BIC OWNXHKHHXXX is of HK/);
    expect(moved.writes).to.equal(0);
    // HK keeps its own names: hk-bank-z is HK's to register
    const hk = await world.invoke(ids.hkAdmin, (ctx) => registry.RegisterInstitution(ctx, member('hk-bank-z', { bics: ['SQATHKHHXXX'] })));
    expect(hk.error).to.equal(undefined);
  });

  it("refuses an object that names another member's STIX identity as creator, or is that identity, in every path, writing nothing", async () => {
    const hkIdentity = 'identity--5d1b6e4c-9c1e-4d55-8a3f-2f0e8b6c1a01';
    // th-bank-a publishes an indicator credited to hk-bank-a, confidence 100
    const borrowed = stixIndicator({ created_by_ref: hkIdentity, confidence: 100 });
    const single = await submit(world, ids.thBankA, signIntel(borrowed, ids.thBankA));
    expect(single.error?.message).to.match(
      /^INTEL_CREATOR_NOT_PRODUCER: the object names as its creator identity--5d1b6e4c.* of hk-bank-a, not of th-bank-a/,
    );
    expect(single.writes).to.equal(0);
    // an identity object with hk-bank-a's id, re-described by another member
    const fake = {
      type: 'identity',
      spec_version: '2.1',
      id: hkIdentity,
      created: '2026-11-20T00:00:00.000Z',
      modified: '2026-11-21T00:00:00.000Z',
      name: 'Victoria Harbour Bank (compromised)',
      identity_class: 'organization',
    };
    const identity = await submit(world, ids.thBankA, signIntel(fake, ids.thBankA));
    expect(identity.error?.message).to.match(/^INTEL_CREATOR_NOT_PRODUCER: the object is identity--5d1b6e4c/);
    expect(identity.writes).to.equal(0);
    // in a batch: the whole batch is refused, naming the item
    const good = signIntel(stixIndicator(), ids.thBankA);
    const bad = signIntel(stixIndicator({ created_by_ref: hkIdentity }), ids.thBankA);
    const batch = await world.invoke(
      ids.thBankA,
      (ctx) =>
        intel.SubmitIntelBatch(
          ctx,
          JSON.stringify([
            { statement: good.statementJson, signature: good.signature },
            { statement: bad.statementJson, signature: bad.signature },
          ]),
        ),
      { transient: { content0: sealed(good.prepared), content1: sealed(bad.prepared) } },
    );
    expect(batch.error?.message).to.match(/^INTEL_CREATOR_NOT_PRODUCER: item 1: /);
    expect(batch.writes).to.equal(0);
    // the holder itself may, and anyone may name an identity no member holds (a public feed's author)
    expect((await submit(world, ids.hkBankA, signIntel(stixIndicator({ created_by_ref: hkIdentity }), ids.hkBankA))).error).to.equal(
      undefined,
    );
    const feed = stixIndicator({ created_by_ref: 'identity--c78cb6e5-0c4b-4611-8297-d1b8b55e40b5' });
    expect((await submit(world, ids.thBankA, signIntel(feed, ids.thBankA))).error).to.equal(undefined);
    // a STIX identity is held by one institution: another may not register it
    const taken = await world.invoke(ids.thAdmin, (ctx) =>
      registry.RegisterInstitution(ctx, JSON.stringify({ id: 'th-bank-q', name: 'Q', kind: 'bank', stixIdentities: [hkIdentity] })),
    );
    expect(taken.error?.message).to.match(
      /^INSTITUTION_CONFLICT: STIX identity identity--5d1b6e4c.* is already registered to another institution/,
    );
    expect(taken.writes).to.equal(0);
  });
});
