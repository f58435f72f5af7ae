/**
 * Faults under load: clients of both operators submit intel in a closed loop while one process of the
 * network is killed (SIGKILL) and brought back by the operator (`up`); a checker then reads the ledger
 * from both operators and checks that every transaction the SDK acknowledged is there exactly once,
 * both peers agree (height and last block hash), and shared content is on both peers.
 */
import { raftLeader, status, up } from '@xborder/network';
import type { NetworkOptions } from '@xborder/network';
import { connect, toXborderError } from '@xborder/sdk';
import type { RetryPolicy, XborderClient } from '@xborder/sdk';

import { benchIndicator } from './scenarios';

/** Processes a fault can kill, by their name in `xbnet status`, and (with Raft) the current leader or a follower. */
export const FAULT_TARGETS = [
  'peer0.hk',
  'peer0.th',
  'cc-xborder-hk',
  'cc-xborder-th',
  'orderer0',
  'ca-hk',
  'orderer-leader',
  'orderer-follower',
] as const;

/** How long a `stop:` fault keeps its process hung. */
const HUNG_MS = 5000;

/** The process a target names now: the Raft leader or a follower is found when the fault starts. */
async function resolveTarget(network: NetworkOptions, target: string): Promise<string> {
  if (target !== 'orderer-leader' && target !== 'orderer-follower') return target;
  const leader = await raftLeader(network);
  if (leader === undefined) throw new Error('no Raft leader to find (the network is not Raft, or is electing)');
  if (target === 'orderer-leader') return leader;
  const follower = (await status(network)).processes.find((p) => p.name.startsWith('orderer') && p.name !== leader && p.healthy);
  if (!follower) throw new Error('no Raft follower running');
  return follower.name;
}

export interface FaultResult {
  readonly fault: string;
  readonly acknowledged: number;
  /** Submissions that failed after the SDK's retries (not acknowledged; a re-run may retry them). */
  readonly failed: number;
  readonly failures: readonly string[];
  /** Seconds from the kill until the process was healthy again (by `up`). */
  readonly restartSeconds: number;
  /** Longest time no submission was acknowledged during the run. */
  readonly longestGapSeconds: number;
  readonly missing: readonly string[];
  readonly duplicated: readonly string[];
  readonly contentMissing: readonly string[];
  readonly peersAgree: boolean;
  readonly heights: Readonly<Record<string, number>>;
}

const RETRY: RetryPolicy = { attempts: 60, baseMs: 250, maxMs: 2000, deadlineMs: 90_000 };

async function waitUntil<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`${what}: not reached within ${String(timeoutMs / 1000)} s`);
    await new Promise((r) => setTimeout(r, 250)); // polling a condition, bounded by the timeout
  }
}

/** Both peers at the same height with the same last block, as seen through one client per peer. */
async function peersAgree(home: string): Promise<{ agree: boolean; heights: Record<string, number> }> {
  const viaHk = connect({ identity: 'audit-1', home, peer: 'peer0.hk' });
  const viaTh = connect({ identity: 'audit-1', home, peer: 'peer0.th' });
  try {
    const both = await waitUntil(
      'both peers at one height',
      async () => {
        const [a, b] = await Promise.all([viaHk.audit.chainInfo(), viaTh.audit.chainInfo()]);
        return a.height === b.height ? [a, b] : undefined;
      },
      60_000,
    ).catch(async () => Promise.all([viaHk.audit.chainInfo(), viaTh.audit.chainInfo()]));
    const [a, b] = both;
    return { agree: a.height === b.height && a.blockHash === b.blockHash, heights: { 'peer0.hk': a.height, 'peer0.th': b.height } };
  } finally {
    viaHk.close();
    viaTh.close();
  }
}

/** One fault: load from both operators for `seconds`, the target killed after a second and brought back. */
export async function runFault(
  network: NetworkOptions,
  target: string,
  seconds: number,
  log: (line: string) => void,
  resendMs?: number,
): Promise<FaultResult> {
  const home = network.home ?? '';
  const clients: XborderClient[] = ['hk-bank-a', 'th-bank-a'].map((identity) =>
    connect({ identity, home, retry: RETRY, ...(resendMs !== undefined ? { deadlines: { resendMs } } : {}) }),
  );
  const acknowledged: { id: string; producer: XborderClient }[] = [];
  const failures: string[] = [];
  let lastAck = Date.now();
  let longestGap = 0;
  let stop = false;
  const worker = async (client: XborderClient, n: number): Promise<void> => {
    while (!stop) {
      const object = benchIndicator(n);
      try {
        await client.intel.submit(object);
        acknowledged.push({ id: object.id as string, producer: client });
        longestGap = Math.max(longestGap, Date.now() - lastAck);
        lastAck = Date.now();
      } catch (err) {
        const e = toXborderError(err);
        failures.push(`${e.code}: ${e.message.split('\n')[0] ?? ''}`.slice(0, 300));
      }
    }
  };
  try {
    const load = [0, 1, 2, 3].map((n) => worker(clients[n % 2] as XborderClient, n));
    await new Promise((r) => setTimeout(r, 1000)); // load runs a second before the fault
    // `stop:<process>` hangs the process (SIGSTOP) for HUNG_MS and lets it go on (SIGCONT); otherwise SIGKILL and `up`
    const hang = target.startsWith('stop:');
    const named = await resolveTarget(network, hang ? target.slice('stop:'.length) : target);
    const proc = (await status(network)).processes.find((p) => p.name === named);
    if (proc?.pid === undefined) throw new Error(`${named} is not running`);
    const signal = hang ? 'SIGSTOP' : 'SIGKILL';
    log(`fault: ${signal} ${named}${named === target ? '' : ` (${target})`} (pid ${String(proc.pid)}) under load`);
    const killedAt = Date.now();
    process.kill(proc.pid, signal);
    if (hang) {
      await new Promise((r) => setTimeout(r, HUNG_MS)); // the process hangs this long
      process.kill(proc.pid, 'SIGCONT');
    } else {
      await new Promise((r) => setTimeout(r, 1000)); // the outage lasts at least a second before the operator acts
      await up(network, () => undefined, false);
    }
    const restartSeconds = (Date.now() - killedAt) / 1000;
    const remaining = seconds * 1000 - (Date.now() - killedAt) - 1000;
    if (remaining > 0) await new Promise((r) => setTimeout(r, remaining));
    stop = true;
    await Promise.all(load);
    longestGap = Math.max(longestGap, Date.now() - lastAck);

    // the checker: each acknowledged object once, readable with its content from both operators
    const [hk, th] = clients as [XborderClient, XborderClient];
    const missing: string[] = [];
    const duplicated: string[] = [];
    const contentMissing: string[] = [];
    for (const { id } of acknowledged) {
      for (const reader of [hk, th]) {
        const history = await reader.intel.history(id).catch(() => []);
        if (history.length === 0) missing.push(`${id} (${reader.profile.institution})`);
        if (history.length > 1) duplicated.push(id);
        const version = history[0]?.modified;
        if (version !== undefined) {
          const ok = await reader.intel.content(id, version).then(
            () => true,
            () => false,
          );
          if (!ok) contentMissing.push(`${id} (${reader.profile.mspId})`);
        }
      }
    }
    const agreement = await peersAgree(home);
    log(
      `fault ${target}: ${String(acknowledged.length)} acknowledged, ${String(failures.length)} failed, back in ${restartSeconds.toFixed(1)} s`,
    );
    return {
      fault: `${signal} ${hang ? named : target}${hang || named === target ? '' : ` (${named})`}${hang ? ` for ${String(HUNG_MS / 1000)} s` : ''}`,
      acknowledged: acknowledged.length,
      failed: failures.length,
      failures: failures.slice(0, 5),
      restartSeconds: Number(restartSeconds.toFixed(1)),
      longestGapSeconds: Number((longestGap / 1000).toFixed(1)),
      missing,
      duplicated: [...new Set(duplicated)],
      contentMissing,
      peersAgree: agreement.agree,
      heights: agreement.heights,
    };
  } finally {
    stop = true;
    for (const c of clients) c.close();
  }
}
