import type { KeyObject } from 'node:crypto';

import type { Gateway } from '@hyperledger/fabric-gateway';

import { canonicalize } from '@xborder/chaincode/dist/shared/jcs';

import { toXborderError, XborderError } from '../errors';
import type { IntelClient } from '../intel';
import type { PaymentsClient } from '../payments';
import type { Page, RegistryClient } from '../registry';
import { decodeJson } from '../json';
import { signLowS } from '../signer';
import type { Transactor } from '../transactor';
import { blockHeaderHash, computeDataHash, decodeBlock, lastConfigIndex, ordererSignatures, parseTransaction } from './ledger';
import type { Checkpoint, Proof } from './proof';
import { verifyCheckpoint } from './proof';

export interface ChainReport {
  readonly from: number;
  readonly to: number;
  readonly ok: boolean;
  /** The first block that breaks the chain, and why. */
  readonly firstBreak: { block: number; reason: string } | null;
  readonly tipHash: string;
}

/** Parses `intel:<stixId>[@<modified>]`, `payment:<uetr>`, or a bare id (tx id, UETR or STIX id). */
export function parseTarget(target: string): { type: 'intel' | 'payment' | 'transaction'; id: string; modified?: string } {
  const [prefix, rest] =
    target.includes(':') && /^(intel|payment|tx):/.test(target)
      ? [target.slice(0, target.indexOf(':')), target.slice(target.indexOf(':') + 1)]
      : ['', target];
  const id = rest;
  if (prefix === 'payment' || (!prefix && /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(id)))
    return { type: 'payment', id };
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

  async blockByNumber(n: number): Promise<Uint8Array> {
    return this.#qscc('GetBlockByNumber', String(n));
  }

  async blockByTxId(txId: string): Promise<Uint8Array> {
    return this.#qscc('GetBlockByTxID', txId);
  }

  /** The current height of the channel at the gateway peer, and the hash of its last block header. */
  async chainInfo(): Promise<{ height: number; blockHash: string }> {
    const { common } = await import('@hyperledger/fabric-protos');
    const info = common.BlockchainInfo.deserializeBinary(await this.#qscc('GetChainInfo'));
    return { height: info.getHeight(), blockHash: Buffer.from(info.getCurrentblockhash_asU8()).toString('hex') };
  }

  async height(): Promise<number> {
    return (await this.chainInfo()).height;
  }

  /**
   * Signs and records this operator's view of the chain (operator admins): the hash of block
   * `height - 1` on its own peer. Without a height it co-signs the other operator's latest height it
   * has not signed yet, else the current height, so both operators end up signing the same heights.
   */
  async recordCheckpoint(height?: number): Promise<Checkpoint> {
    let h = height;
    if (h === undefined) {
      const existing = await this.checkpoints();
      const mine = new Set(existing.filter((c) => c.mspId === this.#me.mspId).map((c) => c.height));
      const theirs = existing.filter((c) => c.mspId !== this.#me.mspId && !mine.has(c.height)).map((c) => c.height);
      h = theirs.length > 0 ? Math.max(...theirs) : await this.height();
    }
    if (h < 1) throw new XborderError('USAGE', 'height must be at least 1');
    const header = decodeBlock(await this.blockByNumber(h - 1)).getHeader();
    if (!header) throw new XborderError('PROOF_FAILED', `block ${String(h - 1)} has no header`);
    const statement = {
      purpose: 'xborder/checkpoint/v1',
      channel: this.#channel,
      height: h,
      blockHash: blockHeaderHash(header).toString('hex'),
      mspId: this.#me.mspId,
    };
    const signature = Buffer.from(signLowS(this.#me.key, Buffer.from(canonicalize(statement)))).toString('base64');
    return decodeJson<Checkpoint>(
      (await this.#tx.submit('checkpoint', 'RecordCheckpoint', { args: [canonicalize(statement), signature] })).result,
    );
  }

  /** Every recorded checkpoint, each with whether its signature verifies. */
  async checkpoints(): Promise<(Checkpoint & { signatureValid: boolean })[]> {
    const all: Checkpoint[] = [];
    let bookmark = '';
    do {
      const page = decodeJson<Page<Checkpoint>>(await this.#tx.evaluate('checkpoint', 'ListCheckpoints', ['200', bookmark]));
      all.push(...page.items);
      bookmark = page.bookmark;
    } while (bookmark !== '');
    return all.map((c) => ({ ...c, signatureValid: verifyCheckpoint(c) }));
  }

  /** Builds a self-contained proof for an intel version, a payment attestation or a transaction. */
  async proof(target: string): Promise<Proof> {
    const t = parseTarget(target);
    let txId: string;
    let match: (value: Record<string, unknown>) => boolean;
    let signerFingerprint: string | null = null;
    if (t.type === 'intel') {
      const record = t.modified !== undefined ? await this.#intel.version(t.id, t.modified) : await this.#intel.get(t.id);
      txId = record.txId;
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
    const configBytes = await this.blockByNumber(lastConfigIndex(block));
    const checkpoint = await this.#checkpointAfter(block.getHeader()?.getNumber() ?? 0);
    const signerCertificate = signerFingerprint !== null ? (await this.#registry.getKey(signerFingerprint)).certificate : null;
    return {
      version: 1,
      kind: 'xborder-proof',
      channel: this.#channel,
      chaincode: this.#chaincode,
      target: { type: t.type, id: t.id },
      txId,
      blockNumber: String(block.getHeader()?.getNumber() ?? 0),
      txIndex,
      record: { key: write.key, value: Buffer.from(write.value).toString('utf8') },
      block: Buffer.from(blockBytes).toString('base64'),
      configBlock: Buffer.from(configBytes).toString('base64'),
      signerCertificate,
      ...(checkpoint ? { checkpoint } : {}),
      createdAt: new Date().toISOString(),
    };
  }

  /** The lowest height above `blockNumber` both operators signed alike, with the linking headers. */
  async #checkpointAfter(blockNumber: number): Promise<Proof['checkpoint']> {
    const byHeight = new Map<number, Checkpoint[]>();
    for (const { signatureValid, ...c } of await this.checkpoints()) {
      if (!signatureValid || c.height - 1 < blockNumber) continue;
      byHeight.set(c.height, [...(byHeight.get(c.height) ?? []), c]);
    }
    const heights = [...byHeight.keys()].sort((a, b) => a - b);
    for (const h of heights) {
      const sigs = byHeight.get(h) ?? [];
      const hashes = new Set(sigs.map((c) => c.blockHash));
      if (hashes.size !== 1 || !['HKMSP', 'THMSP'].every((m) => sigs.some((c) => c.mspId === m))) continue;
      const headers = [];
      for (let n = blockNumber + 1; n <= h - 1; n++) {
        const header = decodeBlock(await this.blockByNumber(n)).getHeader();
        if (!header) throw new XborderError('PROOF_FAILED', `block ${String(n)} has no header`);
        headers.push({
          number: String(n),
          previousHash: Buffer.from(header.getPreviousHash_asU8()).toString('hex'),
          dataHash: Buffer.from(header.getDataHash_asU8()).toString('hex'),
        });
      }
      return { signatures: sigs, headers };
    }
    return undefined;
  }

  /**
   * Fetches blocks `from`..`to` and checks that each block's data hashes to its header and that each
   * header names the previous header's hash; reports the first break.
   */
  async verifyChain(from = 0, to?: number, onProgress?: (done: number, total: number) => void): Promise<ChainReport> {
    const last = to ?? (await this.height()) - 1;
    if (from < 0 || last < from) throw new XborderError('USAGE', `invalid block range ${String(from)}..${String(last)}`);
    let previous: Buffer | undefined;
    if (from > 0) {
      const prior = decodeBlock(await this.blockByNumber(from - 1)).getHeader();
      if (prior) previous = blockHeaderHash(prior);
    }
    let tip = '';
    for (let n = from; n <= last; n++) {
      const block = decodeBlock(await this.blockByNumber(n));
      const header = block.getHeader();
      if (!header) return { from, to: last, ok: false, firstBreak: { block: n, reason: 'no header' }, tipHash: tip };
      if (!computeDataHash(block).equals(Buffer.from(header.getDataHash_asU8()))) {
        return { from, to: last, ok: false, firstBreak: { block: n, reason: 'data does not hash to the header data hash' }, tipHash: tip };
      }
      if (previous && !previous.equals(Buffer.from(header.getPreviousHash_asU8()))) {
        return {
          from,
          to: last,
          ok: false,
          firstBreak: { block: n, reason: `previous hash does not match block ${String(n - 1)}` },
          tipHash: tip,
        };
      }
      if (n > 0 && !ordererSignatures(block).some((s) => s.valid)) {
        return { from, to: last, ok: false, firstBreak: { block: n, reason: 'no valid orderer signature' }, tipHash: tip };
      }
      previous = blockHeaderHash(header);
      tip = previous.toString('hex');
      onProgress?.(n - from + 1, last - from + 1);
    }
    return { from, to: last, ok: true, firstBreak: null, tipHash: tip };
  }
}
