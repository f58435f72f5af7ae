import * as path from 'node:path';
import { parseArgs as parseUtilArgs } from 'node:util';

import type { ChaincodeSpec } from './chaincode';
import type { ConfigChange } from './config-update';
import type { BlockProfile, NetworkOptions, Profile, SiteKey } from './config';
import { BLOCK_PROFILES, PROFILES, SITES } from './config';

export const COMMANDS = [
  'up',
  'down',
  'restart',
  'clean',
  'status',
  'deploy',
  'restart-chaincode',
  'rotate-party-key',
  'register-member',
  'org-init',
  'org-import',
  'org-up',
  'channel-propose',
  'channel-review',
  'channel-accept',
  'channel-show',
  'chaincode-approve',
  'chaincode-commit',
  'config-create',
  'config-sign',
  'config-submit',
  'units',
  'orderer-add',
  'orderer-remove',
  'help',
] as const;
export type Command = (typeof COMMANDS)[number];

export interface ParsedArgs {
  readonly command: Command;
  readonly options: NetworkOptions;
  readonly json: boolean;
  /** For `deploy` and `restart-chaincode`. */
  readonly chaincode?: ChaincodeSpec;
  readonly chaincodeName?: string;
  readonly skipDeploy: boolean;
  /** For `rotate-party-key`: the first settlement date of the new key. */
  readonly from?: string;
  /** For `register-member`: the institution, its org and where to write its enrollment secret. */
  readonly member?: { readonly org: 'hk' | 'th'; readonly institution: string; readonly secretFile: string };
  /** An input file: an org definition (`org-import`), a configuration update (`config-sign`, `config-submit`). */
  readonly file?: string;
  /** `channel-review`, `channel-accept`: the proposed block and the SHA-256 the operators compared. */
  readonly block?: string;
  readonly sha256?: string;
  /** `config-create`: where the update goes; `units`: the folder for unit files. */
  readonly out?: string;
  /** `config-create`: what to change. */
  readonly change?: ConfigChange;
  /** `config-create --add-org`: the definition of an organisation joining the channel. */
  readonly addOrg?: string;
  /** `config-create --add-consenter` / `--remove-consenter`: an ordering node by name. */
  readonly addConsenter?: string;
  readonly removeConsenter?: string;
  /** `orderer-remove --name`: the ordering node to stop. */
  readonly ordererName?: string;
  /** `units --user`: the account the services run as. */
  readonly user?: string;
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export const USAGE = `Usage: xbnet <command> [flags]

Commands:
  up                 install Fabric if needed, start CAs, orderers, peers, join the channel, deploy xborder
  down               stop every process this network started (ledgers are kept)
  restart            down, then up
  clean              down, then remove crypto material, ledgers, logs and pid files
  status             process health, channel height per peer, committed chaincodes
  deploy             deploy (or redeploy with sequence+1) a chaincode as a service
  restart-chaincode  restart the chaincode servers of a deployed chaincode (after a code change)
  rotate-party-key   add a payer/payee commitment key for settlement dates from --from (default tomorrow, UTC)
  register-member    register a new member institution's identity at its org's CA; the one-time enrollment
                     secret goes to --secret-file (owner-only) for the institution, which enrolls itself

One organisation per host (DEPLOYMENT.md); each command works in that organisation's --home:
  org-init           --org hk|th|audit [--peers 1|2]: start its CA, enroll its nodes and identities, write
                     export/<org>.org.json
  org-import         --file F: record another organisation's public definition (prints its SHA-256)
  channel-propose    an operator proposes the channel from the definitions: export/<channel>.proposed.block
  channel-review     --block F: print the block's summary, SHA-256 and what this organisation objects to
  channel-accept     --block F --sha256 H: accept the block both operators compared
  org-up             start this organisation's processes and join them to the accepted channel
  chaincode-approve  package, install, run and approve the xborder chaincode for this operator [--path DIR]
  chaincode-commit   commit the definition once every operator approved it [--path DIR]
  channel-show       the channel's current configuration: members, consenters, policies, block settings
  config-create      --out F [--batch-timeout 500ms] [--max-messages N] [--add-org DEF.json]: a channel
                     configuration update (block settings; an organisation that joins with clients only)
                     [--add-consenter NAME] [--remove-consenter NAME]: change the BFT consenter set
  config-sign        --file F: show what the update changes and add this operator admin's signature
  config-submit      --file F: sign and submit the update (it needs both operators' admins)
  units              --out DIR [--user NAME]: systemd units (and owner-only environment files) for this
                     folder's processes, run as NAME (default xborder), never root
  orderer-add        enroll one more ordering node of this operator (a consenter once config-create
                     --add-consenter <name> is signed by both operators; org-up then starts and joins it)
  orderer-remove     --name NAME: stop an ordering node config-create --remove-consenter took out

Flags (env in brackets):
  --profile dev|ha|bft     orderers: 1 Raft, 3 Raft, 4 BFT (default dev) [XB_PROFILE]
  --blocks tuned|defaults  block cutting: 250ms/100 tx or 2s/10 tx (default tuned) [XB_BLOCKS]
  --home DIR               network folder (default <repo>/.xborder) [XB_HOME]
  --fabric-home DIR        Fabric binaries (default <repo>/.fabric) [XB_FABRIC_HOME]
  --channel NAME           application channel (default xborder) [XB_CHANNEL]
  --host NAME              host name clients use for every node (default localhost) [XB_HOST]
  --bind ADDRESS           address processes listen on (default 127.0.0.1) [XB_BIND_HOST]
  --port-offset N          added to every port, to run a second network (default 0) [XB_PORT_OFFSET]
  --no-deploy              up: do not deploy the xborder chaincode
  --profiling              up: peers serve Go pprof; chaincode servers profile between SIGUSR2s [XB_PROFILING=1]
  --json                   status: machine-readable output
  deploy: --name NAME --path DIR [--collections FILE] [--policy POLICY]
  chaincode-approve, chaincode-commit: --path DIR   another build of the xborder chaincode (an upgrade)
  restart-chaincode: --name NAME (default xborder)
  rotate-party-key: --from YYYY-MM-DD (after today and after the newest key)
  register-member: --org hk|th --institution ID --secret-file FILE
`;

function oneOf<T extends string>(value: string, allowed: readonly T[], flag: string): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`${flag} must be one of ${allowed.join(', ')}; got "${value}"`);
}

function integer(value: string, flag: string): number {
  if (!/^\d+$/.test(value)) throw new UsageError(`${flag} must be a non-negative integer; got "${value}"`);
  return Number.parseInt(value, 10);
}

/** Parses `xbnet` arguments; env supplies defaults for the flags. */
/** The flags of every command (node:util parseArgs: strict, `--flag value` or `--flag=value`). */
function parseFlags(args: readonly string[]) {
  return parseUtilArgs({
    args: [...args],
    strict: true,
    allowPositionals: true,
    options: {
      json: { type: 'boolean' },
      'no-deploy': { type: 'boolean' },
      profiling: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
      profile: { type: 'string' },
      blocks: { type: 'string' },
      home: { type: 'string' },
      'fabric-home': { type: 'string' },
      channel: { type: 'string' },
      host: { type: 'string' },
      bind: { type: 'string' },
      'port-offset': { type: 'string' },
      name: { type: 'string' },
      path: { type: 'string' },
      collections: { type: 'string' },
      policy: { type: 'string' },
      from: { type: 'string' },
      org: { type: 'string' },
      institution: { type: 'string' },
      'secret-file': { type: 'string' },
      file: { type: 'string' },
      block: { type: 'string' },
      sha256: { type: 'string' },
      out: { type: 'string' },
      'batch-timeout': { type: 'string' },
      'max-messages': { type: 'string' },
      'add-org': { type: 'string' },
      peers: { type: 'string' },
      'add-consenter': { type: 'string' },
      'remove-consenter': { type: 'string' },
      user: { type: 'string' },
    },
  });
}

export function parseArgs(argv: readonly string[], env: Readonly<Record<string, string | undefined>> = {}): ParsedArgs {
  const [first, ...rest] = argv;
  const command = first === undefined || first === '--help' || first === '-h' ? 'help' : oneOf(first, COMMANDS, 'command');
  let parsed: ReturnType<typeof parseFlags>;
  try {
    parsed = parseFlags(rest);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const unknown = /Unknown option '(--?[^']+)'/.exec(message);
    const missing = /Option '(--[a-z-]+)[^']*' argument missing/.exec(message);
    if (unknown) throw new UsageError(`unknown flag ${unknown[1] ?? ''}`);
    if (missing) throw new UsageError(`${missing[1] ?? ''} needs a value`);
    const ambiguous = /Option '(--[a-z-]+)[^']*' argument is ambiguous/.exec(message);
    if (ambiguous) throw new UsageError(`${ambiguous[1] ?? ''} takes a value starting with "-" only as ${ambiguous[1] ?? ''}=VALUE`);
    throw new UsageError(message);
  }
  const values = parsed.values;
  if (parsed.positionals.length > 0) throw new UsageError(`unexpected argument "${parsed.positionals[0] ?? ''}"`);
  if (values.help === true) return { command: 'help', options: {}, json: false, skipDeploy: false };
  const flags = new Map<string, string>(Object.entries(values).filter((e): e is [string, string] => typeof e[1] === 'string'));
  const booleans = new Set(
    Object.entries(values)
      .filter((e) => e[1] === true)
      .map(([k]) => `--${k}`),
  );
  const get = (flag: string, envName: string): string | undefined => flags.get(flag) ?? (env[envName] !== '' ? env[envName] : undefined);

  const options: NetworkOptions = {};
  const profile = get('profile', 'XB_PROFILE');
  if (profile !== undefined) options.profile = oneOf<Profile>(profile, PROFILES, '--profile');
  const blocks = get('blocks', 'XB_BLOCKS');
  if (blocks !== undefined) options.blocks = oneOf<BlockProfile>(blocks, BLOCK_PROFILES, '--blocks');
  const home = get('home', 'XB_HOME');
  if (home !== undefined) options.home = path.resolve(home);
  const fabricHome = get('fabric-home', 'XB_FABRIC_HOME');
  if (fabricHome !== undefined) options.fabricHome = path.resolve(fabricHome);
  const channel = get('channel', 'XB_CHANNEL');
  if (channel !== undefined) {
    if (!/^[a-z][a-z0-9.-]{0,248}$/.test(channel)) throw new UsageError(`--channel "${channel}" is not a valid channel name`);
    options.channel = channel;
  }
  const host = get('host', 'XB_HOST');
  if (host !== undefined) options.host = host;
  const bind = get('bind', 'XB_BIND_HOST');
  if (bind !== undefined) options.bindHost = bind;
  const offset = get('port-offset', 'XB_PORT_OFFSET');
  if (offset !== undefined) options.portOffset = integer(offset, '--port-offset');
  if (booleans.has('--profiling') || env['XB_PROFILING'] === '1') options.profiling = true;

  let chaincode: ChaincodeSpec | undefined;
  const name = flags.get('name');
  if (command === 'deploy' && (name !== undefined || flags.has('path'))) {
    const modulePath = flags.get('path');
    if (name === undefined || modulePath === undefined)
      throw new UsageError('deploy needs both --name and --path (or neither, for xborder)');
    const collections = flags.get('collections');
    const policy = flags.get('policy');
    chaincode = {
      name,
      modulePath: path.resolve(modulePath),
      ...(collections !== undefined ? { collections: path.resolve(collections) } : {}),
      ...(policy !== undefined ? { policy } : {}),
    };
  }
  if ((command === 'chaincode-approve' || command === 'chaincode-commit') && flags.has('path')) {
    // another build of the xborder chaincode (an upgrade): its folder holds package.json and collections.json
    const modulePath = path.resolve(flags.get('path') ?? '');
    chaincode = { name: 'xborder', modulePath, collections: path.join(modulePath, 'collections.json') };
  }
  let member: ParsedArgs['member'];
  if (command === 'register-member') {
    const org = flags.get('org');
    const institution = flags.get('institution');
    const secretFile = flags.get('secret-file');
    if (org === undefined || institution === undefined || secretFile === undefined)
      throw new UsageError('register-member needs --org, --institution and --secret-file');
    if (!/^[a-z0-9][a-z0-9-]{1,62}$/.test(institution)) throw new UsageError(`--institution "${institution}" is not an institution id`);
    member = { org: oneOf(org, ['hk', 'th'] as const, '--org'), institution, secretFile: path.resolve(secretFile) };
  }
  if (command === 'org-init') {
    const org = flags.get('org');
    if (org === undefined) throw new UsageError('org-init needs --org hk|th|audit');
    options.site = oneOf<SiteKey>(org, SITES, '--org');
    const peers = flags.get('peers');
    if (peers !== undefined) options.peersPerOrg = Number(oneOf(peers, ['1', '2'] as const, '--peers'));
  }
  const needs: Partial<Record<Command, readonly string[]>> = {
    'org-import': ['file'],
    'channel-review': ['block'],
    'channel-accept': ['block', 'sha256'],
    'config-create': ['out'],
    'config-sign': ['file'],
    'config-submit': ['file'],
    'orderer-remove': ['name'],
    units: ['out'],
  };
  for (const flag of needs[command] ?? []) {
    if (!flags.has(flag)) throw new UsageError(`${command} needs --${flag}`);
  }
  const sha = flags.get('sha256');
  if (sha !== undefined && !/^[0-9a-fA-F]{64}$/.test(sha)) throw new UsageError('--sha256 takes the 64 hex digits of the SHA-256');
  let change: ConfigChange | undefined;
  if (command === 'config-create') {
    const batchTimeout = flags.get('batch-timeout');
    const max = flags.get('max-messages');
    if (batchTimeout === undefined && max === undefined && !['add-org', 'add-consenter', 'remove-consenter'].some((f) => flags.has(f)))
      throw new UsageError('config-create needs --batch-timeout, --max-messages, --add-org, --add-consenter or --remove-consenter');
    change = {
      ...(batchTimeout !== undefined ? { batchTimeout } : {}),
      ...(max !== undefined ? { maxMessageCount: integer(max, '--max-messages') } : {}),
    };
  }
  const file = (flag: string): Record<string, string> => {
    const v = flags.get(flag);
    return v !== undefined ? { [flag]: path.resolve(v) } : {};
  };
  return {
    command,
    options,
    ...file('file'),
    ...file('block'),
    ...file('out'),
    ...(sha !== undefined ? { sha256: sha.toLowerCase() } : {}),
    ...(change ? { change } : {}),
    ...(flags.has('add-org') ? { addOrg: path.resolve(flags.get('add-org') ?? '') } : {}),
    ...(flags.has('add-consenter') ? { addConsenter: flags.get('add-consenter') } : {}),
    ...(flags.has('remove-consenter') ? { removeConsenter: flags.get('remove-consenter') } : {}),
    ...(command === 'orderer-remove' ? { ordererName: flags.get('name') } : {}),
    json: booleans.has('--json'),
    ...(member ? { member } : {}),
    ...(chaincode ? { chaincode } : {}),
    chaincodeName: name ?? 'xborder',
    skipDeploy: booleans.has('--no-deploy'),
    ...(flags.has('from') ? { from: flags.get('from') } : {}),
    ...(flags.has('user') ? { user: userName(flags.get('user') ?? '') } : {}),
  };
}

/** A POSIX account name for `units --user`. */
function userName(value: string): string {
  if (!/^[a-z_][a-z0-9_-]{0,31}$/.test(value)) throw new UsageError(`--user takes an account name (a-z, 0-9, _ and -), not "${value}"`);
  return value;
}
