import { execFile } from 'node:child_process';

import { NetworkError } from './processes';

export interface ExecOptions {
  readonly env?: Readonly<Record<string, string>>;
  readonly cwd?: string;
  readonly timeoutMs?: number;
  /** Values (secrets) replaced by `****` in any error this command reports. */
  readonly redact?: readonly string[];
}

function scrub(text: string, secrets: readonly string[]): string {
  return secrets.reduce((t, secret) => (secret.length >= 4 ? t.split(secret).join('****') : t), text);
}

/** Runs a one-shot command; rejects with its stderr (and what it was doing) when it fails. */
export function run(command: string, args: readonly string[], what: string, options: ExecOptions = {}): Promise<string> {
  const env: Record<string, string> = {};
  for (const key of ['PATH', 'HOME', 'TMPDIR', 'LANG']) {
    const value = process.env[key];
    if (value !== undefined) env[key] = value;
  }
  return new Promise((resolve, reject) => {
    execFile(
      command,
      [...args],
      {
        env: { ...env, ...options.env },
        cwd: options.cwd,
        timeout: options.timeoutMs ?? 120_000,
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        if (error) {
          const output = `${stderr}\n${stdout}`.trim().split('\n').slice(-15).join('\n');
          const message = `${what} failed: ${error.message.split('\n')[0] ?? ''}\n${output}`;
          reject(new NetworkError(scrub(message, options.redact ?? [])));
          return;
        }
        resolve(stdout);
      },
    );
  });
}
