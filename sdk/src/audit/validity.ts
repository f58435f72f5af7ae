/**
 * The validity chain: a running hash over every block's number and validation flags.
 *
 * A block's TRANSACTIONS_FILTER (one validation code per transaction) is written by the committing
 * peer and covered by no orderer signature, so a block alone cannot show that a transaction was
 * valid. Each operator therefore signs, in its checkpoints, the chain value over all blocks below the
 * checkpoint height, computed from its own peer's blocks:
 *
 *   V(-1) = 32 zero bytes
 *   V(n)  = SHA-256( V(n-1) || n as 8 bytes big-endian || SHA-256(flags(n)) )
 *
 * The same checkpoint signs the header hash of its last block, which fixes every block's header (and
 * so its transactions) below it; V fixes every block's flags. Block headers are not in V, so an
 * operator can follow the chain from the peer's light filtered-block stream (numbers and validation
 * codes only). `flags(n)` are the codes of the block's transactions that decode as envelopes, in
 * order: what the peer's filtered blocks carry (it skips undecodable data, which orderers refuse to
 * order anyway).
 *
 * A proof carries V just before its block, and the numbers, header fields and flag hashes of the
 * blocks after it, so a checker recomputes the signed value with the proof's own block inside.
 */
import { createHash } from 'node:crypto';

import { common } from '@hyperledger/fabric-protos';
import type { peer } from '@hyperledger/fabric-protos';

import { validationCodes } from './ledger';

/** V(-1): the value before block 0. */
export const VALIDITY_GENESIS = '0'.repeat(64);

/** SHA-256 of a block's transaction validation flags, as the validity chain hashes them. */
export function flagsHash(flags: Uint8Array): Buffer {
  return createHash('sha256').update(flags).digest();
}

/** V(n) from V(n-1) (hex), the block number and the hash of its flags. */
export function extendValidity(previous: string, blockNumber: number, flagsDigest: Uint8Array): string {
  const number = Buffer.alloc(8);
  number.writeBigUInt64BE(BigInt(blockNumber));
  return createHash('sha256').update(Buffer.from(previous, 'hex')).update(number).update(flagsDigest).digest('hex');
}

/** The flags of a full block as the validity chain counts them (codes of decodable envelopes). */
export function blockFlags(block: common.Block): Uint8Array {
  const codes = validationCodes(block);
  const data = block.getData()?.getDataList_asU8() ?? [];
  const kept: number[] = [];
  data.forEach((envelope, i) => {
    try {
      const env = common.Envelope.deserializeBinary(envelope);
      common.Payload.deserializeBinary(env.getPayload_asU8());
      if (envelope.length > 0) kept.push(codes[i] ?? 0);
    } catch {
      // skipped, as the peer's filtered block skips it
    }
  });
  return Uint8Array.from(kept);
}

/** The flags of a filtered block (the peer's light block stream). */
export function filteredBlockFlags(block: peer.FilteredBlock): Uint8Array {
  return Uint8Array.from(block.getFilteredTransactionsList().map((tx) => tx.getTxValidationCode()));
}

/** V(n) from V(n-1) and block n. */
export function extendWithBlock(previous: string, block: common.Block): string {
  const header = block.getHeader();
  if (!header) throw new Error('block without header');
  return extendValidity(previous, header.getNumber(), flagsHash(blockFlags(block)));
}
