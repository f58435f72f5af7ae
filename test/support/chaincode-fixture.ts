import { createPrivateKey, randomUUID, sign } from 'node:crypto';

import { IntelContract, RegistryContract } from '@xborder/chaincode';
import { canonicalize, prepareIntel, sealContent, statementBytes } from '@xborder/protocol';
import type { PreparedIntel } from '@xborder/protocol';

import { testIdentity } from './certs';
import type { TestIdentity } from './certs';
import { FakeWorld } from './fake-world';

export const TLP = {
  CLEAR: 'marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487',
  GREEN: 'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb',
  AMBER: 'marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421',
  AMBER_STRICT: 'marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003',
  RED: 'marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1',
  WHITE_V1: 'marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9',
} as const;

export const ids = {
  hkAdmin: testIdentity('hk-admin', 'HKMSP', 'admin', 'hk-operator'),
  hkBankA: testIdentity('hk-bank-a', 'HKMSP', 'submitter', 'hk-bank-a'),
  hkBankB: testIdentity('hk-bank-b', 'HKMSP', 'submitter', 'hk-bank-b'),
  thAdmin: testIdentity('th-admin', 'THMSP', 'admin', 'th-operator'),
  thBankA: testIdentity('th-bank-a', 'THMSP', 'submitter', 'th-bank-a'),
  auditor: testIdentity('audit-1', 'AuditMSP', 'auditor', 'audit-1'),
};

/** BICs and clearing memberships of the test institutions (as in examples/institutions.json). */
export const INSTITUTIONS: Readonly<
  Record<string, { bics: string[]; memberships: { system: string; memberId: string }[]; stixIdentities?: string[] }>
> = {
  'hk-bank-a': {
    bics: ['VHBKHKHHXXX'],
    memberships: [{ system: 'HKNCC', memberId: '801' }],
    stixIdentities: ['identity--5d1b6e4c-9c1e-4d55-8a3f-2f0e8b6c1a01'],
  },
  'hk-bank-b': { bics: ['KPBKHKHHXXX'], memberships: [{ system: 'HKNCC', memberId: '802' }] },
  'th-bank-a': { bics: ['CPCBTHBKXXX'], memberships: [{ system: 'THCBC', memberId: '031' }] },
};

export const registry = new RegistryContract();
export const intel = new IntelContract();

/** A world with the HK and TH banks registered and their certificates registered as signing keys. */
export async function registeredWorld(): Promise<FakeWorld> {
  const world = new FakeWorld();
  for (const [admin, banks] of [
    [ids.hkAdmin, [ids.hkBankA, ids.hkBankB]],
    [ids.thAdmin, [ids.thBankA]],
  ] as const) {
    for (const bank of banks) {
      const r1 = await world.invoke(admin, (ctx) =>
        registry.RegisterInstitution(
          ctx,
          JSON.stringify({ id: bank.institution, name: `Bank ${bank.institution}`, kind: 'bank', ...INSTITUTIONS[bank.institution] }),
        ),
      );
      if (r1.error) throw r1.error;
      const r2 = await world.invoke(admin, (ctx) => registry.RegisterKey(ctx, bank.institution, bank.certPem));
      if (r2.error) throw r2.error;
    }
  }
  return world;
}

export function stixIndicator(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'indicator',
    spec_version: '2.1',
    id: `indicator--${randomUUID()}`,
    created: '2026-11-20T08:00:00.000Z',
    modified: '2026-11-20T08:00:00.000Z',
    name: 'Phishing domain impersonating a payment app',
    pattern: "[domain-name:value = 'pay-promptp4y.example']",
    pattern_type: 'stix',
    valid_from: '2026-11-20T08:00:00Z',
    indicator_types: ['malicious-activity'],
    labels: ['phishing'],
    confidence: 80,
    object_marking_refs: [TLP.AMBER],
    ...overrides,
  };
}

export interface Signed {
  readonly prepared: PreparedIntel;
  readonly statementJson: string;
  readonly signature: string;
}

/** Prepares and signs an object as `who` (the way the SDK does). */
export function signIntel(object: unknown, who: TestIdentity): Signed {
  const prepared = prepareIntel(object, { institution: who.institution, mspId: who.mspId });
  const signature = sign('sha256', statementBytes(prepared.statement), createPrivateKey(who.keyPem)).toString('base64');
  return { prepared, statementJson: canonicalize(prepared.statement), signature };
}

export async function submit(world: FakeWorld, who: TestIdentity, signed: Signed, withContent = true): ReturnType<FakeWorld['invoke']> {
  return world.invoke(
    who,
    (ctx) => intel.SubmitIntel(ctx, signed.statementJson, signed.signature),
    withContent ? { transient: { content: sealed(signed.prepared) } } : {},
  );
}

/** Content as the SDK sends it: sealed with the salt of its commitment. */
export function sealed(prepared: { salt: string; canonical: string }): Uint8Array {
  return sealContent(prepared.salt, prepared.canonical);
}
