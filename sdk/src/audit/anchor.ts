/**
 * The trust anchor operators publish: the hash of the channel's genesis block and the SHA-256
 * fingerprints of every MSP's CA root certificates in it. Offline checks start from it; without one
 * they can only say a proof is consistent with itself, never that it comes from the xborder channel.
 */

import { XborderError } from '../errors';
import { trustAnchorFile } from '../schemas';
import { readConfig } from './config';
import type { ChannelConfig } from './config';
import { blockHeaderHash, decodeBlock } from './ledger';
import { certificateFingerprint } from '@xborder/protocol';

export const ANCHOR_KIND = 'xborder-trust-anchor';

/** What the operators publish once: the channel, its genesis block header hash and the CA root fingerprints of every MSP. */
export interface TrustAnchor {
  readonly version: 1;
  readonly kind: typeof ANCHOR_KIND;
  readonly channel: string;
  /** SHA-256 (hex) of block 0's header, as Fabric hashes headers. */
  readonly genesisHash: string;
  /** Per MSP id: the SHA-256 fingerprints (lowercase hex, sorted) of its root CA certificates at genesis. */
  readonly roots: Readonly<Record<string, readonly string[]>>;
}

/** SHA-256 (lowercase hex) of a certificate's DER bytes. */
export { certificateFingerprint };

/** Root fingerprints of a configuration, per MSP, sorted. */
export function rootFingerprints(config: ChannelConfig): Record<string, string[]> {
  return Object.fromEntries(
    [...config.roots.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([m, certs]) => [m, certs.map(certificateFingerprint).sort()]),
  );
}

/**
 * The anchor of a channel, from the bytes of its genesis block.
 * @param genesisBlock - block 0 of the channel, as bytes
 * @returns the anchor to publish
 */
export function trustAnchorOf(genesisBlock: Uint8Array): TrustAnchor {
  const block = decodeBlock(genesisBlock);
  const header = block.getHeader();
  if (!header || header.getNumber() !== 0) throw new XborderError('BAD_INPUT', 'the trust anchor comes from block 0 of the channel');
  const config = readConfig(block);
  return {
    version: 1,
    kind: ANCHOR_KIND,
    channel: config.channel,
    genesisHash: blockHeaderHash(header).toString('hex'),
    roots: rootFingerprints(config),
  };
}

/**
 * Parses and validates an anchor document (as written by `up` or `audit anchor`).
 * @param text - the anchor file's text
 * @throws `XborderError` BAD_INPUT naming what is malformed
 */
export function parseTrustAnchor(text: string): TrustAnchor {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new XborderError('BAD_INPUT', 'the trust anchor is not JSON');
  }
  return trustAnchorFile(value, 'not an xborder trust anchor');
}

/** What a check is anchored to: a full anchor, or only a genesis hash given on the command line. */
export type Anchor = { readonly anchor: TrustAnchor } | { readonly genesisHash: string };
