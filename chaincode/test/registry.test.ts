import { expect } from 'chai';

import { certificateFingerprint } from '@xborder/protocol';

import { testIdentity } from '../../test/support/certs';
import { ids, registeredWorld, registry } from '../../test/support/chaincode-fixture';
import { FakeWorld } from '../../test/support/fake-world';

describe('registry contract', () => {
  let world: FakeWorld;
  beforeEach(() => {
    world = new FakeWorld();
  });
  afterEach(() => {
    world.restore();
  });

  const register = (
    who = ids.hkAdmin,
    body: Record<string, unknown> = { id: 'hk-bank-a', name: 'Harbour Bank', kind: 'bank', bics: ['HRBKHKHHXXX'] },
  ) => world.invoke(who, (ctx) => registry.RegisterInstitution(ctx, JSON.stringify(body)));

  it('lets an org admin register an institution of its own org, once', async () => {
    const first = await register();
    expect(first.error).to.equal(undefined);
    const record = JSON.parse(first.value as string) as Record<string, unknown>;
    expect(record).to.include({ id: 'hk-bank-a', mspId: 'HKMSP', status: 'active', kind: 'bank' });
    expect(record.bics).to.deep.equal(['HRBKHKHHXXX']);
    expect(first.event?.name).to.equal('InstitutionRegistered');
    const again = await register();
    expect(again.writes).to.equal(0);
    expect(JSON.parse(again.value as string)).to.deep.equal(record);
  });

  it('refuses different details for an existing id, bad input and non-admins, writing nothing', async () => {
    await register();
    const before = world.snapshot();
    const cases: [Awaited<ReturnType<typeof register>>, RegExp][] = [
      [await register(ids.hkAdmin, { id: 'hk-bank-a', name: 'Other name', kind: 'bank' }), /^INSTITUTION_CONFLICT: /],
      [
        await register(ids.thAdmin, { id: 'hk-bank-a', name: 'Harbour Bank', kind: 'bank', bics: ['HRBKHKHHXXX'] }),
        /^INSTITUTION_CONFLICT: /,
      ],
      [await register(ids.hkAdmin, { id: 'Bad Id', name: 'x', kind: 'bank' }), /^INSTITUTION_INVALID: id/],
      [await register(ids.hkAdmin, { id: 'hk-x', name: 'x', kind: 'casino' }), /^INSTITUTION_INVALID: kind/],
      [await register(ids.hkAdmin, { id: 'hk-x', name: 'x', kind: 'bank', bics: ['nope'] }), /^INSTITUTION_INVALID: bics/],
      [await register(ids.hkAdmin, { id: 'hk-x', name: 'x', kind: 'bank', extra: 1 }), /^INSTITUTION_INVALID: unknown fields: extra/],
      [await register(ids.hkBankA, { id: 'hk-y', name: 'x', kind: 'bank' }), /^ACCESS_DENIED: /],
      [await register(ids.auditor, { id: 'hk-y', name: 'x', kind: 'bank' }), /^ACCESS_DENIED: /],
      [await world.invoke(ids.hkAdmin, (ctx) => registry.RegisterInstitution(ctx, '{not json')), /^INVALID_ARGUMENT: /],
    ];
    for (const [result, pattern] of cases) {
      expect(result.error?.message).to.match(pattern);
      expect(result.writes).to.equal(0);
    }
    expect(world.snapshot()).to.equal(before);
  });

  it('suspends only through the own org admin and lists institutions by org with pages', async () => {
    await register();
    await register(ids.hkAdmin, { id: 'hk-bank-b', name: 'Peak Bank', kind: 'bank' });
    await register(ids.hkAdmin, { id: 'hk-cert', name: 'HK CERT', kind: 'cert' });
    const denied = await world.invoke(ids.thAdmin, (ctx) => registry.SetInstitutionStatus(ctx, 'hk-bank-a', 'suspended'));
    expect(denied.error?.message).to.match(/^ACCESS_DENIED: an admin of THMSP/);
    const ok = await world.invoke(ids.hkAdmin, (ctx) => registry.SetInstitutionStatus(ctx, 'hk-bank-a', 'suspended'));
    expect(JSON.parse(ok.value as string)).to.include({ status: 'suspended' });
    const page1 = await world.invoke(ids.auditor, (ctx) => registry.ListInstitutions(ctx, 'HKMSP', '2', ''));
    const p1 = JSON.parse(page1.value as string) as { items: { id: string }[]; bookmark: string };
    expect(p1.items.map((i) => i.id)).to.deep.equal(['hk-bank-a', 'hk-bank-b']);
    const page2 = await world.invoke(ids.auditor, (ctx) => registry.ListInstitutions(ctx, 'HKMSP', '2', p1.bookmark));
    const p2 = JSON.parse(page2.value as string) as { items: { id: string }[]; bookmark: string };
    expect(p2.items.map((i) => i.id)).to.deep.equal(['hk-cert']);
    expect(p2.bookmark).to.equal('');
    const bad = await world.invoke(ids.auditor, (ctx) => registry.ListInstitutions(ctx, 'HKMSP', '5000', ''));
    expect(bad.error?.message).to.match(/^PAGE_INVALID: /);
  });

  it('registers a certificate naming the institution and keeps its history through revocation', async () => {
    await register();
    const fp = certificateFingerprint(ids.hkBankA.certPem);
    const reg = await world.invoke(ids.hkAdmin, (ctx) => registry.RegisterKey(ctx, 'hk-bank-a', ids.hkBankA.certPem));
    expect(reg.error).to.equal(undefined);
    expect(JSON.parse(reg.value as string)).to.include({ fingerprint: fp, institution: 'hk-bank-a', revokedAt: null });
    const again = await world.invoke(ids.hkAdmin, (ctx) => registry.RegisterKey(ctx, 'hk-bank-a', ids.hkBankA.certPem));
    expect(again.writes).to.equal(0);
    const revoke = await world.invoke(ids.hkAdmin, (ctx) => registry.RevokeKey(ctx, fp, 'laptop stolen', ''));
    expect(JSON.parse(revoke.value as string)).to.include({ revokeReason: 'laptop stolen' });
    const history = await world.invoke(ids.auditor, (ctx) => registry.GetKeyHistory(ctx, fp));
    const h = JSON.parse(history.value as string) as { txId: string; record: { revokedAt: string | null } }[];
    expect(h).to.have.length(2);
    expect(h[0]!.record.revokedAt).to.equal(null);
    expect(h[1]!.record.revokedAt).to.be.a('string');
    expect(h[0]!.txId).to.equal(reg.txId);
    const list = await world.invoke(ids.auditor, (ctx) => registry.ListKeys(ctx, 'hk-bank-a'));
    expect((JSON.parse(list.value as string) as unknown[]).length).to.equal(1);
  });

  it('refuses certificates of another institution, another issuer, an impostor CA of the same name, or not PEM', async () => {
    await register();
    await register(ids.hkAdmin, { id: 'hk-bank-b', name: 'Peak Bank', kind: 'bank' });
    const foreign = testIdentity('hk-bank-a-foreign', 'HKMSP', 'submitter', 'hk-bank-a', { issuer: 'THMSP' });
    // a CA of its own under the HK CA's exact name: the names match, the signature does not
    const impostor = testIdentity('hk-bank-a-impostor', 'HKMSP', 'submitter', 'hk-bank-a', { impostorCa: true });
    const cases = [
      [
        await world.invoke(ids.hkAdmin, (ctx) => registry.RegisterKey(ctx, 'hk-bank-b', ids.hkBankA.certPem)),
        /^KEY_INVALID: certificate names institution hk-bank-a/,
      ],
      [
        await world.invoke(ids.hkAdmin, (ctx) => registry.RegisterKey(ctx, 'hk-bank-a', foreign.certPem)),
        /^KEY_INVALID: certificate issued by/,
      ],
      [
        await world.invoke(ids.hkAdmin, (ctx) => registry.RegisterKey(ctx, 'hk-bank-a', impostor.certPem)),
        /^KEY_INVALID: certificate not signed by the HKMSP CA/,
      ],
      [await world.invoke(ids.hkAdmin, (ctx) => registry.RegisterKey(ctx, 'hk-bank-a', 'not a certificate')), /^KEY_INVALID: not a PEM/],
      [await world.invoke(ids.thAdmin, (ctx) => registry.RegisterKey(ctx, 'hk-bank-a', ids.hkBankA.certPem)), /^ACCESS_DENIED: /],
      [await world.invoke(ids.hkAdmin, (ctx) => registry.RegisterKey(ctx, 'hk-nobody', ids.hkBankA.certPem)), /^INSTITUTION_NOT_FOUND: /],
    ] as const;
    for (const [result, pattern] of cases) {
      expect(result.error?.message).to.match(pattern);
      expect(result.writes).to.equal(0);
    }
  });

  it('checks the submitter: registered, not revoked, within validity, institution active', async () => {
    const w = await registeredWorld();
    const ok = await w.invoke(ids.hkBankA, (ctx) => registry.WhoCanISubmitAs(ctx));
    expect(JSON.parse(ok.value as string)).to.include({
      institution: 'hk-bank-a',
      fingerprint: certificateFingerprint(ids.hkBankA.certPem),
    });
    const stranger = testIdentity('hk-bank-a-2', 'HKMSP', 'submitter', 'hk-bank-a');
    expect((await w.invoke(stranger, (ctx) => registry.WhoCanISubmitAs(ctx))).error?.message).to.match(/^KEY_NOT_REGISTERED: /);
    const later = new Date(Date.now() + 60 * 86_400_000);
    expect((await w.invoke(ids.hkBankA, (ctx) => registry.WhoCanISubmitAs(ctx), { time: later })).error?.message).to.match(
      /^KEY_EXPIRED: /,
    );
    await w.invoke(ids.hkAdmin, (ctx) => registry.RevokeKey(ctx, certificateFingerprint(ids.hkBankB.certPem), 'rotated', ''));
    expect((await w.invoke(ids.hkBankB, (ctx) => registry.WhoCanISubmitAs(ctx))).error?.message).to.match(/^KEY_REVOKED: /);
    await w.invoke(ids.thAdmin, (ctx) => registry.SetInstitutionStatus(ctx, 'th-bank-a', 'suspended'));
    expect((await w.invoke(ids.thBankA, (ctx) => registry.WhoCanISubmitAs(ctx))).error?.message).to.match(/^INSTITUTION_SUSPENDED: /);
    expect((await w.invoke(ids.auditor, (ctx) => registry.WhoCanISubmitAs(ctx))).error?.message).to.match(/^ACCESS_DENIED: /);
    w.restore();
  });
  it('changes an institution’s name, BICs and memberships (its operator’s admins), keeps every change in its history, and refuses ambiguity', async () => {
    expect((await register()).error).to.equal(undefined);
    const other = await register(ids.hkAdmin, {
      id: 'hk-bank-z',
      name: 'Z Bank',
      kind: 'bank',
      bics: ['ZBNKHKHHXXX'],
      memberships: [{ system: 'HKNCC', memberId: '999' }],
    });
    expect(other.error).to.equal(undefined);
    const update = (who: typeof ids.hkAdmin, id: string, change: Record<string, unknown>) =>
      world.invoke(who, (ctx) => registry.UpdateInstitution(ctx, id, JSON.stringify(change)));
    const changed = await update(ids.hkAdmin, 'hk-bank-a', {
      name: 'Harbour Bank (Hong Kong) Ltd',
      bics: ['HRBKHKHH', 'HRBKHKHH2XX'],
      memberships: [{ system: 'HKNCC', memberId: '801' }],
    });
    expect(changed.error).to.equal(undefined);
    const record = JSON.parse(changed.value as string) as Record<string, unknown>;
    expect(record).to.include({ name: 'Harbour Bank (Hong Kong) Ltd' });
    expect(record.bics).to.deep.equal(['HRBKHKHH2XX', 'HRBKHKHHXXX']);
    expect(changed.event?.name).to.equal('InstitutionChanged');
    // the other org's admin, a bank and the audit org cannot change it; nothing is written
    for (const who of [ids.thAdmin, ids.hkBankA, ids.auditor]) {
      const refused = await update(who, 'hk-bank-a', { name: 'Taken over' });
      expect(refused.error?.message, who.name).to.match(/^ACCESS_DENIED: /);
      expect(refused.writes).to.equal(0);
    }
    // a BIC or membership another institution holds is refused, nothing written
    for (const change of [{ bics: ['ZBNKHKHH'] }, { memberships: [{ system: 'HKNCC', memberId: '999' }] }]) {
      const ambiguous = await update(ids.hkAdmin, 'hk-bank-a', change);
      expect(ambiguous.error?.message).to.match(/^INSTITUTION_CONFLICT: .* is already registered to another institution/);
      expect(ambiguous.writes).to.equal(0);
    }
    expect((await update(ids.hkAdmin, 'hk-bank-a', { bics: ['not a bic'] })).error?.message).to.match(/^INSTITUTION_INVALID: bics\.0/);
    expect((await update(ids.hkAdmin, 'hk-bank-a', {})).error?.message).to.match(/^INSTITUTION_INVALID: /);
    // a BIC given up is free for another institution
    expect((await update(ids.hkAdmin, 'hk-bank-a', { bics: ['HRBKHKHH2XX'] })).error).to.equal(undefined);
    expect((await update(ids.hkAdmin, 'hk-bank-z', { bics: ['ZBNKHKHHXXX', 'HRBKHKHHXXX'] })).error).to.equal(undefined);
    // suspension and reactivation are in the history too, which any reader (the auditor) sees
    await world.invoke(ids.hkAdmin, (ctx) => registry.SetInstitutionStatus(ctx, 'hk-bank-a', 'suspended'));
    await world.invoke(ids.hkAdmin, (ctx) => registry.SetInstitutionStatus(ctx, 'hk-bank-a', 'active'));
    const history = await world.invoke(ids.auditor, (ctx) => registry.GetInstitutionHistory(ctx, 'hk-bank-a'));
    const states = (JSON.parse(history.value as string) as { record: Record<string, unknown> }[]).map((h) => [
      h.record.name,
      (h.record.bics as string[]).join(' '),
      h.record.status,
    ]);
    expect(states).to.deep.equal([
      ['Harbour Bank', 'HRBKHKHHXXX', 'active'],
      ['Harbour Bank (Hong Kong) Ltd', 'HRBKHKHH2XX HRBKHKHHXXX', 'active'],
      ['Harbour Bank (Hong Kong) Ltd', 'HRBKHKHH2XX', 'active'],
      ['Harbour Bank (Hong Kong) Ltd', 'HRBKHKHH2XX', 'suspended'],
      ['Harbour Bank (Hong Kong) Ltd', 'HRBKHKHH2XX', 'active'],
    ]);
  });
  it('rotates a key: the new key is registered while the old one is valid, the old one is revoked from a later time, never back-dated', async () => {
    const w = await registeredWorld();
    try {
      const oldFp = certificateFingerprint(ids.hkBankA.certPem);
      const newKey = testIdentity('hk-bank-a-2026', 'HKMSP', 'submitter', 'hk-bank-a');
      expect((await w.invoke(ids.hkAdmin, (ctx) => registry.RegisterKey(ctx, 'hk-bank-a', newKey.certPem))).error).to.equal(undefined);
      const switchAt = new Date(w.clock.getTime() + 3600_000).toISOString();
      const scheduled = await w.invoke(ids.hkAdmin, (ctx) => registry.RevokeKey(ctx, oldFp, 'rotation', switchAt));
      expect(JSON.parse(scheduled.value as string)).to.include({ revokedAt: switchAt, revokeReason: 'rotation' });
      // before the switch both keys sign; from it, the old one is refused and the new one goes on
      expect((await w.invoke(ids.hkBankA, (ctx) => registry.WhoCanISubmitAs(ctx))).error).to.equal(undefined);
      const after = new Date(Date.parse(switchAt) + 1000);
      expect((await w.invoke(ids.hkBankA, (ctx) => registry.WhoCanISubmitAs(ctx), { time: after })).error?.message).to.match(
        /^KEY_REVOKED: /,
      );
      expect((await w.invoke(newKey, (ctx) => registry.WhoCanISubmitAs(ctx), { time: after })).error).to.equal(undefined);
      // a revocation is never back-dated, nor pushed back once scheduled; it may be brought forward
      const past = new Date(w.clock.getTime() - 86_400_000).toISOString();
      const backDated = await w.invoke(ids.hkAdmin, (ctx) => registry.RevokeKey(ctx, certificateFingerprint(newKey.certPem), 'oops', past));
      expect(backDated.error?.message).to.match(/^INVALID_ARGUMENT: effectiveFrom .* is before the transaction time/);
      expect(backDated.writes).to.equal(0);
      const later = new Date(Date.parse(switchAt) + 86_400_000).toISOString();
      const pushed = await w.invoke(ids.hkAdmin, (ctx) => registry.RevokeKey(ctx, oldFp, 'later after all', later));
      expect(JSON.parse(pushed.value as string)).to.include({ revokedAt: switchAt });
      expect(pushed.writes).to.equal(0);
      expect((await w.invoke(ids.thAdmin, (ctx) => registry.RevokeKey(ctx, oldFp, 'hostile', ''))).error?.message).to.match(
        /^ACCESS_DENIED: /,
      );
    } finally {
      w.restore();
    }
  });
});
