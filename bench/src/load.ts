/** Outcome of one submitted transaction. */
export type TxOutcome =
  { readonly ok: true; readonly objects: number } | { readonly ok: false; readonly kind: 'mvcc' | 'failed'; readonly message: string };

export interface LoadResult {
  readonly seconds: number;
  readonly committed: number;
  readonly objects: number;
  readonly tps: number;
  readonly objectsPerSecond: number;
  readonly mvccConflicts: number;
  readonly failures: number;
  readonly firstFailure: string | null;
  readonly latencyMs: { p50: number; p95: number; p99: number; max: number };
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const i = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return Number((sorted[Math.max(0, i)] ?? 0).toFixed(1));
}

/**
 * Closed-loop load: `concurrency` workers each submit a transaction and wait for its commit, for
 * `warmupSeconds` unmeasured and then `seconds` measured. Latency runs from submit to commit status;
 * only VALID commits count, MVCC conflicts and other failures are counted apart.
 */
export async function runLoad(
  options: { seconds: number; warmupSeconds: number; concurrency: number; maxTransactions?: number },
  submit: (i: number) => Promise<TxOutcome>,
): Promise<LoadResult> {
  let counter = 0;
  const start = Date.now();
  const measureFrom = start + options.warmupSeconds * 1000;
  const end = measureFrom + options.seconds * 1000;
  const latencies: number[] = [];
  let committed = 0;
  let objects = 0;
  let mvcc = 0;
  let failures = 0;
  let firstFailure: string | null = null;
  let lastCommit = measureFrom;
  const worker = async (): Promise<void> => {
    while (Date.now() < end && (options.maxTransactions === undefined || counter < options.maxTransactions)) {
      const i = counter++;
      const t0 = Date.now();
      const outcome = await submit(i).catch((err: unknown): TxOutcome => ({
        ok: false,
        kind: 'failed',
        message: err instanceof Error ? err.message : String(err),
      }));
      const t1 = Date.now();
      if (t0 < measureFrom || t1 > end) continue;
      if (outcome.ok) {
        committed++;
        objects += outcome.objects;
        latencies.push(t1 - t0);
        lastCommit = t1;
      } else if (outcome.kind === 'mvcc') mvcc++;
      else {
        failures++;
        firstFailure ??= outcome.message.split('\n')[0] ?? '';
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  const seconds = Math.max(0.001, (Math.min(end, options.maxTransactions !== undefined ? lastCommit : end) - measureFrom) / 1000);
  latencies.sort((a, b) => a - b);
  return {
    seconds: Number(seconds.toFixed(2)),
    committed,
    objects,
    tps: Number((committed / seconds).toFixed(1)),
    objectsPerSecond: Number((objects / seconds).toFixed(1)),
    mvccConflicts: mvcc,
    failures,
    firstFailure,
    latencyMs: {
      p50: percentile(latencies, 50),
      p95: percentile(latencies, 95),
      p99: percentile(latencies, 99),
      max: percentile(latencies, 100),
    },
  };
}

/** Latency of `count` sequential calls (evaluate reads). */
export async function timeCalls(
  count: number,
  call: (i: number) => Promise<unknown>,
): Promise<{ count: number; p50: number; p95: number; p99: number; max: number }> {
  const latencies: number[] = [];
  for (let i = 0; i < count; i++) {
    const t0 = process.hrtime.bigint();
    await call(i);
    latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  latencies.sort((a, b) => a - b);
  return {
    count,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    max: percentile(latencies, 100),
  };
}
