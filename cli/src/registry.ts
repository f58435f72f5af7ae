import * as fs from 'node:fs';
import * as path from 'node:path';

import type { Command } from 'commander';

import { seedRegistry } from './seed';
import { INSTITUTION_KINDS } from '@xborder/protocol';
import { XborderError } from '@xborder/sdk';
import type { InstitutionKind } from '@xborder/sdk';
import { homeOf, outputFor, withClient } from './context';
import { table } from './output';

/** `--membership HKNCC/801` values as memberships. */
function parseMemberships(values: readonly string[] | undefined): { system: string; memberId: string }[] | undefined {
  return values?.map((m) => {
    const [system, memberId, ...rest] = m.split('/');
    if (!system || !memberId || rest.length > 0) throw new XborderError('USAGE', `--membership ${m}: write SYSTEM/MEMBER, e.g. HKNCC/801`);
    return { system, memberId };
  });
}

export function registerRegistry(program: Command): void {
  const registry = program.command('registry').description('member institutions, signing keys and corridor limits');

  registry
    .command('seed')
    .description('register institutions and their signing certificates from a seed file (org admins)')
    .argument('[file]', 'seed file', path.join('examples', 'institutions.json'))
    .option('--local-only', "only the institutions whose admin identity is in this home (an operator's own host)")
    .action(async (file: string, o: { localOnly?: boolean }, cmd: Command) => {
      if (!fs.existsSync(file)) throw new XborderError('BAD_INPUT', `${file}: no such file`);
      const done = await seedRegistry(file, homeOf(cmd), { onlyLocal: o.localOnly === true });
      outputFor(cmd).result(done, (print) => {
        for (const line of table(done.map((d) => [d.institution, d.fingerprints.map((f) => f.slice(0, 16)).join(', ')]))) print(line);
      });
    });

  registry
    .command('institution')
    .description('an institution by id')
    .argument('<id>')
    .action(async (id: string, _o: unknown, cmd: Command) => {
      const i = await withClient(cmd, undefined, (c) => c.registry.getInstitution(id));
      outputFor(cmd).result(i, (print) => {
        for (const line of table([
          ['id', i.id],
          ['name', i.name],
          ['org', i.mspId],
          ['kind', i.kind],
          ['BICs', i.bics.join(', ') || '-'],
          ['memberships', i.memberships.map((m) => `${m.system}/${m.memberId}`).join(', ') || '-'],
          ['STIX identities', (i.stixIdentities ?? []).join(', ') || '-'],
          ['status', i.status],
        ]))
          print(line);
      });
    });

  registry
    .command('institutions')
    .description("an org's institutions")
    .argument('<mspId>')
    .action(async (mspId: string, _o: unknown, cmd: Command) => {
      const page = await withClient(cmd, undefined, (c) => c.registry.listInstitutions(mspId, { pageSize: 200 }));
      outputFor(cmd).result(page, (print) => {
        for (const line of table(page.items.map((i) => [i.id, i.kind, i.status, i.bics.join(' ') || '-', i.name]))) print(line);
      });
    });

  registry
    .command('keys')
    .description("an institution's signing keys, with their validity and revocation")
    .argument('<institution>')
    .action(async (institution: string, _o: unknown, cmd: Command) => {
      const keys = await withClient(cmd, undefined, (c) => c.registry.listKeys(institution));
      // the timeline: oldest registration first, each key from its registration to its revocation or expiry
      const timeline = [...keys].sort((a, b) => a.registeredAt.localeCompare(b.registeredAt));
      outputFor(cmd).result(timeline, (print) => {
        for (const line of table([
          ['fingerprint', 'registered', 'valid from', 'valid until', 'revoked from', 'now'],
          ...timeline.map((k) => [
            k.fingerprint.slice(0, 16),
            k.registeredAt,
            k.notBefore,
            k.notAfter,
            k.revokedAt ?? '-',
            k.revokedAt !== null && k.revokedAt <= new Date().toISOString() ? 'revoked' : k.revokedAt !== null ? 'scheduled' : 'active',
          ]),
        ]))
          print(line);
      });
    });

  registry
    .command('register-key')
    .description('register a certificate (PEM file) as a signing key of an institution of your org (admins)')
    .argument('<institution>')
    .argument('<certificate>', 'PEM file')
    .action(async (institution: string, certFile: string, _o: unknown, cmd: Command) => {
      if (!fs.existsSync(certFile)) throw new XborderError('BAD_INPUT', `${certFile}: no such file`);
      const k = await withClient(cmd, undefined, (c) => c.registry.registerKey(institution, fs.readFileSync(certFile, 'utf8')));
      outputFor(cmd).result(k, (print) => {
        print(`registered ${k.fingerprint} for ${k.institution}`);
      });
    });

  registry
    .command('revoke-key')
    .description('revoke a signing key of your org (admins)')
    .argument('<fingerprint>')
    .requiredOption('--reason <text>')
    .option('--from <time>', 'ISO 8601 UTC time the revocation takes effect (a rotation); default now')
    .action(async (fingerprint: string, opts: { reason: string; from?: string }, cmd: Command) => {
      const k = await withClient(cmd, undefined, (c) => c.registry.revokeKey(fingerprint, opts.reason, opts.from));
      outputFor(cmd).result(k, (print) => {
        print(`revoked ${k.fingerprint} from ${k.revokedAt ?? ''}`);
      });
    });

  registry
    .command('register')
    .description('register a new member institution of your org (admins): the ledger side of onboarding')
    .argument('<id>')
    .requiredOption('--name <name>')
    .option('--kind <kind>', 'bank, payment-operator or cert', 'bank')
    .option('--bic <bic...>', 'its BICs (8 or 11 characters)')
    .option('--membership <system/memberId...>', 'its clearing memberships, e.g. HKNCC/803')
    .option('--stix-identity <identity--uuid...>', 'the STIX identities that stand for it (created_by_ref); no other member may name them')
    .action(
      async (
        id: string,
        opts: { name: string; kind: string; bic?: string[]; membership?: string[]; stixIdentity?: string[] },
        cmd: Command,
      ) => {
        if (!(INSTITUTION_KINDS as readonly string[]).includes(opts.kind))
          throw new XborderError('USAGE', `--kind must be one of ${INSTITUTION_KINDS.join(', ')}`);
        const memberships = parseMemberships(opts.membership);
        const i = await withClient(cmd, undefined, (c) =>
          c.registry.registerInstitution({
            id,
            name: opts.name,
            kind: opts.kind as InstitutionKind,
            ...(opts.bic !== undefined ? { bics: opts.bic } : {}),
            ...(memberships !== undefined ? { memberships } : {}),
            ...(opts.stixIdentity !== undefined ? { stixIdentities: opts.stixIdentity } : {}),
          }),
        );
        outputFor(cmd).result(i, (print) => {
          print(
            `${i.id} registered for ${i.mspId} (${i.status}); BICs ${i.bics.join(', ') || '-'}; memberships ${i.memberships.map((m) => `${m.system}/${m.memberId}`).join(', ') || '-'}; STIX identities ${(i.stixIdentities ?? []).join(', ') || '-'}`,
          );
        });
      },
    );

  registry
    .command('update')
    .description("change an institution's name, BICs or clearing memberships (its operator's admins); each list given replaces the old")
    .argument('<id>')
    .option('--name <name>')
    .option('--bic <bic...>', 'its BICs (8 or 11 characters)')
    .option('--membership <system/memberId...>', 'its clearing memberships, e.g. HKNCC/801')
    .option('--stix-identity <identity--uuid...>', 'the STIX identities that stand for it (created_by_ref)')
    .action(async (id: string, opts: { name?: string; bic?: string[]; membership?: string[]; stixIdentity?: string[] }, cmd: Command) => {
      const memberships = opts.membership?.map((m) => {
        const [system, memberId, ...rest] = m.split('/');
        if (!system || !memberId || rest.length > 0)
          throw new XborderError('USAGE', `--membership ${m}: write SYSTEM/MEMBER, e.g. HKNCC/801`);
        return { system, memberId };
      });
      const change = {
        ...(opts.name !== undefined ? { name: opts.name } : {}),
        ...(opts.bic !== undefined ? { bics: opts.bic } : {}),
        ...(memberships !== undefined ? { memberships } : {}),
        ...(opts.stixIdentity !== undefined ? { stixIdentities: opts.stixIdentity } : {}),
      };
      if (Object.keys(change).length === 0) throw new XborderError('USAGE', 'give --name, --bic, --membership or --stix-identity');
      const i = await withClient(cmd, undefined, (c) => c.registry.updateInstitution(id, change));
      outputFor(cmd).result(i, (print) => {
        print(
          `${i.id}: ${i.name}; BICs ${i.bics.join(', ') || '-'}; memberships ${i.memberships.map((m) => `${m.system}/${m.memberId}`).join(', ') || '-'}`,
        );
      });
    });

  for (const [name, status, what] of [
    ['suspend', 'suspended', 'suspend an institution: it can no longer submit, confirm or read content (its operator\u2019s admins)'],
    ['activate', 'active', 'reactivate a suspended institution (its operator\u2019s admins)'],
  ] as const) {
    registry
      .command(name)
      .description(what)
      .argument('<id>')
      .action(async (id: string, _o: unknown, cmd: Command) => {
        const i = await withClient(cmd, undefined, (c) => c.registry.setInstitutionStatus(id, status));
        outputFor(cmd).result(i, (print) => {
          print(`${i.id} is ${i.status} (since ${i.updatedAt})`);
        });
      });
  }

  registry
    .command('history')
    .description("every state of an institution's record: registration, changes, suspensions")
    .argument('<id>')
    .action(async (id: string, _o: unknown, cmd: Command) => {
      const history = await withClient(cmd, undefined, (c) => c.registry.institutionHistory(id));
      outputFor(cmd).result(history, (print) => {
        for (const line of table(
          history.map((h) => [
            h.timestamp,
            h.record?.status ?? 'deleted',
            h.record?.name ?? '',
            h.record?.bics.join(' ') ?? '',
            h.record?.memberships.map((m) => `${m.system}/${m.memberId}`).join(' ') ?? '',
          ]),
        ))
          print(line);
      });
    });
}
