import type { Gateway } from '@hyperledger/fabric-gateway';

import { toXborderError, XborderError } from '../errors';
import type { IntelClient } from '../intel';
import type { PaymentsClient } from '../payments';
import type { RegistryClient } from '../registry';
import { blockHeaderHash, computeDataHash, decodeBlock, lastConfigIndex, ordererSignatures, parseTransaction } from './ledger';
import type { Proof } from './proof';

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

  constructor(
    gateway: Gateway,
    channel: string,
    chaincode: string,
    facades: { intel: IntelClient; payments: PaymentsClient; registry: RegistryClient },
  ) {
    this.#gateway = gateway;
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

  /** The current height of the channel at the gateway peer. */
  async height(): Promise<number> {
    const { common } = await import('@hyperledger/fabric-protos');
    return common.BlockchainInfo.deserializeBinary(await this.#qscc('GetChainInfo')).getHeight();
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
      createdAt: new Date().toISOString(),
    };
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
