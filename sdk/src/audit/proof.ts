/**
 * Self-contained proofs of ledger records and their offline check. The check is the ordered list of
 * named checks in proof-checks.ts; this module holds the proof format and turns the checks' results
 * into one outcome.
 */
import type { CheckpointRecord } from '@xborder/protocol';

import type { Anchor } from './anchor';
import { PROOF_CHECKS, ProofState } from './proof-checks';

/** A checkpoint as recorded on the ledger: an operator's signed (height, block hash, validity chain). */
export type Checkpoint = CheckpointRecord;

/** One block after the proof's block, as much of it as the checkpoint link needs (hex fields). */
export interface BlockLink {
  readonly number: string;
  readonly previousHash: string;
  readonly dataHash: string;
  /** SHA-256 of the block's validation flags (TRANSACTIONS_FILTER). */
  readonly flagsHash: string;
}

/** The nearest height both operators signed alike above the proof's block, and the way there. */
export interface CheckpointLink {
  /** Both operators' checkpoints at that height. */
  readonly signatures: Checkpoint[];
  /** The validity chain value just before the proof's block. */
  readonly validityBefore: string;
  /** The blocks between the proof's block and the checkpoint height. */
  readonly links: BlockLink[];
}

export const PROOF_VERSION = 2;

/** A self-contained proof that a record was written by a valid transaction, checkable offline. */
export interface Proof {
  readonly version: typeof PROOF_VERSION;
  readonly kind: 'xborder-proof';
  readonly channel: string;
  readonly chaincode: string;
  /** What the proof is of: the record's own ids must be these (`modified`: the intel version, when named). */
  readonly target: { readonly type: 'intel' | 'payment' | 'transaction'; readonly id: string; readonly modified?: string };
  readonly txId: string;
  readonly blockNumber: string;
  readonly txIndex: number;
  /** The ledger key and the exact bytes (UTF-8) the transaction wrote. */
  readonly record: { readonly key: string; readonly value: string };
  /** base64 of the whole block holding the transaction. */
  readonly block: string;
  /**
   * base64 of every configuration block from the genesis block to the one in force at the proof's
   * block (its LAST_CONFIG), in order: the path from the anchor to the CA roots the checks use.
   */
  readonly configBlocks: string[];
  /** The producer's registered certificate (intel statements, payment attestations). */
  readonly signerCertificate: string | null;
  /**
   * The signing key's registry entry as the builder read it when it built the proof (`createdAt`):
   * when it was registered and whether, when and why it was revoked since. Informational: it is the
   * serving peer's word, reported, never part of the outcome.
   */
  readonly signerKeyStatus?: {
    readonly fingerprint: string;
    readonly registeredAt: string;
    readonly revokedAt: string | null;
    readonly revokeReason: string | null;
  };
  /** What shows the transaction's validation flag is co-signed by both operators, once it is. */
  readonly checkpoint?: CheckpointLink;
  readonly createdAt: string;
}

/**
 * How a check ended: `pass`; `fail` (the proof is wrong); `unanchored` (no trust anchor to compare
 * with); `uncovered` (no checkpoint co-signed by both operators covers the block yet).
 */
export type CheckStatus = 'pass' | 'fail' | 'unanchored' | 'uncovered';

/** The result of one named check in a {@link ProofReport}. */
export interface Check {
  readonly name: string;
  readonly ok: boolean;
  readonly status: CheckStatus;
  readonly detail: string;
}

/**
 * `holds`: every check passed, anchored, and the validation flag is co-signed by both operators.
 * `not-cosigned`: valid according to the serving peer, not yet covered by a co-signed checkpoint.
 * `unanchored`: consistent in itself, but not tied to the published trust anchor.
 * `failed`: a check failed (`failed` names the first).
 */
export type ProofOutcome = 'holds' | 'not-cosigned' | 'unanchored' | 'failed';

/** What {@link checkProof} found: the outcome, the first failing check and every check's result. */
export interface ProofReport {
  /** True only for `holds`. */
  readonly ok: boolean;
  readonly outcome: ProofOutcome;
  /** The first failing check, when there is one. */
  readonly failed: string | null;
  readonly checks: Check[];
  readonly summary: Record<string, unknown>;
}

/** What {@link checkProof} checks the proof against. */
export interface CheckProofOptions {
  /** The published trust anchor (or only the genesis hash); without it a proof never `holds`. */
  readonly anchor?: Anchor;
  /** The STIX object or message the record commits to. */
  readonly content?: string;
  /** The salt of a format 2 intel record's commitment (from an opening; see commitment.ts). */
  readonly salt?: string;
}

/**
 * Checks a proof with no network, running every named check in order and stopping at the first
 * failure. Pure: the same proof and options always give the same report.
 * @param proof - a proof file's content (see `proofFile` to read one)
 * @param options - the trust anchor, and content (with its salt) to check against the record
 * @returns the outcome (holds, failed, not-cosigned, unanchored), the first failing check and every check
 */
export async function checkProof(proof: Proof, options: CheckProofOptions = {}): Promise<ProofReport> {
  const state = new ProofState(proof, options);
  const checks: Check[] = [];
  for (const check of PROOF_CHECKS) {
    let result;
    try {
      result = await check.run(state);
    } catch (err) {
      result = { status: 'fail' as const, detail: err instanceof Error ? err.message : String(err) };
    }
    if (result === null) continue;
    checks.push({ name: check.name, ok: result.status === 'pass', status: result.status, detail: result.detail });
    if (result.status === 'fail') break;
  }
  const failed = checks.find((c) => c.status === 'fail');
  const outcome: ProofOutcome = failed
    ? 'failed'
    : checks.some((c) => c.status === 'unanchored')
      ? 'unanchored'
      : checks.some((c) => c.status === 'uncovered')
        ? 'not-cosigned'
        : 'holds';
  return { ok: outcome === 'holds', outcome, failed: failed?.name ?? null, checks, summary: state.summary };
}

/** The CLI's exit code for each outcome: 0 only when the proof holds. */
export const OUTCOME_EXIT_CODES: Readonly<Record<ProofOutcome, number>> = {
  holds: 0,
  failed: 1,
  'not-cosigned': 3,
  unanchored: 4,
};

/** What a proof proved, in words: type, id, version, signer key, key, block and transaction. */
export function describeProven(proven: unknown): string {
  if (typeof proven !== 'object' || proven === null) return 'nothing named';
  const p = proven as Record<string, unknown>;
  const str = (v: unknown): string => (typeof v === 'string' || typeof v === 'number' ? String(v) : '?');
  const version = p.version !== undefined ? ` version ${str(p.version)}` : '';
  const signer = p.producer !== undefined ? ` by ${str(p.producer)} (key ${str(p.signerKey).slice(0, 16)}...)` : '';
  return `${str(p.type)} ${str(p.id)}${version}${signer}, written by transaction ${str(p.tx)} (index ${str(p.txIndex)} of block ${str(p.block)})`;
}

/** One line that says what the outcome means. */
export function describeOutcome(report: ProofReport): string {
  switch (report.outcome) {
    case 'holds': {
      const key = report.summary.signerKey as { revokedAt?: string | null; revokeReason?: string | null } | undefined;
      const revoked =
        typeof key?.revokedAt === 'string'
          ? `; its signer key was revoked later, at ${key.revokedAt} (${key.revokeReason ?? 'no reason'})`
          : '';
      return `proof holds: ${describeProven(report.summary.proven)}; block ${String(report.summary.blockNumber)} (${String(report.summary.blockHash)}), anchored and co-signed by both operators${revoked}`;
    }
    case 'not-cosigned':
      return 'valid according to the serving peer, not yet co-signed: no checkpoint of both operators covers this block yet (fetch a newer proof later)';
    case 'unanchored':
      return 'proof is UNANCHORED: consistent in itself, but not compared with the published trust anchor (give --anchor FILE or --genesis HASH)';
    case 'failed':
      return `proof FAILED at ${report.failed ?? '?'}`;
  }
}
