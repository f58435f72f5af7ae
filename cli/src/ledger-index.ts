/**
 * `xborder index`: the identity's ledger index (SQLite, one file per identity in the network home),
 * which the TAXII server lists from and `xborder intel search` asks: bring it level with the chain,
 * show how far it is, check it against the ledger, rebuild it from genesis.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import type { Command } from 'commander';

import { checkIndex, IndexFollower, IndexStoreError } from '@xborder/ledger-index';
import type { SearchQuery } from '@xborder/ledger-index';
import type { XborderClient } from '@xborder/sdk';
import { XborderError } from '@xborder/sdk';

import { globals, homeOf, outputFor, withClient } from './context';
import { positiveInt } from './numbers';
import { table } from './output';

/** The index file of `identity` in the network home. */
export function defaultIndexFile(cmd: Command, identity: string): string {
  return path.join(homeOf(cmd), 'index', `${identity}.sqlite`);
}

function fileOf(cmd: Command, client: XborderClient, given: string | undefined): string {
  return given ?? defaultIndexFile(cmd, globals(cmd).as ?? process.env.XB_IDENTITY ?? client.profile.name);
}

/** Opens an index file; one of another reader or chain, or of a newer release, is a CONFIG error. */
async function openIndex(client: XborderClient, file: string, onBlock?: (n: number, versions: number) => void): Promise<IndexFollower> {
  try {
    return await IndexFollower.open(client, file, onBlock ? { onBlock } : {});
  } catch (err) {
    if (err instanceof IndexStoreError) throw new XborderError('CONFIG', err.message);
    throw err;
  }
}

/** Opens the identity's index, runs `fn` on it, always closes it. */
export async function withIndex<T>(
  cmd: Command,
  file: string | undefined,
  fn: (follower: IndexFollower, client: XborderClient) => Promise<T>,
  verbose = false,
): Promise<T> {
  return withClient(cmd, undefined, async (client) => {
    const follower = await openIndex(
      client,
      fileOf(cmd, client, file),
      verbose
        ? (n, versions) => {
            process.stderr.write(`[index] block ${String(n)}: ${String(versions)} version(s)\n`);
          }
        : undefined,
    );
    try {
      return await fn(follower, client);
    } finally {
      await follower.close();
    }
  });
}

/** Brings the index level with the chain, with progress on a terminal. */
async function update(cmd: Command, follower: IndexFollower): Promise<{ blocks: number; seconds: number }> {
  const out = outputFor(cmd);
  const from = follower.status.nextBlock;
  const started = process.hrtime.bigint();
  await follower.catchUp();
  const { nextBlock } = follower.status;
  out.info(`[index] blocks ${String(from)}-${String(nextBlock - 1)} indexed`);
  return { blocks: nextBlock - from, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

const list = (value: string | undefined): string[] | undefined =>
  value === undefined
    ? undefined
    : value
        .split(',')
        .map((v) => v.trim())
        .filter((v) => v !== '');

function isoTime(value: string | undefined, name: string): string | undefined {
  if (value === undefined) return undefined;
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw new XborderError('BAD_INPUT', `${name}: not a date or time: ${value}`);
  return new Date(t).toISOString();
}

export function registerIndex(program: Command): void {
  const index = program
    .command('index')
    .description('your ledger index (SQLite): what TAXII lists and intel search asks; a cache of the ledger, never the authority');

  index
    .command('update')
    .description('index every block committed since the last update (from genesis the first time)')
    .option('--file <file>', 'index file (default <home>/index/<identity>.sqlite)')
    .option('--verbose', 'a line per block on stderr')
    .action(async (o: { file?: string; verbose?: boolean }, cmd: Command) => {
      await withIndex(
        cmd,
        o.file,
        async (follower) => {
          const done = await update(cmd, follower);
          const s = follower.status;
          outputFor(cmd).result({ ...s, ...done }, (print) => {
            print(
              `index at block ${String(s.nextBlock)} of ${String(s.ledgerHeight)}: ${String(s.versions)} versions (${String(done.blocks)} blocks in ${done.seconds.toFixed(1)} s)`,
            );
          });
        },
        o.verbose === true,
      );
    });

  index
    .command('status')
    .description('how far the index is behind the chain')
    .option('--file <file>', 'index file (default <home>/index/<identity>.sqlite)')
    .action(async (o: { file?: string }, cmd: Command) => {
      await withIndex(cmd, o.file, async (follower, client) => {
        const height = await client.audit.height();
        const s = { ...follower.status, ledgerHeight: height, behind: height - follower.status.nextBlock };
        outputFor(cmd).result(s, (print) => {
          print(
            `index at block ${String(s.nextBlock)}, the chain at ${String(height)}: ${String(s.behind)} behind; ${String(s.versions)} versions`,
          );
        });
      });
    });

  index
    .command('check')
    .description('compare the index with the ledger (every version, record and readable object); exit 1 on any difference')
    .option('--file <file>', 'index file (default <home>/index/<identity>.sqlite)')
    .action(async (o: { file?: string }, cmd: Command) => {
      await withIndex(cmd, o.file, async (follower, client) => {
        const report = await checkIndex(client, follower);
        outputFor(cmd).result(report, (print) => {
          print(
            `compared at block ${String(report.height)}: ${String(report.ledgerVersions)} versions on the ledger, ${String(report.indexVersions)} in the index, ${String(report.differences.length)} difference(s)`,
          );
          for (const d of report.differences.slice(0, 50)) print(`  ${d.stixId}: ${d.problem}`);
        });
        if (report.differences.length > 0) process.exitCode = 1;
      });
    });

  index
    .command('rebuild')
    .description('throw the index away and index the chain again from genesis')
    .option('--file <file>', 'index file (default <home>/index/<identity>.sqlite)')
    .action(async (o: { file?: string }, cmd: Command) => {
      await withClient(cmd, undefined, async (client) => {
        const file = fileOf(cmd, client, o.file);
        for (const suffix of ['', '-wal', '-shm']) fs.rmSync(`${file}${suffix}`, { force: true });
        const follower = await openIndex(client, file);
        try {
          const done = await update(cmd, follower);
          const s = follower.status;
          outputFor(cmd).result({ ...s, ...done, file }, (print) => {
            print(`rebuilt ${file}: ${String(s.versions)} versions from ${String(done.blocks)} blocks in ${done.seconds.toFixed(1)} s`);
          });
        } finally {
          await follower.close();
        }
      });
    });
}

interface SearchOptions {
  type?: string;
  tlp?: string;
  producer?: string;
  since?: string;
  until?: string;
  text?: string;
  pattern?: string;
  externalId?: string;
  allVersions?: boolean;
  limit: string;
  after?: string;
  file?: string;
}

/** `xborder intel search`: the index brought level first, then asked. */
export function registerSearch(intel: Command): void {
  intel
    .command('search')
    .description(
      'search what you may read (from your ledger index, updated first): type, TLP, producer, time, text, pattern values, external ids',
    )
    .option('--type <types>', 'STIX types, comma-separated (indicator,attack-pattern,...)')
    .option('--tlp <levels>', 'TLP levels, comma-separated (CLEAR,GREEN,AMBER,AMBER+STRICT,RED)')
    .option('--producer <institutions>', 'producing institutions, comma-separated')
    .option('--since <time>', 'shared at or after (ISO date or time)')
    .option('--until <time>', 'shared before (ISO date or time)')
    .option('--text <text>', 'in the name, description or labels (case-insensitive)')
    .option('--pattern <value>', "in an indicator's pattern (a domain, address, hash...)")
    .option('--external-id <id>', 'an external reference id, e.g. an ATT&CK technique T1566')
    .option('--all-versions', 'every version, not only the latest of each object')
    .option('--limit <n>', 'results per page (1-1000)', '50')
    .option('--after <position>', "continue after a page's next position")
    .option('--file <file>', 'index file (default <home>/index/<identity>.sqlite)')
    .action(async (o: SearchOptions, cmd: Command) => {
      const query: SearchQuery = {
        ...(list(o.type) ? { types: list(o.type) } : {}),
        ...(list(o.tlp) ? { tlp: list(o.tlp) } : {}),
        ...(list(o.producer) ? { producers: list(o.producer) } : {}),
        ...(o.since !== undefined ? { since: isoTime(o.since, '--since') } : {}),
        ...(o.until !== undefined ? { until: isoTime(o.until, '--until') } : {}),
        ...(o.text !== undefined ? { text: o.text } : {}),
        ...(o.pattern !== undefined ? { pattern: o.pattern } : {}),
        ...(o.externalId !== undefined ? { externalId: o.externalId } : {}),
        ...(o.allVersions === true ? { allVersions: true } : {}),
        limit: Math.min(positiveInt(o.limit, '--limit'), 1000),
        ...(o.after !== undefined ? { after: positiveInt(o.after, '--after') } : {}),
      };
      await withIndex(cmd, o.file, async (follower) => {
        await follower.catchUp();
        const page = follower.store.search(query);
        const result = {
          total: page.total,
          next: page.next,
          items: page.items.map((v) => ({
            stixId: v.record.stixId,
            modified: v.record.modified,
            type: v.record.stixType,
            tlp: v.record.tlp,
            producer: v.record.producer,
            name: typeof v.object?.name === 'string' ? v.object.name : null,
            block: v.block,
            txId: v.txId,
            object: v.object,
          })),
        };
        outputFor(cmd).result(result, (print) => {
          for (const line of table([
            ['MODIFIED', 'TLP', 'PRODUCER', 'ID', 'NAME'],
            ...result.items.map((i) => [i.modified, i.tlp, i.producer, i.stixId, i.name ?? '']),
          ]))
            print(line);
          print(
            `${String(result.items.length)} of ${String(result.total)} match(es)${result.next !== null ? `; more: --after ${String(result.next)}` : ''}`,
          );
          print('each row names its block and transaction (--json): prove one with xborder audit proof intel:<id>');
        });
      });
    });
}
