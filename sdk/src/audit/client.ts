import type { KeyObject } from 'node:crypto';

import type { Gateway } from '@hyperledger/fabric-gateway';
import { common } from '@hyperledger/fabric-protos';

import { canonicalize, checkpointStatement, isUetr, OPERATOR_MSPS, TRANSACTIONS } from '@xborder/protocol';
import type { CheckpointStatement } from '@xborder/protocol';

import { toXborderError, XborderError } from '../errors';
import type { IntelClient } from '../intel';
import type { PaymentsClient } from '../payments';
import type { RegistryClient } from '../registry';
import { signLowS } from '../signer';
import type { Transactor } from '../transactor';

import { trustAnchorOf } from './anchor';
import type { Anchor, TrustAnchor } from './anchor';
import { blockHeaderHash, decodeBlock, parseTransaction } from './ledger';
import { PROOF_VERSION } from './proof';
import type { BlockLink, Checkpoint, CheckpointLink, Proof } from './proof';
import { verifyCheckpoint } from './proof-checks';
import { configChain, verifyBlocks } from './chain';
import type { ChainReport } from './chain';
import { ChainTracker } from './chain-tracker';
import { blockFlags, extendWithBlock, flagsHash, VALIDITY_GENESIS } from './validity';

/** Attempts at recording a checkpoint that endorsers cannot confirm yet (about 10 s in all). */
const CHECKPOINT_ATTEMPTS = 8;

/** How far below a proof's block the prover looks for a co-signed validity value to start from. */
const PROOF_CHECKPOINT_WINDOW = 10_000;

/** Parses `intel:<stixId>[@<modified>]`, `payment:<uetr>`, or a bare id (tx id, UETR or STIX id). */
export function parseTarget(target: string): { type: 'intel' | 'payment' | 'transaction'; id: string; modified?: string } {
  const [prefix, rest] =
    target.includes(':') && /^(intel|payment|tx):/.test(target)
      ? [target.slice(0, target.indexOf(':')), target.slice(target.indexOf(':') + 1)]
      : ['', target];
  const id = rest;
  if (prefix === 'payment' || (!prefix && isUetr(id))) return { type: 'payment', id };
  if (prefix === 'tx' || (!prefix && /^[0-9a-f]{64}$/.test(id))) return { type: 'transaction', id };
  if (prefix === 'intel' || (!prefix && id.includes('--'))) {
    const at = id.indexOf('@');
    return at > 0 ? { type: 'intel', id: id.slice(0, at), modified: id.slice(at + 1) } : { type: 'intel', id };
  }
  throw new XborderError('USAGE', `cannot tell what ${target} is: use intel:<stixId>[@modified], payment:<uetr> or tx:<txId>`);
}

/** Ledger-level evidence for auditors: proofs of records and checks of the block chain (read only). */
export class AuditClient {
  readonly #gateway: Gateway;
  readonly #channel: string;
  readonly #chaincode: string;
  readonly #intel: IntelClient;
  readonly #payments: PaymentsClient;
  readonly #registry: RegistryClient;
  readonly #tx: Transactor;
  readonly #me: { mspId: string; key: KeyObject };
  /** Validity chain values already computed from the gateway peer's blocks, by height. */
  readonly #validity = new Map<number, string>();
  /** The gateway peer's block stream, while this client checkpoints continuously. */
  #tracker: ChainTracker | undefined;

  constructor(
    gateway: Gateway,
    channel: string,
    chaincode: string,
    facades: { intel: IntelClient; payments: PaymentsClient; registry: RegistryClient; transactor: Transactor },
    me: { mspId: string; key: KeyObject },
  ) {
    this.#gateway = gateway;
    this.#tx = facades.transactor;
    this.#me = me;
    this.#channel = channel;
    this.#chaincode = chaincode;
    this.#intel = facades.intel;
    this.#payments = facades.payments;
    this.#registry = facades.registry;
  }

  async #qscc(fn: string, ...args: string[]): Promise<Uint8Array> {
    try {
      return await this.#gateway
        .getNetwork(this.#channel)
        .getContract('qscc')
        .evaluate(fn, { arguments: [this.#channel, ...args] });
    } catch (err) {
      throw toXborderError(err);
    }
  }

  /**
   * Block `n` from the peer, as bytes.
   * @param n - the block number
   */
  async blockByNumber(n: number): Promise<Uint8Array> {
    return this.#qscc('GetBlockByNumber', String(n));
  }

  /**
   * The block holding a transaction, as bytes.
   * @param txId - the transaction id
   */
  async blockByTxId(txId: string): Promise<Uint8Array> {
    return this.#qscc('GetBlockByTxID', txId);
  }

  /** The current height of the channel at the gateway peer, and the hash of its last block header. */
  async chainInfo(): Promise<{ height: number; blockHash: string }> {
    const info = common.BlockchainInfo.deserializeBinary(await this.#qscc('GetChainInfo'));
    return { height: info.getHeight(), blockHash: Buffer.from(info.getCurrentblockhash_asU8()).toString('hex') };
  }

  /** The peer's ledger height (the number of blocks). */
  async height(): Promise<number> {
    return (await this.chainInfo()).height;
  }

  /** The trust anchor of the channel, computed from the gateway peer's genesis block. */
  async anchor(): Promise<TrustAnchor> {
    return trustAnchorOf(await this.blockByNumber(0));
  }

  /** Every configuration block from genesis to the one in force at block `n`, in order. */
  async configChain(n: number): Promise<Uint8Array[]> {
    return configChain((b) => this.blockByNumber(b), n);
  }

  /**
   * The validity chain value over blocks 0..height-1 of the gateway peer, starting from the highest
   * height at or below `height` whose value is already known (co-signed checkpoints, or earlier calls).
   */
  async validityAt(height: number, known: ReadonlyMap<number, string> = new Map()): Promise<string> {
    const tracked = this.#tracker?.validityAt(height);
    if (tracked !== undefined) return tracked;
    let start = 0;
    let value = VALIDITY_GENESIS;
    for (const source of [this.#validity, known]) {
      for (const [h, v] of source) {
        if (h <= height && h > start) {
          start = h;
          value = v;
        }
      }
    }
    for (let n = start; n < height; n++) {
      value = extendWithBlock(value, decodeBlock(await this.blockByNumber(n)));
      if ((n + 1) % 1000 === 0 || n + 1 === height) this.#rememberValidity(n + 1, value);
    }
    return value;
  }

  #rememberValidity(height: number, value: string): void {
    this.#validity.set(height, value);
    if (this.#validity.size > 256) {
      const lowest = Math.min(...this.#validity.keys());
      this.#validity.delete(lowest);
    }
  }

  /** Heights both operators signed with the same hash and validity chain, by admins (no signer checks). */
  async #agreedValidity(all?: Checkpoint[]): Promise<Map<number, string>> {
    const list = all ?? (await this.checkpoints());
    const out = new Map<number, string>();
    for (const c of list) {
      const peers = list.filter((o) => o.height === c.height && o.validity === c.validity && o.blockHash === c.blockHash);
      if (OPERATOR_MSPS.every((m) => peers.some((o) => o.mspId === m && verifyCheckpoint(o)))) out.set(c.height, c.validity);
    }
    return out;
  }

  /** This operator's statement about height `h` of its own peer's chain. */
  async #statement(
    h: number,
    known: ReadonlyMap<number, string>,
    tip: { height: number; blockHash: string },
  ): Promise<CheckpointStatement> {
    // the peer's chain info names the newest header hash; an older one needs its block
    let blockHash = tip.height === h ? tip.blockHash : undefined;
    if (blockHash === undefined) {
      const header = decodeBlock(await this.blockByNumber(h - 1)).getHeader();
      if (!header) throw new XborderError('PROOF_FAILED', `block ${String(h - 1)} has no header`);
      blockHash = blockHeaderHash(header).toString('hex');
    }
    return checkpointStatement({
      channel: this.#channel,
      height: h,
      blockHash,
      validity: await this.validityAt(h, known),
      mspId: this.#me.mspId,
    });
  }

  /**
   * Signs and records this operator's view of the chain (operator admins): the header hash of block
   * `height - 1` and the validity chain up to it, both from its own peer. Without a height it co-signs
   * the other operator's newest checkpoint above its own newest one that its own peer confirms
   * (skipping any it cannot, so a bogus height never blocks it), else signs the current height.
   * @param height - the height to sign (default: co-sign the other operator's newest, else the tip)
   * @param fromHeight - where to start reading earlier checkpoints
   * @returns the recorded checkpoint
   * @throws `XborderError` ACCESS_DENIED (not an operator admin), CHECKPOINT_MISMATCH
   */
  async recordCheckpoint(height?: number, fromHeight = 0): Promise<Checkpoint> {
    const all = await this.checkpoints(fromHeight);
    const known = await this.#agreedValidity(all);
    const info = await this.chainInfo();
    const tip = info.height;
    let statement: CheckpointStatement | undefined;
    if (height !== undefined) {
      if (height < 1 || height > tip) throw new XborderError('USAGE', `height must be between 1 and ${String(tip)}, the ledger height`);
      statement = await this.#statement(height, known, info);
    } else {
      const mine = new Set(all.filter((c) => c.mspId === this.#me.mspId).map((c) => c.height));
      const newestOwn = Math.max(0, ...mine);
      // only what is newer than this operator's own newest checkpoint is worth co-signing
      const theirs = all
        .filter((c) => c.mspId !== this.#me.mspId && !mine.has(c.height) && c.height > newestOwn && c.height <= tip && c.signatureValid)
        .sort((a, b) => b.height - a.height);
      for (const c of theirs) {
        const own = await this.#statement(c.height, known, info);
        if (own.blockHash === c.blockHash && own.validity === c.validity) {
          statement = own;
          break;
        }
      }
      statement ??= await this.#statement(tip, known, info);
    }
    const signature = Buffer.from(signLowS(this.#me.key, Buffer.from(canonicalize(statement)))).toString('base64');
    // endorsers confirm the height from a view of their own peer that trails it by a poll: a height
    // just reached, or one they have to read first, is refused for a moment
    for (let attempt = 1; ; attempt++) {
      try {
        return (await this.#tx.submitTx(TRANSACTIONS.checkpoint.RecordCheckpoint, [canonicalize(statement), signature])).value;
      } catch (err) {
        const e = toXborderError(err);
        if ((e.code !== 'CHECKPOINT_AHEAD' && e.code !== 'CHECKPOINT_UNVERIFIED') || attempt >= CHECKPOINT_ATTEMPTS) throw e;
        await new Promise((resolve) => setTimeout(resolve, 250 * attempt));
      }
    }
  }

  /**
   * Checkpoints continuously until `signal` aborts: every `intervalMs`, co-signs the other operator's
   * newest confirmed checkpoint, or signs the current height when blocks other than checkpoints were
   * added since the last height both operators signed. Returns how many checkpoints it recorded.
   */
  async followCheckpoints(options: {
    intervalMs: number;
    signal: AbortSignal;
    onCheckpoint?: (c: Checkpoint) => void;
    onError?: (e: XborderError) => void;
  }): Promise<number> {
    let recorded = 0;
    // only checkpoints from the newest height both operators signed on matter to the follower
    let from = 0;
    try {
      while (!options.signal.aborted) {
        try {
          const tracker = await this.#ensureTracker();
          const [c, agreed] = await this.#checkpointIfDue(from, tracker);
          from = Math.max(from, agreed);
          if (c) {
            recorded++;
            options.onCheckpoint?.(c);
          }
        } catch (err) {
          options.onError?.(toXborderError(err));
        }
        await new Promise<void>((resolve) => {
          const done = (): void => {
            clearTimeout(timer);
            options.signal.removeEventListener('abort', done);
            resolve();
          };
          const timer = setTimeout(done, options.intervalMs);
          options.signal.addEventListener('abort', done, { once: true });
        });
      }
    } finally {
      this.#tracker?.close();
      this.#tracker = undefined;
    }
    return recorded;
  }

  /** The block stream of the gateway peer, started (again) from the newest height both operators signed. */
  async #ensureTracker(): Promise<ChainTracker> {
    if (this.#tracker && !this.#tracker.failure) return this.#tracker;
    const failed = this.#tracker?.failure;
    this.#tracker?.close();
    this.#tracker = undefined;
    const agreed = await this.#agreedValidity();
    const start = Math.max(0, ...agreed.keys());
    const tracker = await ChainTracker.start(this.#gateway.getNetwork(this.#channel), start, agreed.get(start) ?? VALIDITY_GENESIS);
    this.#tracker = tracker;
    if (failed)
      throw new XborderError('UNAVAILABLE', `the block stream stopped (${failed.message}); following again from ${String(start)}`);
    return tracker;
  }

  /** Records a checkpoint when one is due; returns it and the newest height both operators signed. */
  async #checkpointIfDue(from: number, tracker: ChainTracker): Promise<[Checkpoint | undefined, number]> {
    const all = await this.checkpoints(from);
    const tip = tracker.height;
    const agreed = Math.max(from, ...(await this.#agreedValidity(all)).keys());
    const mine = all.filter((c) => c.mspId === this.#me.mspId).map((c) => c.height);
    const lastOwn = Math.max(0, ...mine);
    const theirs = all.filter((c) => c.mspId !== this.#me.mspId && !mine.includes(c.height) && c.height <= tip).map((c) => c.height);
    if (theirs.length > 0 && Math.max(...theirs) > lastOwn) return [await this.recordCheckpoint(undefined, from), agreed];
    // blocks other than checkpoints since the last height both signed (or this operator signed)
    if (tracker.lastBusyBlock >= Math.max(agreed, lastOwn)) return [await this.recordCheckpoint(tip, from), agreed];
    return [undefined, agreed];
  }

  /** Every recorded checkpoint (at `fromHeight` or above), each with whether its signature verifies over its statement. */
  async checkpoints(fromHeight = 0): Promise<(Checkpoint & { signatureValid: boolean })[]> {
    const all: Checkpoint[] = [];
    let bookmark = '';
    do {
      const page = await this.#tx.evaluateTx(TRANSACTIONS.checkpoint.ListCheckpointsFrom, [String(fromHeight), '200', bookmark]);
      all.push(...page.items);
      bookmark = page.bookmark;
    } while (bookmark !== '');
    return all.map((c) => ({ ...c, signatureValid: verifyCheckpoint(c) }));
  }
  /**
   * Builds a self-contained proof for an intel version, a payment attestation or a transaction.
   * @param target - `intel:ID[@MODIFIED]`, `payment:UETR` or `tx:TXID`
   * @returns a self-contained proof, checkable offline with `checkProof`
   * @throws `XborderError` PROOF_FAILED when the peer's blocks do not hold what the target names
   */
  async proof(target: string): Promise<Proof> {
    const t = parseTarget(target);
    let txId: string;
    let match: (value: Record<string, unknown>) => boolean;
    let signerFingerprint: string | null = null;
    let version: string | undefined;
    if (t.type === 'intel') {
      const record = t.modified !== undefined ? await this.#intel.version(t.id, t.modified) : await this.#intel.get(t.id);
      txId = record.txId;
      version = record.modified;
      signerFingerprint = record.signerFingerprint;
      match = (v) => v.stixId === record.stixId && v.modified === record.modified && v.txId === txId;
    } else if (t.type === 'payment') {
      const { record } = await this.#payments.get(t.id);
      txId = record.attestTxId;
      signerFingerprint = record.attesterFingerprint;
      match = (v) => v.uetr === record.uetr && v.attestTxId === txId && typeof v.attestation === 'string';
    } else {
      txId = t.id;
      match = () => true;
    }
    const blockBytes = await this.blockByTxId(txId);
    const block = decodeBlock(blockBytes);
    const data = block.getData()?.getDataList_asU8() ?? [];
    const txIndex = data.findIndex((d) => parseTransaction(d).txId === txId);
    if (txIndex < 0) throw new XborderError('PROOF_FAILED', `transaction ${txId} is not in the block the peer returned`);
    const tx = parseTransaction(data[txIndex] ?? new Uint8Array(0));
    const write = tx.writes.find((w) => {
      if (w.namespace !== this.#chaincode || w.isDelete) return false;
      try {
        const v = JSON.parse(Buffer.from(w.value).toString('utf8')) as unknown;
        return typeof v === 'object' && v !== null && match(v as Record<string, unknown>);
      } catch {
        return false;
      }
    });
    if (!write) throw new XborderError('PROOF_FAILED', `transaction ${txId} writes no matching ${t.type} record`);
    if (t.type === 'transaction') {
      const v = JSON.parse(Buffer.from(write.value).toString('utf8')) as Record<string, unknown>;
      signerFingerprint =
        typeof v.signerFingerprint === 'string'
          ? v.signerFingerprint
          : typeof v.attesterFingerprint === 'string'
            ? v.attesterFingerprint
            : null;
    }
    const configBlocks = await this.configChain(block.getHeader()?.getNumber() ?? 0);
    const checkpoint = await this.#checkpointAfter(block);
    const signerKey = signerFingerprint !== null ? await this.#registry.getKey(signerFingerprint) : null;
    const signerCertificate = signerKey?.certificate ?? null;
    return {
      version: PROOF_VERSION,
      kind: 'xborder-proof',
      channel: this.#channel,
      chaincode: this.#chaincode,
      target: { type: t.type, id: t.id, ...(version !== undefined ? { modified: version } : {}) },
      txId,
      blockNumber: String(block.getHeader()?.getNumber() ?? 0),
      txIndex,
      record: { key: write.key, value: Buffer.from(write.value).toString('utf8') },
      block: Buffer.from(blockBytes).toString('base64'),
      configBlocks: configBlocks.map((b) => Buffer.from(b).toString('base64')),
      signerCertificate,
      ...(signerKey
        ? {
            signerKeyStatus: {
              fingerprint: signerKey.fingerprint,
              registeredAt: signerKey.registeredAt,
              revokedAt: signerKey.revokedAt,
              revokeReason: signerKey.revokeReason,
            },
          }
        : {}),
      ...(checkpoint ? { checkpoint } : {}),
      createdAt: new Date().toISOString(),
    };
  }

  /**
   * The lowest height above the block that both operators signed alike, with the validity chain value
   * before the block and the header fields and flag hashes of the blocks up to that height.
   */
  async #checkpointAfter(block: common.Block): Promise<CheckpointLink | undefined> {
    const blockNumber = block.getHeader()?.getNumber() ?? 0;
    // with continuous checkpointing a co-signed height lies within this window below the block
    const all: Checkpoint[] = (await this.checkpoints(Math.max(0, blockNumber + 1 - PROOF_CHECKPOINT_WINDOW))).filter(
      (c) => c.signatureValid,
    );
    const agreed = await this.#agreedValidity(all);
    const heights = [...agreed.keys()].filter((h) => h - 1 >= blockNumber).sort((a, b) => a - b);
    const h = heights[0];
    if (h === undefined) return undefined;
    const validity = agreed.get(h);
    const signatures = OPERATOR_MSPS.map((m) => all.find((c) => c.height === h && c.mspId === m && c.validity === validity)).filter(
      (c): c is Checkpoint => c !== undefined,
    );
    const links: BlockLink[] = [];
    for (let n = blockNumber + 1; n <= h - 1; n++) {
      const b = decodeBlock(await this.blockByNumber(n));
      const header = b.getHeader();
      if (!header) throw new XborderError('PROOF_FAILED', `block ${String(n)} has no header`);
      links.push({
        number: String(n),
        previousHash: Buffer.from(header.getPreviousHash_asU8()).toString('hex'),
        dataHash: Buffer.from(header.getDataHash_asU8()).toString('hex'),
        flagsHash: flagsHash(blockFlags(b)).toString('hex'),
      });
    }
    return { signatures, validityBefore: await this.validityAt(blockNumber, agreed), links };
  }

  /**
   * Fetches blocks `from`..`to` from the gateway peer and checks them as {@link verifyBlocks} does:
   * never `verified` without an anchor for block 0.
   */
  async verifyChain(
    from = 0,
    to?: number,
    options: { anchor?: Anchor; onProgress?: (done: number, total: number) => void } = {},
  ): Promise<ChainReport> {
    const last = to ?? (await this.height()) - 1;
    return verifyBlocks((n) => this.blockByNumber(n), from, last, options);
  }
}
