#!/usr/bin/env node
/**
 * xborder benchmarks, run on demand (`npm run bench`, `npm run bench -- --full`). Every figure is
 * measured side by side with a baseline create-asset contract on the same network and block settings,
 * and reported as a ratio to it.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';

import type { PaymentFields } from '@xborder/protocol';
import { seedRegistry } from '@xborder/cli';
import { CommitWatcher, connect, ingestStix } from '@xborder/sdk';
import type { XborderClient } from '@xborder/sdk';
import { checkProof, trustAnchorOf } from '@xborder/sdk/audit';
import type { Proof } from '@xborder/sdk/audit';
import { deploy, up } from '@xborder/network';
import type { BlockProfile, NetworkOptions, Profile } from '@xborder/network';

import { runLoad, timeCalls } from './load';
import type { LoadResult, TxOutcome } from './load';
import { cpuDelta, sampleAll } from './procstats';
import type { ProcSample } from './procstats';
import { startCapture } from './profiler';
import type { ProfileCapture } from './profiler';
import { exitAfterOutput } from './exit';
import { renderMarkdown, renderSvg } from './render';
import { attestTx, baselineTx, benchIndicator, confirmTx, intelBatchTx, intelTx, throughSdk } from './scenarios';
import { measureConsole } from './console-view';
import type { ConsoleBench } from './console-view';
import { measureTaxii } from './taxii';
import type { TaxiiBench } from './taxii';

const repoRoot = path.resolve(__dirname, '..', '..');

export interface BenchOptions {
  full: boolean;
  seconds: number;
  warmup: number;
  concurrency: number;
  blocks: BlockProfile[];
  scenarios: string[];
  home: string;
  /** Run on this network as it is (one block profile only) instead of networks of the bench's own. */
  network?: NetworkOptions;
  portOffset: number;
  readRecords: number[];
  reconcileDays: number[];
  /** CPU profiles of every load scenario's measured window (peers: pprof; chaincode servers: V8). */
  profile?: boolean;
  /** How the load generator learns commit status: one signed call per transaction, or block events. */
  commit?: 'status' | 'events';
  /** Orderers of the bench's networks: 1 Raft (dev), 3 Raft (ha) or 4 BFT (bft). */
  networkProfile?: Profile;
  /** Where --profile writes (set by the command line entry point). */
  profileDir?: string;
  /** When the run started (names its result files). */
  startedAt?: string;
  /**
   * Seconds between checks of both operators' continuous checkpointing (`audit checkpoint --follow`),
   * run beside the load as the operators would; unset: no checkpointing.
   */
  checkpointing?: number;
}

export const benchUsage = (): string => `Usage: npm run bench -- [flags]

  --full                 longer run: both block profiles, load levels 8/32/128, 100k reads, 10k reconcile
  --scenario LIST        comma-separated subset of: ${ALL_SCENARIOS.join(', ')}
  --duration S           measured seconds per scenario (default 15; --full 60)
  --warmup S             warm-up seconds per scenario (default 5; --full 30)
  --concurrency N        transactions in flight (default 64; --full 128)
  --blocks LIST          tuned, defaults or both (default tuned; --full both)
  --network-profile P    dev (1 Raft orderer, default), ha (3 Raft) or bft (4 BFT); ha and bft get
                         networks of their own (home -ha / -bft, ports +300 / +600)
  --home DIR             network folder prefix (default <repo>/.xborder-bench; -<blocks> is appended)
  --network-home DIR     run on the network already set up in DIR, as it is (one block profile; its
                         ports are the ones it was created with)
  --port-offset N        port offset of the tuned network (default 10000; defaults +5000)
  --commit status|events how the load generator learns each commit: a commit-status call per
                         transaction (default) or one filtered-block event stream (CommitWatcher)
  --records LIST         intel records the ledger is filled to before the reads are measured
                         (default 10000; --full 10000,100000); the taxii and console scenarios run after them
  --checkpointing S      both operators checkpoint continuously (audit checkpoint --follow --interval S)
                         during the run, as separate processes, to measure what it costs
  --profile              CPU-profile each scenario's measured window on a network started for it
                         (home -profiling, ports +2500): peers via pprof, chaincode servers via V8;
                         files and top-function summaries in bench/results/<time>-profiles/

A failed scenario ends the run: the figures measured before it are written and printed, the exit
status is 1. Results go to bench/results/ (XB_BENCH_RESULTS=DIR: another folder).
`;

export interface ScenarioResult extends LoadResult {
  readonly scenario: string;
  readonly blocks: BlockProfile;
  readonly ratioToBaseline: number | null;
  readonly concurrency: number;
  readonly processes: ProcSample[];
}

export interface BenchResults {
  readonly startedAt: string;
  readonly command: string;
  readonly fabricVersion: string;
  readonly machine: { cores: number; model: string; memoryGiB: number; node: string };
  readonly options: Omit<BenchOptions, 'home'>;
  readonly load: ScenarioResult[];
  readonly reads: { records: number; getById: unknown; byCommitment: unknown; listPage100: unknown }[];
  readonly reconcile: { payments: number; latency: unknown }[];
  /** Building one proof (auditor, over the network) and checking it offline, in ms. */
  readonly proof: { build: unknown; check: unknown; checks: number; outcome: string } | null;
  /** Checkpoints the operators' followers recorded during the run (with --checkpointing). */
  readonly checkpoints: number | null;
  readonly errors: string[];
  /** The TAXII server: pages of 100 with content, and posting against ingestStix (scenario `taxii`). */
  readonly taxii: TaxiiBench | null;
  /** The auditor console's first view in a headless Chromium (scenario `console`). */
  readonly console: ConsoleBench | null;
  readonly ingestion: {
    objects: number;
    seconds: number;
    objectsPerSecond: number;
    clientCpuSeconds: number;
    rawPrepareAndSignPerSecond: number;
  } | null;
}

const ALL_SCENARIOS = [
  'baseline',
  'intel',
  'intel-batch-10',
  'intel-batch-50',
  'intel-batch-100',
  'attest',
  'confirm',
  'reads',
  'reconcile',
  'ingest',
  'proof',
  'taxii',
  'console',
];

export class BenchHelp extends Error {}

function networkProfile(value: string | undefined): Profile {
  if (value === undefined) return 'dev';
  if (value === 'dev' || value === 'ha' || value === 'bft') return value;
  throw new Error('--network-profile must be dev, ha or bft');
}

const PROFILE_PORT_SHIFT: Readonly<Record<Profile, number>> = { dev: 0, ha: 300, bft: 600 };

function commitMode(value: string | undefined): 'status' | 'events' {
  if (value === undefined || value === 'status') return 'status';
  if (value === 'events') return 'events';
  throw new Error('--commit must be status or events');
}

export function parseBenchArgs(argv: readonly string[]): BenchOptions {
  let parsed: ReturnType<typeof parseBenchFlags>;
  try {
    parsed = parseBenchFlags(argv);
  } catch (err) {
    throw new Error(`${err instanceof Error ? err.message : String(err)} (see --help)`, { cause: err });
  }
  const flags = parsed.values;
  if (flags.help === true) throw new BenchHelp(benchUsage());
  const full = flags.full === true;
  const get = (name: Exclude<keyof typeof flags, 'full' | 'profile' | 'help'>): string | undefined => flags[name];
  const num = (name: 'duration' | 'warmup' | 'concurrency' | 'port-offset' | 'checkpointing', fallback: number): number => {
    const v = get(name);
    if (v === undefined) return fallback;
    if (!/^\d+$/.test(v)) throw new Error(`--${name} must be a positive integer`);
    return Number(v);
  };
  const blockNames = (get('blocks') ?? (full ? 'tuned,defaults' : 'tuned')).split(',');
  for (const b of blockNames)
    if (b !== 'tuned' && b !== 'defaults') throw new Error('--blocks must be tuned, defaults or both (comma separated)');
  const blocks = blockNames as BlockProfile[];
  const scenarios = (get('scenario') ?? ALL_SCENARIOS.join(',')).split(',');
  for (const s of scenarios) if (!ALL_SCENARIOS.includes(s)) throw new Error(`unknown scenario ${s} (known: ${ALL_SCENARIOS.join(', ')})`);
  return {
    full,
    seconds: num('duration', full ? 60 : 15),
    warmup: num('warmup', full ? 30 : 5),
    concurrency: num('concurrency', full ? 128 : 64),
    blocks,
    scenarios,
    home: path.resolve(get('home') ?? path.join(repoRoot, '.xborder-bench')),
    portOffset: num('port-offset', 10000),
    readRecords: records(get('records'), full ? [10_000, 100_000] : [10_000]),
    reconcileDays: full ? [1_000, 10_000] : [1_000],
    profile: flags.profile === true,
    commit: commitMode(get('commit')),
    networkProfile: networkProfile(get('network-profile')),
    ...(get('checkpointing') !== undefined ? { checkpointing: num('checkpointing', 10) } : {}),
    ...(get('network-home') !== undefined ? { network: existingNetwork(get('network-home') ?? '', blocks) } : {}),
  };
}

/** `--network-home`: a network set up before (its saved options give its ports and profiles). */
function existingNetwork(home: string, blocks: readonly BlockProfile[]): NetworkOptions {
  if (blocks.length !== 1) throw new Error('--network-home runs one block profile: give --blocks tuned or --blocks defaults');
  const dir = path.resolve(home);
  if (!fs.existsSync(dir)) throw new Error(`--network-home ${dir}: no such folder`);
  return { home: dir, repoRoot };
}

/** The flags `npm run bench` takes (node:util parseArgs: strict, no positionals). */
function parseBenchFlags(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      full: { type: 'boolean' },
      profile: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
      scenario: { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      concurrency: { type: 'string' },
      blocks: { type: 'string' },
      home: { type: 'string' },
      'network-home': { type: 'string' },
      'port-offset': { type: 'string' },
      commit: { type: 'string' },
      'network-profile': { type: 'string' },
      checkpointing: { type: 'string' },
      records: { type: 'string' },
    },
  });
}

/** `--records 10000,100000`: ledger sizes (intel records) the reads are measured at, ascending. */
function records(value: string | undefined, fallback: number[]): number[] {
  if (value === undefined) return fallback;
  const list = value.split(',').map((v) => (/^\d{1,9}$/.test(v) ? Number(v) : Number.NaN));
  if (list.some((n) => !Number.isInteger(n) || n < 1)) throw new Error('--records must be a comma-separated list of positive integers');
  return list.sort((a, b) => a - b);
}

/** Both operators' `audit checkpoint --follow` processes on a network, stopped with `stop()`. */
function startCheckpointing(network: NetworkOptions, intervalSeconds: number): { stop(): Promise<number> } {
  const cli = path.join(repoRoot, 'cli', 'dist', 'main.js');
  let recorded = 0;
  const children = ['hk-admin', 'th-admin'].map((admin) => {
    const child = spawn(
      process.execPath,
      [cli, 'audit', 'checkpoint', '--follow', '--interval', String(intervalSeconds), '--json', '--as', admin],
      {
        env: { ...process.env, XB_HOME: network.home ?? '' },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    child.stdout.on('data', (d: Buffer) => {
      recorded += d
        .toString()
        .split('\n')
        .filter((l) => l.includes('"height"')).length;
    });
    return child;
  });
  return {
    async stop(): Promise<number> {
      await Promise.all(
        children.map(
          (c) =>
            new Promise<void>((resolve) => {
              if (c.exitCode !== null) {
                resolve();
                return;
              }
              c.once('exit', () => {
                resolve();
              });
              c.kill('SIGTERM');
            }),
        ),
      );
      return recorded;
    },
  };
}

const log = (line: string): void => {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
};

async function prepareNetwork(opts: BenchOptions, blocks: BlockProfile): Promise<NetworkOptions> {
  if (opts.network && opts.profile === true && opts.network.profiling !== true)
    throw new Error('--profile needs a network started with profiling');
  // a profiling network runs beside the plain one (its processes start with profiling switched on)
  const suffix = opts.profile === true ? '-profiling' : '';
  const extraOffset = opts.profile === true ? 2500 : 0;
  const profile = opts.networkProfile ?? 'dev';
  const network: NetworkOptions = opts.network ?? {
    home: `${opts.home}-${blocks}${profile === 'dev' ? '' : `-${profile}`}${suffix}`,
    portOffset: opts.portOffset + (blocks === 'defaults' ? 5000 : 0) + extraOffset + PROFILE_PORT_SHIFT[profile],
    blocks,
    profile,
    repoRoot,
    ...(opts.profile === true ? { profiling: true } : {}),
  };
  await up(network, log);
  await deploy(network, { name: 'baseline', modulePath: path.join(repoRoot, 'bench', 'baseline-chaincode') }, log);
  await seedRegistry(path.join(repoRoot, 'examples', 'institutions.json'), network.home ?? '');
  return network;
}

async function loadScenario(
  name: string,
  blocks: BlockProfile,
  opts: BenchOptions,
  network: NetworkOptions,
  submit: (i: number) => Promise<TxOutcome>,
  baseline: number | null,
  maxTransactions?: number,
): Promise<ScenarioResult> {
  log(`${name} (${blocks}): ${String(opts.warmup)}s warm-up, ${String(opts.seconds)}s measured, ${String(opts.concurrency)} in flight`);
  const runDir = path.join(network.home ?? '', 'run');
  const before = sampleAll(runDir);
  const profiling = profileWindow(opts, network, `${blocks}-${name}`);
  const result = await runLoad(
    {
      seconds: opts.seconds,
      warmupSeconds: opts.warmup,
      concurrency: opts.concurrency,
      ...(maxTransactions !== undefined ? { maxTransactions } : {}),
    },
    submit,
  );
  const processes = cpuDelta(before, sampleAll(runDir));
  for (const f of await profiling.stop()) log(`  profile ${path.relative(repoRoot, f)} (+ .txt summary)`);
  const rate = name.startsWith('intel-batch') ? result.objectsPerSecond : result.tps;
  log(
    `  ${String(result.tps)} tps, ${String(result.objectsPerSecond)} objects/s, p95 ${String(result.latencyMs.p95)} ms, ${String(result.failures)} failures, ${String(result.mvccConflicts)} MVCC`,
  );
  return {
    scenario: name,
    blocks,
    concurrency: opts.concurrency,
    ...result,
    ratioToBaseline: baseline !== null && baseline > 0 ? Number((rate / baseline).toFixed(2)) : null,
    processes,
  };
}

/** Starts the CPU profiles when the warm-up ends (a no-op without --profile). */
function profileWindow(opts: BenchOptions, network: NetworkOptions, label: string): { stop(): Promise<string[]> } {
  if (opts.profile !== true || opts.profileDir === undefined) return { stop: () => Promise.resolve([]) };
  const outDir = opts.profileDir;
  let capture: ProfileCapture | undefined;
  const timer = setTimeout(() => {
    capture = startCapture(network, opts.seconds, outDir, label);
  }, opts.warmup * 1000);
  return {
    async stop(): Promise<string[]> {
      clearTimeout(timer);
      return capture ? capture.stop() : [];
    },
  };
}

/** Fills the ledger with intel records (batches of 100) until it holds `target` objects. */
async function fillIntel(client: XborderClient, have: number, target: number): Promise<number> {
  const contract = client.gateway.getNetwork(client.profile.channel).getContract('xborder', 'intel');
  const submit = intelBatchTx(client, throughSdk(contract), 100);
  let count = have;
  let i = 0;
  while (count < target) {
    const batch = Array.from({ length: Math.min(8, Math.ceil((target - count) / 100)) }, () => submit(1_000_000 + i++));
    for (const r of await Promise.all(batch)) if (r.ok) count += r.objects;
    if (i % 80 === 0) log(`  ${String(count)} intel records`);
  }
  return count;
}

export async function runBench(opts: BenchOptions, command: string): Promise<BenchResults> {
  const load: ScenarioResult[] = [];
  const reads: BenchResults['reads'] = [];
  const reconcile: BenchResults['reconcile'] = [];
  let ingestion: BenchResults['ingestion'] = null;
  let taxii: TaxiiBench | null = null;
  let consoleView: ConsoleBench | null = null;
  let proof: BenchResults['proof'] = null;
  let checkpoints: number | null = null;
  const want = (s: string): boolean => opts.scenarios.includes(s);
  const errors: string[] = [];
  let failed = false;
  for (const blocks of opts.blocks) {
    if (failed) break;
    let network: NetworkOptions;
    try {
      network = await prepareNetwork(opts, blocks);
    } catch (err) {
      // keep what the other block profile measured
      errors.push(`${blocks}: ${err instanceof Error ? err.message : String(err)}`);
      log(`block profile ${blocks} skipped: ${errors[errors.length - 1] ?? ''}`);
      continue;
    }
    const followers = opts.checkpointing !== undefined ? startCheckpointing(network, opts.checkpointing) : undefined;
    const hk = connect({ identity: 'hk-bank-a', home: network.home ?? '' });
    const th = connect({ identity: 'th-bank-a', home: network.home ?? '' });
    const auditor = connect({ identity: 'audit-1', home: network.home ?? '' });
    const watchers: CommitWatcher[] = [];
    // the scenario under way: a failure names it, keeps every figure measured before it and ends the run
    let current = 'setup';
    try {
      const net = hk.gateway.getNetwork(hk.profile.channel);
      const thNet = th.gateway.getNetwork(th.profile.channel);
      const hkWatcher = opts.commit === 'events' ? await CommitWatcher.start(net) : undefined;
      const thWatcher = opts.commit === 'events' ? await CommitWatcher.start(thNet) : undefined;
      for (const w of [hkWatcher, thWatcher]) if (w) watchers.push(w);
      // reads first, so the record counts are the ones asked for (the load scenarios add many more)
      if (blocks === opts.blocks[0] && want('reads')) {
        current = 'reads';
        let count = (await auditor.intel.list({ filter: 'all', pageSize: 1 })).items.length > 0 ? await countIntel(auditor) : 0;
        for (const target of opts.readRecords) {
          log(`reads: filling the ledger to ${String(target)} intel records`);
          count = await fillIntel(hk, count, target);
          const ids = await sampleRecords(auditor);
          reads.push({
            records: count,
            getById: await timeCalls(200, (i) => auditor.intel.get(ids[i % ids.length]?.id ?? '')),
            byCommitment: await timeCalls(200, (i) => auditor.intel.byCommitment(ids[i % ids.length]?.commitment ?? '')),
            listPage100: await timeCalls(50, () => auditor.intel.list({ filter: 'type', value: 'indicator', pageSize: 100 })),
          });
        }
      }
      let baselineTps: number | null = null;
      if (want('baseline')) {
        current = 'baseline';
        const r = await loadScenario(
          'baseline',
          blocks,
          opts,
          network,
          baselineTx(throughSdk(net.getContract('baseline', 'baseline'), hkWatcher)),
          null,
        );
        baselineTps = r.tps;
        load.push(r);
      }
      current = 'intel';
      if (want('intel'))
        load.push(
          await loadScenario(
            'intel',
            blocks,
            opts,
            network,
            intelTx(hk, throughSdk(net.getContract('xborder', 'intel'), hkWatcher)),
            baselineTps,
          ),
        );
      // --full: more load levels for the baseline and SubmitIntel, each ratio taken at the same level
      for (const level of opts.full ? [8, 32, 128] : []) {
        current = `baseline/intel@${String(level)}`;
        const at = { ...opts, concurrency: level };
        const base = want('baseline')
          ? await loadScenario(
              `baseline@${String(level)}`,
              blocks,
              at,
              network,
              baselineTx(throughSdk(net.getContract('baseline', 'baseline'), hkWatcher)),
              null,
            )
          : undefined;
        if (base) load.push(base);
        if (want('intel'))
          load.push(
            await loadScenario(
              `intel@${String(level)}`,
              blocks,
              at,
              network,
              intelTx(hk, throughSdk(net.getContract('xborder', 'intel'), hkWatcher)),
              base?.tps ?? null,
            ),
          );
      }
      for (const size of [10, 50, 100]) {
        current = `intel-batch-${String(size)}`;
        if (want(`intel-batch-${String(size)}`))
          load.push(
            await loadScenario(
              `intel-batch-${String(size)}`,
              blocks,
              { ...opts, concurrency: Math.max(2, Math.round((opts.concurrency * 4) / size)) }, // about the same objects in flight per batch size
              network,
              intelBatchTx(hk, throughSdk(net.getContract('xborder', 'intel'), hkWatcher), size),
              baselineTps,
            ),
          );
      }
      const attested: PaymentFields[] = [];
      const date = `2030-${String(1 + Math.floor(Math.random() * 12)).padStart(2, '0')}-15`;
      current = 'attest';
      if (want('attest') || want('confirm'))
        load.push(
          await loadScenario(
            'attest',
            blocks,
            opts,
            network,
            attestTx(hk, throughSdk(net.getContract('xborder', 'payment'), hkWatcher), date, attested),
            baselineTps,
          ),
        );
      if (want('confirm')) {
        current = 'confirm';
        load.push(
          await loadScenario(
            'confirm',
            blocks,
            { ...opts, warmup: 0 },
            network,
            confirmTx(th, throughSdk(thNet.getContract('xborder', 'payment'), thWatcher), attested),
            baselineTps,
            attested.length,
          ),
        );
      }
      if (blocks === opts.blocks[0] && want('reconcile')) {
        current = 'reconcile';
        for (const [k, n] of opts.reconcileDays.entries()) {
          // a day of its own per size, in a year no other scenario uses
          const day = `2031-0${String(k + 1)}-1${String(Math.floor(Math.random() * 10))}`;
          log(`reconcile: attesting ${String(n)} payments on ${day}`);
          const contract = net.getContract('xborder', 'payment');
          const tx = attestTx(hk, contract, day, []);
          await runLoad({ seconds: 3600, warmupSeconds: 0, concurrency: opts.concurrency, maxTransactions: n }, tx);
          reconcile.push({ payments: n, latency: await timeCalls(10, () => auditor.payments.reconcile(day, 'HK-TH')) });
        }
      }
      const first = blocks === opts.blocks[0];
      current = 'ingest';
      if (first && want('ingest')) ingestion = await measureIngestion(hk);
      current = 'taxii';
      if (first && want('taxii')) taxii = await measureTaxii(network, hk, await countIntel(auditor), log);
      current = 'console';
      if (first && want('console')) consoleView = await measureConsole(auditor, await countIntel(auditor), log);
      current = 'proof';
      if (first && want('proof')) proof = await measureProof(network, hk, auditor);
    } catch (err) {
      errors.push(`${blocks}: scenario ${current} failed: ${err instanceof Error ? err.message : String(err)}`);
      log(`${errors[errors.length - 1] ?? ''}; the run ends here, keeping what it measured before`);
      failed = true;
    } finally {
      if (followers) checkpoints = (checkpoints ?? 0) + (await followers.stop());
      for (const w of watchers) w.close();
      hk.close();
      th.close();
      auditor.close();
    }
  }
  return {
    startedAt: opts.startedAt ?? new Date().toISOString(),
    command,
    fabricVersion: fs.readFileSync(path.join(repoRoot, '.fabric', 'VERSIONS'), 'utf8').trim(),
    machine: {
      cores: os.cpus().length,
      model: os.cpus()[0]?.model ?? 'unknown',
      memoryGiB: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
    },
    options: {
      full: opts.full,
      seconds: opts.seconds,
      warmup: opts.warmup,
      concurrency: opts.concurrency,
      blocks: opts.blocks,
      scenarios: opts.scenarios,
      commit: opts.commit ?? 'status',
      networkProfile: opts.networkProfile ?? 'dev',
      portOffset: opts.portOffset,
      readRecords: opts.readRecords,
      reconcileDays: opts.reconcileDays,
      ...(opts.checkpointing !== undefined ? { checkpointing: opts.checkpointing } : {}),
    },
    load,
    reads,
    reconcile,
    ingestion,
    taxii,
    console: consoleView,
    proof,
    checkpoints,
    errors,
  };
}

/**
 * Proof of one intel record once both operators co-signed a checkpoint over it: the auditor's build
 * time (reads blocks and checkpoints from its peer) and the offline check against the anchor.
 */
async function measureProof(network: NetworkOptions, producer: XborderClient, auditor: XborderClient): Promise<BenchResults['proof']> {
  const hkAdmin = connect({ identity: 'hk-admin', home: network.home ?? '' });
  const thAdmin = connect({ identity: 'th-admin', home: network.home ?? '' });
  try {
    const submitted = await producer.intel.submit({
      type: 'indicator',
      spec_version: '2.1',
      id: `indicator--${randomUUID()}`,
      created: '2026-12-01T00:00:00Z',
      modified: '2026-12-01T00:00:00Z',
      pattern: "[url:value = 'https://bench.example/proof']",
      pattern_type: 'stix',
      valid_from: '2026-12-01T00:00:00Z',
    });
    // HK signs the current height and TH co-signs exactly that height (followers may run beside)
    const signed = await hkAdmin.audit.recordCheckpoint(await hkAdmin.audit.height());
    await thAdmin.audit.recordCheckpoint(signed.height);
    const anchor = { anchor: trustAnchorOf(await auditor.audit.blockByNumber(0)) };
    let built: Proof | undefined;
    const build = await timeCalls(10, async () => {
      built = await auditor.audit.proof(`tx:${submitted.transactionId}`);
    });
    if (!built) throw new Error('no proof built');
    const proof = built;
    let outcome = '';
    let checks = 0;
    const check = await timeCalls(20, async () => {
      const report = await checkProof(proof, { anchor });
      outcome = report.outcome;
      checks = report.checks.length;
    });
    return { build, check, checks, outcome };
  } finally {
    hkAdmin.close();
    thAdmin.close();
  }
}

async function countIntel(auditor: XborderClient): Promise<number> {
  let n = 0;
  let bookmark = '';
  do {
    const page = await auditor.intel.list({ filter: 'all', pageSize: 200, ...(bookmark ? { bookmark } : {}) });
    n += page.items.length;
    bookmark = page.bookmark;
  } while (bookmark !== '');
  return n;
}

/**
 * Up to 100 records with salted commitments to read back (a ledger grown by earlier versions of the
 * bench starts with records of the older format, which have none).
 */
async function sampleRecords(auditor: XborderClient): Promise<{ id: string; commitment: string }[]> {
  // the newest records first: windows of the last hour, day and month, then the whole ledger
  for (const hours of [1, 24, 24 * 31, undefined]) {
    const from = hours === undefined ? undefined : new Date(Date.now() - hours * 3_600_000).toISOString();
    const out: { id: string; commitment: string }[] = [];
    let bookmark = '';
    for (let page = 0; page < 20 && out.length < 100; page++) {
      const p = await auditor.intel.list({ filter: 'all', pageSize: 200, ...(from ? { from } : {}), ...(bookmark ? { bookmark } : {}) });
      for (const r of p.items) if (typeof r.contentCommitment === 'string') out.push({ id: r.stixId, commitment: r.contentCommitment });
      bookmark = p.bookmark;
      if (bookmark === '') break;
    }
    if (out.length > 0) return out.slice(0, 100);
  }
  throw new Error('no record with a salted commitment to read back');
}

/** End-to-end ingestion of a 2,000-object bundle, and the raw prepare + sign rate on this machine. */
async function measureIngestion(client: XborderClient): Promise<BenchResults['ingestion']> {
  const objects = Array.from({ length: 2000 }, (_, i) => ({ source: 'bench-bundle', index: i, object: benchIndicator(i) }));
  log('ingest: 2,000-object bundle through the SDK ingestion (batches of 100, 4 in flight)');
  const cpu0 = process.cpuUsage();
  const t0 = Date.now();
  const report = await ingestStix(client.intel, objects, { batchSize: 100, concurrency: 4 });
  const seconds = (Date.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  // the same client-side work without the network: canonicalise, check, hash and sign each object
  const t1 = process.hrtime.bigint();
  for (let i = 0; i < 2000; i++) client.intel.sign(benchIndicator(i));
  const rawSeconds = Number(process.hrtime.bigint() - t1) / 1e9;
  log(`  ${String(report.submitted)} submitted in ${seconds.toFixed(1)}s`);
  return {
    objects: report.submitted + report.existing,
    seconds: Number(seconds.toFixed(2)),
    objectsPerSecond: Number(((report.submitted + report.existing) / seconds).toFixed(1)),
    clientCpuSeconds: Number(((cpu.user + cpu.system) / 1e6).toFixed(2)),
    rawPrepareAndSignPerSecond: Number((2000 / rawSeconds).toFixed(0)),
  };
}

if (require.main === module) {
  const argv = process.argv.slice(2);
  const command = `npm run bench${argv.length > 0 ? ` -- ${argv.join(' ')}` : ''}`;
  let opts: BenchOptions;
  try {
    opts = parseBenchArgs(argv);
  } catch (err) {
    if (err instanceof BenchHelp) {
      process.stdout.write(err.message);
      process.exit(0);
    }
    process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(2);
  }
  opts.startedAt = new Date().toISOString();
  const stamp = opts.startedAt.replace(/[:.]/g, '-');
  const dir = path.resolve(process.env.XB_BENCH_RESULTS ?? path.join(repoRoot, 'bench', 'results'));
  if (opts.profile === true) opts.profileDir = path.join(dir, `${stamp}-profiles`);
  runBench(opts, command).then(
    (results) => {
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, `${stamp}.json`), `${JSON.stringify(results, null, 2)}\n`);
      fs.writeFileSync(path.join(dir, `${stamp}.svg`), renderSvg(results));
      process.stdout.write(renderMarkdown(results));
      log(
        `results: ${path.join(dir, stamp)}.json and .svg; ${opts.network ? 'the network keeps running' : `the networks keep running (network:down with --home ${opts.home}-<blocks>${opts.networkProfile !== undefined && opts.networkProfile !== 'dev' ? `-${opts.networkProfile}` : ''}${opts.profile === true ? '-profiling' : ''})`}`,
      );
      exitAfterOutput(results.errors.length > 0 ? 1 : 0);
    },
    (err: unknown) => {
      process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      exitAfterOutput(1);
    },
  );
}
