import * as path from 'node:path';

import type { NetworkConfig, OrdererNode, OrgConfig, PeerNode } from './config';
import { OPS_HOST, localOrderers, localPeerOrgs, ordererOrgs, orgPeers, paths } from './config';
import type { NodeEnrollment } from './ca';
import { run } from './exec';
import type { ProcessSpec } from './processes';

export function ordererDir(config: NetworkConfig, orderer: OrdererNode): string {
  return path.join(paths(config).orgDir(config.orgs[orderer.org]), 'orderers', orderer.name);
}

/** The admin identity that manages this folder's orderers (channel participation API, mutual TLS). */
export function ordererAdminName(config: NetworkConfig): string {
  return config.site === undefined ? 'orderer-admin' : `${config.site}-admin`;
}

export function peerDir(config: NetworkConfig, org: OrgConfig, peer: PeerNode): string {
  return path.join(paths(config).orgDir(org), 'peers', peer.name);
}

/** Folder of the TLS identity an org's chaincode servers present (server side of CCaaS). */
export function chaincodeServerDir(config: NetworkConfig, org: OrgConfig): string {
  return path.join(paths(config).orgDir(org), 'chaincode', 'server');
}

/** Folder of the TLS client identity an org's peer presents to its chaincode servers. */
export function chaincodeClientDir(config: NetworkConfig, org: OrgConfig): string {
  return path.join(paths(config).orgDir(org), 'chaincode', 'client');
}

export function chaincodeServerTlsDir(config: NetworkConfig, org: OrgConfig): string {
  return path.join(chaincodeServerDir(config, org), 'tls');
}

export function chaincodeClientTlsDir(config: NetworkConfig, org: OrgConfig): string {
  return path.join(chaincodeClientDir(config, org), 'tls');
}

/** Folder of the TLS identity an org's TAXII servers present (`xborder taxii serve`). */
export function taxiiServerDir(config: NetworkConfig, org: OrgConfig): string {
  return path.join(paths(config).orgDir(org), 'taxii');
}

/** Every node certificate the network needs, enrolled from the owning org's CA. */
export function nodeEnrollments(config: NetworkConfig): NodeEnrollment[] {
  const list: NodeEnrollment[] = localOrderers(config).map((o) => ({
    org: config.orgs[o.org],
    id: o.name,
    type: 'orderer',
    hosts: [o.host, `${o.name}.${config.orgs[o.org].domain}`],
    dir: ordererDir(config, o),
    withMsp: true,
  }));
  for (const org of localPeerOrgs(config)) {
    const peer = org.peer;
    for (const p of orgPeers(org)) {
      list.push({ org, id: p.name, type: 'peer', hosts: [p.host, `${p.name}.${org.domain}`], dir: peerDir(config, org, p), withMsp: true });
    }
    list.push({
      org,
      id: `ccserver.${org.key}`,
      type: 'client',
      hosts: [config.bindHost, peer.host],
      dir: chaincodeServerDir(config, org),
      withMsp: false,
    });
    list.push({
      org,
      id: `taxii.${org.key}`,
      type: 'client',
      hosts: [config.bindHost, peer.host, 'localhost', `taxii.${org.domain}`],
      dir: taxiiServerDir(config, org),
      withMsp: false,
    });
    list.push({
      org,
      id: `ccclient.${org.key}`,
      type: 'client',
      hosts: [`ccclient.${org.domain}`],
      dir: chaincodeClientDir(config, org),
      withMsp: false,
    });
  }
  return list;
}

export function ordererProcess(config: NetworkConfig, orderer: OrdererNode): ProcessSpec {
  const p = paths(config);
  const dir = ordererDir(config, orderer);
  const tls = path.join(dir, 'tls');
  const data = p.data(orderer.name);
  const adminTls = path.join(p.identities, ordererAdminName(config), 'tls');
  // consenters of other organisations present TLS certificates of their own CA
  const clusterRoots = ordererOrgs(config).map((org) => path.join(p.orgDir(org), 'msp', 'tlscacerts', 'ca.pem'));
  return {
    name: orderer.name,
    command: path.join(p.bin, 'orderer'),
    args: [],
    env: {
      FABRIC_CFG_PATH: p.sampleConfig,
      FABRIC_LOGGING_SPEC: 'info',
      ORDERER_GENERAL_LISTENADDRESS: config.bindHost,
      ORDERER_GENERAL_LISTENPORT: String(orderer.port),
      ORDERER_GENERAL_LOCALMSPID: config.orgs[orderer.org].mspId,
      ORDERER_GENERAL_LOCALMSPDIR: path.join(dir, 'msp'),
      ORDERER_GENERAL_TLS_ENABLED: 'true',
      ORDERER_GENERAL_TLS_PRIVATEKEY: path.join(tls, 'server.key'),
      ORDERER_GENERAL_TLS_CERTIFICATE: path.join(tls, 'server.crt'),
      ORDERER_GENERAL_TLS_ROOTCAS: `[${path.join(tls, 'ca.crt')}]`,
      ORDERER_GENERAL_CLUSTER_CLIENTCERTIFICATE: path.join(tls, 'server.crt'),
      ORDERER_GENERAL_CLUSTER_CLIENTPRIVATEKEY: path.join(tls, 'server.key'),
      ORDERER_GENERAL_CLUSTER_ROOTCAS: `[${clusterRoots.join(',')}]`,
      ORDERER_GENERAL_BOOTSTRAPMETHOD: 'none',
      ORDERER_CHANNELPARTICIPATION_ENABLED: 'true',
      ORDERER_FILELEDGER_LOCATION: data,
      ORDERER_CONSENSUS_WALDIR: path.join(data, 'etcdraft', 'wal'),
      ORDERER_CONSENSUS_SNAPDIR: path.join(data, 'etcdraft', 'snapshot'),
      ORDERER_METRICS_PROVIDER: 'prometheus',
      ORDERER_OPERATIONS_LISTENADDRESS: `${OPS_HOST}:${String(orderer.opsPort)}`,
      ORDERER_ADMIN_LISTENADDRESS: `${config.bindHost}:${String(orderer.adminPort)}`,
      ORDERER_ADMIN_TLS_ENABLED: 'true',
      ORDERER_ADMIN_TLS_PRIVATEKEY: path.join(tls, 'server.key'),
      ORDERER_ADMIN_TLS_CERTIFICATE: path.join(tls, 'server.crt'),
      ORDERER_ADMIN_TLS_ROOTCAS: `[${path.join(tls, 'ca.crt')}]`,
      ORDERER_ADMIN_TLS_CLIENTAUTHREQUIRED: 'true',
      ORDERER_ADMIN_TLS_CLIENTROOTCAS: `[${path.join(adminTls, 'ca.crt')}]`,
      // a Raft follower forwards each transaction to the leader and holds the client until that is
      // sent or this passes (Fabric: 7 s); with the leader dead the client waits it out before trying
      // another orderer, longer than the election itself. Ordering nodes on one machine send within
      // milliseconds; BFT nodes on their operators' hosts keep Fabric's default
      ...(config.profile === 'bft' ? {} : { ORDERER_GENERAL_CLUSTER_RPCTIMEOUT: '500ms' }),
    },
    ports: [
      { host: config.bindHost, port: orderer.port },
      { host: config.bindHost, port: orderer.adminPort },
      { host: OPS_HOST, port: orderer.opsPort },
    ],
    readiness: { kind: 'healthz', url: `http://${OPS_HOST}:${String(orderer.opsPort)}/healthz` },
  };
}

export function peerProcess(config: NetworkConfig, org: OrgConfig, peer: PeerNode): ProcessSpec {
  const p = paths(config);
  const dir = peerDir(config, org, peer);
  const tls = path.join(dir, 'tls');
  const data = p.data(peer.name);
  const address = `${peer.host}:${String(peer.port)}`;
  const builder = path.join(config.repoRoot, 'network', 'builders', 'ccaas');
  return {
    name: peer.name,
    command: path.join(p.bin, 'peer'),
    args: ['node', 'start'],
    env: {
      FABRIC_CFG_PATH: p.sampleConfig,
      FABRIC_LOGGING_SPEC: 'info:gossip=warning:msp=warning',
      CORE_PEER_ID: peer.name,
      CORE_PEER_ADDRESS: address,
      CORE_PEER_LISTENADDRESS: `${config.bindHost}:${String(peer.port)}`,
      CORE_PEER_CHAINCODEADDRESS: `${peer.host}:${String(peer.chaincodePort)}`,
      CORE_PEER_CHAINCODELISTENADDRESS: `${config.bindHost}:${String(peer.chaincodePort)}`,
      // the org's peers find each other through its first peer
      CORE_PEER_GOSSIP_BOOTSTRAP: org.peer ? `${org.peer.host}:${String(org.peer.port)}` : address,
      CORE_PEER_GOSSIP_EXTERNALENDPOINT: address,
      // a peer that joins before the other operator's peer retries the anchor peer every 25s by
      // default; on a network this small a short interval gets membership (and discovery) in seconds
      CORE_PEER_GOSSIP_RECONNECTINTERVAL: '2s',
      // a transaction sent to the orderers again (the SDK resends one without a commit status) can be
      // ordered twice; the second copy is invalid (duplicate id) and its private data was purged when
      // the first committed: without this the peer waits pullRetryThreshold (60 s) for that data
      // before committing the block, and every later block waits behind it
      CORE_PEER_GOSSIP_PVTDATA_SKIPPULLINGINVALIDTRANSACTIONSDURINGCOMMIT: 'true',
      CORE_PEER_LOCALMSPID: org.mspId,
      CORE_PEER_MSPCONFIGPATH: path.join(dir, 'msp'),
      CORE_PEER_TLS_ENABLED: 'true',
      CORE_PEER_TLS_CERT_FILE: path.join(tls, 'server.crt'),
      CORE_PEER_TLS_KEY_FILE: path.join(tls, 'server.key'),
      CORE_PEER_TLS_ROOTCERT_FILE: path.join(tls, 'ca.crt'),
      CORE_PEER_FILESYSTEMPATH: data,
      CORE_LEDGER_SNAPSHOTS_ROOTDIR: path.join(data, 'snapshots'),
      CORE_LEDGER_STATE_STATEDATABASE: 'goleveldb',
      CORE_METRICS_PROVIDER: 'prometheus',
      CORE_OPERATIONS_LISTENADDRESS: `${OPS_HOST}:${String(peer.opsPort)}`,
      // no Docker: an empty endpoint also removes the Docker check from /healthz
      CORE_VM_ENDPOINT: '',
      CORE_CHAINCODE_EXTERNALBUILDERS: `[{name: xborder-ccaas, path: ${builder}}]`,
      ...(config.profiling
        ? { CORE_PEER_PROFILE_ENABLED: 'true', CORE_PEER_PROFILE_LISTENADDRESS: `${OPS_HOST}:${String(peer.pprofPort)}` }
        : {}),
    },
    ports: [
      { host: config.bindHost, port: peer.port },
      { host: config.bindHost, port: peer.chaincodePort },
      { host: OPS_HOST, port: peer.opsPort },
      ...(config.profiling ? [{ host: OPS_HOST, port: peer.pprofPort }] : []),
    ],
    readiness: { kind: 'healthz', url: `http://${OPS_HOST}:${String(peer.opsPort)}/healthz` },
  };
}

/** A peer's height on the channel, asked as its org's admin (`peer channel getinfo`). */
export async function channelHeight(config: NetworkConfig, org: OrgConfig, peer = org.peer): Promise<number> {
  const info = await run(path.join(paths(config).bin, 'peer'), ['channel', 'getinfo', '-c', config.channel], 'getinfo', {
    env: peerAdminEnv(config, org, peer),
  });
  const match = /\{.*\}/s.exec(info);
  if (!match) throw new Error(`getinfo printed no height: ${info.trim()}`);
  return (JSON.parse(match[0]) as { height?: number }).height ?? 0;
}

/** Environment for the `peer` CLI acting as an org's admin against its own peer. */
export function peerAdminEnv(config: NetworkConfig, org: OrgConfig, peer = org.peer): Record<string, string> {
  if (!peer) throw new Error(`${org.mspId} has no peer`);
  const p = paths(config);
  const admin = path.join(p.identities, `${org.key}-admin`);
  return {
    FABRIC_CFG_PATH: p.sampleConfig,
    FABRIC_LOGGING_SPEC: 'warning',
    CORE_PEER_TLS_ENABLED: 'true',
    CORE_PEER_TLS_ROOTCERT_FILE: path.join(peerDir(config, org, peer), 'tls', 'ca.crt'),
    CORE_PEER_ADDRESS: `${peer.host}:${String(peer.port)}`,
    CORE_PEER_LOCALMSPID: org.mspId,
    CORE_PEER_MSPCONFIGPATH: path.join(admin, 'msp'),
    CORE_VM_ENDPOINT: '',
  };
}

/** Flags the `peer` CLI needs to reach the first orderer over TLS. */
export function ordererFlags(config: NetworkConfig): string[] {
  // this folder's own orderer: its TLS root is at hand
  const o = localOrderers(config)[0] ?? config.orderers[0];
  if (!o) throw new Error('no orderer configured');
  return ['-o', `${o.host}:${String(o.port)}`, '--tls', '--cafile', path.join(ordererDir(config, o), 'tls', 'ca.crt')];
}
