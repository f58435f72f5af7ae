import * as fs from 'node:fs';

import { caProcess, enrollAll, writeProfiles } from './ca';
import { deployedChaincodes, startLaneServers } from './chaincode';
import type { NetworkConfig, NetworkOptions } from './config';
import { localOrderers, localOrgs, localPeerOrgs, orgPeers, paths } from './config';
import { restrictModes } from './file-modes';
import type { Logger } from './network';
import { installFabric, joinOrderers, joinPeers, loadConfig, processManager, saveOptions, writeTrustAnchor } from './network';
import { ordererProcess, peerProcess, nodeEnrollments } from './nodes';
import { exportDefinition, fileSha256, importDefinition } from './org-definition';
import type { OrgDefinition } from './org-definition';
import { NetworkError } from './processes';

/** A folder that belongs to one organisation (made by {@link orgInit}). */
export function siteConfig(options: NetworkOptions): NetworkConfig {
  const config = loadConfig(options);
  if (config.site === undefined) {
    throw new NetworkError(`${config.home} is a single-machine network; this command works in a folder made with org-init --org`);
  }
  return config;
}

/**
 * First step on an organisation's own host: starts its CA, enrolls its nodes, admins and
 * institutions (keys generated here, never elsewhere), and writes the public organisation definition
 * to hand to the other organisations. Safe to run again.
 */
export async function orgInit(options: NetworkOptions, log: Logger): Promise<{ definition: string; sha256: string }> {
  if (options.site === undefined) throw new NetworkError('org-init needs --org hk|th|audit');
  const config = loadConfig(options);
  fs.mkdirSync(config.home, { recursive: true, mode: 0o700 });
  fs.chmodSync(config.home, 0o700);
  await installFabric(config, log);
  saveOptions(config, options);
  const processes = processManager(config);
  for (const org of localOrgs(config)) {
    log(`starting ${org.ca.name} on ${config.bindHost}:${String(org.ca.port)}`);
    await processes.start(caProcess(config, org));
  }
  log(`enrolling the nodes and identities of ${config.orgs[options.site].mspId}`);
  await enrollAll(config, nodeEnrollments(config));
  const definition = exportDefinition(config);
  restrictModes(config.home);
  return { definition, sha256: fileSha256(definition) };
}

/** Records another organisation's public definition in this organisation's folder. */
export function orgImport(options: NetworkOptions, file: string): { definition: OrgDefinition; sha256: string } {
  const config = siteConfig(options);
  const definition = importDefinition(config, file);
  // the identities' connection profiles now list the other operator's peer too
  writeProfiles(loadConfig(options));
  return { definition, sha256: fileSha256(file) };
}

/**
 * Starts this organisation's processes once the channel is accepted: CA, ordering nodes and peer
 * joined to the channel, and the chaincode servers of every chaincode it approved.
 */
export async function orgUp(options: NetworkOptions, log: Logger): Promise<NetworkConfig> {
  const config = siteConfig(options);
  const p = paths(config);
  if (!fs.existsSync(p.channelBlock)) {
    throw new NetworkError(`no accepted channel block at ${p.channelBlock}: run channel-accept first`);
  }
  const processes = processManager(config);
  for (const org of localOrgs(config)) await processes.start(caProcess(config, org));
  await enrollAll(config, nodeEnrollments(config));
  writeProfiles(config);
  const anchor = writeTrustAnchor(config);
  log(`trust anchor of ${config.channel}: genesis block ${anchor.genesisHash}`);
  const orderers = localOrderers(config);
  const peers = localPeerOrgs(config);
  const peerCount = peers.reduce((n, org) => n + orgPeers(org).length, 0);
  if (orderers.length + peerCount > 0) {
    log(`starting ${String(orderers.length)} orderer(s) and ${String(peerCount)} peer(s)`);
    await Promise.all([
      ...orderers.map((o) => processes.start(ordererProcess(config, o))),
      ...peers.flatMap((org) => orgPeers(org).map((peer) => processes.start(peerProcess(config, org, peer)))),
    ]);
    await joinOrderers(config, log);
    await joinPeers(config, log);
  }
  for (const name of deployedChaincodes(config)) {
    for (const org of peers) await startLaneServers(config, processes, org, name);
  }
  restrictModes(config.home);
  return config;
}

/** The index of an operator's ordering node from its name (`orderer2.th` -> 2). */
function ordererIndex(name: string): number {
  return Number(/^orderer(\d+)\./.exec(name)?.[1] ?? 0);
}

/** Records which ordering nodes this operator runs (`network.json`), so later commands start those. */
function saveOrdererIndexes(config: NetworkConfig, indexes: readonly number[]): void {
  const file = paths(config).state;
  const saved = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  fs.writeFileSync(file, JSON.stringify({ ...saved, ordererIndexes: [...indexes].sort((a, b) => a - b) }, null, 2));
}

/**
 * Enrolls one more ordering node of this operator (`orderer<N>.<org>`, keys made here) and rewrites
 * the organisation definition. It orders nothing until a configuration update signed by both
 * operators makes it a consenter (`config-create --add-consenter`) and `org-up` starts and joins it.
 */
export async function addOrderer(options: NetworkOptions, log: Logger): Promise<string> {
  const config = siteConfig(options);
  const site = config.site;
  if (site !== 'hk' && site !== 'th') throw new NetworkError('ordering nodes are run by the operators (hk, th)');
  const indexes = localOrderers(config).map((o) => ordererIndex(o.name));
  const next = Math.max(...indexes) + 1;
  saveOrdererIndexes(config, [...indexes, next]);
  const grown = loadConfig(options);
  const name = `orderer${String(next)}.${site}`;
  log(`enrolling ${name}`);
  await enrollAll(grown, nodeEnrollments(grown));
  exportDefinition(grown);
  restrictModes(grown.home);
  return name;
}

/**
 * Stops one of this operator's ordering nodes and forgets it (after a configuration update removed it
 * from the consenters: `config-create --remove-consenter`). Its keys stay in the folder.
 */
export async function removeOrderer(options: NetworkOptions, name: string, log: Logger): Promise<void> {
  const config = siteConfig(options);
  const orderers = localOrderers(config);
  if (!orderers.some((o) => o.name === name)) throw new NetworkError(`${name} is not an ordering node of this folder`);
  await processManager(config).stop(name);
  log(`stopped ${name}`);
  saveOrdererIndexes(
    config,
    orderers.filter((o) => o.name !== name).map((o) => ordererIndex(o.name)),
  );
  exportDefinition(loadConfig(options));
}
