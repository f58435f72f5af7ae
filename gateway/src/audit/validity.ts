/**
 * The validity chain: a running hash over every block's header hash and its validation flags.
 *
 * A block's TRANSACTIONS_FILTER (one validation code per transaction) is written by the committing
 * peer and covered by no orderer signature, so a block alone cannot show that a transaction was
 * valid. Each operator therefore signs, in its checkpoints, the chain value over all blocks below the
 * checkpoint height, computed from its own peer's blocks:
 *
 *   V(-1) = 32 zero bytes
 *   V(n)  = SHA-256( V(n-1) || headerHash(n) || SHA-256(flags(n)) )
 *
 * A height both operators signed with the same V fixes every block's flags below it; a proof carries
 * V just before its block and the header fields and flag hashes of the blocks after it, so a checker
 * recomputes the signed value with the proof's own block (and its flags) inside.
 */
import { createHash } from 'node:crypto';

import type { common } from '@hyperledger/fabric-protos';

import { blockHeaderHash, validationCodes } from './ledger';

/** V(-1): the value before block 0. */
export const VALIDITY_GENESIS = '0'.repeat(64);

export function flagsHash(flags: Uint8Array): Buffer {
  return createHash('sha256').update(flags).digest();
}

/** V(n) from V(n-1), the block's header hash and the hash of its validation flags (all hex or bytes). */
export function extendValidity(previous: string, headerHash: Uint8Array, flagsDigest: Uint8Array): string {
  return createHash('sha256').update(Buffer.from(previous, 'hex')).update(headerHash).update(flagsDigest).digest('hex');
}

/** V(n) from V(n-1) and block n. */
export function extendWithBlock(previous: string, block: common.Block): string {
  const header = block.getHeader();
  if (!header) throw new Error('block without header');
  return extendValidity(previous, blockHeaderHash(header), flagsHash(validationCodes(block)));
}
