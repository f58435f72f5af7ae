import * as fs from 'node:fs';
import * as path from 'node:path';

import { caProcess } from './ca';
import { chaincodeServers, deployedChaincodes } from './chaincode';
import type { NetworkConfig } from './config';
import { localOrderers, localOrgs, localPeerOrgs, orgPeers } from './config';
import { ordererProcess, peerProcess } from './nodes';
import type { ProcessSpec } from './processes';

/** Every long-running process this folder's organisation runs, in start order. */
export function localProcesses(config: NetworkConfig): ProcessSpec[] {
  const specs: ProcessSpec[] = [
    ...localOrgs(config).map((org) => caProcess(config, org)),
    ...localOrderers(config).map((o) => ordererProcess(config, o)),
    ...localPeerOrgs(config).flatMap((org) => orgPeers(org).map((peer) => peerProcess(config, org, peer))),
  ];
  for (const name of deployedChaincodes(config)) {
    for (const org of localPeerOrgs(config)) specs.push(...chaincodeServers(config, org, name));
  }
  return specs;
}

/** A word of ExecStart, quoted the way systemd splits command lines. */
function quote(word: string): string {
  return /^[A-Za-z0-9_./:=,@+-]+$/.test(word) ? word : `"${word.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

/** What a unit runs: a process of the network, or an operator's service over it. */
type UnitSpec = Pick<ProcessSpec, 'name' | 'command' | 'args' | 'env' | 'cwd'>;

/**
 * An operator's continuous checkpointing: signs its view of the chain as new blocks come and co-signs
 * the other operator's heights (`xborder audit checkpoint --follow`), so that proofs become co-signed
 * without anyone remembering to. Each operator runs one, as its admin identity; none on the auditors'
 * folder.
 */
export function checkpointerSpec(config: NetworkConfig, intervalSeconds = 10): UnitSpec | null {
  const site = config.site;
  if (site !== 'hk' && site !== 'th') return null;
  return {
    name: `checkpointer-${site}`,
    command: process.execPath,
    args: [
      path.join(config.repoRoot, 'cli', 'dist', 'main.js'),
      'audit',
      'checkpoint',
      '--follow',
      '--interval',
      String(intervalSeconds),
      '--home',
      config.home,
      '--as',
      `${site}-admin`,
    ],
    env: {},
  };
}

/** The service name of a process (`xborder-peer0.hk`). */
export function unitName(spec: UnitSpec): string {
  return `xborder-${spec.name}`;
}

/**
 * A systemd service unit for one process. The environment (which may hold a CA bootstrap credential)
 * goes to an owner-only EnvironmentFile beside it, never into the unit, which any local user may read.
 */
/** Who a service runs as and what it may write: the organisation's folder only. */
export interface UnitAccount {
  readonly user: string;
  /** The organisation's folder (the only path the service may write). */
  readonly home: string;
  /** Paths the service reads besides system ones (the checkout with the binaries and the chaincode build). */
  readonly readOnly: readonly string[];
}

export function unitFile(spec: UnitSpec, envFile: string, after: readonly string[], account?: UnitAccount): string {
  const exec = [spec.command, ...spec.args].map(quote).join(' ');
  // a private /tmp hides anything under the real /tmp: only when neither folder lives there
  const underTmp = account !== undefined && [account.home, ...account.readOnly].some((p) => p === '/tmp' || p.startsWith('/tmp/'));
  return [
    '[Unit]',
    `Description=xborder ${spec.name}`,
    `After=network-online.target${after.map((a) => ` ${a}.service`).join('')}`,
    'Wants=network-online.target',
    '',
    '[Service]',
    'Type=simple',
    `EnvironmentFile=${envFile}`,
    ...(spec.cwd !== undefined ? [`WorkingDirectory=${spec.cwd}`] : []),
    `ExecStart=${exec}`,
    'Restart=on-failure',
    'RestartSec=2s',
    'UMask=0077',
    'NoNewPrivileges=yes',
    ...(account !== undefined
      ? [
          `User=${account.user}`,
          `Group=${account.user}`,
          // least privilege: the system read-only, the organisation's folder the only place it writes
          'ProtectSystem=strict',
          'ProtectHome=read-only',
          `ReadWritePaths=${quote(account.home)}`,
          'PrivateDevices=yes',
          'ProtectKernelTunables=yes',
          'ProtectControlGroups=yes',
          'RestrictSUIDSGID=yes',
          ...(underTmp ? [] : ['PrivateTmp=yes']),
        ]
      : ['PrivateTmp=yes']),
    'LimitNOFILE=65536',
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  ].join('\n');
}

/** `KEY=value` lines of an EnvironmentFile (values quoted for systemd). */
export function environmentFile(env: Readonly<Record<string, string>>): string {
  return `${Object.entries(env)
    .map(([k, v]) => `${k}="${v.replace(/["\\]/g, (c) => `\\${c}`)}"`)
    .join('\n')}\n`;
}

/**
 * Writes a unit and an environment file per local process into `outDir`: chaincode servers after
 * their peer, peers and orderers after the CA. Returns the unit file names.
 */
export function writeUnits(config: NetworkConfig, outDir: string, user = 'xborder'): string[] {
  if (user === 'root') throw new Error('units run as a dedicated account, not root: give --user NAME');
  const account: UnitAccount = { user, home: config.home, readOnly: [config.repoRoot, config.fabricHome] };
  fs.mkdirSync(outDir, { recursive: true, mode: 0o700 });
  const processes = localProcesses(config);
  const checkpointer = checkpointerSpec(config);
  const specs: UnitSpec[] = [...processes, ...(checkpointer ? [checkpointer] : [])];
  const cas = specs.filter((s) => s.name.startsWith('ca-')).map(unitName);
  const peers = specs.filter((s) => s.name.startsWith('peer')).map(unitName);
  const servers = specs.filter((s) => s.name.startsWith('cc-')).map(unitName);
  const written: string[] = [];
  for (const spec of specs) {
    // the checkpointer signs through its own peer, which endorses through both chaincode servers
    const after = spec.name.startsWith('checkpointer-')
      ? [...peers, ...servers]
      : spec.name.startsWith('cc-')
        ? peers
        : spec.name.startsWith('ca-')
          ? []
          : cas;
    const envFile = path.join(path.resolve(outDir), `${unitName(spec)}.env`);
    fs.writeFileSync(envFile, environmentFile(spec.env), { mode: 0o600 });
    fs.chmodSync(envFile, 0o600);
    const file = `${unitName(spec)}.service`;
    fs.writeFileSync(path.join(outDir, file), unitFile(spec, envFile, after, account), { mode: 0o644 });
    written.push(file);
  }
  return written;
}
