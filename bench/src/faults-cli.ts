/**
 * `npm run faults`: kills each process kind in turn under load from both operators and checks the
 * ledger afterwards (see faults.ts), on a network of its own (home `.xborder-faults`, ports +15000).
 * Exits 1 when any check fails: an acknowledged object missing or twice, content missing on a peer,
 * or the peers disagreeing.
 */
import * as path from 'node:path';
import { parseArgs } from 'node:util';

import { seedRegistry } from '@xborder/cli';
import { down, up } from '@xborder/network';
import type { NetworkOptions } from '@xborder/network';

import { FAULT_TARGETS, runFault } from './faults';
import type { FaultResult } from './faults';

const repoRoot = path.resolve(__dirname, '..', '..');

const SINGLE_NODE = FAULT_TARGETS.filter((t) => !t.startsWith('orderer-'));

const USAGE = `Usage: npm run faults -- [--fault LIST] [--profile dev|ha] [--seconds S] [--home DIR] [--port-offset N] [--down]

  --fault LIST      comma-separated processes to kill in turn (default: ${SINGLE_NODE.join(',')};
                    with --profile ha: orderer-leader,orderer-follower, the Raft leader and a follower;
                    with bft: orderer0,orderer3); stop:<process> hangs it (SIGSTOP) for 5 s instead
  --profile P       dev (one Raft orderer, default), ha (three) or bft (four BFT); ha and bft get networks
                    of their own (home -ha / -bft, ports +300 / +600)
  --resend-ms MS    clients send a transaction again after this long without a commit status (SDK default 10000)
  --seconds S       load per fault, from the kill on (default 15)
  --home DIR        network folder (default <repo>/.xborder-faults)
  --port-offset N   port offset of that network (default 15000)
  --down            stop the network at the end (default: it keeps running)
`;

function log(line: string): void {
  process.stdout.write(`[faults ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
}

function ok(r: FaultResult): boolean {
  return r.missing.length === 0 && r.duplicated.length === 0 && r.contentMissing.length === 0 && r.peersAgree;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    strict: true,
    options: {
      fault: { type: 'string' },
      seconds: { type: 'string' },
      home: { type: 'string' },
      'port-offset': { type: 'string' },
      profile: { type: 'string' },
      'resend-ms': { type: 'string' },
      down: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help === true) {
    process.stdout.write(USAGE);
    return 0;
  }
  const profile = values.profile ?? 'dev';
  if (profile !== 'dev' && profile !== 'ha' && profile !== 'bft') throw new Error(`--profile must be dev, ha or bft; got ${profile}`);
  const defaults: Record<string, string> = { dev: SINGLE_NODE.join(','), ha: 'orderer-leader,orderer-follower', bft: 'orderer0,orderer3' };
  const faults = (values.fault ?? defaults[profile] ?? '').split(',');
  for (const f of faults) {
    const name = f.replace(/^stop:/, '');
    // any process of the network by name (checked when the fault starts), or a Raft role
    if (!(FAULT_TARGETS as readonly string[]).includes(name) && !/^(peer|orderer|cc-|ca-)[a-z0-9.-]*$/.test(name))
      throw new Error(`unknown fault target ${f} (known: ${FAULT_TARGETS.join(', ')}, any process name, stop:<process>)`);
  }
  const seconds = Number(values.seconds ?? '15');
  if (!Number.isInteger(seconds) || seconds < 3) throw new Error('--seconds must be an integer of at least 3');
  const network: NetworkOptions = {
    home: path.resolve(values.home ?? path.join(repoRoot, profile === 'dev' ? '.xborder-faults' : `.xborder-faults-${profile}`)),
    portOffset: Number(values['port-offset'] ?? { dev: '15000', ha: '15300', bft: '15600' }[profile]),
    profile,
    repoRoot,
  };
  log(`network ${network.home ?? ''} (port offset ${String(network.portOffset)})`);
  await up(network, log);
  await seedRegistry(path.join(repoRoot, 'examples', 'institutions.json'), network.home ?? '');
  const results: FaultResult[] = [];
  try {
    const resendMs = values['resend-ms'] !== undefined ? Number(values['resend-ms']) : undefined;
    for (const f of faults) results.push(await runFault(network, f, seconds, log, resendMs));
  } finally {
    if (values.down === true) await down(network, log);
  }
  process.stdout.write(
    '\n| fault | acknowledged | failed after retries | back in s | longest gap s | missing | twice | content missing | peers agree |\n',
  );
  process.stdout.write('|---|---:|---:|---:|---:|---:|---:|---:|---|\n');
  for (const r of results)
    process.stdout.write(
      `| ${r.fault} | ${String(r.acknowledged)} | ${String(r.failed)} | ${String(r.restartSeconds)} | ${String(r.longestGapSeconds)} | ${String(r.missing.length)} | ${String(r.duplicated.length)} | ${String(r.contentMissing.length)} | ${r.peersAgree ? 'yes' : 'NO'} |\n`,
    );
  for (const r of results)
    if (r.failures.length > 0) process.stdout.write(`\n${r.fault}: first failures after retries: ${r.failures.join(' | ')}\n`);
  return results.every(ok) ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`faults: ${err instanceof Error ? err.message : String(err)}\n${USAGE}`);
    process.exitCode = 2;
  },
);
