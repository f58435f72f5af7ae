import * as path from 'node:path';

/** Network profiles: how many orderers and which consensus. */
export type Profile = 'dev' | 'ha' | 'bft';
/** Block cutting settings: `tuned` favours latency, `defaults` is Fabric's sample configuration. */
export type BlockProfile = 'tuned' | 'defaults';

export const PROFILES: readonly Profile[] = ['dev', 'ha', 'bft'];
export const BLOCK_PROFILES: readonly BlockProfile[] = ['tuned', 'defaults'];

export interface BlockSettings {
  readonly batchTimeout: string;
  readonly maxMessageCount: number;
  readonly absoluteMaxBytes: string;
  readonly preferredMaxBytes: string;
}

export const BLOCK_SETTINGS: Readonly<Record<BlockProfile, BlockSettings>> = {
  tuned: { batchTimeout: '250ms', maxMessageCount: 100, absoluteMaxBytes: '10 MB', preferredMaxBytes: '512 KB' },
  defaults: { batchTimeout: '2s', maxMessageCount: 10, absoluteMaxBytes: '99 MB', preferredMaxBytes: '512 KB' },
};

/** An organisation of the network and the processes it runs. */
export interface OrgConfig {
  /** Short lowercase key used in folder and host names (`hk`, `th`, `audit`, `orderer`). */
  readonly key: string;
  readonly mspId: string;
  /** Name of the org in configtx.yaml. */
  readonly name: string;
  /** Domain used to name its nodes (`peer0.hk.xborder.local`). */
  readonly domain: string;
  readonly ca: CaNode;
  /** Its first peer: the anchor peer, and the one its admin and lifecycle commands use. */
  readonly peer?: PeerNode;
  /** Further peers of the org (across hosts, `org-init --peers 2`): clients fail over to them. */
  readonly morePeers?: readonly PeerNode[];
}

/** Every peer of an org, the first one first. */
export function orgPeers(org: OrgConfig): PeerNode[] {
  return org.peer ? [org.peer, ...(org.morePeers ?? [])] : [];
}

export interface CaNode {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  readonly opsPort: number;
}

export interface PeerNode {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  readonly chaincodePort: number;
  readonly opsPort: number;
  /** Go pprof endpoint (plain HTTP, loopback), open only on a network started with `profiling`. */
  readonly pprofPort: number;
  /** First port for this org's chaincode servers; one port per deployed chaincode. */
  readonly chaincodeServerBasePort: number;
}

export interface OrdererNode {
  readonly name: string;
  /** Key of the org that runs it and issues its certificates (`orderer` on one host, an operator across hosts). */
  readonly org: OrgKey;
  readonly host: string;
  readonly port: number;
  readonly adminPort: number;
  readonly opsPort: number;
}

/**
 * Where every operations endpoint listens (health, metrics, log levels, Go pprof): loopback only,
 * whatever `bindHost` is. They are plain HTTP without authentication (Fabric's operations service can
 * change log levels), so they never face a network; monitoring runs on the node's host or tunnels in.
 */
export const OPS_HOST = '127.0.0.1';

/** The organisations of the network. */
export type OrgKey = 'hk' | 'th' | 'audit' | 'orderer';
/** The organisations one host may run on its own (`--org`): the operators and the auditors. */
export type SiteKey = 'hk' | 'th' | 'audit';
export const SITES: readonly SiteKey[] = ['hk', 'th', 'audit'];

/**
 * Where another organisation's nodes are, as its public definition gives them (see org-definition.ts).
 * Only endpoints: certificates are read from the files the import wrote.
 */
export interface RemoteEndpoints {
  readonly host: string;
  readonly caPort: number;
  readonly peers: readonly { name: string; host: string; port: number }[];
  readonly orderers: readonly { name: string; host: string; port: number }[];
}

/** Everything the scripts need to know about one network, resolved from defaults, env and flags. */
export interface NetworkConfig {
  /**
   * The one organisation this folder belongs to, on a host of its own (`xbnet org-init --org`); its
   * folder holds no other organisation's private key. Undefined: the single-machine network, every
   * organisation in one folder tree.
   */
  readonly site?: SiteKey;
  /** Folder that receives crypto material, ledgers, logs and pid files (git-ignored). */
  readonly home: string;
  /** Folder with the Fabric binaries and sample config (`bin/`, `config/`). */
  readonly fabricHome: string;
  /** Repository root (for the chaincode workspace and the CCaaS builder). */
  readonly repoRoot: string;
  readonly channel: string;
  readonly profile: Profile;
  readonly blocks: BlockProfile;
  /** Address every process binds to. */
  readonly bindHost: string;
  readonly orgs: {
    readonly hk: OrgConfig;
    readonly th: OrgConfig;
    readonly audit: OrgConfig;
    readonly orderer: OrgConfig;
  };
  readonly orderers: readonly OrdererNode[];
  /**
   * CPU profiling: peers serve Go pprof on `pprofPort`; chaincode servers record a V8 CPU profile
   * between two SIGUSR2 signals into `<home>/profiles` (used by `npm run bench -- --profile`).
   */
  readonly profiling: boolean;
}

/** Options a caller may set; every field has a default. */
export interface NetworkOptions {
  home?: string;
  fabricHome?: string;
  repoRoot?: string;
  channel?: string;
  profile?: Profile;
  blocks?: BlockProfile;
  bindHost?: string;
  /** Host name clients use to reach every node (default `localhost`; a SAN of every TLS certificate). */
  host?: string;
  /** Added to every default port, so two networks can run side by side on one machine. */
  portOffset?: number;
  /** Start peers and chaincode servers ready to be CPU-profiled (see NetworkConfig.profiling). */
  profiling?: boolean;
  /** The organisation this folder belongs to (see NetworkConfig.site). */
  site?: SiteKey;
  /** Peers of this folder's organisation (site mode): 1 or 2. */
  peersPerOrg?: number;
  /** Indexes of this folder's operator's ordering nodes (site mode; default 0 and 1). */
  ordererIndexes?: readonly number[];
  /** Endpoints of the other organisations, from their imported definitions (site mode). */
  remote?: Partial<Record<SiteKey, RemoteEndpoints>>;
}

const ORDERER_COUNT: Readonly<Record<Profile, number>> = { dev: 1, ha: 3, bft: 4 };

/** The BFT consenters when the operators run the ordering service themselves: two each. */
const OPERATOR_ORDERERS = [0, 1] as const;

/**
 * The port slot (x100 above 7050) of an operator's ordering node: the first two of each operator as
 * the genesis set has them (HK 7050/7150, TH 7250/7350), nodes added later alternate from 7450.
 */
export function ordererSlot(org: 'hk' | 'th', index: number): number {
  return index < 2 ? (org === 'hk' ? 0 : 2) + index : 4 + 2 * (index - 2) + (org === 'hk' ? 0 : 1);
}

export function ordererCount(profile: Profile): number {
  return ORDERER_COUNT[profile];
}

/**
 * Resolves the network layout. Port plan (before `portOffset`): orderers 7050/7150/..., their admin
 * endpoints +3 and operations +10; HK peer 7051 (chaincode 7052, ops 7061, pprof 7062, chaincode servers 7100+);
 * TH peer 8051 (8052, 8061, 8062, 8100+); CAs HK 7054, TH 8054, orderer 9054, audit 10054 (ops +10).
 */
export function resolveConfig(options: NetworkOptions = {}): NetworkConfig {
  const repoRoot = path.resolve(options.repoRoot ?? path.join(__dirname, '..', '..'));
  const home = path.resolve(options.home ?? path.join(repoRoot, '.xborder'));
  const fabricHome = path.resolve(options.fabricHome ?? path.join(repoRoot, '.fabric'));
  const host = options.host ?? 'localhost';
  const offset = options.portOffset ?? 0;
  if (!Number.isInteger(offset) || offset < 0 || offset > 40000) {
    throw new Error(`port offset must be an integer between 0 and 40000, got ${String(offset)}`);
  }
  if (options.site !== undefined && options.profile !== undefined && options.profile !== 'bft') {
    throw new Error(`across hosts the operators order with BFT (two consenters each); --profile ${options.profile} is for one machine`);
  }
  const profile = options.site !== undefined ? 'bft' : (options.profile ?? 'dev');
  const port = (p: number): number => p + offset;
  const site = options.site;
  const remote = options.remote ?? {};
  // a node of another organisation is where its definition says; ours where the flags say
  const hostOf = (key: SiteKey): string => (site === undefined || key === site ? host : (remote[key]?.host ?? `${key}.unknown`));
  if (options.peersPerOrg !== undefined && (site === undefined || ![1, 2].includes(options.peersPerOrg))) {
    throw new Error('a second peer per organisation is for folders of one organisation (org-init --peers 1|2)');
  }
  // further peers: ours at base+30 (sharing the org's chaincode servers), the others' from their definition
  const more = (key: SiteKey, base: number): { morePeers?: PeerNode[] } => {
    if (site === undefined) return {};
    if (key === site) {
      if ((options.peersPerOrg ?? 1) < 2) return {};
      return {
        morePeers: [
          {
            name: `peer1.${key}`,
            host,
            port: port(base + 31),
            chaincodePort: port(base + 32),
            opsPort: port(base + 41),
            pprofPort: port(base + 42),
            chaincodeServerBasePort: port(base + 50),
          },
        ],
      };
    }
    const far = remote[key]?.peers.slice(1) ?? [];
    return far.length === 0
      ? {}
      : {
          morePeers: far.map((p) => ({
            name: p.name,
            host: p.host,
            port: p.port,
            chaincodePort: 0,
            opsPort: 0,
            pprofPort: 0,
            chaincodeServerBasePort: 0,
          })),
        };
  };
  const orderers: OrdererNode[] = [];
  if (site === undefined) {
    for (let i = 0; i < ordererCount(profile); i++) {
      const base = 7050 + i * 100;
      orderers.push({
        name: `orderer${String(i)}`,
        org: 'orderer',
        host,
        port: port(base),
        adminPort: port(base + 3),
        opsPort: port(base + 10),
      });
    }
  } else {
    // across hosts each operator runs two of the four BFT consenters (see DEPLOYMENT.md)
    const nodes = (['hk', 'th'] as const).flatMap((org) =>
      (org === site ? (options.ordererIndexes ?? OPERATOR_ORDERERS) : OPERATOR_ORDERERS).map((index) => ({ org, index })),
    );
    nodes.forEach(({ org, index }) => {
      const name = `orderer${String(index)}.${org}`;
      const base = 7050 + ordererSlot(org, index) * 100;
      const far = org === site ? undefined : remote[org]?.orderers.find((o) => o.name === name);
      orderers.push({
        name,
        org,
        host: far?.host ?? hostOf(org),
        port: far?.port ?? port(base),
        adminPort: port(base + 3),
        opsPort: port(base + 10),
      });
    });
  }
  const farPeer = (key: SiteKey): { host: string; port: number } | undefined =>
    site === undefined || key === site ? undefined : remote[key]?.peers[0];
  const ca = (key: OrgKey, base: number): CaNode => ({
    name: `ca-${key}`,
    host: key === 'orderer' ? host : hostOf(key),
    port: key !== 'orderer' && site !== undefined && key !== site ? (remote[key]?.caPort ?? port(base)) : port(base),
    opsPort: port(base + 10),
  });
  const peer = (key: SiteKey, base: number): PeerNode => ({
    name: `peer0.${key}`,
    host: farPeer(key)?.host ?? hostOf(key),
    port: farPeer(key)?.port ?? port(base + 1),
    chaincodePort: port(base + 2),
    opsPort: port(base + 11),
    pprofPort: port(base + 12),
    chaincodeServerBasePort: port(base + 50),
  });
  return {
    ...(site !== undefined ? { site } : {}),
    home,
    fabricHome,
    repoRoot,
    channel: options.channel ?? 'xborder',
    profile,
    blocks: options.blocks ?? 'tuned',
    bindHost: options.bindHost ?? '127.0.0.1',
    orgs: {
      hk: {
        key: 'hk',
        mspId: 'HKMSP',
        name: 'HK',
        domain: 'hk.xborder.local',
        ca: ca('hk', 7054),
        peer: peer('hk', 7050),
        ...more('hk', 7050),
      },
      th: {
        key: 'th',
        mspId: 'THMSP',
        name: 'TH',
        domain: 'th.xborder.local',
        ca: ca('th', 8054),
        peer: peer('th', 8050),
        ...more('th', 8050),
      },
      audit: { key: 'audit', mspId: 'AuditMSP', name: 'Audit', domain: 'audit.xborder.local', ca: ca('audit', 10054) },
      orderer: { key: 'orderer', mspId: 'OrdererMSP', name: 'Orderer', domain: 'orderer.xborder.local', ca: ca('orderer', 9054) },
    },
    orderers,
    profiling: options.profiling ?? false,
  };
}

/** The peer organisations, HK first. */
export function peerOrgs(config: NetworkConfig): (OrgConfig & { peer: PeerNode })[] {
  return [config.orgs.hk, config.orgs.th].map((org) => {
    if (!org.peer) throw new Error(`org ${org.mspId} has no peer`);
    return { ...org, peer: org.peer };
  });
}

/** Every organisation on the channel (the orderer org only on the single-machine network). */
export function allOrgs(config: NetworkConfig): OrgConfig[] {
  const members = [config.orgs.hk, config.orgs.th, config.orgs.audit];
  return config.site === undefined ? [config.orgs.orderer, ...members] : members;
}

/** The organisations whose processes and keys live in this folder. */
export function localOrgs(config: NetworkConfig): OrgConfig[] {
  return config.site === undefined ? allOrgs(config) : [config.orgs[config.site]];
}

/** Whether an organisation's processes and keys live in this folder. */
export function isLocal(config: NetworkConfig, org: OrgConfig): boolean {
  return config.site === undefined || org.key === config.site;
}

/** The peer organisations run from this folder. */
export function localPeerOrgs(config: NetworkConfig): (OrgConfig & { peer: PeerNode })[] {
  return peerOrgs(config).filter((org) => isLocal(config, org));
}

/** The orderers run from this folder. */
export function localOrderers(config: NetworkConfig): OrdererNode[] {
  return config.orderers.filter((o) => config.site === undefined || o.org === config.site);
}

/** The organisations that run ordering nodes (their consenters sign blocks). */
export function ordererOrgs(config: NetworkConfig): OrgConfig[] {
  const keys = [...new Set(config.orderers.map((o) => o.org))];
  return keys.map((k) => config.orgs[k]);
}

/** Paths inside the network home. */
export function paths(config: NetworkConfig): {
  bin: string;
  sampleConfig: string;
  caHome: (org: OrgConfig) => string;
  orgDir: (org: OrgConfig) => string;
  identities: string;
  channelBlock: string;
  /** The trust anchor operators publish (genesis hash, CA root fingerprints). */
  anchor: string;
  configtxDir: string;
  data: (node: string) => string;
  logs: string;
  run: string;
  chaincode: string;
  peerConfig: string;
  state: string;
} {
  const h = config.home;
  return {
    bin: path.join(config.fabricHome, 'bin'),
    sampleConfig: path.join(config.fabricHome, 'config'),
    caHome: (org) => path.join(h, 'ca', org.key),
    orgDir: (org) => path.join(h, 'orgs', org.key),
    identities: path.join(h, 'identities'),
    channelBlock: path.join(h, 'channel', `${config.channel}.block`),
    anchor: path.join(h, 'channel', 'anchor.json'),
    configtxDir: path.join(h, 'channel'),
    data: (node) => path.join(h, 'data', node),
    logs: path.join(h, 'logs'),
    run: path.join(h, 'run'),
    chaincode: path.join(h, 'chaincode'),
    peerConfig: path.join(h, 'config'),
    state: path.join(h, 'network.json'),
  };
}

/** BFT quorum size for n consenters (Fabric's SmartBFT: f = floor((n-1)/3), q = ceil((n+f+1)/2)). */
export function bftQuorum(n: number): number {
  const f = Math.floor((n - 1) / 3);
  return Math.ceil((n + f + 1) / 2);
}
