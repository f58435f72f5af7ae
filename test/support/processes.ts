/**
 * Child processes a test starts and must stop: started with their output captured, waited on for a
 * readiness line (never a fixed sleep), and stopped by pid with SIGTERM, then SIGKILL if they linger.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess, SpawnOptions } from 'node:child_process';

export interface Started {
  readonly child: ChildProcess;
  /** The output line that showed the process ready. */
  readonly readyLine: string;
  readonly output: () => string;
  stop(): Promise<void>;
}

/** Starts a process and resolves once a line of its stdout or stderr matches `ready` (or fails after `timeoutMs`). */
export async function startProcess(
  command: string,
  args: readonly string[],
  ready: RegExp,
  options: SpawnOptions & { timeoutMs?: number; input?: string } = {},
): Promise<Started> {
  const child = spawn(command, args, { ...options, stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  const readyLine = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${command} not ready after ${String(options.timeoutMs ?? 60_000)} ms:\n${output}`)),
      options.timeoutMs ?? 60_000,
    );
    const onData = (chunk: Buffer): void => {
      output += chunk.toString('utf8');
      const line = output.split('\n').find((l) => ready.test(l));
      if (line !== undefined) {
        clearTimeout(timer);
        resolve(line);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${command} exited with ${String(code)} before it was ready:\n${output}`));
    });
    if (options.input !== undefined) child.stdin.end(options.input);
  }).catch(async (err: unknown) => {
    await stop();
    throw err;
  });
  return { child, readyLine, output: () => output, stop };
}
