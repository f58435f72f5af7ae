import * as fs from 'node:fs';
import * as path from 'node:path';

import { INSTITUTION_ID_PATTERN, INSTITUTION_KINDS } from '@xborder/protocol';
import { connect, listIdentities, loadProfile, retrying, toXborderError, validator, XborderError } from '@xborder/sdk';
import type { RetryPolicy } from '@xborder/sdk';
import type { JSONSchemaType } from 'ajv';
import type { InstitutionKind } from '@xborder/sdk';

/** An institution to register, with the local identity whose certificate becomes its signing key. */
export interface SeedInstitution {
  readonly id: string;
  readonly name: string;
  readonly kind: InstitutionKind;
  readonly bics?: readonly string[];
  readonly memberships?: readonly { readonly system: string; readonly memberId: string }[];
  /** STIX identity ids that stand for it in STIX content (`created_by_ref`). */
  readonly stixIdentities?: readonly string[];
  /** Local identity of the org admin that registers it (`hk-admin`). */
  readonly admin: string;
  /** Local identities whose certificates are registered as its signing keys. */
  readonly signers: readonly string[];
}

const seedFile = validator<SeedInstitution[]>(
  {
    type: 'array',
    items: {
      type: 'object',
      required: ['id', 'name', 'kind', 'admin', 'signers'],
      additionalProperties: false,
      properties: {
        id: { type: 'string', pattern: INSTITUTION_ID_PATTERN },
        name: { type: 'string', minLength: 1 },
        kind: { type: 'string', enum: [...INSTITUTION_KINDS] },
        bics: { type: 'array', items: { type: 'string' }, nullable: true },
        memberships: {
          type: 'array',
          nullable: true,
          items: {
            type: 'object',
            required: ['system', 'memberId'],
            additionalProperties: false,
            properties: { system: { type: 'string' }, memberId: { type: 'string' } },
          },
        },
        stixIdentities: { type: 'array', items: { type: 'string' }, nullable: true },
        admin: { type: 'string', minLength: 1 },
        signers: { type: 'array', items: { type: 'string', minLength: 1 } },
      },
    },
  } as unknown as JSONSchemaType<SeedInstitution[]>,
  'CONFIG',
);

function parseSeedFile(file: string): SeedInstitution[] {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new XborderError('CONFIG', `${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
  return seedFile(raw, file);
}

/** How long a write that depends on one just committed waits for the other operator's peer to have it. */
const JUST_COMMITTED: RetryPolicy = { attempts: 10, baseMs: 200, maxMs: 2000, deadlineMs: 20_000 };

/**
 * Registers institutions and their signing certificates through each org's admin identity. Safe to
 * run again (registrations of identical details are no-ops on the ledger). Returns what it did.
 * With `onlyLocal`, institutions whose admin is not in this home are left to their own operator (an
 * operator's host holds only its own admin).
 */
export async function seedRegistry(
  seedFile: string,
  home: string,
  options: { onlyLocal?: boolean } = {},
): Promise<{ institution: string; fingerprints: string[] }[]> {
  const known = new Set(listIdentities(home));
  const seeds = parseSeedFile(seedFile).filter((s) => options.onlyLocal !== true || known.has(s.admin));
  const done: { institution: string; fingerprints: string[] }[] = [];
  for (const seed of seeds) {
    if (!known.has(seed.admin)) throw new XborderError('CONFIG', `${path.basename(seedFile)}: no local identity ${seed.admin}`);
    const admin = connect({ identity: seed.admin, home });
    try {
      const details = {
        ...(seed.bics !== undefined ? { bics: seed.bics } : {}),
        ...(seed.memberships !== undefined ? { memberships: seed.memberships } : {}),
        ...(seed.stixIdentities !== undefined ? { stixIdentities: seed.stixIdentities } : {}),
      };
      try {
        await admin.registry.registerInstitution({ id: seed.id, name: seed.name, kind: seed.kind, ...details });
      } catch (err) {
        // registered before with other details (a registry written by an earlier release lacks the
        // STIX identities): the file's details are brought in by a change, kept in its history
        if (
          !(err instanceof XborderError) ||
          err.code !== 'INSTITUTION_CONFLICT' ||
          !err.message.includes('already registered with other details')
        )
          throw err;
        await admin.registry.updateInstitution(seed.id, { name: seed.name, ...details });
      }
      const fingerprints: string[] = [];
      for (const signer of seed.signers) {
        // the institution was registered a moment ago: the other operator's peer, which endorses too,
        // may not have committed it yet (its NOT_FOUND can mean nothing else here)
        const certificate = loadProfile(signer, home).certificate;
        const key = await retrying(
          `register ${signer}'s key`,
          () => admin.registry.registerKey(seed.id, certificate),
          (err) => toXborderError(err).code === 'INSTITUTION_NOT_FOUND',
          JUST_COMMITTED,
        );
        fingerprints.push(key.fingerprint);
      }
      done.push({ institution: seed.id, fingerprints });
    } finally {
      admin.close();
    }
  }
  return done;
}
