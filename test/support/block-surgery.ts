/**
 * What a dishonest participant can do to blocks it holds: rewrite a configuration's CA roots, set a
 * transaction's validation flag, and sign a block header with an orderer key of its choosing. Each
 * helper keeps the block well-formed (data hash recomputed), so only the checks that matter can
 * catch the forgery.
 */
import { randomBytes, sign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';

import { common, msp } from '@hyperledger/fabric-protos';
import { BinaryWriter } from 'google-protobuf';

import { blockHeaderBytes, computeDataHash, decodeBlock, readIdentifier, readSignatureMetadata } from '@xborder/sdk/audit';
import type { RawSignature } from '@xborder/sdk/audit';

export const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');
export const block64 = (text: string): common.Block => decodeBlock(Buffer.from(text, 'base64'));

/** Replaces the root certificates of `mspId` in a configuration block (data hash recomputed). */
export function replaceRoots(block: common.Block, mspId: string, roots: (current: string[]) => string[]): void {
  const data = block.getData()!;
  const envelope = common.Envelope.deserializeBinary(data.getDataList_asU8()[0]!);
  const payload = common.Payload.deserializeBinary(envelope.getPayload_asU8());
  const configEnvelope = common.ConfigEnvelope.deserializeBinary(payload.getData_asU8());
  const config = configEnvelope.getConfig()!;
  const seen: string[] = [];
  const walk = (group: common.ConfigGroup): void => {
    const value = group.getValuesMap().get('MSP');
    if (value) {
      const mspConfig = msp.MSPConfig.deserializeBinary(value.getValue_asU8());
      const fabric = msp.FabricMSPConfig.deserializeBinary(mspConfig.getConfig_asU8());
      if (fabric.getName() === mspId) {
        seen.push(mspId);
        const current = fabric.getRootCertsList_asU8().map((c) => Buffer.from(c).toString('utf8'));
        fabric.setRootCertsList(roots(current).map((c) => Buffer.from(c)));
        mspConfig.setConfig(fabric.serializeBinary());
        value.setValue(mspConfig.serializeBinary());
      }
    }
    group.getGroupsMap().forEach((child: common.ConfigGroup) => {
      walk(child);
    });
  };
  walk(config.getChannelGroup()!);
  if (seen.length === 0) throw new Error(`no MSP ${mspId} in the configuration`);
  configEnvelope.setConfig(config);
  payload.setData(configEnvelope.serializeBinary());
  envelope.setPayload(payload.serializeBinary());
  data.setDataList([envelope.serializeBinary(), ...data.getDataList_asU8().slice(1)]);
  block.getHeader()!.setDataHash(computeDataHash(block));
}

/** Sets the validation flag of transaction `index` (0 is VALID, 11 MVCC_READ_CONFLICT). */
export function setFlag(block: common.Block, index: number, code: number): void {
  const list = block.getMetadata()!.getMetadataList_asU8();
  const flags = Buffer.from(list[2]!);
  flags[index] = code;
  block.getMetadata()!.setMetadataList(list.map((m, i) => (i === 2 ? flags : m)));
}

/** Replaces the block's orderer signatures with one by `signer` (as OrdererMSP), keeping LAST_CONFIG. */
export function resignBlock(block: common.Block, signer: { certPem: string; key: KeyObject }, mspId = 'OrdererMSP'): void {
  const list = block.getMetadata()!.getMetadataList_asU8();
  const metadata = common.Metadata.deserializeBinary(list[0]!);
  const creator = new msp.SerializedIdentity();
  creator.setMspid(mspId);
  creator.setIdBytes(Buffer.from(signer.certPem));
  const header = new common.SignatureHeader();
  header.setCreator(creator.serializeBinary());
  header.setNonce(randomBytes(24));
  const headerBytes = header.serializeBinary();
  const signature = new common.MetadataSignature();
  signature.setSignatureHeader(headerBytes);
  signature.setSignature(
    sign(
      'sha256',
      Buffer.concat([Buffer.from(metadata.getValue_asU8()), Buffer.from(headerBytes), Buffer.from(blockHeaderBytes(block.getHeader()!))]),
      signer.key,
    ),
  );
  metadata.setSignaturesList([signature]);
  block.getMetadata()!.setMetadataList(list.map((m, i) => (i === 0 ? metadata.serializeBinary() : m)));
}

/**
 * Rewrites a block's orderer signatures as bytes (never through the message classes, which in a test
 * process may be an older copy that drops BFT identifier headers); the signed value is kept.
 */
export function editBlockSignatures(block: common.Block, edit: (signatures: RawSignature[]) => RawSignature[]): void {
  const list = block.getMetadata()!.getMetadataList_asU8();
  const { value, signatures } = readSignatureMetadata(list[0] ?? new Uint8Array(0));
  const writer = new BinaryWriter();
  writer.writeBytes(1, value);
  for (const s of edit(signatures)) {
    const sw = new BinaryWriter();
    if (s.signatureHeader.length > 0) sw.writeBytes(1, s.signatureHeader);
    sw.writeBytes(2, s.signature);
    if (s.identifierHeader.length > 0) sw.writeBytes(3, s.identifierHeader);
    writer.writeBytes(2, sw.getResultBuffer());
  }
  block.getMetadata()!.setMetadataList(list.map((m, i) => (i === 0 ? writer.getResultBuffer() : m)));
}

/** A SmartBFT identifier header naming consenter `id`. */
export function identifierHeader(id: number): Uint8Array {
  const writer = new BinaryWriter();
  writer.writeUint32(1, id);
  return writer.getResultBuffer();
}

/** The consenter id an identifier header names. */
export const identifierOf = readIdentifier;
