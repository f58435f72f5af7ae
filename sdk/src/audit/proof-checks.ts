/**
 * The named checks of an offline proof, in the order they run. Each check reads what earlier checks
 * established from the shared {@link ProofState} and adds what it established itself; it returns
 * `null` when it does not apply to this proof (e.g. no content was given).
 */
import { createHash } from 'node:crypto';

import type { common } from '@hyperledger/fabric-protos';

import {
  canonicalize,
  CHECKPOINT_PURPOSE,
  checkpointStatement,
  contentCommitment,
  intelVersionKey,
  isSalt,
  opensTo,
  OPERATOR_MSPS,
  paymentRecordKey,
  recordKind,
  timestampKey,
} from '@xborder/protocol';
import type { IntelRecord, PaymentRecord } from '@xborder/protocol';

import { certificateFingerprint, rootFingerprints } from './anchor';
import { readConfig, requiredOrdererSignatures } from './config';
import type { ChannelConfig } from './config';
import {
  blockHeaderHash,
  blockTime,
  computeDataHash,
  decodeBlock,
  headerBytes,
  lastConfigIndex,
  ordererSignatures,
  parseTransaction,
  validationCodes,
  verifySignature,
  VALIDATION_CODE_VALID,
} from './ledger';
import type { ParsedTransaction } from './ledger';
import type { CheckProofOptions, CheckpointLink, CheckStatus, Checkpoint, Proof } from './proof';
// a value used only when a check runs, so the two modules' mutual import is harmless
import { describeProven, PROOF_VERSION } from './proof';
import { blockFlags, extendValidity, flagsHash } from './validity';
import { fabricAttributes, organisationalUnits, validatePath } from './x509';

/** MSPs whose peers must both have endorsed a record, and whose admins sign checkpoints and changes. */

export interface CheckResult {
  readonly status: CheckStatus;
  readonly detail: string;
}

/** One named check of a proof (`config.anchor`, `record.institution-signature`, ...). */
export interface NamedCheck {
  readonly name: string;
  /** Runs the check on what the earlier checks established; null when it does not apply to this proof. */
  run(state: ProofState): Promise<CheckResult | null> | CheckResult | null;
}

/** The record's own signature, typed from the intel and payment record definitions. */
interface SignedRecord {
  readonly text: string;
  readonly signature: string;
  readonly fingerprint: string;
  readonly mspId: string;
  /** What the statement commits the content to: a salted commitment (format 2) or a bare SHA-256 (format 1). */
  readonly committed: { readonly kind: 'commitment' | 'sha256'; readonly value: string };
}

/** What the checks established so far; a later check runs only after the earlier ones passed. */
export class ProofState {
  readonly proof: Proof;
  readonly options: CheckProofOptions;
  readonly summary: Record<string, unknown> = {};
  configBlocks: common.Block[] = [];
  configs: ChannelConfig[] = [];
  block: common.Block | undefined;
  tx: ParsedTransaction | undefined;
  record: Record<string, unknown> | undefined;
  /** The family of the record's ledger key: intel and payment records must carry a signed statement. */
  kind: 'intel' | 'payment' | 'other' = 'other';

  constructor(proof: Proof, options: CheckProofOptions) {
    this.proof = proof;
    this.options = options;
  }

  /** The configuration in force at the proof's block (the last one of the proof's chain). */
  get inForce(): ChannelConfig {
    const last = this.configs[this.configs.length - 1];
    if (!last) throw new Error('no configuration decoded');
    return last;
  }

  get header(): common.BlockHeader {
    const header = this.block?.getHeader();
    if (!header) throw new Error('no block decoded');
    return header;
  }

  get genesisConfig(): ChannelConfig {
    const first = this.configs[0];
    if (!first) throw new Error('no configuration decoded');
    return first;
  }

  /** Each configuration change of the proof: the configuration before, the new one and its block. */
  *changes(): Generator<{ previous: ChannelConfig; config: ChannelConfig; block: common.Block }> {
    for (let i = 1; i < this.configs.length; i++) {
      const previous = this.configs[i - 1];
      const config = this.configs[i];
      const block = this.configBlocks[i];
      if (previous && config && block) yield { previous, config, block };
    }
  }

  get decodedBlock(): common.Block {
    if (!this.block) throw new Error('no block decoded');
    return this.block;
  }

  get decodedRecord(): Record<string, unknown> {
    if (!this.record) throw new Error('no record decoded');
    return this.record;
  }

  /** The institution's signed statement of the record, if it has one. */
  get signed(): SignedRecord | null {
    return signedRecord(this.decodedRecord);
  }

  /** The checkpoint link and its first signature (all signatures agree once checkpoint.signatures passed). */
  get cosigned(): { link: CheckpointLink; target: Checkpoint } | null {
    const link = this.proof.checkpoint;
    const target = link?.signatures[0];
    return link && target ? { link, target } : null;
  }

  get transaction(): ParsedTransaction {
    if (!this.tx) throw new Error('no transaction decoded');
    return this.tx;
  }

  /** When the transaction was made: certificates must be valid then. */
  get txTime(): Date {
    const t = this.tx?.timestamp;
    return t ? new Date(t) : new Date(0);
  }
}

const pass = (detail: string): CheckResult => ({ status: 'pass', detail });
const fail = (detail: string): CheckResult => ({ status: 'fail', detail });
const verdict = (ok: boolean, detail: string): CheckResult => (ok ? pass(detail) : fail(detail));

/**
 * Whether enough distinct orderers under `config` signed the block, each signature valid: with Raft
 * one ordering node of an organisation of the ordering service (its certificate chaining to that
 * MSP's roots); with BFT a quorum of distinct consenters, each named by its id and verified with the
 * identity the configuration pins for it, which must also chain to its MSP's roots (consenters may
 * belong to the operators' own organisations, as on the two-operator deployment).
 */
export async function ordererQuorum(block: common.Block, config: ChannelConfig, at: Date): Promise<CheckResult> {
  const bft = config.consensus === 'BFT';
  const sigs = ordererSignatures(block, bft ? config.consenterMapping : []);
  const signers = new Set<string>();
  for (const s of sigs) {
    if (s.signer === null)
      return fail(
        `signed by consenter id ${String(s.consenterId)}, which is not a consenter of configuration ${String(config.blockNumber)}`,
      );
    const who = s.consenterId !== null ? `consenter ${String(s.consenterId)} (${s.signer.mspId})` : s.signer.mspId;
    if (!s.valid) return fail(`an orderer signature does not verify (${who})`);
    if (bft && s.consenterId === null) return fail(`a BFT block signed without a consenter id (${who})`);
    if (!config.ordererMsps.includes(s.signer.mspId))
      return fail(`signed by ${s.signer.mspId}, not an organisation of the ordering service (${config.ordererMsps.join(', ')})`);
    const path = await validatePath(s.signer.certificate, config.roots.get(s.signer.mspId) ?? [], at, {
      intermediatePems: config.intermediates.get(s.signer.mspId) ?? [],
    });
    if (!path.ok)
      return fail(
        `${who} certificate does not chain to the ${s.signer.mspId} roots of configuration ${String(config.blockNumber)}: ${path.reason}`,
      );
    // a Raft signer is known only by its certificate: it must be an ordering node's (NodeOU), not any
    // member's of an organisation that also runs ordering nodes
    if (!bft && !organisationalUnits(s.signer.certificate).includes('orderer'))
      return fail(`${who} certificate is not an ordering node's (NodeOU)`);
    signers.add(s.consenterId !== null ? `consenter:${String(s.consenterId)}` : certificateFingerprint(s.signer.certificate));
  }
  const needed = requiredOrdererSignatures(config);
  return verdict(
    signers.size >= needed,
    `${String(signers.size)} distinct ${bft ? 'consenter' : 'orderer'} signature(s) valid under configuration block ${String(config.blockNumber)}; ${String(needed)} needed`,
  );
}

/** Whether `pem` is an admin of `mspId` under `config` at `at`: chains to its roots, NodeOU admin or role admin. */
async function isAdmin(pem: string, mspId: string, config: ChannelConfig, at: Date, by: 'ou' | 'role'): Promise<string | null> {
  const path = await validatePath(pem, config.roots.get(mspId) ?? [], at, { intermediatePems: config.intermediates.get(mspId) ?? [] });
  if (!path.ok) return `certificate does not chain to the ${mspId} roots: ${path.reason}`;
  if (by === 'ou' && !organisationalUnits(pem).includes('admin')) return `certificate is not a ${mspId} admin (NodeOU)`;
  if (by === 'role' && fabricAttributes(pem)['xborder.role'] !== 'admin') return `certificate is not a ${mspId} admin (xborder.role)`;
  return null;
}

function sameRoots(a: ChannelConfig, b: ChannelConfig, mspId: string): boolean {
  const x = [...(a.roots.get(mspId) ?? [])].sort().join('\n');
  const y = [...(b.roots.get(mspId) ?? [])].sort().join('\n');
  return x === y;
}

type IntelSigned = Pick<IntelRecord, 'statement' | 'signature' | 'signerFingerprint' | 'mspId'>;
type PaymentSigned = Pick<PaymentRecord, 'attestation' | 'attestationSignature' | 'attesterFingerprint' | 'attesterMsp' | 'messageHash'>;

function hasStrings<K extends string>(record: Record<string, unknown>, keys: readonly K[]): record is Record<K, string> {
  return keys.every((k) => typeof record[k] === 'string');
}

const INTEL_SIGNED = ['statement', 'signature', 'signerFingerprint', 'mspId'] as const satisfies readonly (keyof IntelSigned)[];
const PAYMENT_SIGNED = [
  'attestation',
  'attestationSignature',
  'attesterFingerprint',
  'attesterMsp',
  'messageHash',
] as const satisfies readonly (keyof PaymentSigned)[];

/** The institution's signed statement inside an intel record or a payment attestation, if any. */
function signedRecord(record: Record<string, unknown>): SignedRecord | null {
  // format 2 records carry a salted `contentCommitment`; format 1 records a bare `contentHash`
  const commitment = record.contentCommitment;
  const hash = record.contentHash;
  if (hasStrings(record, INTEL_SIGNED) && (typeof commitment === 'string' || typeof hash === 'string')) {
    return {
      text: record.statement,
      signature: record.signature,
      fingerprint: record.signerFingerprint,
      mspId: record.mspId,
      committed: typeof commitment === 'string' ? { kind: 'commitment', value: commitment } : { kind: 'sha256', value: String(hash) },
    };
  }
  if (hasStrings(record, PAYMENT_SIGNED)) {
    return {
      text: record.attestation,
      signature: record.attestationSignature,
      fingerprint: record.attesterFingerprint,
      mspId: record.attesterMsp,
      committed: { kind: 'sha256', value: record.messageHash },
    };
  }
  return null;
}

function statementText(c: Checkpoint): string {
  return canonicalize(checkpointStatement(c));
}

/** Whether a checkpoint's signature verifies over exactly its statement (not who signed it). */
export function verifyCheckpoint(c: Checkpoint): boolean {
  const statement = statementText(c);
  return (
    (c.purpose as string) === CHECKPOINT_PURPOSE &&
    statement === c.statement &&
    verifySignature(c.certificate, Buffer.from(statement), Buffer.from(c.signature, 'base64'))
  );
}

/** Whether a checkpoint was signed by an admin of its operator, chaining to that operator's roots. */
export async function checkpointSignerProblem(c: Checkpoint, config: ChannelConfig): Promise<string | null> {
  if (!(OPERATOR_MSPS as readonly string[]).includes(c.mspId)) return `${c.mspId} is not an operator`;
  return isAdmin(c.certificate, c.mspId, config, new Date(c.txTime), 'role');
}

/** Why configuration block `block` (decoded as `cur`) is not a well-ordered change of `prev`, or null. */
export async function configSignedProblem(prev: ChannelConfig, cur: ChannelConfig, block: common.Block): Promise<string | null> {
  if (lastConfigIndex(block) !== cur.blockNumber) return `block ${String(cur.blockNumber)} does not name itself as the last configuration`;
  if (cur.sequence !== prev.sequence + 1 || cur.channel !== prev.channel)
    return `configuration ${String(cur.blockNumber)} has sequence ${String(cur.sequence)} after ${String(prev.sequence)}: a change is missing`;
  const quorum = await ordererQuorum(block, prev, blockTime(block));
  return quorum.status === 'pass' ? null : `configuration block ${String(cur.blockNumber)}: ${quorum.detail}`;
}

/**
 * Why the change from `prev` to `cur` is not authorised, or null: its update must be signed by an
 * admin of each operator under the previous configuration, and every MSP whose roots changed must be
 * written by that update.
 */
export async function configAuthorisedProblem(prev: ChannelConfig, cur: ChannelConfig, block: common.Block): Promise<string | null> {
  const update = cur.update;
  if (!update || update.channel !== cur.channel)
    return `configuration ${String(cur.blockNumber)} carries no update for channel ${cur.channel}`;
  const at = blockTime(block);
  for (const mspId of OPERATOR_MSPS) {
    const problems: string[] = [];
    let signed = false;
    for (const sig of update.signatures.filter((x) => x.signer.mspId === mspId)) {
      const problem = sig.valid ? await isAdmin(sig.signer.certificate, mspId, prev, at, 'ou') : 'signature does not verify';
      if (problem === null) signed = true;
      else problems.push(problem);
    }
    if (!signed)
      return `configuration ${String(cur.blockNumber)} is not signed by a ${mspId} admin${problems.length ? `: ${problems.join('; ')}` : ''}`;
  }
  const changed = [...new Set([...prev.roots.keys(), ...cur.roots.keys()])].filter((m) => !sameRoots(prev, cur, m));
  const unwritten = changed.filter((m) => !update.writtenMsps.includes(m));
  if (unwritten.length > 0)
    return `configuration ${String(cur.blockNumber)} changes the roots of ${unwritten.join(', ')} without an update that writes them`;
  return null;
}

/** The same timestamp, whatever its precision (both must be STIX timestamps). */
function sameTime(a: unknown, b: unknown): boolean {
  if (typeof a !== 'string' || typeof b !== 'string') return false;
  try {
    return timestampKey(a) === timestampKey(b);
  } catch {
    return false;
  }
}

/** Why the record is not the one the target names, keyed by its own ids and written by the proof's transaction; or null. */
function targetProblem(s: ProofState): string | null {
  const { target, txId, record } = s.proof;
  const r = s.decodedRecord;
  const kind = s.kind;
  if (target.type === 'transaction' && target.id !== txId) return `the target is transaction ${target.id}, the proof is of ${txId}`;
  if (target.type !== 'transaction' && target.type !== kind)
    return `the target is ${target.type} ${target.id}, the record is ${kind === 'other' ? 'not an intel or payment record' : `a ${kind} record`}`;
  if (kind === 'intel') {
    if (typeof r.stixId !== 'string' || typeof r.modified !== 'string') return 'the intel record has no STIX id or version';
    let own: string;
    try {
      own = intelVersionKey(r.stixId, r.modified);
    } catch {
      return 'the intel record has no valid STIX id or version';
    }
    if (record.key !== own) return `the record of ${r.stixId} ${r.modified} is not stored at its own key`;
    if (target.type === 'intel' && r.stixId !== target.id) return `the target is ${target.id}, the record is of ${r.stixId}`;
    if (target.type === 'intel' && target.modified !== undefined && !sameTime(target.modified, r.modified))
      return `the target is version ${target.modified}, the record is version ${r.modified}`;
    if (r.txId !== txId) return `the record names transaction ${String(r.txId)}, not ${txId}`;
  }
  if (kind === 'payment') {
    if (typeof r.uetr !== 'string') return 'the payment record has no UETR';
    if (record.key !== paymentRecordKey(r.uetr)) return `the record of payment ${r.uetr} is not stored at its own key`;
    if (target.type === 'payment' && r.uetr !== target.id) return `the target is payment ${target.id}, the record is of ${r.uetr}`;
    if (r.attestTxId !== txId) return `the record's attestation is transaction ${String(r.attestTxId)}, not ${txId}`;
  }
  return null;
}

/** What a proof proves, for the verdict. */
function proven(s: ProofState): Record<string, unknown> {
  const r = s.decodedRecord;
  const base = { key: s.proof.record.key, block: s.proof.blockNumber, tx: s.proof.txId, txIndex: s.proof.txIndex };
  if (s.kind === 'intel')
    return { type: 'intel', id: r.stixId, version: r.modified, producer: r.producer, signerKey: r.signerFingerprint, ...base };
  if (s.kind === 'payment') return { type: 'payment', id: r.uetr, producer: r.attester, signerKey: r.attesterFingerprint, ...base };
  return { type: 'ledger write', id: s.proof.record.key, ...base };
}

/** Fields a statement and its record must agree on (statement field -> record field), where the statement has them. */
const STATEMENT_FIELDS: Record<'intel' | 'payment', readonly (readonly [string, string])[]> = {
  intel: [
    ['stixId', 'stixId'],
    ['stixType', 'stixType'],
    ['tlp', 'tlp'],
    ['institution', 'producer'],
    ['mspId', 'mspId'],
    ['contentCommitment', 'contentCommitment'],
    ['contentHash', 'contentHash'],
  ],
  payment: [
    ['uetr', 'uetr'],
    ['endToEndId', 'endToEndId'],
    ['institution', 'attester'],
    ['mspId', 'attesterMsp'],
  ],
};

/** Why the signed statement does not name the record it is stored with, or null. */
function statementProblem(s: ProofState, text: string): string | null {
  let statement: unknown;
  try {
    statement = JSON.parse(text);
  } catch {
    return 'the signed statement is not JSON';
  }
  if (typeof statement !== 'object' || statement === null) return 'the signed statement is not an object';
  const st = statement as Record<string, unknown>;
  const r = s.decodedRecord;
  if (s.kind === 'other') return null;
  const observable = s.kind === 'intel' && r.observable !== undefined;
  const required = s.kind === 'intel' ? (observable ? ['stixType', 'mspId'] : ['stixId', 'modified', 'mspId']) : ['uetr', 'mspId'];
  for (const field of required) if (st[field] === undefined) return `the signed statement names no ${field}`;
  for (const [sf, rf] of STATEMENT_FIELDS[s.kind]) {
    if (st[sf] === undefined) continue;
    if (st[sf] !== r[rf]) return `the signed statement's ${sf} is not the record's ${rf}`;
  }
  if (s.kind === 'intel' && !observable && !sameTime(st.modified, r.modified)) return "the signed statement's version is not the record's";
  return null;
}

/** The id and version a STIX object names, or null when the content is not a JSON object. */
function contentNames(bytes: string): { id: unknown; modified: unknown } | null {
  try {
    const v = JSON.parse(bytes) as unknown;
    return typeof v === 'object' && v !== null && !Array.isArray(v)
      ? { id: (v as Record<string, unknown>).id, modified: (v as Record<string, unknown>).modified }
      : null;
  } catch {
    return null;
  }
}

export const PROOF_CHECKS: readonly NamedCheck[] = [
  {
    name: 'proof.version',
    run: (s: ProofState): CheckResult =>
      verdict(
        (s.proof.version as number) === PROOF_VERSION && (s.proof.kind as string) === 'xborder-proof',
        `proof format ${String(s.proof.version)}; this checker reads format ${String(PROOF_VERSION)}`,
      ),
  },
  {
    name: 'config.decode',
    run(s: ProofState): CheckResult | null {
      if (!Array.isArray(s.proof.configBlocks) || s.proof.configBlocks.length === 0)
        return fail('the proof carries no configuration blocks');
      s.configBlocks = s.proof.configBlocks.map((b) => decodeBlock(Buffer.from(b, 'base64')));
      s.configs = s.configBlocks.map(readConfig);
      const numbers = s.configs.map((c) => c.blockNumber);
      if (numbers[0] !== 0) return fail(`the first configuration block is block ${String(numbers[0])}, not the genesis block`);
      if (!numbers.every((n, i) => i === 0 || n > (numbers[i - 1] ?? 0))) return fail('configuration blocks are not in ascending order');
      return pass(`configuration blocks ${numbers.join(', ')}`);
    },
  },
  {
    name: 'config.data-hash',
    run(s: ProofState): CheckResult | null {
      const bad = s.configBlocks.find((b) => !computeDataHash(b).equals(Buffer.from(b.getHeader()?.getDataHash_asU8() ?? [])));
      return verdict(
        bad === undefined,
        bad ? `configuration block ${String(bad.getHeader()?.getNumber())} data hash` : 'every configuration block hashes to its header',
      );
    },
  },
  {
    name: 'config.anchor',
    run(s: ProofState): CheckResult | null {
      const genesis = s.configBlocks[0]?.getHeader();
      if (!genesis) return fail('no genesis header');
      const hash = blockHeaderHash(genesis).toString('hex');
      s.summary.genesisHash = hash;
      const genesisConfig = s.genesisConfig;
      s.summary.rootFingerprints = rootFingerprints(genesisConfig);
      const anchor = s.options.anchor;
      if (!anchor) return { status: 'unanchored', detail: `no trust anchor given; this proof's genesis block is ${hash}` };
      const expected = 'anchor' in anchor ? anchor.anchor.genesisHash : anchor.genesisHash;
      if (hash !== expected) return fail(`genesis block ${hash} is not the anchored ${expected}`);
      if ('anchor' in anchor) {
        if (anchor.anchor.channel !== genesisConfig.channel)
          return fail(`channel ${genesisConfig.channel} is not the anchored ${anchor.anchor.channel}`);
        const mine = rootFingerprints(genesisConfig);
        const theirs = anchor.anchor.roots;
        const msps = new Set([...Object.keys(mine), ...Object.keys(theirs)]);
        for (const m of msps) {
          const a = [...(mine[m] ?? [])].sort().join(',');
          const b = [...(theirs[m] ?? [])].sort().join(',');
          if (a !== b) return fail(`the CA roots of ${m} differ from the anchor`);
        }
      }
      return pass(`genesis block ${hash} is the anchored one`);
    },
  },
  {
    name: 'config.orderer-signatures',
    async run(s: ProofState): Promise<CheckResult | null> {
      for (const change of s.changes()) {
        const problem = await configSignedProblem(change.previous, change.config, change.block);
        if (problem !== null) return fail(problem);
      }
      return pass(
        s.configs.length === 1
          ? 'the genesis configuration is in force'
          : `${String(s.configs.length - 1)} change(s), each signed by the orderers of the configuration before it`,
      );
    },
  },
  {
    name: 'config.update-authorised',
    async run(s: ProofState): Promise<CheckResult | null> {
      for (const change of s.changes()) {
        const problem = await configAuthorisedProblem(change.previous, change.config, change.block);
        if (problem !== null) return fail(problem);
      }
      return pass(s.configs.length === 1 ? 'no configuration change to authorise' : 'every change is signed by admins of both operators');
    },
  },
  {
    name: 'block.decode',
    run(s: ProofState): CheckResult | null {
      s.block = decodeBlock(Buffer.from(s.proof.block, 'base64'));
      s.summary.blockNumber = String(s.header.getNumber());
      s.summary.blockHash = blockHeaderHash(s.header).toString('hex');
      return pass(`block ${String(s.header.getNumber())}`);
    },
  },
  {
    name: 'block.number',
    run: (s: ProofState): CheckResult | Promise<CheckResult> =>
      verdict(
        String(s.header.getNumber()) === s.proof.blockNumber,
        `block ${String(s.header.getNumber())}, proof says ${s.proof.blockNumber}`,
      ),
  },
  {
    name: 'block.data-hash',
    run: (s: ProofState): CheckResult | Promise<CheckResult> =>
      verdict(
        computeDataHash(s.decodedBlock).equals(Buffer.from(s.header.getDataHash_asU8())),
        'SHA-256 of the block data equals the header data hash',
      ),
  },
  {
    name: 'tx.in-block',
    run(s: ProofState): CheckResult | null {
      const envelope = s.decodedBlock.getData()?.getDataList_asU8()[s.proof.txIndex];
      if (!envelope) return fail(`no transaction at index ${String(s.proof.txIndex)}`);
      s.tx = parseTransaction(envelope);
      s.summary.txTime = s.tx.timestamp;
      return pass(`transaction index ${String(s.proof.txIndex)}`);
    },
  },
  {
    name: 'tx.id',
    run: (s: ProofState): CheckResult | Promise<CheckResult> =>
      verdict(s.transaction.txId === s.proof.txId, `transaction ${s.transaction.txId}`),
  },
  {
    name: 'config.in-force',
    run(s: ProofState): CheckResult | null {
      const named = lastConfigIndex(s.decodedBlock);
      const last = s.inForce.blockNumber;
      return verdict(
        named === last && s.header.getNumber() > last,
        `block ${String(s.header.getNumber())} names configuration block ${String(named)}; the proof's last configuration block is ${String(last)}`,
      );
    },
  },
  {
    name: 'block.orderer-signature',
    run: (s: ProofState): CheckResult | Promise<CheckResult> => ordererQuorum(s.decodedBlock, s.inForce, s.txTime),
  },
  {
    name: 'tx.flag',
    run(s: ProofState): CheckResult | null {
      const code = validationCodes(s.decodedBlock)[s.proof.txIndex];
      return verdict(code === VALIDATION_CODE_VALID, `validation code ${String(code)} in the block's flags (written by the serving peer)`);
    },
  },
  {
    name: 'tx.creator-signature',
    run: (s: ProofState): CheckResult | Promise<CheckResult> =>
      verdict(
        verifySignature(s.transaction.creator.certificate, s.transaction.payload, s.transaction.signature),
        `signed by ${s.transaction.creator.mspId}`,
      ),
  },
  {
    name: 'tx.creator-certificate',
    async run(s: ProofState): Promise<CheckResult | null> {
      const c = s.transaction.creator;
      const path = await validatePath(c.certificate, s.inForce.roots.get(c.mspId) ?? [], s.txTime, {
        intermediatePems: s.inForce.intermediates.get(c.mspId) ?? [],
      });
      return verdict(path.ok, `${c.mspId} certificate, valid at ${s.txTime.toISOString()}: ${path.reason}`);
    },
  },
  {
    name: 'tx.endorsement-signatures',
    run(s: ProofState): CheckResult | null {
      const e = s.transaction.endorsements.map((x) => ({
        mspId: x.endorser.mspId,
        valid: verifySignature(x.endorser.certificate, x.signed, x.signature),
      }));
      s.summary.endorsers = e.map((x) => x.mspId);
      return verdict(
        e.length > 0 && e.every((x) => x.valid),
        `${String(e.length)} endorsement(s): ${e.map((x) => `${x.mspId} ${x.valid ? 'ok' : 'BAD'}`).join(', ')}`,
      );
    },
  },
  {
    name: 'tx.endorser-certificates',
    async run(s: ProofState): Promise<CheckResult | null> {
      for (const e of s.transaction.endorsements) {
        const path = await validatePath(e.endorser.certificate, s.inForce.roots.get(e.endorser.mspId) ?? [], s.txTime, {
          intermediatePems: s.inForce.intermediates.get(e.endorser.mspId) ?? [],
        });
        if (!path.ok) return fail(`${e.endorser.mspId} endorser: ${path.reason}`);
        if (!organisationalUnits(e.endorser.certificate).includes('peer'))
          return fail(`${e.endorser.mspId} endorser is not a peer (NodeOU)`);
      }
      return pass('endorser certificates are peers chaining to their CA roots');
    },
  },
  {
    name: 'tx.endorsed-by-both-operators',
    run: (s: ProofState): CheckResult | Promise<CheckResult> =>
      verdict(
        OPERATOR_MSPS.every((m) => s.transaction.endorsements.some((e) => e.endorser.mspId === m)),
        `endorsed by ${s.transaction.endorsements.map((e) => e.endorser.mspId).join(', ')}`,
      ),
  },
  {
    name: 'record.in-write-set',
    run(s: ProofState): CheckResult | null {
      const write = s.transaction.writes.find((w) => w.namespace === s.proof.chaincode && w.key === s.proof.record.key);
      return verdict(
        write !== undefined && !write.isDelete && Buffer.from(write.value).toString('utf8') === s.proof.record.value,
        'the record bytes are written by this transaction',
      );
    },
  },
  {
    name: 'record.canonical',
    run(s: ProofState): CheckResult | null {
      let value: unknown;
      try {
        value = JSON.parse(s.proof.record.value);
      } catch {
        return fail('record is not JSON');
      }
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail('record is not a JSON object');
      s.record = value as Record<string, unknown>;
      return verdict(canonicalize(value) === s.proof.record.value, 'record is stored in canonical JSON');
    },
  },
  {
    name: 'record.target',
    run(s: ProofState): CheckResult | null {
      s.kind = recordKind(s.proof.record.key);
      const problem = targetProblem(s);
      if (problem !== null) return fail(problem);
      const what = proven(s);
      s.summary.proven = what;
      return pass(`${describeProven(what)}; stored at its own key`);
    },
  },
  {
    name: 'record.signer-certificate',
    run(s: ProofState): CheckResult | null {
      const signed = s.signed;
      // an intel or payment record without its institution's statement is not one: never skip its checks
      if (!signed) return s.kind === 'other' ? null : fail(`the ${s.kind} record carries no signed statement of its institution`);
      const cert = s.proof.signerCertificate;
      return verdict(
        cert !== null && certificateFingerprint(cert) === signed.fingerprint,
        `certificate ${signed.fingerprint.slice(0, 16)}... registered for the producer`,
      );
    },
  },
  {
    name: 'record.signer-chain',
    async run(s: ProofState): Promise<CheckResult | null> {
      const signed = s.signed;
      if (!signed) return null;
      const path = await validatePath(s.proof.signerCertificate ?? '', s.inForce.roots.get(signed.mspId) ?? [], s.txTime, {
        intermediatePems: s.inForce.intermediates.get(signed.mspId) ?? [],
      });
      return verdict(path.ok, `producer certificate chains to the ${signed.mspId} CA root: ${path.reason}`);
    },
  },
  {
    name: 'record.institution-signature',
    run(s: ProofState): CheckResult | null {
      const signed = s.signed;
      if (!signed) return null;
      return verdict(
        verifySignature(s.proof.signerCertificate ?? '', Buffer.from(signed.text), Buffer.from(signed.signature, 'base64')),
        'the institution signed exactly this statement',
      );
    },
  },
  {
    name: 'record.signer-key-status',
    run(s: ProofState): CheckResult | null {
      const signed = s.signed;
      const status = s.proof.signerKeyStatus;
      if (!signed || !status) return null;
      if (status.fingerprint !== signed.fingerprint) return fail('the key status given is of another key than the record names');
      const at = s.transaction.timestamp ?? '';
      const per = `per the registry when the proof was built (${s.proof.createdAt})`;
      if (status.revokedAt !== null && status.revokedAt <= at)
        return fail(
          `the key was revoked at ${status.revokedAt} (${status.revokeReason ?? 'no reason'}), before the record (${at}), ${per}`,
        );
      s.summary.signerKey = status;
      return pass(
        status.revokedAt === null
          ? `key registered ${status.registeredAt}, active at the record's time and not revoked since, ${per}`
          : `key registered ${status.registeredAt}, active at the record's time; revoked later, at ${status.revokedAt} (${status.revokeReason ?? 'no reason'}), ${per}: the record stays valid`,
      );
    },
  },
  {
    name: 'record.statement-binds',
    run(s: ProofState): CheckResult | null {
      const signed = s.signed;
      if (!signed) return null;
      const problem = statementProblem(s, signed.text);
      return verdict(problem === null, problem ?? 'the signed statement names this record (ids, version, commitment, institution)');
    },
  },
  {
    name: 'content.hash',
    run(s: ProofState): CheckResult | null {
      const content = s.options.content;
      if (content === undefined) return null;
      let bytes: string;
      try {
        bytes = canonicalize(JSON.parse(content));
      } catch {
        bytes = content;
      }
      const committed = s.signed?.committed;
      if (!committed) return fail('the record commits to no content');
      const named = contentNames(bytes);
      const r = s.decodedRecord;
      if (s.kind === 'intel' && r.observable === undefined && named !== null) {
        if (named.id !== r.stixId || !sameTime(named.modified, r.modified))
          return fail(
            `the content is ${String(named.id)} ${String(named.modified)}, the record is ${String(r.stixId)} ${String(r.modified)}`,
          );
      }
      if (committed.kind === 'sha256') {
        const hash = createHash('sha256').update(bytes).digest('hex');
        return verdict(hash === committed.value, `content hashes to ${hash}`);
      }
      const salt = s.options.salt;
      if (salt === undefined) return fail('the record holds a salted commitment: give the salt (or an opening file) with the content');
      if (!isSalt(salt)) return fail('the salt must be 64 lowercase hex digits');
      return verdict(opensTo(committed.value, salt, bytes), `content under the salt gives ${contentCommitment(salt, bytes)}`);
    },
  },
  {
    name: 'checkpoint.signatures',
    async run(s: ProofState): Promise<CheckResult | null> {
      const cp = s.proof.checkpoint;
      if (!cp) return null;
      const first = cp.signatures[0];
      if (!first) return fail('no checkpoint signatures');
      for (const c of cp.signatures) {
        if (c.height !== first.height || c.blockHash !== first.blockHash || c.validity !== first.validity || c.channel !== s.proof.channel)
          return fail('the checkpoints do not sign the same height, hash and validity chain of this channel');
        if (!verifyCheckpoint(c)) return fail(`the ${c.mspId} checkpoint signature does not verify over its statement`);
        const problem = await checkpointSignerProblem(c, s.inForce);
        if (problem !== null) return fail(`${c.mspId} checkpoint: ${problem}`);
      }
      if (!OPERATOR_MSPS.every((m) => cp.signatures.some((c) => c.mspId === m)))
        return fail(`height ${String(first.height)} is signed by ${cp.signatures.map((c) => c.mspId).join(', ')} only`);
      return pass(`height ${String(first.height)} signed by ${cp.signatures.map((c) => c.mspId).join(', ')} (admins)`);
    },
  },
  {
    name: 'checkpoint.headers',
    run(s: ProofState): CheckResult | null {
      const cosigned = s.cosigned;
      if (!cosigned) return null;
      const { link: cp, target } = cosigned;
      let hash = blockHeaderHash(s.header);
      let number = s.header.getNumber();
      for (const link of cp.links) {
        if (Number(link.number) !== number + 1 || link.previousHash !== hash.toString('hex'))
          return fail(`block ${link.number} does not follow block ${String(number)}`);
        hash = createHash('sha256')
          .update(headerBytes(BigInt(link.number), Buffer.from(link.previousHash, 'hex'), Buffer.from(link.dataHash, 'hex')))
          .digest();
        number++;
      }
      return verdict(
        number === target.height - 1 && hash.toString('hex') === target.blockHash,
        `headers link block ${String(s.header.getNumber())} to the checkpointed block ${String(target.height - 1)}`,
      );
    },
  },
  {
    name: 'checkpoint.validity',
    run(s: ProofState): CheckResult | null {
      const cosigned = s.cosigned;
      if (!cosigned) return null;
      const { link: cp, target } = cosigned;
      let v = extendValidity(cp.validityBefore, s.header.getNumber(), flagsHash(blockFlags(s.decodedBlock)));
      let number = s.header.getNumber();
      for (const link of cp.links) {
        if (Number(link.number) !== number + 1) return fail(`block ${link.number} does not follow block ${String(number)}`);
        number++;
        v = extendValidity(v, number, Buffer.from(link.flagsHash, 'hex'));
      }
      s.summary.checkpoint = { height: target.height, blockHash: target.blockHash, validity: target.validity };
      return verdict(
        v === target.validity,
        `the block's validation flags are the ones both operators signed at height ${String(target.height)}`,
      );
    },
  },
  {
    name: 'validity.cosigned',
    run(s: ProofState): CheckResult | null {
      if (!s.proof.checkpoint)
        return {
          status: 'uncovered',
          detail: "no checkpoint co-signed by both operators covers this block yet: the flag is only the serving peer's word",
        };
      return pass('the transaction is VALID by the flags both operators signed');
    },
  },
];
