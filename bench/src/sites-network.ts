/**
 * The two operators (and the auditors) on hosts of their own for the fault suite: one network
 * namespace per organisation, set up the way DEPLOYMENT.md describes (org-init, definitions
 * exchanged, channel proposed and accepted, each side's chaincode, seeding), with the HK-TH link
 * through a toxiproxy on the bridge so that its latency, bandwidth and partitions can be set.
 * `close()` stops every process and removes every namespace, also after a failure.
 */
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import type { FaultedNetwork } from './faults';
import { LinkProxy } from './link-proxy';
import { Hosts, available } from './netns';

export const SITE_KEYS = ['hk', 'th', 'audit'] as const;
export type SiteKey = (typeof SITE_KEYS)[number];

/** The two operators, whose hosts talk only through the link proxy. */
const OPERATORS = ['hk', 'th'] as const;

interface OrgDefinitionFile {
  readonly ca: { readonly port: number };
  readonly peers: readonly { readonly port: number }[];
  readonly orderers: readonly { readonly port: number }[];
}

export interface SitesOptions {
  readonly repoRoot: string;
  readonly fabricHome: string;
  /** Port of the link proxy's API on 127.0.0.1. */
  readonly proxyApiPort: number;
  readonly log: (line: string) => void;
}

export class SitesNetwork {
  readonly hosts = new Hosts();
  readonly base = fs.mkdtempSync(path.join(os.tmpdir(), 'xb-sites-'));
  readonly #options: SitesOptions;
  #link: LinkProxy | undefined;

  private constructor(options: SitesOptions) {
    this.#options = options;
  }

  /** Whether namespaces can be made here (root), with the reason if not. */
  static available(): { ok: true } | { ok: false; why: string } {
    return available();
  }

  /** Sets the network up; on failure everything made so far is removed before the error propagates. */
  static async create(options: SitesOptions): Promise<SitesNetwork> {
    const sites = new SitesNetwork(options);
    try {
      await sites.#setUp();
      return sites;
    } catch (err) {
      await sites.close();
      throw err;
    }
  }

  home(site: SiteKey): string {
    return path.join(this.base, site);
  }

  get link(): LinkProxy {
    if (!this.#link) throw new Error('the link proxy is not running');
    return this.#link;
  }

  /** The caller's environment without xborder settings: every command gets its folder by flag. */
  #env(): NodeJS.ProcessEnv {
    return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('XB_')));
  }

  /** Runs `xbnet` in the site's namespace with its own folder; throws with its output when it fails. */
  async xbnet(site: SiteKey, ...args: string[]): Promise<string> {
    const cli = path.join(this.#options.repoRoot, 'network', 'dist', 'cli.js');
    const r = await this.hosts.exec(site, process.execPath, [cli, ...args, '--home', this.home(site)], this.#env());
    if (r.code !== 0) throw new Error(`xbnet ${args.join(' ')} at ${site} failed (${String(r.code)}):\n${r.stdout}\n${r.stderr}`);
    return r.stdout;
  }

  /** Starts a node script in the site's namespace (a client of that operator). */
  spawnNode(site: SiteKey, script: string, args: readonly string[]): ChildProcess {
    return this.hosts.spawn(site, process.execPath, [script, ...args], this.#env());
  }

  /** The pid of one of the site's processes (`peer0.hk`, `orderer1.th`, `cc-xborder-hk`). */
  pidOf(site: SiteKey, processName: string): number {
    return Number.parseInt(fs.readFileSync(path.join(this.home(site), 'run', `${processName}.pid`), 'utf8'), 10);
  }

  /** The operators' clients (each on its own host) and processes, as the fault suite drives them. */
  faulted(): FaultedNetwork {
    const spawnAt = (site: SiteKey) => (script: string, args: readonly string[]) => this.spawnNode(site, script, args);
    const siteOf = (name: string): SiteKey => {
      const site = /[.-](hk|th|audit)(-b)?$/.exec(name)?.[1] as SiteKey | undefined;
      if (!site) throw new Error(`${name}: not a process of hk, th or audit`);
      return site;
    };
    return {
      name: 'sites',
      clients: [
        { identity: 'hk-bank-a', home: this.home('hk'), mix: ['intel', 'attest', 'read'], spawn: spawnAt('hk') },
        { identity: 'th-bank-a', home: this.home('th'), mix: ['intel', 'confirm', 'read'], spawn: spawnAt('th') },
      ],
      resolve: (target) => Promise.resolve({ name: target, pid: this.pidOf(siteOf(target), target) }),
      restart: async () => {
        for (const site of SITE_KEYS) await this.xbnet(site, 'org-up');
      },
      link: this.link,
    };
  }

  /** Peer heights of both operators, by their own status. */
  async heights(): Promise<Record<string, number>> {
    const all: Record<string, number> = {};
    for (const site of OPERATORS) {
      const st = JSON.parse(await this.xbnet(site, 'status', '--json')) as { heights: Record<string, number> };
      Object.assign(all, st.heights);
    }
    return all;
  }

  async #setUp(): Promise<void> {
    const { log } = this.#options;
    const can = available();
    if (!can.ok) throw new Error(`the sites network needs network namespaces: ${can.why}`);
    for (const site of SITE_KEYS) this.hosts.add(site);
    const hostName = (s: SiteKey): string => this.hosts.hosts.get(s)?.hostName ?? '';
    const address = (s: SiteKey): string => this.hosts.hosts.get(s)?.address ?? '';

    log('sites: org-init hk, th, audit (each in its own namespace)');
    await Promise.all(SITE_KEYS.map((s) => this.xbnet(s, 'org-init', '--org', s, '--host', hostName(s), '--bind', address(s))));
    const definition = (s: SiteKey): string => path.join(this.home(s), 'export', `${s}.org.json`);
    for (const site of SITE_KEYS)
      for (const other of SITE_KEYS.filter((o) => o !== site))
        await this.xbnet(site, 'org-import', '--file', this.#send(definition(other), site));

    // the HK-TH link: every endpoint of one operator is reached by the other through a proxy on the bridge
    const bridge = this.hosts.bridgeAddress();
    this.#link = await LinkProxy.start(
      this.#options.repoRoot,
      this.#options.fabricHome,
      this.#options.proxyApiPort,
      path.join(this.base, 'toxiproxy.log'),
    );
    for (const site of OPERATORS) {
      const d = JSON.parse(fs.readFileSync(definition(site), 'utf8')) as OrgDefinitionFile;
      for (const port of [d.ca.port, ...d.peers.map((p) => p.port), ...d.orderers.map((o) => o.port)])
        await this.link.add({
          name: `${site}-${String(port)}`,
          listen: `${bridge}:${String(port)}`,
          upstream: `${address(site)}:${String(port)}`,
        });
    }
    this.hosts.route('hk', 'th', bridge);
    this.hosts.route('th', 'hk', bridge);

    log('sites: channel proposed by hk, reviewed and accepted by each, nodes up');
    const sha = /SHA-256 ([0-9a-f]{64})/.exec(await this.xbnet('hk', 'channel-propose'))?.[1] ?? '';
    const proposed = path.join(this.home('hk'), 'export', 'xborder.proposed.block');
    for (const site of SITE_KEYS) {
      const block = site === 'hk' ? proposed : this.#send(proposed, site);
      await this.xbnet(site, 'channel-accept', '--block', block, '--sha256', sha);
    }
    await Promise.all(SITE_KEYS.map((s) => this.xbnet(s, 'org-up')));

    log('sites: chaincode approved by each operator and committed; members seeded');
    fs.mkdirSync(path.join(this.home('th'), 'operators'), { recursive: true, mode: 0o700 });
    fs.copyFileSync(path.join(this.home('hk'), 'operators', 'party-keys.json'), path.join(this.home('th'), 'operators', 'party-keys.json'));
    await this.xbnet('hk', 'chaincode-approve');
    await this.xbnet('th', 'chaincode-approve');
    await this.xbnet('th', 'chaincode-commit');
    const xborder = path.join(this.#options.repoRoot, 'cli', 'dist', 'main.js');
    const institutions = path.join(this.#options.repoRoot, 'examples', 'institutions.json');
    for (const site of OPERATORS) {
      const seed = (): Promise<{ code: number; stdout: string; stderr: string }> =>
        this.hosts.exec(
          site,
          process.execPath,
          [xborder, '--home', this.home(site), '--as', `${site}-admin`, 'registry', 'seed', '--local-only', institutions],
          this.#env(),
        );
      // right after the commit a BFT node may still be catching up and a write fail as UNAVAILABLE:
      // seeding again skips what is there, so it is run again, a bounded number of times
      let r = await seed();
      for (let attempt = 1; attempt < 3 && r.code !== 0 && /UNAVAILABLE/.test(r.stdout + r.stderr); attempt++) {
        log(`sites: registry seed at ${site} met an unavailable orderer quorum; seeding again`);
        r = await seed();
      }
      if (r.code !== 0) throw new Error(`registry seed at ${site} failed:\n${r.stdout}\n${r.stderr}`);
    }
  }

  /** Copies a file into the site's inbox: organisations exchange files, never a shared folder. */
  #send(file: string, to: SiteKey): string {
    const inbox = path.join(this.base, `${to}-inbox`);
    fs.mkdirSync(inbox, { recursive: true });
    const target = path.join(inbox, path.basename(file));
    fs.copyFileSync(file, target);
    return target;
  }

  /**
   * Stops every process of every site and the proxy, removes the namespaces and the folders; with
   * `keepLogs`, each site's process logs (and the proxy's) are copied there first.
   */
  async close(keepLogs?: string): Promise<void> {
    for (const site of SITE_KEYS) {
      if (fs.existsSync(path.join(this.home(site), 'network.json'))) await this.xbnet(site, 'down').catch(() => undefined);
      const logs = path.join(this.home(site), 'logs');
      if (keepLogs !== undefined && fs.existsSync(logs)) fs.cpSync(logs, path.join(keepLogs, site), { recursive: true });
    }
    if (keepLogs !== undefined && fs.existsSync(path.join(this.base, 'toxiproxy.log')))
      fs.copyFileSync(path.join(this.base, 'toxiproxy.log'), path.join(keepLogs, 'toxiproxy.log'));
    this.#link?.stop();
    this.hosts.remove();
    fs.rmSync(this.base, { recursive: true, force: true });
  }
}
