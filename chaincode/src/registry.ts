import { X509Certificate } from 'node:crypto';

import { Context, Info, Param, Returns, Transaction } from 'fabric-contract-api';

import { batchingFor } from './peer-batching';
import { signedBySameIssuer } from './issuer-signature';
import { XborderContract } from './xborder-contract';
import { caller, requireRole } from './caller';
import type { Caller } from './caller';
import {
  isOperatorMsp,
  otherSideProblem,
  canonicalize,
  certificateFingerprint,
  ChaincodeError,
  CORRIDORS,
  hasControlChars,
  institutionArgument,
  institutionChangeArgument,
  normalBic,
  isInstitutionId,
  isMspId,
  isSha256Hex,
  limitsArgument,
  parseJson,
  sha256Hex,
  toMinor,
  TRANSACTIONS,
} from '@xborder/protocol';
import type {
  Amount,
  Assert,
  Corridor,
  CorridorLimits,
  CorridorProposal,
  CorridorSettings,
  Agent,
  AgentDirectory,
  ClearingMembership,
  Implements,
  Institution,
  SigningKey,
} from '@xborder/protocol';
import {
  getRecord,
  getRecords,
  key,
  keyHistory,
  pageSize,
  prefixRange,
  putIndex,
  putRecord,
  rangeAll,
  rangeBounded,
  rangePage,
  txTime,
} from './state';
import type { Page } from './state';
export { INSTITUTION_KINDS } from '@xborder/protocol';
export type { Institution, InstitutionKind, SigningKey } from '@xborder/protocol';

const institutionKey = (id: string): string => key('institution', id);
const institutionByOrgKey = (mspId: string, id: string): string => key('institution-by-org', mspId, id);
/** Who holds a BIC or a clearing membership: each names one institution across the registry. */
const institutionByBicKey = (bic: string): string => key('institution-by-bic', normalBic(bic));
const institutionByMemberKey = (m: ClearingMembership): string => key('institution-by-member', m.system, m.memberId);
/** The same memberships by member id first, for agents that give a member id without its system. */
const institutionByMemberIdKey = (m: ClearingMembership): string => key('institution-by-member-id', m.memberId, m.system);

/** The registry's indexes as an agent directory (for payments: who is the debtor or creditor agent). */
export interface RegistryDirectory extends AgentDirectory {
  /** Reads every index entry these agents need in one round trip to the peer (then lookups are local). */
  prefetch(agents: readonly Agent[]): Promise<void>;
}

export function registryDirectory(ctx: Context): RegistryDirectory {
  const cache = new Map<string, string | undefined>();
  const decode = (v: Uint8Array): string | undefined => (v.length === 0 ? undefined : idOfInstitutionKey(new TextDecoder().decode(v)));
  const holder = async (k: string): Promise<string | undefined> => {
    if (!cache.has(k)) cache.set(k, decode(await ctx.stub.getState(k)));
    return cache.get(k);
  };
  return {
    async prefetch(agents) {
      const keys = [
        ...new Set(
          agents.flatMap((a) => [
            ...(a.bic !== null ? [institutionByBicKey(a.bic)] : []),
            ...(a.clearingSystem !== null && a.clearingMemberId !== null
              ? [institutionByMemberKey({ system: a.clearingSystem, memberId: a.clearingMemberId })]
              : []),
          ]),
        ),
      ].filter((k) => !cache.has(k));
      if (keys.length === 0) return;
      const values = await batchingFor(ctx.stub).getMultipleStates(keys);
      keys.forEach((k, i) => cache.set(k, decode(values[i] ?? new Uint8Array(0))));
    },
    byBic: (bic) => holder(institutionByBicKey(bic)),
    byMembership: async (memberId, system) => {
      if (system !== null) {
        const id = await holder(institutionByMemberKey({ system, memberId }));
        return id === undefined ? [] : [id];
      }
      const entries = await rangeBounded(ctx, prefixRange('institution-by-member-id', memberId), 'memberships with one member id', 50);
      return entries.map((e) => idOfInstitutionKey(new TextDecoder().decode(e.value)));
    },
  };
}

/** The institution id an index entry points to (entries hold the institution's record key). */
function idOfInstitutionKey(k: string): string {
  return k.slice(institutionKey('x').length - 1);
}

/** What of an institution is held by it alone: BICs, clearing memberships and STIX identities. */
type Details = Pick<Institution, 'bics' | 'memberships' | 'stixIdentities'>;

const institutionByStixIdentityKey = (identity: string): string => key('institution-by-stix-identity', identity);

/** The institution whose STIX identity `identity` is, if any (see Institution.stixIdentities). */
export async function stixIdentityHolder(ctx: Context, identity: string): Promise<string | undefined> {
  const holder = await ctx.stub.getState(institutionByStixIdentityKey(identity));
  return holder.length > 0 ? idOfInstitutionKey(new TextDecoder().decode(holder)) : undefined;
}

/** Every index entry an institution's BICs, memberships and STIX identities hold. */
function detailKeys(i: Details): { key: string; what: string }[] {
  return [
    ...(i.stixIdentities ?? []).map((s) => ({ key: institutionByStixIdentityKey(s), what: `STIX identity ${s}` })),
    ...i.bics.map((b) => ({ key: institutionByBicKey(b), what: `BIC ${b}` })),
    ...i.memberships.flatMap((m) => [
      { key: institutionByMemberKey(m), what: `membership ${m.system}/${m.memberId}` },
      { key: institutionByMemberIdKey(m), what: '' },
    ]),
  ];
}

/** Refuses details that another institution holds (a BIC or membership must name one institution). */
async function refuseHeldDetails(ctx: Context, id: string, details: Details): Promise<void> {
  for (const d of detailKeys(details)) {
    if (d.what === '') continue;
    const holder = await ctx.stub.getState(d.key);
    if (holder.length > 0 && idOfInstitutionKey(new TextDecoder().decode(holder)) !== id)
      throw new ChaincodeError('INSTITUTION_CONFLICT', `${d.what} is already registered to another institution`);
  }
}
const signingKeyKey = (fingerprint: string): string => key('key', fingerprint);
const keyByInstitutionKey = (institution: string, fingerprint: string): string => key('key-by-institution', institution, fingerprint);

/** FPS x PromptPay limits: THB 100,000 per payment and THB 500,000 per payer per day. */
export function defaultLimits(corridor: Corridor): CorridorLimits {
  return {
    corridor,
    perPaymentCap: { value: '100000.00', currency: 'THB' },
    dailyCap: { value: '500000.00', currency: 'THB' },
    rateToleranceMinor: 1,
    unconfirmedAfterMinutes: 30,
  };
}

const corridorKey = (corridor: string): string => key('corridor', corridor);
const corridorProposalKey = (corridor: string): string => key('corridor-proposal', corridor);

function parseCorridor(value: unknown): Corridor {
  if (typeof value !== 'string' || !(CORRIDORS as readonly string[]).includes(value))
    throw new ChaincodeError('CORRIDOR_INVALID', `corridor must be one of ${CORRIDORS.join(', ')}`);
  return value as Corridor;
}

function parseLimits(json: string): CorridorLimits {
  const o = limitsArgument(parseJson(json, 'INVALID_ARGUMENT', 'limits'));
  const corridor = parseCorridor(o.corridor);
  const cap = (a: { value: string }, what: string): Amount => {
    try {
      const minor = toMinor({ value: a.value, currency: 'THB' }, what);
      if (minor <= 0n) throw new ChaincodeError('CORRIDOR_INVALID', `${what} must be positive`);
    } catch (err) {
      if (err instanceof ChaincodeError && err.code === 'PAYMENT_INVALID')
        throw new ChaincodeError('CORRIDOR_INVALID', err.message.slice('PAYMENT_INVALID: '.length));
      throw err;
    }
    return { value: a.value, currency: 'THB' };
  };
  return {
    corridor,
    perPaymentCap: cap(o.perPaymentCap, 'perPaymentCap'),
    dailyCap: cap(o.dailyCap, 'dailyCap'),
    rateToleranceMinor: o.rateToleranceMinor,
    unconfirmedAfterMinutes: o.unconfirmedAfterMinutes,
  };
}

/** The limits in force for a corridor: the agreed settings, else the defaults. */
export async function corridorLimits(ctx: Context, corridor: Corridor): Promise<CorridorLimits> {
  const settings = await getRecord<CorridorSettings>(ctx, corridorKey(corridor));
  if (!settings) return defaultLimits(corridor);
  return {
    corridor,
    perPaymentCap: settings.perPaymentCap,
    dailyCap: settings.dailyCap,
    rateToleranceMinor: settings.rateToleranceMinor,
    unconfirmedAfterMinutes: settings.unconfirmedAfterMinutes,
  };
}

function requireAdminOf(ctx: Context, mspId: string): Caller {
  const who = requireRole(ctx, ['admin'], false);
  if (who.mspId !== mspId) throw new ChaincodeError('ACCESS_DENIED', `an admin of ${who.mspId} may not manage ${mspId} institutions`);
  return who;
}

function parseInstitutionInput(json: string): Pick<Institution, 'id' | 'name' | 'kind'> & Required<Details> {
  const v = institutionArgument(parseJson(json, 'INVALID_ARGUMENT', 'institution'));
  checkName(v.name);
  return { id: v.id, name: v.name, kind: v.kind, ...details(v.bics ?? [], v.memberships ?? [], v.stixIdentities ?? []) };
}

/** Each operator registers and manages institutions of its own side only (see operator-sides.ts). */
function refuseOtherSide(mspId: string, institution: Parameters<typeof otherSideProblem>[1]): void {
  if (!isOperatorMsp(mspId)) return;
  const problem = otherSideProblem(mspId, institution);
  if (problem !== null) throw new ChaincodeError('INSTITUTION_OTHER_SIDE', problem);
}

function checkName(name: string): void {
  if (name.trim().length === 0 || hasControlChars(name))
    throw new ChaincodeError('INSTITUTION_INVALID', 'name must be 1-140 printable characters');
}

/** BICs as the registry keys them (11 characters) and memberships, each once, in a stable order. */
function details(
  bics: readonly string[],
  memberships: readonly ClearingMembership[],
  stixIdentities: readonly string[],
): Required<Details> {
  const b = [...new Set(bics.map(normalBic))].sort();
  const seen = new Set<string>();
  const m = memberships
    .map((x) => ({ system: x.system, memberId: x.memberId }))
    .filter((x) => {
      const k = `${x.system}/${x.memberId}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    })
    .sort((x, y) => `${x.system}/${x.memberId}`.localeCompare(`${y.system}/${y.memberId}`));
  return { bics: b, memberships: m, stixIdentities: [...new Set(stixIdentities)].sort() };
}

/** The `xborder.institution` attribute Fabric CA wrote into a certificate (extension 1.2.3.4.5.6.7.8.1). */
export function certificateInstitution(cert: X509Certificate): string | undefined {
  const text = Buffer.from(cert.raw).toString('latin1');
  const start = text.indexOf('{"attrs":');
  if (start < 0) return undefined;
  const end = text.indexOf('}}', start);
  if (end < 0) return undefined;
  try {
    const parsed = JSON.parse(text.slice(start, end + 2)) as { attrs?: Record<string, unknown> };
    const value = parsed.attrs?.['xborder.institution'];
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

export async function getInstitution(ctx: Context, id: string): Promise<Institution | undefined> {
  return getRecord<Institution>(ctx, institutionKey(id));
}

/**
 * The check behind every submitted record: the caller's certificate must be registered to the
 * institution named in its `xborder.institution` attribute, not revoked, within its validity at the
 * transaction time, and the institution active and of the caller's org.
 */
export async function requireRegisteredSigner(
  ctx: Context,
): Promise<{ who: Caller & { institution: string }; key: SigningKey; institution: Institution }> {
  const who = requireRole(ctx, ['submitter'], true);
  if (who.institution === undefined) throw new ChaincodeError('ACCESS_DENIED', 'the certificate carries no xborder.institution attribute');
  const pem = new TextDecoder().decode(ctx.clientIdentity.getIDBytes());
  const fingerprint = certificateFingerprint(pem);
  const [institutionRecord, keyRecord] = await getRecords<unknown>(ctx, [institutionKey(who.institution), signingKeyKey(fingerprint)]);
  const institution = institutionRecord as Institution | undefined;
  const signingKey = keyRecord as SigningKey | undefined;
  if (!institution || institution.mspId !== who.mspId) {
    throw new ChaincodeError('KEY_NOT_REGISTERED', `institution ${who.institution} is not registered for ${who.mspId}`);
  }
  if (institution.status !== 'active') throw new ChaincodeError('INSTITUTION_SUSPENDED', `institution ${institution.id} is suspended`);
  if (!signingKey || signingKey.institution !== who.institution) {
    throw new ChaincodeError('KEY_NOT_REGISTERED', `certificate ${fingerprint.slice(0, 16)}... is not registered to ${who.institution}`);
  }
  const now = txTime(ctx);
  // a revocation takes effect from its time: a key revoked from a future time still signs until then
  if (signingKey.revokedAt !== null && signingKey.revokedAt <= now)
    throw new ChaincodeError('KEY_REVOKED', `certificate ${fingerprint.slice(0, 16)}... was revoked at ${signingKey.revokedAt}`);
  if (now < signingKey.notBefore || now > signingKey.notAfter) {
    throw new ChaincodeError('KEY_EXPIRED', `certificate valid ${signingKey.notBefore} to ${signingKey.notAfter}, transaction at ${now}`);
  }
  return { who: { ...who, institution: who.institution }, key: signingKey, institution };
}

/**
 * Member institutions and their signing keys. Each org's admin manages its own org's entries; every
 * record keeps its history (Fabric key history), so auditors can tell who held which key when.
 */
@Info({ title: 'RegistryContract', description: 'Member institutions and their registered signing certificates' })
export class RegistryContract extends XborderContract {
  constructor() {
    super('registry');
  }

  /** Registers an institution of the caller's own org (admin). Registering the same details again is a no-op. */
  @Transaction()
  @Param('institutionJson', 'string', '{"id","name","kind","bics"?,"memberships"?:[{"system","memberId"}],"stixIdentities"?}')
  @Returns('string')
  async RegisterInstitution(ctx: Context, institutionJson: string): Promise<string> {
    // operators' admins only: the audit org reads the registry, it does not enrol members
    const who = requireRole(ctx, ['admin'], true);
    const input = parseInstitutionInput(institutionJson);
    const existing = await getInstitution(ctx, input.id);
    if (existing) {
      const same =
        existing.mspId === who.mspId &&
        existing.name === input.name &&
        existing.kind === input.kind &&
        canonicalize(existing.bics) === canonicalize(input.bics) &&
        canonicalize(existing.memberships) === canonicalize(input.memberships) &&
        canonicalize(existing.stixIdentities ?? []) === canonicalize(input.stixIdentities);
      if (!same)
        throw new ChaincodeError(
          'INSTITUTION_CONFLICT',
          `institution ${input.id} is already registered with other details (change them with UpdateInstitution)`,
        );
      return JSON.stringify(existing);
    }
    refuseOtherSide(who.mspId, input);
    // a BIC or membership is matched against payment agents: it must name one institution only
    await refuseHeldDetails(ctx, input.id, input);
    const now = txTime(ctx);
    const record: Institution = {
      ...input,
      mspId: who.mspId,
      status: 'active',
      registeredAt: now,
      updatedAt: now,
      txId: ctx.stub.getTxID(),
    };
    await putRecord(ctx, institutionKey(record.id), record);
    await putIndex(ctx, institutionByOrgKey(record.mspId, record.id), institutionKey(record.id));
    for (const d of detailKeys(record)) await putIndex(ctx, d.key, institutionKey(record.id));
    ctx.stub.setEvent('InstitutionRegistered', Buffer.from(JSON.stringify({ id: record.id, mspId: record.mspId })));
    return JSON.stringify(record);
  }

  /**
   * Changes an institution's name, BICs or clearing memberships (its operator's admins); each list
   * given replaces the old one. A BIC or membership another institution holds is refused. The
   * institution's history keeps every change (GetInstitutionHistory).
   */
  @Transaction()
  @Param('changeJson', 'string', '{"name"?,"bics"?,"memberships"?:[{"system","memberId"}],"stixIdentities"?}')
  @Returns('string')
  async UpdateInstitution(ctx: Context, id: string, changeJson: string): Promise<string> {
    const existing = await getInstitution(ctx, id);
    if (!existing) throw new ChaincodeError('INSTITUTION_NOT_FOUND', `no institution ${id}`);
    requireAdminOf(ctx, existing.mspId);
    const change = institutionChangeArgument(parseJson(changeJson, 'INVALID_ARGUMENT', 'change'));
    if (change.name !== undefined) checkName(change.name);
    const next = details(
      change.bics ?? existing.bics,
      change.memberships ?? existing.memberships,
      change.stixIdentities ?? existing.stixIdentities ?? [],
    );
    const name = change.name ?? existing.name;
    const unchanged = canonicalize({
      bics: existing.bics,
      memberships: existing.memberships,
      stixIdentities: existing.stixIdentities ?? [],
    });
    if (name === existing.name && canonicalize(next) === unchanged) return JSON.stringify(existing);
    refuseOtherSide(existing.mspId, next);
    await refuseHeldDetails(ctx, id, next);
    const before = new Set(detailKeys(existing).map((d) => d.key));
    const after = new Set(detailKeys(next).map((d) => d.key));
    for (const k of before) if (!after.has(k)) await ctx.stub.deleteState(k);
    for (const k of after) if (!before.has(k)) await putIndex(ctx, k, institutionKey(id));
    const record: Institution = { ...existing, name, ...next, updatedAt: txTime(ctx), txId: ctx.stub.getTxID() };
    await putRecord(ctx, institutionKey(id), record);
    ctx.stub.setEvent('InstitutionChanged', Buffer.from(JSON.stringify({ id, mspId: record.mspId })));
    return JSON.stringify(record);
  }

  /** Every state an institution's record had (registration, changes, suspensions), oldest first. */
  @Transaction(false)
  @Returns('string')
  async GetInstitutionHistory(ctx: Context, id: string): Promise<string> {
    if (!isInstitutionId(id)) throw new ChaincodeError('INVALID_ARGUMENT', 'id is malformed');
    const history = await keyHistory<Institution>(ctx, institutionKey(id));
    if (history.length === 0) throw new ChaincodeError('INSTITUTION_NOT_FOUND', `no institution ${id}`);
    return JSON.stringify(history);
  }

  @Transaction()
  @Returns('string')
  async SetInstitutionStatus(ctx: Context, id: string, status: string): Promise<string> {
    if (status !== 'active' && status !== 'suspended') throw new ChaincodeError('INVALID_ARGUMENT', 'status must be active or suspended');
    const existing = await getInstitution(ctx, id);
    if (!existing) throw new ChaincodeError('INSTITUTION_NOT_FOUND', `no institution ${id}`);
    requireAdminOf(ctx, existing.mspId);
    if (existing.status === status) return JSON.stringify(existing);
    const record: Institution = { ...existing, status, updatedAt: txTime(ctx), txId: ctx.stub.getTxID() };
    await putRecord(ctx, institutionKey(id), record);
    return JSON.stringify(record);
  }

  @Transaction(false)
  @Returns('string')
  async GetInstitution(ctx: Context, id: string): Promise<string> {
    const record = await getInstitution(ctx, id);
    if (!record) throw new ChaincodeError('INSTITUTION_NOT_FOUND', `no institution ${id}`);
    return JSON.stringify(record);
  }

  /** Institutions of one org, one page at a time. */
  @Transaction(false)
  @Returns('string')
  async ListInstitutions(ctx: Context, mspId: string, size: string, bookmark: string): Promise<string> {
    if (!isMspId(mspId)) throw new ChaincodeError('INVALID_ARGUMENT', 'mspId is malformed');
    const page: Page<Institution> = await rangePage(ctx, prefixRange('institution-by-org', mspId), pageSize(size), bookmark, (_k, target) =>
      getRecord<Institution>(ctx, new TextDecoder().decode(target)),
    );
    return JSON.stringify(page);
  }

  /**
   * Registers a certificate (PEM) as a signing key of an institution of the caller's org (admin). The
   * certificate must name that institution in its `xborder.institution` attribute, be signed by the CA
   * key that signed the admin's own certificate, and be valid now. Registering it again is a no-op.
   */
  @Transaction()
  @Returns('string')
  async RegisterKey(ctx: Context, institutionId: string, certificatePem: string): Promise<string> {
    const institution = await getInstitution(ctx, institutionId);
    if (!institution) throw new ChaincodeError('INSTITUTION_NOT_FOUND', `no institution ${institutionId}`);
    const who = requireAdminOf(ctx, institution.mspId);
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(certificatePem);
    } catch {
      throw new ChaincodeError('KEY_INVALID', 'not a PEM X.509 certificate');
    }
    const admin = new X509Certificate(new TextDecoder().decode(ctx.clientIdentity.getIDBytes()));
    if (cert.issuer !== admin.issuer)
      throw new ChaincodeError('KEY_INVALID', `certificate issued by "${cert.issuer}", not by the ${institution.mspId} CA`);
    // a CA of the same name is not enough: the signature must be the key's that signed the admin's own
    if (!signedBySameIssuer(cert, admin))
      throw new ChaincodeError('KEY_INVALID', `certificate not signed by the ${institution.mspId} CA that issued your certificate`);
    const named = certificateInstitution(cert);
    if (named !== institutionId)
      throw new ChaincodeError('KEY_INVALID', `certificate names institution ${named ?? '(none)'}, not ${institutionId}`);
    const notBefore = new Date(cert.validFrom).toISOString();
    const notAfter = new Date(cert.validTo).toISOString();
    const now = txTime(ctx);
    if (now > notAfter) throw new ChaincodeError('KEY_INVALID', `certificate expired at ${notAfter}`);
    const fingerprint = certificateFingerprint(certificatePem);
    const existing = await getRecord<SigningKey>(ctx, signingKeyKey(fingerprint));
    if (existing) {
      if (existing.institution !== institutionId)
        throw new ChaincodeError('KEY_INVALID', `certificate already registered to ${existing.institution}`);
      return JSON.stringify(existing);
    }
    const record: SigningKey = {
      fingerprint,
      institution: institutionId,
      mspId: institution.mspId,
      subject: cert.subject,
      notBefore,
      notAfter,
      registeredAt: now,
      registeredBy: who.institution ?? who.mspId,
      revokedAt: null,
      revokeReason: null,
      txId: ctx.stub.getTxID(),
      certificate: cert.toString(),
    };
    await putRecord(ctx, signingKeyKey(fingerprint), record);
    await putIndex(ctx, keyByInstitutionKey(institutionId, fingerprint), signingKeyKey(fingerprint));
    ctx.stub.setEvent('KeyRegistered', Buffer.from(JSON.stringify({ fingerprint, institution: institutionId })));
    return JSON.stringify(record);
  }

  /** Revokes a signing key (admin of its org); terminal. Earlier records signed with it stay valid. */
  @Transaction()
  @Returns('string')
  async RevokeKey(ctx: Context, fingerprint: string, reason: string, effectiveFrom: string): Promise<string> {
    if (!isSha256Hex(fingerprint)) throw new ChaincodeError('INVALID_ARGUMENT', 'fingerprint must be 64 lowercase hex digits');
    if (reason.trim().length === 0 || reason.length > 500) throw new ChaincodeError('INVALID_ARGUMENT', 'reason must be 1-500 characters');
    const now = txTime(ctx);
    // from now, or from a later time (a rotation: the new key takes over then); never back-dated, so a
    // record signed and accepted before cannot be made to look signed by a revoked key
    let from = now;
    if (effectiveFrom !== '') {
      const t = Date.parse(effectiveFrom);
      if (Number.isNaN(t) || !/Z$/.test(effectiveFrom))
        throw new ChaincodeError('INVALID_ARGUMENT', 'effectiveFrom must be an ISO 8601 UTC time');
      from = new Date(t).toISOString();
      if (from < now)
        throw new ChaincodeError(
          'INVALID_ARGUMENT',
          `effectiveFrom ${from} is before the transaction time ${now}: revocations are never back-dated`,
        );
    }
    const existing = await getRecord<SigningKey>(ctx, signingKeyKey(fingerprint));
    if (!existing) throw new ChaincodeError('NOT_FOUND', `no key ${fingerprint}`);
    requireAdminOf(ctx, existing.mspId);
    // an earlier revocation stands; a scheduled one may be brought forward, never pushed back
    if (existing.revokedAt !== null && existing.revokedAt <= from) return JSON.stringify(existing);
    const record: SigningKey = { ...existing, revokedAt: from, revokeReason: reason, txId: ctx.stub.getTxID() };
    await putRecord(ctx, signingKeyKey(fingerprint), record);
    ctx.stub.setEvent('KeyRevoked', Buffer.from(JSON.stringify({ fingerprint, institution: existing.institution, from })));
    return JSON.stringify(record);
  }

  @Transaction(false)
  @Returns('string')
  async GetKey(ctx: Context, fingerprint: string): Promise<string> {
    if (!isSha256Hex(fingerprint)) throw new ChaincodeError('INVALID_ARGUMENT', 'fingerprint must be 64 lowercase hex digits');
    const record = await getRecord<SigningKey>(ctx, signingKeyKey(fingerprint));
    if (!record) throw new ChaincodeError('NOT_FOUND', `no key ${fingerprint}`);
    return JSON.stringify(record);
  }

  /** Every key ever registered to an institution (bounded by what its admin registered). */
  @Transaction(false)
  @Returns('string')
  async ListKeys(ctx: Context, institutionId: string): Promise<string> {
    if (!isInstitutionId(institutionId)) throw new ChaincodeError('INVALID_ARGUMENT', 'institution id is malformed');
    const entries = await rangeAll(ctx, prefixRange('key-by-institution', institutionId));
    const keys: SigningKey[] = [];
    for (const e of entries) {
      const record = await getRecord<SigningKey>(ctx, new TextDecoder().decode(e.value));
      if (record) keys.push(record);
    }
    return JSON.stringify(keys);
  }

  /** Every committed state of a key record, oldest first, with transaction ids and times. */
  @Transaction(false)
  @Returns('string')
  async GetKeyHistory(ctx: Context, fingerprint: string): Promise<string> {
    if (!isSha256Hex(fingerprint)) throw new ChaincodeError('INVALID_ARGUMENT', 'fingerprint must be 64 lowercase hex digits');
    const history = await keyHistory<SigningKey>(ctx, signingKeyKey(fingerprint));
    if (history.length === 0) throw new ChaincodeError('NOT_FOUND', `no key ${fingerprint}`);
    return JSON.stringify(history);
  }

  /** An operator admin proposes new limits for a corridor; the other operator's admin must approve them. */
  @Transaction()
  @Returns('string')
  async ProposeCorridorLimits(ctx: Context, limitsJson: string): Promise<string> {
    const who = requireRole(ctx, ['admin'], true);
    const limits = parseLimits(limitsJson);
    const proposal: CorridorProposal = {
      limits,
      proposalHash: sha256Hex(canonicalize(limits)),
      proposedBy: who.institution ?? who.mspId,
      proposerMsp: who.mspId,
      proposedAt: txTime(ctx),
      txId: ctx.stub.getTxID(),
    };
    await putRecord(ctx, corridorProposalKey(limits.corridor), proposal);
    return JSON.stringify(proposal);
  }

  /**
   * The other operator's admin approves the pending proposal, naming its hash so that exactly what was
   * reviewed comes into force.
   */
  @Transaction()
  @Returns('string')
  async ApproveCorridorLimits(ctx: Context, corridor: string, proposalHash: string): Promise<string> {
    const who = requireRole(ctx, ['admin'], true);
    const c = parseCorridor(corridor);
    const proposal = await getRecord<CorridorProposal>(ctx, corridorProposalKey(c));
    if (!proposal) throw new ChaincodeError('CORRIDOR_INVALID', `no pending proposal for ${c}`);
    if (proposal.proposalHash !== proposalHash)
      throw new ChaincodeError('CORRIDOR_INVALID', 'the proposal hash does not match the pending proposal');
    if (proposal.proposerMsp === who.mspId)
      throw new ChaincodeError('ACCESS_DENIED', `the proposal must be approved by the other operator, not ${who.mspId}`);
    const settings: CorridorSettings = {
      ...proposal.limits,
      proposedBy: `${proposal.proposerMsp}/${proposal.proposedBy}`,
      approvedBy: `${who.mspId}/${who.institution ?? ''}`,
      approvedAt: txTime(ctx),
      txId: ctx.stub.getTxID(),
    };
    await putRecord(ctx, corridorKey(c), settings);
    await ctx.stub.deleteState(corridorProposalKey(c));
    ctx.stub.setEvent('CorridorLimitsChanged', Buffer.from(canonicalize({ corridor: c, proposalHash })));
    return JSON.stringify(settings);
  }

  /** The limits in force for a corridor, and any pending proposal. */
  @Transaction(false)
  @Returns('string')
  async GetCorridorLimits(ctx: Context, corridor: string): Promise<string> {
    const c = parseCorridor(corridor);
    const pending = await getRecord<CorridorProposal>(ctx, corridorProposalKey(c));
    return JSON.stringify({ limits: await corridorLimits(ctx, c), pending: pending ?? null });
  }

  /** Which institution and key the caller would submit as (a dry run of the submit check). */
  @Transaction(false)
  @Returns('string')
  async WhoCanISubmitAs(ctx: Context): Promise<string> {
    const who = caller(ctx);
    const checked = await requireRegisteredSigner(ctx);
    return JSON.stringify({ mspId: who.mspId, institution: checked.institution.id, fingerprint: checked.key.fingerprint });
  }
}

/** Compiles only while RegistryContract implements exactly the `registry` transactions of protocol/src/transactions.ts. */
export type RegistryContractMatchesProtocol = Assert<Implements<RegistryContract, typeof TRANSACTIONS.registry>>;
