import type { Command } from 'commander';

import { ingestStix, XborderError } from '@xborder/sdk';
import { readAllStdin, readStixInputs } from './inputs';
import { outputFor, withClient } from './context';
import { positiveInt } from './numbers';
import { table } from './output';
import { registerSearch, withIndex } from './ledger-index';
import { DEFAULT_PAGE_SIZE, MAX_BATCH, MAX_PAGE_SIZE, SCO_TYPES } from '@xborder/protocol';

export function registerIntel(program: Command): void {
  const intel = program.command('intel').description('threat intelligence: hashed, signed STIX 2.1 records');
  registerSearch(intel);

  intel
    .command('submit')
    .description('submit STIX 2.1 bundles or objects (files, folders of .json, - for stdin)')
    .argument('<inputs...>', 'bundle files, folders or -')
    .option('--batch-size <n>', 'objects per transaction (1-100)', '50')
    .option('--concurrency <n>', 'transactions in flight', '4')
    .option('--quiet', 'only the totals and the count per code')
    .option('--all', 'every refused or skipped object (default: the first of each code)')
    .action(async (inputs: string[], opts: { batchSize: string; concurrency: string; quiet?: boolean; all?: boolean }, cmd: Command) => {
      const out = outputFor(cmd);
      const items = await readStixInputs(inputs);
      const report = await withClient(cmd, undefined, (client) =>
        ingestStix(client.intel, items, {
          batchSize: Math.min(MAX_BATCH, positiveInt(opts.batchSize, '--batch-size')),
          concurrency: positiveInt(opts.concurrency, '--concurrency'),
          onProgress: (done, total) => {
            out.progress(done, total, 'submitting');
          },
        }),
      );
      out.result(report, (print) => {
        print(
          `${String(report.total)} objects in ${report.seconds.toFixed(1)}s: ${String(report.submitted)} submitted, ${String(report.existing)} already on the ledger, ${report.cosigned > 0 ? `${String(report.cosigned)} co-signed (recorded by another member with the same content), ` : ''}${String(report.rejected)} rejected, ${String(report.skipped)} skipped`,
        );
        if (report.submitted === 0 && report.existing > 0 && report.rejected === 0)
          print('nothing new: every object was already on the ledger');
        // what was written, by the id the ledger keeps it under (an observable's handle differs from its id)
        const written = report.outcomes.filter((o) => o.status === 'submitted');
        if (written.length > 0 && (written.length <= 20 || opts.all === true) && opts.quiet !== true) {
          print('written:');
          for (const line of table(
            written.map((o) => [
              o.stixId ?? '-',
              o.ledgerId !== undefined && o.ledgerId !== o.stixId ? `as ${o.ledgerId}` : '',
              o.transactionId ?? '',
            ]),
          ))
            print(`  ${line}`);
        } else if (written.length > 20 && opts.quiet !== true)
          print(`written: ${String(written.length)} records (each with --all or --json)`);
        if (report.byCode.length === 0) return;
        // by code first (a feed refused for one reason is one line, not one per object)
        for (const line of table(report.byCode.map((c) => [String(c.count), c.code, c.examples[0]?.reason ?? '']))) print(`  ${line}`);
        if (opts.quiet === true) return;
        const rows = report.outcomes.filter((o) => o.status === 'rejected' || o.status === 'skipped');
        const shown = opts.all === true ? rows : report.byCode.flatMap((c) => c.examples);
        print(shown.length < rows.length ? `first of each code (all ${String(rows.length)} with --all):` : 'each:');
        for (const line of table(shown.map((o) => [`${o.source}#${String(o.index)}`, o.stixId ?? '-', o.code ?? o.status, o.reason ?? ''])))
          print(`  ${line}`);
      });
      if (report.rejected > 0) process.exitCode = 1;
    });

  intel
    .command('get')
    .description('the latest version of an intel object')
    .argument('<stixId>')
    .option('--modified <timestamp>', 'a given version instead of the latest')
    .action(async (stixId: string, opts: { modified?: string }, cmd: Command) => {
      // a cyber-observable's record is kept under a handle: found by its own id in your ledger index,
      // which holds only what you may read (the lookup asks nothing of the ledger)
      const observable = SCO_TYPES.has(stixId.split('--')[0] ?? '');
      const record = observable
        ? await withIndex(cmd, undefined, async (follower) => {
            await follower.catchUp();
            const found = follower.store.versions(stixId).filter((v) => opts.modified === undefined || v.record.modified === opts.modified);
            const last = found[found.length - 1];
            if (!last) throw new XborderError('INTEL_NOT_FOUND', `no observable ${stixId} that you may read`);
            return last.record;
          })
        : await withClient(cmd, undefined, (c) =>
            opts.modified !== undefined ? c.intel.version(stixId, opts.modified) : c.intel.get(stixId),
          );
      // other members who shared the same content (a re-shared public feed)
      const cosigners =
        record.observable !== undefined
          ? []
          : await withClient(cmd, undefined, (c) => c.intel.cosignatures(record.stixId, record.modified));
      outputFor(cmd).result({ ...record, cosignatures: cosigners }, (print) => {
        for (const line of table([
          ['id', record.stixId],
          ['modified', record.modified],
          ['type', record.stixType],
          ['tlp', record.tlp],
          ['producer', `${record.producer} (${record.mspId})`],
          ['content commitment', record.contentCommitment],
          ['signer', record.signerFingerprint],
          ['revoked', record.revoked ? `yes: ${record.revokeReason ?? ''}` : 'no'],
          ['transaction', `${record.txId} at ${record.txTime}`],
          ['co-signed by', cosigners.length > 0 ? cosigners.map((c) => `${c.institution} (${c.mspId}, ${c.txTime})`).join(', ') : '-'],
        ]))
          print(line);
      });
    });

  intel
    .command('history')
    .description('every version of an intel object, oldest first')
    .argument('<stixId>')
    .action(async (stixId: string, _opts: unknown, cmd: Command) => {
      const history = await withClient(cmd, undefined, (c) => c.intel.history(stixId));
      outputFor(cmd).result(history, (print) => {
        for (const line of table(
          history.map((h) => [h.modified, h.contentCommitment.slice(0, 16), h.revoked ? 'revoked' : '', h.txId, h.txTime]),
        ))
          print(line);
      });
    });

  intel
    .command('list')
    .description('intel records by submission time, one page at a time')
    .option('--type <type>')
    .option('--tlp <level>')
    .option('--producer <institution>')
    .option('--org <msp>')
    .option('--from <time>', 'ISO 8601, inclusive')
    .option('--to <time>', 'ISO 8601, exclusive')
    .option('--page-size <n>', `records per page (max ${String(MAX_PAGE_SIZE)})`, String(DEFAULT_PAGE_SIZE))
    .option('--bookmark <bookmark>', 'from the previous page')
    .action(async (opts: Record<string, string | undefined>, cmd: Command) => {
      const filters = (['type', 'tlp', 'producer', 'org'] as const).filter((f) => opts[f] !== undefined);
      if (filters.length > 1) throw new XborderError('USAGE', 'use at most one of --type, --tlp, --producer, --org');
      const filter = filters[0] ?? 'all';
      const page = await withClient(cmd, undefined, (c) =>
        c.intel.list({
          filter,
          ...(filter !== 'all' ? { value: opts[filter] } : {}),
          ...(opts.from !== undefined ? { from: opts.from } : {}),
          ...(opts.to !== undefined ? { to: opts.to } : {}),
          pageSize: positiveInt(opts.pageSize ?? '50', '--page-size'),
          ...(opts.bookmark !== undefined ? { bookmark: opts.bookmark } : {}),
        }),
      );
      outputFor(cmd).result(page, (print) => {
        for (const line of table(page.items.map((r) => [r.txTime, r.tlp, r.stixType, r.stixId, r.producer]))) print(line);
        if (page.bookmark !== '') print(`more: --bookmark '${page.bookmark}'`);
      });
    });

  intel
    .command('content')
    .description('the STIX object of a version (HK/TH institutions; AMBER+STRICT and RED: the producing institution only)')
    .argument('<stixId>')
    .option('--modified <timestamp>', 'default: the latest version')
    .option('--opening', 'print an opening instead (object and the salt of its commitment), for an auditor to check')
    .action(async (stixId: string, opts: { modified?: string; opening?: boolean }, cmd: Command) => {
      const content = await withClient(cmd, undefined, async (c) =>
        c.intel.content(stixId, opts.modified ?? (await c.intel.get(stixId)).modified),
      );
      const shown = opts.opening === true ? content.opening : content.object;
      outputFor(cmd).result(shown, (print) => {
        print(JSON.stringify(shown, null, 2));
      });
    });

  intel
    .command('seen')
    .description('have we seen this? how many institutions recorded a cyber-observable value, when, and which')
    .argument('<type>', 'ipv4-addr, ipv6-addr, domain-name, url, email-addr, file, ...')
    .argument('<value>', 'the value; for file <algorithm>:<hex> or a bare MD5/SHA-1/SHA-256/SHA-512; - reads it from stdin')
    .action(async (type: string, value: string, _o: unknown, cmd: Command) => {
      const asked = value === '-' ? (await readAllStdin()).toString('utf8').trim() : value;
      const answer = await withClient(cmd, undefined, (c) => c.intel.seen(type, asked));
      outputFor(cmd).result(answer, (print) => {
        if (answer.count === 0) print(`not seen: no institution recorded this ${type}`);
        else
          print(
            `seen by ${String(answer.producers.length)} institution(s) in ${String(answer.count)} record(s), first ${answer.firstSeen ?? '-'}, last ${answer.lastSeen ?? '-'}: ${answer.producers.join(', ')}${answer.revoked > 0 ? ` (${String(answer.revoked)} revoked)` : ''}`,
          );
      });
    });

  intel
    .command('sight')
    .description('record that your institution saw an intel object')
    .argument('<stixId>')
    .requiredOption('--count <n>', 'how many times')
    .requiredOption('--first-seen <timestamp>')
    .requiredOption('--last-seen <timestamp>')
    .option('--false-positive', 'the sighting was a false positive')
    .option('--note-hash <sha256>', 'hash of an internal note')
    .action(
      async (
        stixId: string,
        opts: { count: string; firstSeen: string; lastSeen: string; falsePositive?: boolean; noteHash?: string },
        cmd: Command,
      ) => {
        const s = await withClient(cmd, undefined, (c) =>
          c.intel.sight({
            stixId,
            count: positiveInt(opts.count, '--count'),
            firstSeen: opts.firstSeen,
            lastSeen: opts.lastSeen,
            ...(opts.falsePositive === true ? { falsePositive: true } : {}),
            ...(opts.noteHash !== undefined ? { noteHash: opts.noteHash } : {}),
          }),
        );
        outputFor(cmd).result(s, (print) => {
          print(`sighting of ${stixId} by ${s.institution} recorded in ${s.txId}`);
        });
      },
    );

  intel
    .command('revoke')
    .description('revoke an intel object you produced (terminal)')
    .argument('<stixId>')
    .requiredOption('--reason <text>')
    .action(async (stixId: string, opts: { reason: string }, cmd: Command) => {
      const r = await withClient(cmd, undefined, (c) => c.intel.revoke(stixId, opts.reason));
      outputFor(cmd).result(r, (print) => {
        print(`${stixId} revoked in ${r.revokeTxId ?? ''}`);
      });
    });
}
