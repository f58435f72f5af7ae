/**
 * One client of the fault suite as a process of its own, so that it can run on its operator's host
 * (inside that host's network namespace) with its own clock:
 *
 *   fault-worker load  --home H --as ID --mix intel,attest,read [--loops N] [--seconds S]
 *                      [--resend-ms MS] [--clock-skew-seconds S]     JSON lines, one per finished call
 *   fault-worker check --home H --as ID                              writes (JSON) on stdin, result on stdout
 *
 * `load` stops after `--seconds` or when its standard input closes, and ends with `{"kind":"done"}`.
 */
import { parseArgs } from 'node:util';

import { connect, DEFAULT_RETRY } from '@xborder/sdk';
import type { RetryPolicy } from '@xborder/sdk';

import { LOAD_OPS, checkWrites, runLoad } from './fault-load';
import type { LoadOp, Written } from './fault-load';

/**
 * The SDK's backoff (from 100 ms, doubling to 2 s, jittered) with more patience: a fault lasts
 * seconds, and the suite wants the acknowledged writes, not fast failures.
 */
const RETRY: RetryPolicy = {
  ...DEFAULT_RETRY,
  attempts: 60,
  deadlineMs: 90_000,
  // every failure the SDK absorbs is reported too: what clients would see without retries
  onRetry: (e) => {
    print({ kind: 'retry', code: e.code, what: e.what.split(' ')[0] });
  },
};

/**
 * Moves this process's clock by `skewMs` (what a client host with a wrong clock does): `new Date()`
 * and `Date.now()` read the shifted time, so its proposals carry it. Timers are not affected.
 */
function skewClock(skewMs: number): void {
  const Real = Date;
  class Skewed extends Real {
    constructor(...args: unknown[]) {
      if (args.length === 0) super(Real.now() + skewMs);
      else super(...(args as [string | number]));
    }
    static override now(): number {
      return Real.now() + skewMs;
    }
  }
  globalThis.Date = Skewed as DateConstructor;
}

function print(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function main(): Promise<void> {
  const [command, ...rest] = process.argv.slice(2);
  const { values } = parseArgs({
    args: rest,
    strict: true,
    options: {
      home: { type: 'string' },
      as: { type: 'string' },
      mix: { type: 'string', default: 'intel' },
      loops: { type: 'string', default: '2' },
      seconds: { type: 'string', default: '60' },
      'resend-ms': { type: 'string' },
      'clock-skew-seconds': { type: 'string', default: '0' },
    },
  });
  if (values.home === undefined || values.as === undefined) throw new Error('--home and --as are required');
  const skew = Number(values['clock-skew-seconds']);
  if (!Number.isFinite(skew)) throw new Error('--clock-skew-seconds must be a number');
  if (skew !== 0) skewClock(skew * 1000);
  const resendMs = values['resend-ms'] !== undefined ? Number(values['resend-ms']) : undefined;
  const client = connect({
    identity: values.as,
    home: values.home,
    retry: RETRY,
    ...(resendMs !== undefined ? { deadlines: { resendMs } } : {}),
  });
  try {
    if (command === 'load') {
      const mix = values.mix.split(',') as LoadOp[];
      const unknown = mix.filter((op) => !LOAD_OPS.includes(op));
      if (unknown.length > 0) throw new Error(`--mix: unknown operation ${unknown.join(', ')} (known: ${LOAD_OPS.join(', ')})`);
      const end = Date.now() + Number(values.seconds) * 1000;
      let closed = false;
      process.stdin.on('end', () => (closed = true)).resume();
      await runLoad(client, {
        mix,
        loops: Number(values.loops),
        date: new Date().toISOString().slice(0, 10),
        shouldStop: () => closed || Date.now() > end,
        emit: print,
      });
      print({ kind: 'done' });
    } else if (command === 'check') {
      const writes = JSON.parse(await readStdin()) as Written[];
      print(await checkWrites(client, writes));
    } else {
      throw new Error(`unknown command ${command ?? '(none)'}: load or check`);
    }
  } finally {
    client.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`fault-worker: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 2;
});
