/**
 * `npm run faults`: injects each fault in turn under load from both operators' clients and checks
 * the ledger afterwards (see faults.ts), on a network of its own. Exits 1 when any check fails: an
 * acknowledged write missing or twice, content missing on a peer, a skewed client's write on the
 * ledger, or the peers disagreeing.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';

import { seedRegistry } from '@xborder/cli';
import { down, up } from '@xborder/network';
import type { NetworkOptions } from '@xborder/network';

import { LINK_FAULTS, faultPassed, localNetwork, runFault, undoFaults } from './faults';
import type { FaultResult, FaultedNetwork } from './faults';
import { exitAfterOutput } from './exit';
import { SitesNetwork } from './sites-network';

const repoRoot = path.resolve(__dirname, '..', '..');

const PROFILES = ['dev', 'ha', 'bft', 'sites'] as const;
type FaultProfile = (typeof PROFILES)[number];

/** What each profile injects by default. */
const DEFAULT_FAULTS: Record<FaultProfile, readonly string[]> = {
  dev: [
    'none',
    'peer0.hk',
    'peer0.th',
    'cc-xborder-hk',
    'cc-xborder-th',
    'orderer0',
    'ca-hk',
    'stop:peer0.th',
    'stop:orderer0',
    'disk-full:peer0.th',
    'clock-skew',
  ],
  ha: ['orderer-leader', 'orderer-follower'],
  bft: ['orderer0', 'orderer3'],
  sites: ['none', ...Object.keys(LINK_FAULTS), 'link-partition', 'orderer0.th', 'peer0.th'],
};

const USAGE = `Usage: npm run faults -- [--profile dev|ha|bft|sites] [--fault LIST] [--seconds S] [--json FILE] [--down]

  --profile P       dev (one Raft orderer, default), ha (three), bft (four BFT): a network on this machine
                    (home .xborder-faults[-ha|-bft], ports +15000/+15300/+15600); sites: the two operators
                    and the auditors on hosts of their own (network namespaces, needs root), the HK-TH link
                    through a toxiproxy (API port 15474)
  --fault LIST      comma-separated faults, in turn (defaults per profile below):
                      <process>           SIGKILL, then the operator's up (peer0.th, orderer0, cc-xborder-hk, ca-hk, ...)
                      orderer-leader, orderer-follower   the Raft leader or a follower (ha)
                      stop:<process>      SIGSTOP for 5 s, then SIGCONT (a hung process)
                      disk-full:<peer>    the peer's data on a small disk, filled for 5 s, freed, peer restarted
                      clock-skew          one more HK client with its clock 600 s ahead
                      link-latency, link-slow, link-bandwidth, link-partition   (sites) the HK-TH link
                      none                the load alone (the reference row)
${PROFILES.map((p) => `                    ${p}: ${DEFAULT_FAULTS[p].join(',')}`).join('\n')}
  --seconds S       load per fault from its start (default 15)
  --loops N         concurrent loops per operator's client (default 2)
  --resend-ms MS    clients send a transaction again after this long without a commit status (SDK default 10000)
  --json FILE       also write the results as JSON
  --keep-logs DIR   (sites) copy every site's process logs there before the network is removed
  --home DIR, --port-offset N   the network of dev/ha/bft
  --down            stop the dev/ha/bft network at the end (sites is always removed)
`;

function log(line: string): void {
  process.stdout.write(`[faults ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
}

function cell(n: number | null): string {
  return n === null ? '-' : String(n);
}

/** The results as the Markdown table RELIABILITY.md shows. */
export function renderResults(results: readonly FaultResult[]): string {
  const lines = [
    '| network | fault | writes acked | reads | retried | failed after retries | outage s | recovery s | fault s | writes/s | p50 / p99 ms | missing | twice | content missing | peers agree |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|',
    ...results.map(
      (r) =>
        `| ${r.network} | ${r.fault} | ${String(r.acknowledged)} | ${String(r.reads)} | ${String(total(r.retried))} | ${String(r.failed)} | ${String(r.outageSeconds)} | ${cell(r.recoverySeconds)} | ${String(r.faultSeconds)} | ${String(r.writesPerSecond)} | ${String(r.p50Ms)} / ${String(r.p99Ms)} | ${String(r.missing.length)} | ${String(r.duplicated.length)} | ${String(r.contentMissing.length)} | ${r.peersAgree ? 'yes' : 'NO'} |`,
    ),
  ];
  const retried = results
    .filter((r) => total(r.retried) > 0)
    .map(
      (r) =>
        `- ${r.fault}: ${Object.entries(r.retried)
          .sort(([, a], [, b]) => b - a)
          .map(([code, n]) => `${code} x${String(n)}`)
          .join(', ')}`,
    );
  const errors = results
    .filter((r) => Object.keys(r.errors).length > 0)
    .map(
      (r) =>
        `- ${r.fault}: ${Object.entries(r.errors)
          .map(([code, n]) => `${code} x${String(n)}`)
          .join(', ')}; first: ${r.firstFailures.map((f) => `\`${f.slice(0, 160)}\``).join(' ')}`,
    );
  return `${lines.join('\n')}\n${
    retried.length > 0 ? `\nFailures the SDK retried (what clients would see without retries):\n\n${retried.join('\n')}\n` : ''
  }${errors.length > 0 ? `\nErrors clients saw (after the SDK's retries):\n\n${errors.join('\n')}\n` : ''}`;
}

function total(counts: Readonly<Record<string, number>>): number {
  return Object.values(counts).reduce((a, b) => a + b, 0);
}

function checkFaults(profile: FaultProfile, faults: readonly string[]): void {
  for (const f of faults) {
    const name = f.replace(/^(stop|disk-full):/, '');
    const known =
      ['none', 'clock-skew', 'orderer-leader', 'orderer-follower', 'link-partition', ...Object.keys(LINK_FAULTS)].includes(f) ||
      /^(peer|orderer|cc-|ca-)[a-z0-9.-]*$/.test(name);
    if (!known) throw new Error(`unknown fault ${f}`);
    if ((f.startsWith('link-') || f === 'link-partition') && profile !== 'sites') throw new Error(`${f} needs --profile sites`);
    if (f.startsWith('disk-full:') && profile === 'sites') throw new Error(`${f}: not on the sites profile (use dev)`);
  }
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    strict: true,
    options: {
      fault: { type: 'string' },
      seconds: { type: 'string', default: '15' },
      loops: { type: 'string', default: '2' },
      home: { type: 'string' },
      'port-offset': { type: 'string' },
      profile: { type: 'string', default: 'dev' },
      'resend-ms': { type: 'string' },
      json: { type: 'string' },
      'keep-logs': { type: 'string' },
      down: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help === true) {
    process.stdout.write(USAGE);
    return 0;
  }
  const profile = values.profile as FaultProfile;
  if (!PROFILES.includes(profile)) throw new Error(`--profile must be one of ${PROFILES.join(', ')}; got ${values.profile}`);
  const faults = values.fault !== undefined ? values.fault.split(',') : DEFAULT_FAULTS[profile];
  checkFaults(profile, faults);
  const seconds = Number(values.seconds);
  if (!Number.isInteger(seconds) || seconds < 3) throw new Error('--seconds must be an integer of at least 3');
  const options = {
    seconds,
    log,
    loops: Number(values.loops),
    ...(values['resend-ms'] !== undefined ? { resendMs: Number(values['resend-ms']) } : {}),
  };

  const results: FaultResult[] = [];
  let failure: string | undefined;
  // interrupted: put back a small disk and remove the sites network before going
  let sitesToClose: SitesNetwork | undefined;
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => {
      log(`${signal}: cleaning up`);
      undoFaults();
      void (sitesToClose?.close() ?? Promise.resolve()).finally(() => process.exit(130));
    });
  if (profile === 'sites') {
    const can = SitesNetwork.available();
    if (!can.ok) throw new Error(`--profile sites: ${can.why}`);
    const sites = await SitesNetwork.create({
      repoRoot,
      fabricHome: path.join(repoRoot, '.fabric'),
      proxyApiPort: 15474,
      log,
    });
    sitesToClose = sites;
    try {
      failure = await runFaults(sites.faulted(), faults, options, results);
    } finally {
      await sites.close(values['keep-logs'] !== undefined ? path.resolve(values['keep-logs']) : undefined);
    }
  } else {
    const network: NetworkOptions = {
      home: path.resolve(values.home ?? path.join(repoRoot, profile === 'dev' ? '.xborder-faults' : `.xborder-faults-${profile}`)),
      portOffset: Number(values['port-offset'] ?? { dev: '15000', ha: '15300', bft: '15600' }[profile]),
      profile,
      repoRoot,
    };
    log(`network ${network.home ?? ''} (port offset ${String(network.portOffset)})`);
    await up(network, log);
    await seedRegistry(path.join(repoRoot, 'examples', 'institutions.json'), network.home ?? '');
    const net: FaultedNetwork = localNetwork(network, (script, args) =>
      spawn(process.execPath, [script, ...args], { stdio: ['pipe', 'pipe', 'pipe'] }),
    );
    try {
      failure = await runFaults(net, faults, options, results);
    } finally {
      if (values.down === true) await down(network, log);
    }
  }
  process.stdout.write(`\n${renderResults(results)}`);
  if (failure !== undefined) process.stdout.write(`\nFAILED (the rows above were measured before it): ${failure}\n`);
  if (values.json !== undefined) fs.writeFileSync(values.json, `${JSON.stringify(results, null, 2)}\n`);
  return failure === undefined && results.every(faultPassed) ? 0 : 1;
}

/** Runs the faults in turn until one cannot be run; returns what stopped them, keeping the rows before. */
async function runFaults(
  net: FaultedNetwork,
  faults: readonly string[],
  options: Parameters<typeof runFault>[2],
  results: FaultResult[],
): Promise<string | undefined> {
  for (const f of faults) {
    try {
      results.push(await runFault(net, f, options));
    } catch (err) {
      const why = `fault ${f} could not be run: ${err instanceof Error ? err.message : String(err)}`;
      log(why);
      return why;
    }
  }
  return undefined;
}

main().then(exitAfterOutput, (err: unknown) => {
  const message = err instanceof Error ? err.message : String(err);
  // usage only for what the command line got wrong
  const usage = err instanceof TypeError || /^(--|unknown fault)/.test(message) ? `\n${USAGE}` : '';
  process.stderr.write(`faults: ${message}\n${usage}`);
  exitAfterOutput(2);
});
