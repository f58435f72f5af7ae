/**
 * Offline reading and checking of Fabric blocks: data hash, header bytes, orderer signatures,
 * transaction envelopes, endorsements, write sets and the MSP roots of a channel configuration.
 * Pure functions over protobuf bytes, so an auditor can run them years later with no network.
 */
import { createHash } from 'node:crypto';

import * as asn1js from 'asn1js';
import { BinaryReader } from 'google-protobuf';
import { common, ledger, msp, peer } from '@hyperledger/fabric-protos';
import { verifyWithCertificate } from '@xborder/protocol';

export const VALIDATION_CODE_VALID = 0;
const METADATA_SIGNATURES = 0;
const METADATA_TRANSACTIONS_FILTER = 2;
const HEADER_TYPE_ENDORSER_TRANSACTION = 3;

/** A serialized identity: its MSP and certificate. */
export interface Identity {
  readonly mspId: string;
  readonly certificate: string;
}

/** One endorsement of a transaction: who endorsed it and its signature. */
export interface Endorsement {
  readonly endorser: Identity;
  readonly signature: Uint8Array;
  /** Bytes the endorser signed: proposal response payload followed by the serialized endorser. */
  readonly signed: Uint8Array;
}

/** One public write of a transaction's write set. */
export interface Write {
  readonly namespace: string;
  readonly key: string;
  readonly value: Uint8Array;
  readonly isDelete: boolean;
}

/** A transaction decoded from a block: creator, endorsements, chaincode and writes. */
export interface ParsedTransaction {
  readonly txId: string;
  readonly type: number;
  readonly timestamp: string | null;
  readonly creator: Identity;
  readonly payload: Uint8Array;
  readonly signature: Uint8Array;
  readonly endorsements: Endorsement[];
  readonly writes: Write[];
}

function sha256(data: Uint8Array): Buffer {
  return createHash('sha256').update(data).digest();
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  return Buffer.concat(parts.map((p) => Buffer.from(p)));
}

/** The block header as Fabric hashes and signs it: ASN.1 DER SEQUENCE { number, previousHash, dataHash }. */
export function blockHeaderBytes(header: common.BlockHeader): Uint8Array {
  return headerBytes(BigInt(header.getNumber()), header.getPreviousHash_asU8(), header.getDataHash_asU8());
}

/** The DER bytes Fabric hashes for a header given by its three fields. */
export function headerBytes(number: bigint, previousHash: Uint8Array, dataHash: Uint8Array): Uint8Array {
  const seq = new asn1js.Sequence({
    value: [
      asn1js.Integer.fromBigInt(number),
      new asn1js.OctetString({ valueHex: new Uint8Array(previousHash) }),
      new asn1js.OctetString({ valueHex: new Uint8Array(dataHash) }),
    ],
  });
  return new Uint8Array(seq.toBER());
}

/** SHA-256 of a block header's ASN.1 encoding (what the next block links to). */
export function blockHeaderHash(header: common.BlockHeader): Buffer {
  return sha256(blockHeaderBytes(header));
}

/** The data hash a block header must carry for the block's data. */
export function computeDataHash(block: common.Block): Buffer {
  return sha256(concat(...(block.getData()?.getDataList_asU8() ?? [])));
}

/** Decodes a block from its protobuf bytes. */
export function decodeBlock(bytes: Uint8Array): common.Block {
  const block = common.Block.deserializeBinary(bytes);
  if (!block.getHeader() || !block.getData() || !block.getMetadata()) throw new Error('not a Fabric block');
  return block;
}

export function identityOf(serialized: Uint8Array): Identity {
  const id = msp.SerializedIdentity.deserializeBinary(serialized);
  return { mspId: id.getMspid(), certificate: Buffer.from(id.getIdBytes_asU8()).toString('utf8') };
}

/** ECDSA (DER) over SHA-256, as Fabric identities sign (protocol's one certificate check). */
export const verifySignature = verifyWithCertificate;

/** One orderer signature on a block: who signed (by certificate, or by BFT consenter id) and whether it verifies. */
export interface OrdererSignature {
  /** The signer's identity; for a BFT signature the consenter's pinned identity, when the id is a consenter's. */
  readonly signer: Identity | null;
  /** The consenter id a BFT signature names itself by (SmartBFT signs with an identifier header). */
  readonly consenterId: number | null;
  readonly valid: boolean;
}

/**
 * The orderer signatures on a block, each with whether it verifies over the block header. Raft
 * orderers put their certificate in a signature header; SmartBFT consenters an identifier header
 * with their numeric id, which `consenters` (the configuration in force) resolves to the identity it
 * pins. An id no consenter has gives `signer: null`.
 */
export function ordererSignatures(
  block: common.Block,
  consenters: readonly { id: number; mspId: string; certificate: string }[] = [],
): OrdererSignature[] {
  const raw = block.getMetadata()?.getMetadataList_asU8()[METADATA_SIGNATURES];
  if (!raw || raw.length === 0) return [];
  const metadata = readSignatureMetadata(raw);
  const header = block.getHeader();
  if (!header) return [];
  const headerBytes = blockHeaderBytes(header);
  return metadata.signatures.map((s) => {
    if (s.signatureHeader.length === 0 && s.identifierHeader.length > 0) {
      const id = readIdentifier(s.identifierHeader);
      const consenter = consenters.find((c) => c.id === id);
      if (!consenter) return { signer: null, consenterId: id, valid: false };
      const signer = { mspId: consenter.mspId, certificate: consenter.certificate };
      const signed = concat(metadata.value, s.identifierHeader, headerBytes);
      return { signer, consenterId: id, valid: verifySignature(signer.certificate, signed, s.signature) };
    }
    const sigHeader = common.SignatureHeader.deserializeBinary(s.signatureHeader);
    const signer = identityOf(sigHeader.getCreator_asU8());
    const signed = concat(metadata.value, s.signatureHeader, headerBytes);
    return { signer, consenterId: null, valid: verifySignature(signer.certificate, signed, s.signature) };
  });
}

/** One orderer signature of a block's metadata as bytes (a BFT one names its consenter by an identifier header). */
export interface RawSignature {
  readonly signatureHeader: Uint8Array;
  readonly signature: Uint8Array;
  readonly identifierHeader: Uint8Array;
}

/**
 * `common.Metadata` of the signatures slot, read field by field: value (1) and signatures (2), each
 * with signature_header (1), signature (2) and identifier_header (3). Read by hand because a process
 * can hold an older copy of Fabric's message classes (the chaincode shim's) under the same protobuf
 * names, which would drop the BFT identifier header as an unknown field.
 */
export function readSignatureMetadata(raw: Uint8Array): { value: Uint8Array; signatures: RawSignature[] } {
  const reader = new BinaryReader(raw);
  let value: Uint8Array = new Uint8Array(0);
  const signatures: RawSignature[] = [];
  while (reader.nextField() && !reader.isEndGroup()) {
    if (reader.getFieldNumber() === 1) value = reader.readBytes();
    else if (reader.getFieldNumber() === 2) signatures.push(readSignature(reader.readBytes()));
    else reader.skipField();
  }
  return { value, signatures };
}

function readSignature(bytes: Uint8Array): RawSignature {
  const reader = new BinaryReader(bytes);
  const empty: Uint8Array = new Uint8Array(0);
  const out = { signatureHeader: empty, signature: empty, identifierHeader: empty };
  while (reader.nextField() && !reader.isEndGroup()) {
    const field = reader.getFieldNumber();
    if (field === 1) out.signatureHeader = reader.readBytes();
    else if (field === 2) out.signature = reader.readBytes();
    else if (field === 3) out.identifierHeader = reader.readBytes();
    else reader.skipField();
  }
  return out;
}

/** The consenter id of a SmartBFT `common.IdentifierHeader` (identifier, field 1). */
export function readIdentifier(bytes: Uint8Array): number {
  const reader = new BinaryReader(bytes);
  let id = 0;
  while (reader.nextField() && !reader.isEndGroup()) {
    if (reader.getFieldNumber() === 1) id = reader.readUint32();
    else reader.skipField();
  }
  return id;
}

/** The validation code the committing peers gave each transaction of a block. */
export function validationCodes(block: common.Block): Uint8Array {
  return block.getMetadata()?.getMetadataList_asU8()[METADATA_TRANSACTIONS_FILTER] ?? new Uint8Array(0);
}

/** The block number of the last configuration block, from the orderer's block metadata. */
export function lastConfigIndex(block: common.Block): number {
  const raw = block.getMetadata()?.getMetadataList_asU8()[METADATA_SIGNATURES];
  if (!raw || raw.length === 0) return 0;
  const value = common.Metadata.deserializeBinary(raw).getValue_asU8();
  return common.OrdererBlockMetadata.deserializeBinary(value).getLastConfig()?.getIndex() ?? 0;
}

/** Reads one transaction envelope of a block: ids, creator, endorsements and the write set. */
export function parseTransaction(envelopeBytes: Uint8Array): ParsedTransaction {
  const envelope = common.Envelope.deserializeBinary(envelopeBytes);
  const payloadBytes = envelope.getPayload_asU8();
  const payload = common.Payload.deserializeBinary(payloadBytes);
  const header = payload.getHeader();
  if (!header) throw new Error('transaction without header');
  const channelHeader = common.ChannelHeader.deserializeBinary(header.getChannelHeader_asU8());
  const signatureHeader = common.SignatureHeader.deserializeBinary(header.getSignatureHeader_asU8());
  const ts = channelHeader.getTimestamp();
  const timestamp = ts ? new Date(ts.getSeconds() * 1000 + Math.floor(ts.getNanos() / 1e6)).toISOString() : null;
  const endorsements: Endorsement[] = [];
  const writes: Write[] = [];
  if (channelHeader.getType() === HEADER_TYPE_ENDORSER_TRANSACTION) {
    const tx = peer.Transaction.deserializeBinary(payload.getData_asU8());
    for (const action of tx.getActionsList()) {
      const cap = peer.ChaincodeActionPayload.deserializeBinary(action.getPayload_asU8());
      const endorsed = cap.getAction();
      if (!endorsed) continue;
      const prp = endorsed.getProposalResponsePayload_asU8();
      for (const e of endorsed.getEndorsementsList()) {
        endorsements.push({
          endorser: identityOf(e.getEndorser_asU8()),
          signature: e.getSignature_asU8(),
          signed: concat(prp, e.getEndorser_asU8()),
        });
      }
      const response = peer.ProposalResponsePayload.deserializeBinary(prp);
      const ccAction = peer.ChaincodeAction.deserializeBinary(response.getExtension_asU8());
      const rwset = ledger.rwset.TxReadWriteSet.deserializeBinary(ccAction.getResults_asU8());
      for (const ns of rwset.getNsRwsetList()) {
        const kv = ledger.rwset.kvrwset.KVRWSet.deserializeBinary(ns.getRwset_asU8());
        for (const w of kv.getWritesList())
          writes.push({ namespace: ns.getNamespace(), key: w.getKey(), value: w.getValue_asU8(), isDelete: w.getIsDelete() });
      }
    }
  }
  return {
    txId: channelHeader.getTxId(),
    type: channelHeader.getType(),
    timestamp,
    creator: identityOf(signatureHeader.getCreator_asU8()),
    payload: payloadBytes,
    signature: envelope.getSignature_asU8(),
    endorsements,
    writes,
  };
}

/** When a block was made, from its first transaction's timestamp (certificates must be valid then). */
export function blockTime(block: common.Block): Date {
  const first = block.getData()?.getDataList_asU8()[0];
  const t = first ? parseTransaction(first).timestamp : null;
  return t ? new Date(t) : new Date(0);
}
