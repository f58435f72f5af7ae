/**
 * Checks a range of blocks as an auditor would, from any source of block bytes (a peer, files, a
 * test's tampered copies): data hashes, previous-hash links, orderer signatures by enough orderers of
 * the configuration in force (certificates chaining to its OrdererMSP roots), and every configuration
 * change signed by the orderers before it and authorised by admins of both operators. Block 0 is
 * compared with the trust anchor; without one the outcome is `unanchored`, never `verified`.
 */
import { canonicalize } from '@xborder/protocol';

import { rootFingerprints } from './anchor';
import type { Anchor } from './anchor';
import { readConfig } from './config';
import { blockHeaderHash, blockTime, computeDataHash, decodeBlock, lastConfigIndex } from './ledger';
import { configAuthorisedProblem, configSignedProblem, ordererQuorum } from './proof-checks';
import { XborderError } from '../errors';

/** The outcome of {@link verifyBlocks}: how many blocks checked and the first problem, if any. */
export interface ChainReport {
  readonly from: number;
  readonly to: number;
  /** True only when every block checks and block 0 is the anchored genesis block. */
  readonly ok: boolean;
  /** `verified`, `broken` (see firstBreak) or `unanchored` (no anchor to compare block 0 with). */
  readonly outcome: 'verified' | 'broken' | 'unanchored';
  readonly genesisHash: string | null;
  /** The first block that breaks the chain, and why. */
  readonly firstBreak: { block: number; reason: string } | null;
  readonly tipHash: string;
}

/** Fetches block `n` as bytes (from a peer, or from files). */
export type BlockSource = (n: number) => Promise<Uint8Array>;

/** Every configuration block from genesis to the one in force at block `n`, in order. */
export async function configChain(blockAt: BlockSource, n: number): Promise<Uint8Array[]> {
  let index = lastConfigIndex(decodeBlock(await blockAt(n)));
  const chain: Uint8Array[] = [await blockAt(index)];
  while (index > 0) {
    index = lastConfigIndex(decodeBlock(await blockAt(index - 1)));
    chain.unshift(await blockAt(index));
  }
  return chain;
}

/** Checks a range of blocks: data hashes, previous-hash links and orderer signatures against the configuration in force. */
export async function verifyBlocks(
  blockAt: BlockSource,
  from: number,
  last: number,
  options: { anchor?: Anchor; onProgress?: (done: number, total: number) => void } = {},
): Promise<ChainReport> {
  if (from < 0 || last < from) throw new XborderError('USAGE', `invalid block range ${String(from)}..${String(last)}`);
  let genesisHash: string | null = null;
  let tip = '';
  const broken = (block: number, reason: string): ChainReport => ({
    from,
    to: last,
    ok: false,
    outcome: 'broken',
    firstBreak: { block, reason },
    tipHash: tip,
    genesisHash,
  });
  // the configuration chain from genesis to the one in force at `from`, itself checked
  const chain = (await configChain(blockAt, from)).map((b) => decodeBlock(b));
  const genesis = chain[0];
  const genesisHeader = genesis?.getHeader();
  if (!genesis || !genesisHeader) return broken(0, 'no genesis block');
  genesisHash = blockHeaderHash(genesisHeader).toString('hex');
  let anchored = false;
  if (options.anchor) {
    const expected = 'anchor' in options.anchor ? options.anchor.anchor.genesisHash : options.anchor.genesisHash;
    if (genesisHash !== expected) return broken(0, `genesis block ${genesisHash} is not the anchored ${expected}`);
    if ('anchor' in options.anchor && canonicalize(rootFingerprints(readConfig(genesis))) !== canonicalize(options.anchor.anchor.roots))
      return broken(0, 'the genesis CA roots differ from the anchor');
    anchored = true;
  }
  let config = readConfig(genesis);
  for (const b of chain.slice(1)) {
    const next = readConfig(b);
    const problem = (await configSignedProblem(config, next, b)) ?? (await configAuthorisedProblem(config, next, b));
    if (problem !== null) return broken(next.blockNumber, problem);
    config = next;
  }
  let previous: Buffer | undefined;
  if (from > 0) {
    const prior = decodeBlock(await blockAt(from - 1)).getHeader();
    if (prior) previous = blockHeaderHash(prior);
  }
  for (let n = from; n <= last; n++) {
    const block = decodeBlock(await blockAt(n));
    const header = block.getHeader();
    if (!header) return broken(n, 'no header');
    if (header.getNumber() !== n) return broken(n, `the block says it is block ${String(header.getNumber())}`);
    if (!computeDataHash(block).equals(Buffer.from(header.getDataHash_asU8())))
      return broken(n, 'data does not hash to the header data hash');
    if (previous && !previous.equals(Buffer.from(header.getPreviousHash_asU8())))
      return broken(n, `previous hash does not match block ${String(n - 1)}`);
    if (n > 0) {
      if (lastConfigIndex(block) === n && n > config.blockNumber) {
        const next = readConfig(block);
        const problem = (await configSignedProblem(config, next, block)) ?? (await configAuthorisedProblem(config, next, block));
        if (problem !== null) return broken(n, problem);
        config = next;
      } else {
        const quorum = await ordererQuorum(block, config, blockTime(block));
        if (quorum.status !== 'pass') return broken(n, quorum.detail);
      }
    }
    previous = blockHeaderHash(header);
    tip = previous.toString('hex');
    options.onProgress?.(n - from + 1, last - from + 1);
  }
  return { from, to: last, ok: anchored, outcome: anchored ? 'verified' : 'unanchored', firstBreak: null, tipHash: tip, genesisHash };
}
