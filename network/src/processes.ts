import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as path from 'node:path';

/** A long-running process of the network (orderer, peer, CA, chaincode server). */
export interface ProcessSpec {
  /** Unique name; also the name of its pid and log files. */
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly cwd?: string;
  /** Ports the process listens on, checked free before it starts. */
  readonly ports: readonly { host: string; port: number }[];
  /** How to know it is ready. */
  readonly readiness: Readiness;
}

export type Readiness =
  { readonly kind: 'healthz'; readonly url: string } | { readonly kind: 'tcp'; readonly host: string; readonly port: number };

export class NetworkError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NetworkError';
  }
}

export class ProcessManager {
  readonly #runDir: string;
  readonly #logDir: string;

  constructor(runDir: string, logDir: string) {
    this.#runDir = runDir;
    this.#logDir = logDir;
  }

  pidFile(name: string): string {
    return path.join(this.#runDir, `${name}.pid`);
  }

  logFile(name: string): string {
    return path.join(this.#logDir, `${name}.log`);
  }

  /** The pid of a process this manager started and which is still alive, else undefined. */
  runningPid(name: string): number | undefined {
    let text: string;
    try {
      text = fs.readFileSync(this.pidFile(name), 'utf8');
    } catch {
      return undefined;
    }
    const pid = Number.parseInt(text.trim(), 10);
    if (!Number.isInteger(pid) || pid <= 0) return undefined;
    return isAlive(pid) ? pid : undefined;
  }

  /** Names of every process that has a pid file. */
  knownNames(): string[] {
    if (!fs.existsSync(this.#runDir)) return [];
    return fs
      .readdirSync(this.#runDir)
      .filter((f) => f.endsWith('.pid'))
      .map((f) => f.slice(0, -'.pid'.length))
      .sort();
  }

  /**
   * Starts the process unless it already runs, then waits until it is ready. On failure the error
   * names the process and carries the tail of its log.
   */
  async start(spec: ProcessSpec, timeoutMs = 60_000): Promise<'started' | 'running'> {
    if (this.runningPid(spec.name) !== undefined) {
      await this.waitReady(spec, timeoutMs);
      return 'running';
    }
    for (const { host, port } of spec.ports) {
      // a port released by a process that just stopped can take a moment to be free again
      const deadline = Date.now() + 5000;
      while (!(await isPortFree(host, port))) {
        if (Date.now() > deadline)
          throw new NetworkError(`${spec.name}: port ${host}:${String(port)} is already in use by another process`);
        await delay(100);
      }
    }
    fs.mkdirSync(this.#runDir, { recursive: true, mode: 0o700 });
    fs.mkdirSync(this.#logDir, { recursive: true, mode: 0o700 });
    // logs are the owner's only: they may record what a process prints about its work
    const log = fs.openSync(this.logFile(spec.name), 'a', 0o600);
    fs.fchmodSync(log, 0o600);
    fs.writeSync(log, `\n=== ${new Date().toISOString()} starting ${spec.command} ${spec.args.join(' ')}\n`);
    const child = spawn(spec.command, [...spec.args], {
      cwd: spec.cwd,
      env: { ...pathEnv(), ...spec.env },
      detached: true,
      stdio: ['ignore', log, log],
    });
    fs.closeSync(log);
    const pid = child.pid;
    if (pid === undefined) {
      throw new NetworkError(`${spec.name}: could not start ${spec.command}`);
    }
    let exited: string | undefined;
    child.on('exit', (code, signal) => {
      exited = signal ? `signal ${signal}` : `exit code ${String(code)}`;
    });
    child.on('error', (err) => {
      exited = err.message;
    });
    child.unref();
    fs.writeFileSync(this.pidFile(spec.name), `${String(pid)}\n`);
    try {
      await this.waitReady(spec, timeoutMs, () => exited);
    } catch (err) {
      await this.stop(spec.name);
      throw err;
    }
    return 'started';
  }

  async waitReady(spec: ProcessSpec, timeoutMs: number, exited: () => string | undefined = () => undefined): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const gone = exited();
      if (gone !== undefined) {
        throw new NetworkError(`${spec.name} stopped during start-up (${gone})\n${this.logTail(spec.name)}`);
      }
      const result = await probe(spec.readiness);
      if (result === true) return;
      if (Date.now() > deadline) {
        throw new NetworkError(`${spec.name} not ready after ${String(timeoutMs / 1000)}s (${result})\n${this.logTail(spec.name)}`);
      }
      await delay(200);
    }
  }

  /** Stops a process by its pid file: SIGTERM, then SIGKILL after a grace period. */
  async stop(name: string, graceMs = 10_000): Promise<boolean> {
    const pid = this.runningPid(name);
    const file = this.pidFile(name);
    if (pid === undefined) {
      fs.rmSync(file, { force: true });
      return false;
    }
    signal(pid, 'SIGTERM');
    // wait for the whole process group: a child that still holds a listening port counts too
    const deadline = Date.now() + graceMs;
    while ((isAlive(pid) || groupAlive(pid)) && Date.now() < deadline) await delay(100);
    if (isAlive(pid) || groupAlive(pid)) {
      signal(pid, 'SIGKILL');
      while (isAlive(pid) || groupAlive(pid)) await delay(50);
    }
    fs.rmSync(file, { force: true });
    return true;
  }

  logTail(name: string, lines = 25): string {
    try {
      const text = fs.readFileSync(this.logFile(name), 'utf8').trimEnd().split('\n');
      return `--- last lines of ${this.logFile(name)} ---\n${text.slice(-lines).join('\n')}`;
    } catch {
      return `(no log at ${this.logFile(name)})`;
    }
  }
}

/** Signals the process group first (the process was started detached, so it leads its group). */
function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(-pid, sig);
  } catch {
    try {
      process.kill(pid, sig);
    } catch {
      // already gone
    }
  }
}

/** Whether any process of the group led by `pid` is still running (zombies excluded). */
function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
  } catch {
    return false;
  }
  try {
    for (const entry of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields[0] !== 'Z' && fields[2] === String(pid)) return true;
    }
    return false;
  } catch {
    return true;
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // a zombie (exited, not yet reaped) still answers kill(0): look at its state
  try {
    const stat = fs.readFileSync(`/proc/${String(pid)}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z';
  } catch {
    return true;
  }
}

export function isPortFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => {
      resolve(false);
    });
    server.listen({ host, port, exclusive: true }, () => {
      server.close(() => {
        resolve(true);
      });
    });
  });
}

/** Returns true when ready, else a short reason. */
export async function probe(readiness: Readiness): Promise<true | string> {
  if (readiness.kind === 'tcp') {
    return new Promise((resolve) => {
      const socket = net.connect({ host: readiness.host, port: readiness.port });
      socket.setTimeout(1000);
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('timeout', () => {
        socket.destroy();
        resolve('connect timeout');
      });
      socket.once('error', (err) => {
        resolve(err.message);
      });
    });
  }
  const health = await healthz(readiness.url);
  return health.ok ? true : health.detail;
}

/** GETs a Fabric operations `/healthz` endpoint. */
export function healthz(url: string): Promise<{ ok: boolean; detail: string }> {
  return new Promise((resolve) => {
    const req = http.get(url, { timeout: 2000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => {
        resolve({ ok: res.statusCode === 200, detail: `HTTP ${String(res.statusCode)} ${body.trim()}` });
      });
    });
    req.on('timeout', () => {
      req.destroy(new Error('timeout'));
    });
    req.on('error', (err) => {
      resolve({ ok: false, detail: err.message });
    });
  });
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A minimal inherited environment: PATH and HOME only, so a caller's CORE_* never leaks in. */
function pathEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const key of ['PATH', 'HOME', 'TMPDIR', 'LANG']) {
    const value = process.env[key];
    if (value !== undefined) env[key] = value;
  }
  return env;
}
