import * as path from 'node:path';

import { stringify } from 'yaml';

import { BLOCK_DELIVERY_CONFIGTX, BLOCK_DELIVERY_POLICY } from './block-delivery';
import type { NetworkConfig, OrdererNode, OrgConfig } from './config';
import { BLOCK_SETTINGS, ordererOrgs, paths } from './config';
import { ordererDir } from './nodes';

type Policy = { Type: 'Signature' | 'ImplicitMeta'; Rule: string };

const sig = (rule: string): Policy => ({ Type: 'Signature', Rule: rule });
const meta = (rule: string): Policy => ({ Type: 'ImplicitMeta', Rule: rule });

/** The endorsement policy both operators must satisfy (chaincode default and lifecycle). */
export function bothOperators(config: NetworkConfig, role: 'peer' | 'admin'): string {
  return `AND('${config.orgs.hk.mspId}.${role}','${config.orgs.th.mspId}.${role}')`;
}

/**
 * An organisation's section. In the orderer group it lists its ordering endpoints and lets its
 * ordering nodes read and write (they pull blocks from each other); in the application group it
 * names its anchor peer.
 */
function orgSection(config: NetworkConfig, org: OrgConfig, group: 'orderer' | 'application'): Record<string, unknown> {
  const id = org.mspId;
  const ordererOnly = org === config.orgs.orderer;
  const policies = ordererOnly
    ? {
        Readers: sig(`OR('${id}.member')`),
        Writers: sig(`OR('${id}.member')`),
        Admins: sig(`OR('${id}.admin')`),
      }
    : group === 'orderer'
      ? {
          Readers: sig(`OR('${id}.admin','${id}.peer','${id}.client','${id}.orderer')`),
          Writers: sig(`OR('${id}.admin','${id}.client','${id}.orderer')`),
          Admins: sig(`OR('${id}.admin')`),
        }
      : {
          Readers: sig(`OR('${id}.admin','${id}.peer','${id}.client')`),
          Writers: sig(`OR('${id}.admin','${id}.client')`),
          Admins: sig(`OR('${id}.admin')`),
          Endorsement: sig(`OR('${id}.peer')`),
        };
  const section: Record<string, unknown> = {
    Name: org.name,
    ID: id,
    MSPDir: path.join(paths(config).orgDir(org), 'msp'),
    Policies: policies,
  };
  if (group === 'orderer') {
    section.OrdererEndpoints = config.orderers.filter((o) => o.org === org.key).map((o) => `${o.host}:${String(o.port)}`);
  }
  if (group === 'application' && org.peer) {
    section.AnchorPeers = [{ Host: org.peer.host, Port: org.peer.port }];
  }
  return section;
}

function ordererTls(config: NetworkConfig, orderer: OrdererNode): { cert: string; signcert: string } {
  const dir = ordererDir(config, orderer);
  return { cert: path.join(dir, 'tls', 'server.crt'), signcert: path.join(dir, 'msp', 'signcerts', 'cert.pem') };
}

/**
 * The configtx.yaml document for the application channel: HK and TH operators (with anchor peers),
 * the auditor org (no peers), the orderer org, Raft or BFT consensus and the selected block settings.
 * Application admins, lifecycle and default endorsement all require both operators.
 */
export function configtx(config: NetworkConfig): Record<string, unknown> {
  const blocks = BLOCK_SETTINGS[config.blocks];
  const bft = config.profile === 'bft';
  const orderer: Record<string, unknown> = {
    OrdererType: bft ? 'BFT' : 'etcdraft',
    BatchTimeout: blocks.batchTimeout,
    BatchSize: {
      MaxMessageCount: blocks.maxMessageCount,
      AbsoluteMaxBytes: blocks.absoluteMaxBytes,
      PreferredMaxBytes: blocks.preferredMaxBytes,
    },
    Organizations: ordererOrgs(config).map((org) => orgSection(config, org, 'orderer')),
    Policies: {
      Readers: meta('ANY Readers'),
      Writers: meta('ANY Writers'),
      Admins: meta('MAJORITY Admins'),
      // for BFT, configtxgen replaces this with a policy requiring a quorum of consenter signatures
      BlockValidation: meta('ANY Writers'),
    },
    Capabilities: { V2_0: true },
  };
  if (bft) {
    orderer.ConsenterMapping = config.orderers.map((o, i) => {
      const tls = ordererTls(config, o);
      return {
        ID: i + 1,
        Host: o.host,
        Port: o.port,
        MSPID: config.orgs[o.org].mspId,
        Identity: tls.signcert,
        ClientTLSCert: tls.cert,
        ServerTLSCert: tls.cert,
      };
    });
    orderer.SmartBFT = {
      RequestBatchMaxCount: blocks.maxMessageCount,
      RequestBatchMaxInterval: blocks.batchTimeout,
      // a request the leader does not order within 6 s is complained about, and a silent leader is
      // replaced after 12 s (Fabric's sample: 20 s and 1 min): a killed or censoring leader costs
      // seconds, not a minute; shorter risks view changes when a node is starved of CPU
      RequestForwardTimeout: '2s',
      RequestComplainTimeout: '6s',
      RequestAutoRemoveTimeout: '3m0s',
      ViewChangeResendInterval: '2s',
      ViewChangeTimeout: '6s',
      LeaderHeartbeatTimeout: '12s',
      CollectTimeout: '1s',
      IncomingMessageBufferSize: 200,
      RequestPoolSize: 100000,
      LeaderHeartbeatCount: 10,
    };
  } else {
    orderer.EtcdRaft = {
      Consenters: config.orderers.map((o) => {
        const tls = ordererTls(config, o);
        return { Host: o.host, Port: o.port, ClientTLSCert: tls.cert, ServerTLSCert: tls.cert };
      }),
      Options: {
        // a follower that hears no heartbeat for 5 ticks (0.5-1.0 s, randomised) elects a new leader,
        // so that a leader's crash interrupts commits for under 2 s (RELIABILITY.md); Fabric's sample
        // waits 5 s (500 ms x 10). Shorter risks needless elections when a node is starved of CPU for
        // longer than that, or on links slower than these ordering nodes' (one machine, or one site)
        TickInterval: '100ms',
        ElectionTick: 5,
        HeartbeatTick: 1,
        MaxInflightBlocks: 5,
        SnapshotIntervalSize: '16 MB',
      },
    };
  }
  return {
    Profiles: {
      XborderChannel: {
        Policies: {
          Readers: meta('ANY Readers'),
          Writers: meta('ANY Writers'),
          Admins: meta('MAJORITY Admins'),
        },
        Capabilities: { V3_0: true },
        Orderer: orderer,
        Application: {
          Organizations: [config.orgs.hk, config.orgs.th, config.orgs.audit].map((o) => orgSection(config, o, 'application')),
          Policies: {
            Readers: meta('ANY Readers'),
            Writers: meta('ANY Writers'),
            Admins: sig(bothOperators(config, 'admin')),
            LifecycleEndorsement: sig(bothOperators(config, 'peer')),
            Endorsement: sig(bothOperators(config, 'peer')),
            // whole blocks (and private data with them) from the peers' deliver: no one (block-delivery.ts)
            [BLOCK_DELIVERY_POLICY]: BLOCK_DELIVERY_CONFIGTX.policy,
          },
          ACLs: BLOCK_DELIVERY_CONFIGTX.acls,
          Capabilities: { V2_5: true },
        },
      },
    },
  };
}

export function configtxYaml(config: NetworkConfig): string {
  return stringify(configtx(config), { lineWidth: 0 });
}
