/**
 * Faults under load: a client of each operator, each a process on its operator's host, runs closed
 * loops of intel submits, payment attestations (HK) or confirmations (TH) and reads, while one fault
 * is injected: a process killed and brought back, a process hung, the HK-TH link partitioned, slowed
 * or narrowed, a peer's disk full, a client's clock wrong. A checker then reads every write back from
 * both operators' peers: each acknowledged write present exactly once, nothing twice, intel content on
 * both peers, and both peers at the same height with the same last block.
 */
import type { ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { createInterface } from 'node:readline';

import { loadConfig, paths, processManager, raftLeader, status, up } from '@xborder/network';
import type { NetworkOptions } from '@xborder/network';

import { SmallDisk } from './disk-fill';
import type { CheckResult, LoadEvent, LoadOp, Written } from './fault-load';
import type { LinkCondition, LinkProxy } from './link-proxy';

/** One operator's client: where its worker runs and what it does. */
export interface LoadClient {
  readonly identity: string;
  readonly home: string;
  readonly mix: readonly LoadOp[];
  /** Starts a node script on the operator's host (its own process, its own namespace if it has one). */
  readonly spawn: (script: string, args: readonly string[]) => ChildProcess;
}

/** How the suite reaches the network under test. */
export interface FaultedNetwork {
  readonly name: string;
  /** HK's client, then TH's: the load and, through each operator's own peer, the checker. */
  readonly clients: readonly [LoadClient, LoadClient];
  /** A running process by name (`peer0.th`, or `orderer-leader` / `orderer-follower` with Raft). */
  resolve(target: string): Promise<{ name: string; pid: number }>;
  /** What the operator does after a crash: starts every stopped process again. */
  restart(): Promise<void>;
  /** A process's data folder, for the full-disk fault (networks on this machine's disk). */
  dataDir?(processName: string): string;
  /** Stops one process as the operator would (it flushes and exits; killed if it does not in time). */
  stop?(processName: string): Promise<void>;
  /** The HK-TH link, when the operators are on hosts of their own. */
  readonly link?: LinkProxy;
}

/** Faults that need no process name. */
export const LINK_FAULTS: Readonly<Record<string, LinkCondition>> = {
  // a cross-border round trip of 40-60 ms
  'link-latency': { latencyMs: 25, jitterMs: 5 },
  // a degraded link: 300 ms round trip
  'link-slow': { latencyMs: 150, jitterMs: 20 },
  // about 2 Mbit/s per connection and direction, with the cross-border latency
  'link-bandwidth': { latencyMs: 25, jitterMs: 5, rateKBps: 256 },
};

/** How long a hung process stays stopped, a partition lasts, a disk stays full. */
const HUNG_MS = 5000;
const PARTITION_MS = 8000;
const DISK_FULL_MS = 5000;
/** The wrong clock of the `clock-skew` client: ten minutes ahead (the chaincode allows five). */
const CLOCK_SKEW_SECONDS = 600;

const WORKER = path.join(__dirname, 'fault-worker.js');

export interface FaultResult {
  readonly fault: string;
  readonly network: string;
  readonly seconds: number;
  /** Writes (intel, attest, confirm) the SDK acknowledged, and reads. */
  readonly acknowledged: number;
  readonly reads: number;
  /** Calls that failed after the SDK's retries (not acknowledged), by error code. */
  readonly failed: number;
  readonly errors: Readonly<Record<string, number>>;
  /** Failures the SDK absorbed by retrying (what clients would have seen without retries), by code. */
  readonly retried: Readonly<Record<string, number>>;
  readonly firstFailures: readonly string[];
  /** Longest time without an acknowledged write while the load ran (the interruption). */
  readonly outageSeconds: number;
  /** From the end of the fault (process back, link healed, space freed) to the next acknowledged write. */
  readonly recoverySeconds: number | null;
  /** How long the fault itself lasted (kill to healthy again, hang, partition, full disk). */
  readonly faultSeconds: number;
  readonly writesPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly missing: readonly string[];
  readonly duplicated: readonly string[];
  readonly contentMissing: readonly string[];
  /** Writes a client was told failed that are on the ledger all the same (a re-run finds them; see the SDK's idempotent retries). */
  readonly failedButWritten: readonly string[];
  /** With `clock-skew`: writes of the skewed client, acknowledged or on the ledger (must be none). */
  readonly skewedWritten: readonly string[];
  readonly peersAgree: boolean;
  readonly heights: readonly number[];
}

/** Whether the checker passed: nothing acknowledged missing, nothing twice, content everywhere, peers agree. */
export function faultPassed(r: FaultResult): boolean {
  return (
    r.missing.length === 0 && r.duplicated.length === 0 && r.contentMissing.length === 0 && r.skewedWritten.length === 0 && r.peersAgree
  );
}

/** A worker process and the events it reported. */
class Worker {
  readonly events: LoadEvent[] = [];
  /** Failures the SDK retried, by code. */
  readonly retried: Record<string, number> = {};
  readonly done: Promise<void>;
  readonly #child: ChildProcess;

  constructor(client: LoadClient, args: readonly string[]) {
    this.#child = client.spawn(WORKER, ['load', '--home', client.home, '--as', client.identity, ...args]);
    let stderr = '';
    this.#child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    if (!this.#child.stdout) throw new Error('the load worker has no output pipe');
    const lines = createInterface({ input: this.#child.stdout });
    lines.on('line', (line) => {
      const event = JSON.parse(line) as LoadEvent | { kind: 'done' } | { kind: 'retry'; code: string };
      if (event.kind === 'retry') this.retried[event.code] = (this.retried[event.code] ?? 0) + 1;
      else if (event.kind !== 'done') this.events.push(event);
    });
    this.done = new Promise((resolve, reject) => {
      // 'close', not 'exit': the output is read to its end before the worker counts as done
      this.#child.on('close', (code) => {
        if (code === 0) resolve();
        else reject(new Error(`load worker ${client.identity} exited ${String(code)}: ${stderr.trim()}`));
      });
    });
  }

  /** Asks the worker to finish its calls in flight and stop. */
  stop(): void {
    this.#child.stdin?.end();
  }

  kill(): void {
    if (this.#child.exitCode === null) this.#child.kill('SIGKILL');
  }
}

/** Runs the checker of one operator in a process on its host. */
async function check(client: LoadClient, writes: readonly Written[]): Promise<CheckResult> {
  const child = client.spawn(WORKER, ['check', '--home', client.home, '--as', client.identity]);
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  child.stdin?.end(JSON.stringify(writes));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`checker at ${client.identity} exited ${String(code)}: ${err.trim()}`);
  return JSON.parse(out) as CheckResult;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function percentile(sorted: readonly number[], p: number): number {
  return sorted.length === 0 ? 0 : (sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0);
}

/**
 * Injects the fault and resolves when it is over (the wall-clock ms then). Link conditions last
 * until the load ends, so they end at `loadEnd`.
 */
async function inject(net: FaultedNetwork, fault: string, loadEnd: number, log: (line: string) => void): Promise<number> {
  if (fault === 'none' || fault === 'clock-skew') return Date.now();
  const condition = LINK_FAULTS[fault];
  if (fault === 'link-partition' || condition !== undefined) {
    if (!net.link) throw new Error(`${fault} needs the operators on hosts of their own (--profile sites)`);
    if (condition !== undefined) {
      await net.link.set(condition);
      return loadEnd;
    }
    log(`fault: HK-TH link partitioned for ${String(PARTITION_MS / 1000)} s`);
    await net.link.set({ blackhole: true });
    await sleep(PARTITION_MS); // the partition lasts this long
    await net.link.set({});
    return Date.now();
  }
  if (fault.startsWith('disk-full:')) {
    const name = fault.slice('disk-full:'.length);
    if (!net.dataDir) throw new Error(`${fault} needs a network on this machine's disk`);
    const dir = net.dataDir(name);
    // the disk was made small before the load; now it fills, the process meets it, the operator frees space
    const disk = smallDisks.get(dir);
    if (!disk) throw new Error(`no small disk under ${name}`);
    log(`fault: ${name}'s disk full for ${String(DISK_FULL_MS / 1000)} s`);
    disk.fill();
    // a few KB may stay free (metadata); anything like a block more would not be a full disk
    if (disk.freeBytes() > 64 * 1024) throw new Error(`${name}'s disk did not fill: ${String(disk.freeBytes())} bytes free`);
    await sleep(DISK_FULL_MS); // the disk stays full this long
    disk.free();
    await net.restart(); // a process that stopped on the full disk starts again
    return Date.now();
  }
  const hang = fault.startsWith('stop:');
  const proc = await net.resolve(hang ? fault.slice('stop:'.length) : fault);
  log(`fault: ${hang ? 'SIGSTOP' : 'SIGKILL'} ${proc.name}${proc.name === fault ? '' : ` (${fault})`} under load`);
  process.kill(proc.pid, hang ? 'SIGSTOP' : 'SIGKILL');
  if (hang) {
    await sleep(HUNG_MS); // the process hangs this long
    process.kill(proc.pid, 'SIGCONT');
  } else {
    await sleep(1000); // the outage lasts at least a second before the operator acts
    await net.restart();
  }
  return Date.now();
}

/** Small disks made for `disk-full:` faults, by data folder, while their fault runs. */
const smallDisks = new Map<string, SmallDisk>();

/**
 * Puts back what a fault run changed on this machine (a small disk's data copied back and
 * unmounted), for a run interrupted by a signal; the network's processes are the operator's to stop.
 */
export function undoFaults(): void {
  for (const [dir, disk] of smallDisks) {
    try {
      disk.restore();
    } catch (err) {
      process.stderr.write(`could not restore ${dir}: ${err instanceof Error ? err.message : String(err)}\n`);
    }
    smallDisks.delete(dir);
  }
}

/** Moves the process's data onto a small disk (process stopped and restarted around it). */
async function prepareDisk(net: FaultedNetwork, fault: string): Promise<(() => Promise<void>) | undefined> {
  if (!fault.startsWith('disk-full:') || !net.dataDir || !net.stop) return undefined;
  const name = fault.slice('disk-full:'.length);
  const dir = net.dataDir(name);
  const stop = net.stop.bind(net);
  await stop(name);
  smallDisks.set(dir, SmallDisk.mount(dir, 16));
  await net.restart();
  return async () => {
    const disk = smallDisks.get(dir);
    smallDisks.delete(dir);
    await stop(name); // nothing to do when the full disk stopped it already
    disk?.restore();
    await net.restart();
  };
}

export interface FaultRunOptions {
  /** Load per fault, from the fault's start on. */
  readonly seconds: number;
  readonly log: (line: string) => void;
  /** Clients send a transaction again after this long without a commit status (SDK default otherwise). */
  readonly resendMs?: number;
  /** Concurrent loops per client. */
  readonly loops?: number;
}

/** One fault under load, then the checker. */
export async function runFault(net: FaultedNetwork, fault: string, options: FaultRunOptions): Promise<FaultResult> {
  const { log } = options;
  const restoreDisk = await prepareDisk(net, fault);
  const common = [
    '--loops',
    String(options.loops ?? 2),
    '--seconds',
    String(options.seconds + 120),
    ...(options.resendMs !== undefined ? ['--resend-ms', String(options.resendMs)] : []),
  ];
  const workers = net.clients.map((c) => new Worker(c, ['--mix', c.mix.join(','), ...common]));
  const skewed =
    fault === 'clock-skew'
      ? new Worker(net.clients[0], ['--mix', 'intel', ...common, '--loops', '1', '--clock-skew-seconds', String(CLOCK_SKEW_SECONDS)])
      : undefined;
  const all = skewed ? [...workers, skewed] : workers;
  try {
    // every client has a write acknowledged (processes started, connected) before anything is measured
    const warmBy = Date.now() + 120_000;
    while (workers.some((w) => !w.events.some((e) => e.kind === 'ack' && e.op !== 'read')) && Date.now() < warmBy) await sleep(100);
    const loadStart = Date.now();
    await sleep(1000); // the load runs a second before the fault
    const faultStart = Date.now();
    const loadEnd = faultStart + options.seconds * 1000;
    const faultEnd = await inject(net, fault, loadEnd, log);
    // at least two seconds of load after the fault, to see recovery
    await sleep(Math.max(loadEnd, faultEnd + 2000) - Date.now());
    const stoppedAt = Date.now();
    for (const w of all) w.stop();
    await Promise.all(all.map((w) => w.done));
    if (net.link && fault !== 'link-partition') await net.link.set({});
    await restoreDisk?.();

    const events = workers.flatMap((w) => w.events);
    const writes = events.filter((e) => e.op !== 'read' && e.id !== '');
    const acks = writes.filter((e) => e.kind === 'ack').sort((a, b) => a.at - b.at);
    const failures = events.filter(isFailure);
    const skewedEvents = skewed?.events ?? [];
    const toCheck: Written[] = [...writes, ...skewedEvents.filter((e) => e.id !== '')].map((e) => ({
      op: e.op as Written['op'],
      id: e.id,
      acknowledged: e.kind === 'ack',
    }));

    // the second peer may commit the last block a moment later: wait until both are at one height (bounded)
    let chains = await Promise.all(net.clients.map((c) => check(c, [])));
    const agreeBy = Date.now() + 60_000;
    while (chains.some((r) => r.height !== chains[0]?.height) && Date.now() < agreeBy) {
      await sleep(500); // polling both peers' heights, bounded above
      chains = await Promise.all(net.clients.map((c) => check(c, [])));
    }
    log(`checker: ${String(toCheck.length)} writes read back from both operators' peers`);
    const checked = await Promise.all(net.clients.map((c) => check(c, toCheck)));

    const measured = acks.filter((a) => a.at >= loadStart && a.at <= stoppedAt);
    const times = [loadStart, ...measured.map((a) => a.at), stoppedAt];
    const outage = Math.max(...times.slice(1).map((t, i) => t - (times[i] ?? t)));
    const recovered = acks.find((a) => a.at >= faultEnd);
    const latencies = acks.map((a) => a.ms).sort((a, b) => a - b);
    const errors: Record<string, number> = {};
    for (const f of failures) {
      const code = f.error.split(':')[0] ?? '';
      errors[code] = (errors[code] ?? 0) + 1;
    }
    const skewedWritten = [
      ...skewedEvents.filter((e) => e.kind === 'ack').map((e) => `${e.op} ${e.id} acknowledged`),
      ...checked.flatMap((r) => r.unacknowledgedPresent.filter((w) => skewedEvents.some((e) => w.endsWith(e.id)))),
    ];
    const result: FaultResult = {
      fault: describeFault(fault),
      network: net.name,
      seconds: options.seconds,
      acknowledged: acks.length,
      reads: events.filter((e) => e.op === 'read' && e.kind === 'ack').length,
      failed: failures.length,
      errors: skewed ? { ...errors, ...countCodes(skewedEvents) } : errors,
      retried: sumCounts(workers.map((w) => w.retried)),
      firstFailures: [...failures, ...skewedEvents.filter(isFailure)].slice(0, 3).map((f) => f.error),
      outageSeconds: round(outage / 1000),
      recoverySeconds: recovered ? round(Math.max(0, recovered.at - faultEnd) / 1000) : null,
      faultSeconds: round((faultEnd - faultStart) / 1000),
      writesPerSecond: round(measured.length / ((stoppedAt - loadStart) / 1000)),
      p50Ms: Math.round(percentile(latencies, 0.5)),
      p99Ms: Math.round(percentile(latencies, 0.99)),
      missing: checked.flatMap((r) => r.missing),
      duplicated: [...new Set(checked.flatMap((r) => r.duplicated))],
      contentMissing: checked.flatMap((r) => r.contentMissing),
      failedButWritten: [...new Set(checked.flatMap((r) => r.unacknowledgedPresent))],
      skewedWritten,
      peersAgree: checked.every((r) => r.height === checked[0]?.height && r.blockHash === checked[0].blockHash),
      heights: checked.map((r) => r.height),
    };
    log(
      `fault ${result.fault}: ${String(result.acknowledged)} writes acknowledged, ${String(result.failed)} failed, outage ${String(result.outageSeconds)} s, ${faultPassed(result) ? 'checker passed' : 'CHECKER FAILED'}`,
    );
    return result;
  } finally {
    for (const w of all) w.kill();
  }
}

function sumCounts(counts: readonly Readonly<Record<string, number>>[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of counts) for (const [k, n] of Object.entries(c)) out[k] = (out[k] ?? 0) + n;
  return out;
}

function isFailure(e: LoadEvent): e is Extract<LoadEvent, { kind: 'fail' }> {
  return e.kind === 'fail';
}

function countCodes(events: readonly LoadEvent[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const e of events) {
    const key = e.kind === 'fail' ? `skewed client ${e.error.split(':')[0] ?? ''}` : 'skewed client acknowledged';
    out[key] = (out[key] ?? 0) + 1;
  }
  return out;
}

function round(x: number): number {
  return Math.round(x * 10) / 10;
}

/** The fault as a table row names it. */
export function describeFault(fault: string): string {
  const condition = LINK_FAULTS[fault];
  if (condition)
    return `${fault}: ${String(condition.latencyMs ?? 0)} +/- ${String(condition.jitterMs ?? 0)} ms each way${condition.rateKBps !== undefined ? `, ${String(condition.rateKBps)} KB/s` : ''}`;
  if (fault === 'link-partition') return `link-partition: HK-TH silent for ${String(PARTITION_MS / 1000)} s`;
  if (fault === 'clock-skew') return `clock-skew: one more HK client ${String(CLOCK_SKEW_SECONDS)} s ahead`;
  if (fault.startsWith('disk-full:')) return `${fault} for ${String(DISK_FULL_MS / 1000)} s`;
  if (fault.startsWith('stop:')) return `SIGSTOP ${fault.slice(5)} for ${String(HUNG_MS / 1000)} s`;
  return fault === 'none' ? 'none (load only)' : `SIGKILL ${fault}`;
}

/** The network of this machine (`xbnet up`): workers are plain processes, the operator's restart is `up`. */
export function localNetwork(network: NetworkOptions, spawnNode: LoadClient['spawn']): FaultedNetwork {
  const home = network.home ?? '';
  return {
    name: network.profile ?? 'dev',
    clients: [
      { identity: 'hk-bank-a', home, mix: ['intel', 'attest', 'read'], spawn: spawnNode },
      { identity: 'th-bank-a', home, mix: ['intel', 'confirm', 'read'], spawn: spawnNode },
    ],
    async resolve(target) {
      let name = target;
      if (target === 'orderer-leader' || target === 'orderer-follower') {
        const leader = await raftLeader(network);
        if (leader === undefined) throw new Error('no Raft leader to find (the network is not Raft, or is electing)');
        name = leader;
        if (target === 'orderer-follower') {
          const follower = (await status(network)).processes.find((p) => p.name.startsWith('orderer') && p.name !== leader && p.healthy);
          if (!follower) throw new Error('no Raft follower running');
          name = follower.name;
        }
      }
      const proc = (await status(network)).processes.find((p) => p.name === name);
      if (proc?.pid === undefined) throw new Error(`${name} is not running`);
      return { name, pid: proc.pid };
    },
    async restart() {
      await up(network, () => undefined, false);
    },
    dataDir(processName) {
      return paths(loadConfig(network)).data(processName);
    },
    async stop(processName) {
      await processManager(loadConfig(network)).stop(processName, 30_000);
    },
  };
}
