import { XborderError } from '@xborder/sdk';

/** Where command results go: human text, or one JSON document for scripts. */
export interface Output {
  readonly json: boolean;
  /** Prints a result: as JSON with --json, else through `human`. */
  result(value: unknown, human: (out: (line: string) => void) => void): void;
  /** A progress line on a terminal (stderr), nothing otherwise. */
  progress(done: number, total: number, label: string): void;
  info(line: string): void;
}

export function newOutput(
  json: boolean,
  stdout: NodeJS.WritableStream = process.stdout,
  stderr: NodeJS.WriteStream = process.stderr,
): Output {
  const tty = stderr.isTTY && !json;
  let lastDraw = 0;
  return {
    json,
    result(value, human) {
      if (json) stdout.write(`${JSON.stringify(value, null, 2)}\n`);
      else human((line) => stdout.write(`${line}\n`));
    },
    progress(done, total, label) {
      if (!tty) return;
      const now = Date.now();
      if (done < total && now - lastDraw < 100) return;
      lastDraw = now;
      const width = 30;
      const filled = total === 0 ? width : Math.round((done / total) * width);
      stderr.write(
        `\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(done)}/${String(total)}${done >= total ? '\n' : ''}`,
      );
    },
    info(line) {
      if (!json) stderr.write(`${line}\n`);
    },
  };
}

/** Left-aligned columns for short human tables. */
export function table(rows: readonly (readonly string[])[]): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
}

const HINTS: Readonly<Record<string, string>> = {
  CONFIG:
    "check --as and --home (or XB_IDENTITY, XB_HOME): on an operator's or the auditors' host, --home is that organisation's folder (DEPLOYMENT.md); on the single-host network, `npm run network:up` creates the local identities",
  BAD_INPUT: 'fix the file and run the command again; nothing was submitted',
  ACCESS_DENIED: 'use an identity with the right role (--as); auditors can only read',
  KEY_NOT_REGISTERED: "the institution's org admin registers the certificate: xborder registry register-key",
  KEY_REVOKED: 'enroll a new certificate and have the org admin register it',
  UNAVAILABLE: 'is the network up? npm run network:status',
  DEADLINE_EXCEEDED: 'the network is slow or down: npm run network:status',
  PAYMENT_LIMIT_EXCEEDED: 'see the corridor limits: xborder registry corridor HK-TH',
  PAYMENT_WRONG_SIDE: 'the sending side attests, the receiving side confirms (--as)',
  INTEL_NOT_PRODUCER: 'only the institution that produced the first version may version or revoke it',
};

/** Prints an error as `error CODE: reason` plus a hint, and returns the exit code. */
export function reportError(err: unknown, json: boolean): number {
  const e = err instanceof XborderError ? err : new XborderError('CLIENT_ERROR', err instanceof Error ? err.message : String(err));
  if (json) {
    process.stdout.write(
      `${JSON.stringify({ error: { code: e.code, message: e.message, transactionId: e.transactionId ?? null } }, null, 2)}\n`,
    );
  } else {
    process.stderr.write(`error ${e.code}: ${e.message.split('\n')[0] ?? ''}\n`);
    if (e.transactionId) process.stderr.write(`  transaction ${e.transactionId}\n`);
    const hint = HINTS[e.code];
    if (hint) process.stderr.write(`  hint: ${hint}\n`);
  }
  return e.code === 'USAGE' ? 2 : 1;
}
