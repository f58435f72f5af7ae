/**
 * Checks a proof in the page with the SDK's own offline checks (`checkProof`, the code behind `xborder
 * audit check-proof`), bundled for the browser: nothing is sent to the server.
 */
import { ANCHOR_KIND, checkProof, describeOutcome } from '@xborder/sdk/audit';
import type { Anchor, Proof, ProofReport, TrustAnchor } from '@xborder/sdk/audit';

export type { ProofReport };

const REQUIRED = ['channel', 'chaincode', 'txId', 'blockNumber', 'block', 'createdAt'] as const;

/** Parses a proof file; throws naming what is wrong with it. */
export function readProof(text: string): Proof {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error('not JSON: a proof is the JSON file `xborder audit proof` or this console writes');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not an xborder proof (not a JSON object)');
  const p = value as Record<string, unknown>;
  if (p.kind !== 'xborder-proof') throw new Error('not an xborder proof (kind is not "xborder-proof")');
  if (p.version !== 2) throw new Error(`proof version ${String(p.version)} is not supported (2)`);
  for (const f of REQUIRED) if (typeof p[f] !== 'string') throw new Error(`not an xborder proof: ${f} is missing`);
  if (
    !Array.isArray(p.configBlocks) ||
    typeof p.record !== 'object' ||
    p.record === null ||
    typeof p.target !== 'object' ||
    p.target === null
  )
    throw new Error('not an xborder proof: configBlocks, record or target is missing');
  return value as Proof;
}

const HEX64 = /^[0-9a-f]{64}$/;

/**
 * The trust anchor from an anchor file's text, checked field by field as the CLI's schema does (the
 * page runs without `eval`, which compiling that schema would need).
 */
export function readAnchor(text: string): Anchor {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error('the trust anchor is not JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not an xborder trust anchor');
  const a = value as Record<string, unknown>;
  if (a.kind !== ANCHOR_KIND || a.version !== 1) throw new Error('not an xborder trust anchor');
  if (typeof a.channel !== 'string' || a.channel === '') throw new Error('not an xborder trust anchor: channel is missing');
  if (typeof a.genesisHash !== 'string' || !HEX64.test(a.genesisHash))
    throw new Error('not an xborder trust anchor: genesisHash must be 64 hex digits');
  const roots = a.roots;
  if (typeof roots !== 'object' || roots === null || Array.isArray(roots)) throw new Error('not an xborder trust anchor: roots is missing');
  for (const [msp, list] of Object.entries(roots as Record<string, unknown>))
    if (!Array.isArray(list) || !list.every((f) => typeof f === 'string' && HEX64.test(f)))
      throw new Error(`not an xborder trust anchor: roots.${msp} must be a list of 64-hex-digit fingerprints`);
  return { anchor: value as TrustAnchor };
}

/** Runs every named check; the report names the first that failed. */
export async function verifyProof(proof: Proof, anchor: Anchor | undefined): Promise<{ report: ProofReport; description: string }> {
  const report = await checkProof(proof, anchor ? { anchor } : {});
  return { report, description: describeOutcome(report) };
}
