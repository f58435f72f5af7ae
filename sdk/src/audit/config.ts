/**
 * Channel configuration blocks read offline: the CA roots of every MSP, the ordering service's kind
 * and size, and the configuration update that produced the block with its signatures, so a checker
 * can follow the channel's configuration from the anchored genesis block to the one in force.
 */
import { common, msp, orderer } from '@hyperledger/fabric-protos';

import { concat, identityOf, verifySignature } from './ledger';
import type { Identity } from './ledger';

const HEADER_TYPE_CONFIG = 1;

/** One signature over a configuration update, with whether it verifies over the update bytes. */
export interface UpdateSignature {
  readonly signer: Identity;
  readonly valid: boolean;
}

/** The configuration update that produced a configuration block (absent in a genesis block). */
export interface ConfigUpdateInfo {
  readonly channel: string;
  readonly signatures: readonly UpdateSignature[];
  /** MSPs whose `MSP` value (roots, admins, NodeOUs) the update writes. */
  readonly writtenMsps: readonly string[];
}

/** A BFT consenter as the configuration pins it: blocks name their signers by this id. */
export interface ConsenterIdentity {
  readonly id: number;
  readonly mspId: string;
  readonly certificate: string;
}

/** What the checks need from one channel configuration. */
export interface ChannelConfig {
  readonly blockNumber: number;
  readonly channel: string;
  readonly sequence: number;
  /** Root CA certificates (PEM) per MSP id. */
  readonly roots: ReadonlyMap<string, readonly string[]>;
  /** Intermediate CA certificates (PEM) per MSP id. */
  readonly intermediates: ReadonlyMap<string, readonly string[]>;
  /** `etcdraft` or `BFT`. */
  readonly consensus: string;
  /** Number of consenters (BFT), or 0 when not listed. */
  readonly consenters: number;
  /** The BFT consenter mapping: each consenter's numeric id, MSP and signing certificate (PEM). */
  readonly consenterMapping: readonly ConsenterIdentity[];
  /** MSP ids of the ordering service's organisations (the Orderer group's members). */
  readonly ordererMsps: readonly string[];
  readonly update: ConfigUpdateInfo | null;
}

function pem(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('utf8');
}

function mspName(value: common.ConfigValue): { name: string; roots: string[]; intermediates: string[] } {
  const mspConfig = msp.MSPConfig.deserializeBinary(value.getValue_asU8());
  const fabric = msp.FabricMSPConfig.deserializeBinary(mspConfig.getConfig_asU8());
  return {
    name: fabric.getName(),
    roots: fabric.getRootCertsList_asU8().map(pem),
    intermediates: fabric.getIntermediateCertsList_asU8().map(pem),
  };
}

function walk(group: common.ConfigGroup | undefined, visit: (group: common.ConfigGroup, name: string) => void, name = ''): void {
  if (!group) return;
  visit(group, name);
  group.getGroupsMap().forEach((child: common.ConfigGroup, childName: string) => {
    walk(child, visit, childName);
  });
}

function readUpdate(envelope: common.Envelope | undefined): ConfigUpdateInfo | null {
  if (!envelope || envelope.getPayload_asU8().length === 0) return null;
  const payload = common.Payload.deserializeBinary(envelope.getPayload_asU8());
  const updateEnvelope = common.ConfigUpdateEnvelope.deserializeBinary(payload.getData_asU8());
  const updateBytes = updateEnvelope.getConfigUpdate_asU8();
  const update = common.ConfigUpdate.deserializeBinary(updateBytes);
  const signatures = updateEnvelope.getSignaturesList().map((s) => {
    const header = common.SignatureHeader.deserializeBinary(s.getSignatureHeader_asU8());
    const signer = identityOf(header.getCreator_asU8());
    return {
      signer,
      valid: verifySignature(signer.certificate, concat(s.getSignatureHeader_asU8(), updateBytes), s.getSignature_asU8()),
    };
  });
  const writtenMsps: string[] = [];
  walk(update.getWriteSet(), (group) => {
    const value = group.getValuesMap().get('MSP');
    if (value && value.getValue_asU8().length > 0) writtenMsps.push(mspName(value).name);
  });
  return { channel: update.getChannelId(), signatures, writtenMsps };
}

/** Decodes a configuration block; throws when the block is not one. */
export function readConfig(block: common.Block): ChannelConfig {
  const first = block.getData()?.getDataList_asU8()[0];
  if (!first) throw new Error('configuration block without data');
  const envelope = common.Envelope.deserializeBinary(first);
  const payload = common.Payload.deserializeBinary(envelope.getPayload_asU8());
  const channelHeader = common.ChannelHeader.deserializeBinary(payload.getHeader()?.getChannelHeader_asU8() ?? new Uint8Array(0));
  if (channelHeader.getType() !== HEADER_TYPE_CONFIG) throw new Error('not a configuration block');
  const configEnvelope = common.ConfigEnvelope.deserializeBinary(payload.getData_asU8());
  const config = configEnvelope.getConfig();
  if (!config) throw new Error('configuration block without configuration');
  const roots = new Map<string, string[]>();
  const intermediates = new Map<string, string[]>();
  let consensus = '';
  let consenterMapping: ConsenterIdentity[] = [];
  const ordererMsps: string[] = [];
  const ordererGroup = config.getChannelGroup()?.getGroupsMap().get('Orderer');
  ordererGroup?.getGroupsMap().forEach((org: common.ConfigGroup) => {
    const value = org.getValuesMap().get('MSP');
    if (value) ordererMsps.push(mspName(value).name);
  });
  walk(config.getChannelGroup(), (group, name) => {
    const mspValue = group.getValuesMap().get('MSP');
    if (mspValue) {
      const m = mspName(mspValue);
      roots.set(m.name, m.roots);
      intermediates.set(m.name, m.intermediates);
    }
    if (name === 'Orderer') {
      const type = group.getValuesMap().get('ConsensusType');
      if (type) consensus = orderer.ConsensusType.deserializeBinary(type.getValue_asU8()).getType();
      const orderers = group.getValuesMap().get('Orderers');
      if (orderers)
        consenterMapping = common.Orderers.deserializeBinary(orderers.getValue_asU8())
          .getConsenterMappingList()
          .map((c) => ({ id: c.getId(), mspId: c.getMspId(), certificate: pem(c.getIdentity_asU8()) }));
    }
  });
  return {
    blockNumber: block.getHeader()?.getNumber() ?? 0,
    channel: channelHeader.getChannelId(),
    sequence: config.getSequence(),
    roots,
    intermediates,
    consensus,
    consenters: consenterMapping.length,
    consenterMapping,
    ordererMsps,
    update: readUpdate(configEnvelope.getLastUpdate()),
  };
}

/**
 * How many distinct orderer signatures a block needs under this configuration: one with Raft (the
 * leader signs), a quorum of ceil((n + f + 1) / 2) with BFT, where f = floor((n - 1) / 3).
 */
export function requiredOrdererSignatures(config: ChannelConfig): number {
  if (config.consensus !== 'BFT' || config.consenters === 0) return 1;
  const n = config.consenters;
  const f = Math.floor((n - 1) / 3);
  return Math.ceil((n + f + 1) / 2);
}
