/**
 * Hosts on one machine (for the two-hosts tests and the fault suite's sites network): a Linux network
 * namespace per host, each with one veth link to a bridge in the caller's own namespace. Everything
 * is named after the calling process and removed by `remove()`, also after a failure. Needs root
 * (CAP_NET_ADMIN); `available()` says whether it can run here.
 */
import { execFile, execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** `ip netns exec` bind-mounts files of /etc/netns/<ns>/ over /etc/: how each host gets its own /etc/hosts. */
const NETNS_ETC = '/etc/netns';

export interface Host {
  readonly name: string;
  /** The host's DNS name, resolved through the /etc/hosts every host of the set shares. */
  readonly hostName: string;
  /** The namespace (`ip netns exec <ns>`). */
  readonly ns: string;
  readonly address: string;
  /** The bridge side of the host's link: taking it down takes the host off the network. */
  readonly link: string;
}

function ip(args: readonly string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** Whether namespaces can be created here (root and a working `ip netns`), with the reason if not. */
export function available(): { ok: true } | { ok: false; why: string } {
  if (process.getuid?.() !== 0) return { ok: false, why: 'network namespaces need root' };
  const probe = `xbprobe${String(process.pid % 100000)}`;
  try {
    ip(['netns', 'add', probe]);
    ip(['netns', 'del', probe]);
    return { ok: true };
  } catch (err) {
    return { ok: false, why: `ip netns does not work here: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}` };
  }
}

export class Hosts {
  readonly #prefix: string;
  readonly #bridge: string;
  readonly #subnet: string;
  readonly hosts = new Map<string, Host>();
  /** Per host, names it resolves to another address than the host's own (a link proxy on the bridge). */
  readonly #routes = new Map<string, Map<string, string>>();

  constructor() {
    const id = process.pid % 100000;
    this.#prefix = `xb${String(id)}`;
    this.#bridge = `${this.#prefix}br`;
    // a /24 of 10.200-10.249 chosen by pid, so two runs on one machine do not meet
    this.#subnet = `10.${String(200 + (id % 50))}.${String(id % 250)}`;
  }

  /**
   * Creates the bridge (once) and a host named `name` (2-5 lowercase letters) on it, known to every
   * host of the set as `<name>.xborder.test` (the `.test` top-level domain is reserved for tests).
   */
  add(name: string): Host {
    if (!/^[a-z]{2,5}$/.test(name)) throw new Error(`host name ${name}: 2-5 lowercase letters`);
    if (this.hosts.size === 0) {
      ip(['link', 'add', this.#bridge, 'type', 'bridge']);
      ip(['link', 'set', this.#bridge, 'up']);
    }
    const ns = `${this.#prefix}-${name}`;
    const outside = `${this.#prefix}${name}0`;
    const inside = `${this.#prefix}${name}1`;
    const address = `${this.#subnet}.${String(this.hosts.size + 1)}`;
    ip(['netns', 'add', ns]);
    const host: Host = { name, hostName: `${name}.xborder.test`, ns, address, link: outside };
    this.hosts.set(name, host);
    this.#writeHostsFiles();
    ip(['link', 'add', outside, 'type', 'veth', 'peer', 'name', inside]);
    ip(['link', 'set', inside, 'netns', ns]);
    ip(['link', 'set', outside, 'master', this.#bridge]);
    ip(['link', 'set', outside, 'up']);
    ip(['-n', ns, 'addr', 'add', `${address}/24`, 'dev', inside]);
    ip(['-n', ns, 'link', 'set', inside, 'up']);
    ip(['-n', ns, 'link', 'set', 'lo', 'up']);
    return host;
  }

  /**
   * The bridge's own address on the hosts' subnet (given to it on first call): a process of the
   * caller's namespace listening there, such as a link proxy, is reachable from every host.
   */
  bridgeAddress(): string {
    if (this.hosts.size === 0) throw new Error('add a host first');
    const address = `${this.#subnet}.254`;
    const has = execFileSync('ip', ['-o', 'addr', 'show', 'dev', this.#bridge], { encoding: 'utf8' }).includes(`${address}/`);
    if (!has) ip(['addr', 'add', `${address}/24`, 'dev', this.#bridge]);
    return address;
  }

  /**
   * Makes host `from` resolve host `to`'s name to `address` (e.g. a proxy on the bridge) from now on.
   * Processes started afterwards see it; set routes before starting the hosts' processes.
   */
  route(from: string, to: string, address: string): void {
    const target = this.hosts.get(to);
    if (!this.hosts.has(from) || !target) throw new Error(`no host ${this.hosts.has(from) ? to : from}`);
    const routes = this.#routes.get(from) ?? new Map<string, string>();
    routes.set(target.hostName, address);
    this.#routes.set(from, routes);
    this.#writeHostsFiles();
  }

  #writeHostsFiles(): void {
    for (const h of this.hosts.values()) {
      const routes = this.#routes.get(h.name) ?? new Map<string, string>();
      const table = ['127.0.0.1 localhost', ...[...this.hosts.values()].map((o) => `${routes.get(o.hostName) ?? o.address} ${o.hostName}`)];
      fs.mkdirSync(path.join(NETNS_ETC, h.ns), { recursive: true });
      fs.writeFileSync(path.join(NETNS_ETC, h.ns, 'hosts'), `${table.join('\n')}\n`);
    }
  }

  /** Takes a host's link down (its processes keep running, unreachable) or up again. */
  setLink(name: string, up: boolean): void {
    const host = this.hosts.get(name);
    if (!host) throw new Error(`no host ${name}`);
    ip(['link', 'set', host.link, up ? 'up' : 'down']);
  }

  /** Runs a command inside a host's namespace; resolves with its exit code and output. */
  exec(
    name: string,
    command: string,
    args: readonly string[],
    env: NodeJS.ProcessEnv,
    timeoutMs = 300_000,
  ): Promise<{ code: number; stdout: string; stderr: string }> {
    const host = this.hosts.get(name);
    if (!host) throw new Error(`no host ${name}`);
    return new Promise((resolve) => {
      execFile(
        'ip',
        ['netns', 'exec', host.ns, command, ...args],
        { env, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 },
        (err, stdout, stderr) => {
          const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
          resolve({ code, stdout, stderr });
        },
      );
    });
  }

  /** Starts a long-running command inside a host's namespace (its pipes open; stop it by its pid). */
  spawn(name: string, command: string, args: readonly string[], env: NodeJS.ProcessEnv): ChildProcess {
    const host = this.hosts.get(name);
    if (!host) throw new Error(`no host ${name}`);
    return spawn('ip', ['netns', 'exec', host.ns, command, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  }

  /** Removes every namespace, link and the bridge this object made (processes must be stopped first). */
  remove(): void {
    for (const host of this.hosts.values()) {
      fs.rmSync(path.join(NETNS_ETC, host.ns), { recursive: true, force: true });
      for (const args of [
        ['netns', 'del', host.ns],
        ['link', 'del', host.link],
      ]) {
        try {
          ip(args);
        } catch {
          // already gone (deleting the namespace removes the veth pair)
        }
      }
    }
    try {
      if (this.hosts.size > 0) ip(['link', 'del', this.#bridge]);
    } catch {
      // already gone
    }
    this.hosts.clear();
    // /etc/netns is ours if nothing else is in it
    if (fs.existsSync(NETNS_ETC) && fs.readdirSync(NETNS_ETC).length === 0) fs.rmdirSync(NETNS_ETC);
  }

  /** Names of the namespaces and links of this object still present on the machine (for the cleanup check). */
  leftovers(): string[] {
    const namespaces = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' });
    const links = execFileSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' });
    const etc = fs.existsSync(NETNS_ETC) ? fs.readdirSync(NETNS_ETC) : [];
    return [...namespaces.split('\n'), ...links.split('\n'), ...etc].filter((l) => l.includes(this.#prefix));
  }
}
