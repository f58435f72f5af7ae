/**
 * The link between two operators' hosts as a toxiproxy (TCP) proxy per remote endpoint: each host
 * resolves the other's name to the proxy, so every connection between them (gossip, endorsement,
 * ordering, block delivery) passes through it, TLS end to end. Faults are toxics on every proxy, both
 * directions: latency with jitter, a bandwidth limit, or a black hole (a partition: connections stay
 * open and carry nothing, as when packets are lost).
 */
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** One direction's conditions on the link (both directions get the same). */
export interface LinkCondition {
  /** Added delay per direction, ms (the round trip gains twice this). */
  readonly latencyMs?: number;
  /** Random variation of that delay, +/- ms. */
  readonly jitterMs?: number;
  /** Bandwidth per connection and direction, KB/s. */
  readonly rateKBps?: number;
  /** Nothing gets through (connections stay open). */
  readonly blackhole?: boolean;
}

export interface ProxyRoute {
  readonly name: string;
  /** Where the proxy listens (the address the far side's name resolves to, and the endpoint's port). */
  readonly listen: string;
  /** The real endpoint. */
  readonly upstream: string;
}

export class LinkProxy {
  readonly #api: string;
  readonly #child: ChildProcess;
  readonly #routes: ProxyRoute[] = [];

  private constructor(api: string, child: ChildProcess) {
    this.#api = api;
    this.#child = child;
  }

  /**
   * Builds toxiproxy if needed (network/scripts/install-toxiproxy.sh) and starts its server with its
   * API on 127.0.0.1:`apiPort`, logging to `logFile`; resolves once the API answers.
   */
  static async start(repoRoot: string, fabricHome: string, apiPort: number, logFile: string): Promise<LinkProxy> {
    execFileSync('bash', [path.join(repoRoot, 'network', 'scripts', 'install-toxiproxy.sh')], {
      env: { ...process.env, XB_FABRIC_HOME: fabricHome },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const log = fs.openSync(logFile, 'a');
    const child = spawn(path.join(fabricHome, 'bin', 'toxiproxy-server'), ['-host', '127.0.0.1', '-port', String(apiPort)], {
      stdio: ['ignore', log, log],
    });
    fs.closeSync(log);
    const proxy = new LinkProxy(`http://127.0.0.1:${String(apiPort)}`, child);
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`toxiproxy exited (${String(child.exitCode)}); see ${logFile}`);
      const up = await fetch(`${proxy.#api}/version`).then(
        (r) => r.ok,
        () => false,
      );
      if (up) return proxy;
      if (Date.now() > deadline) {
        proxy.stop();
        throw new Error(`toxiproxy did not answer on port ${String(apiPort)} within 30 s; see ${logFile}`);
      }
      await new Promise((r) => setTimeout(r, 100)); // waiting for the API to listen, bounded above
    }
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  async #call(method: string, route: string, body?: unknown): Promise<void> {
    const res = await fetch(`${this.#api}${route}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    if (!res.ok) throw new Error(`toxiproxy ${method} ${route}: ${String(res.status)} ${await res.text()}`);
  }

  /** Adds a proxy (a clean link until a condition is set). */
  async add(route: ProxyRoute): Promise<void> {
    await this.#call('POST', '/proxies', { ...route, enabled: true });
    this.#routes.push(route);
  }

  get routes(): readonly ProxyRoute[] {
    return this.#routes;
  }

  /** Puts a condition on every proxy, both directions, replacing any earlier one; `{}` clears it. */
  async set(condition: LinkCondition): Promise<void> {
    for (const { name } of this.#routes) {
      await this.#call('POST', `/proxies/${name}`, { enabled: true });
      for (const stream of ['upstream', 'downstream'] as const) {
        for (const toxic of ['latency', 'bandwidth', 'blackhole']) {
          await this.#call('DELETE', `/proxies/${name}/toxics/${toxic}-${stream}`).catch(() => undefined); // absent: nothing to clear
        }
        const add = (type: string, toxic: string, attributes: Record<string, number>): Promise<void> =>
          this.#call('POST', `/proxies/${name}/toxics`, { name: `${toxic}-${stream}`, type, stream, toxicity: 1, attributes });
        if (condition.latencyMs !== undefined)
          await add('latency', 'latency', { latency: condition.latencyMs, jitter: condition.jitterMs ?? 0 });
        if (condition.rateKBps !== undefined) await add('bandwidth', 'bandwidth', { rate: condition.rateKBps });
        // a timeout toxic of 0 holds every byte and never closes: the connection is silent, as in a partition
        if (condition.blackhole === true) await add('timeout', 'blackhole', { timeout: 0 });
      }
    }
  }

  /** Stops the server (its proxies go with it). */
  stop(): void {
    if (this.#child.exitCode === null) this.#child.kill('SIGKILL');
  }
}
