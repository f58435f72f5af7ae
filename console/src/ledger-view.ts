/**
 * What the console reads, as one auditor identity: the overview (an {@link ActivityIndex} built from
 * the ledger's listings, then kept current by the checkpointed event follower), the latest checkpoint
 * both operators signed, and the record pages. Every read is an evaluate: nothing here can write.
 */
import { checkpointers } from '@hyperledger/fabric-gateway';

import { isValidDate, OPERATOR_MSPS, verifyWithCertificate } from '@xborder/protocol';
import type { Corridor } from '@xborder/protocol';
import { DEFAULT_CHAINCODE, followEvents, XborderError } from '@xborder/sdk';
import type { FollowedEvent, IntelRecord, ListQuery, XborderClient } from '@xborder/sdk';

import { ActivityIndex } from './activity';
import type { CosignedCheckpoint, IntelDetail, Overview, PaymentDetail } from './api-types';
import { ChangeFeed } from './change-feed';

const CORRIDORS: readonly Corridor[] = ['HK-TH', 'TH-HK'];
/** How far below the tip to look for the newest co-signed checkpoint (operators checkpoint continuously). */
const CHECKPOINT_LOOKBACK = 2000;
const LISTING_CONCURRENCY = 4;

function dayOf(t: Date): string {
  return t.toISOString().slice(0, 10);
}

function eachDay(from: string, to: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000) out.push(dayOf(new Date(t)));
  return out;
}

async function inParallel<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++] as T;
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** The first of `keys` whose value is a string, or ''. */
function firstText(p: Record<string, unknown>, keys: readonly string[]): string {
  for (const k of keys) if (typeof p[k] === 'string') return p[k];
  return '';
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export class LedgerView {
  readonly #client: XborderClient;
  readonly #index = new ActivityIndex();
  readonly #feed: ChangeFeed;
  readonly #since: string;
  readonly #stop = new AbortController();
  readonly #onError: (message: string) => void;
  readonly #chaincode: string;
  #height = 0;
  #blockHash = '';
  #checkpoint: CosignedCheckpoint | null = null;
  #builtInMs = 0;
  #following: Promise<void> | undefined;

  /**
   * @param client - an auditor's connection
   * @param options - how many days back the overview reaches, the feed's memory, and where follower errors go
   */
  constructor(
    client: XborderClient,
    options: { days: number; chaincode?: string; feed?: ChangeFeed; onError?: (message: string) => void },
  ) {
    this.#client = client;
    this.#chaincode = options.chaincode ?? DEFAULT_CHAINCODE;
    this.#feed = options.feed ?? new ChangeFeed();
    this.#since = dayOf(new Date(Date.now() - (options.days - 1) * 86_400_000));
    this.#onError = options.onError ?? (() => undefined);
  }

  get feed(): ChangeFeed {
    return this.#feed;
  }

  get client(): XborderClient {
    return this.#client;
  }

  /** Reads the window's records, then follows events from the height read before the listing began. */
  async start(): Promise<void> {
    const started = Date.now();
    const info = await this.#client.audit.chainInfo();
    this.#height = info.height;
    this.#blockHash = info.blockHash;
    const days = eachDay(this.#since, dayOf(new Date()));
    await inParallel(days, LISTING_CONCURRENCY, async (day) => {
      const from = `${day}T00:00:00.000Z`;
      const to = new Date(Date.parse(from) + 86_400_000).toISOString();
      let bookmark = '';
      do {
        const page = await this.#client.intel.list({ filter: 'all', from, to, pageSize: 200, ...(bookmark !== '' ? { bookmark } : {}) });
        for (const r of page.items) this.#index.addIntel(r);
        bookmark = page.bookmark;
      } while (bookmark !== '');
    });
    for (const corridor of CORRIDORS) {
      let bookmark = '';
      do {
        const page = await this.#client.payments.list({
          filter: 'corridor',
          value: corridor,
          fromDate: this.#since,
          pageSize: 200,
          ...(bookmark !== '' ? { bookmark } : {}),
        });
        for (const p of page.items) this.#index.putPayment(p);
        bookmark = page.bookmark;
      } while (bookmark !== '');
    }
    await this.#refreshCheckpoint();
    this.#builtInMs = Date.now() - started;
    this.#following = this.#follow(BigInt(info.height));
  }

  /** Stops following; resolves when the follower has stopped. */
  async close(): Promise<void> {
    this.#stop.abort();
    await this.#following;
  }

  /** The overview the first page shows, from memory. */
  overview(): Overview {
    return {
      since: this.#since,
      height: this.#height,
      blockHash: this.#blockHash,
      checkpoint: this.#checkpoint,
      recent: this.#feed.latest(25),
      seq: this.#feed.last,
      builtInMs: this.#builtInMs,
      ...this.#index.snapshot(),
    };
  }

  /** Follows chaincode events; after a broken stream, resumes from the last event handled (nothing missed, nothing twice). */
  async #follow(fromBlock: bigint): Promise<void> {
    const checkpointer = checkpointers.inMemory();
    let wait = 250;
    const stopped = (): boolean => this.#stop.signal.aborted;
    while (!stopped()) {
      try {
        await followEvents(
          this.#client.gateway,
          this.#client.profile.channel,
          this.#chaincode,
          async (e) => {
            await this.#apply(e);
            wait = 250;
          },
          { checkpointer, fromBlock, signal: this.#stop.signal },
        );
      } catch (err) {
        if (stopped()) break;
        this.#onError(`event stream: ${errorText(err)}; resuming in ${String(wait)} ms`);
        await new Promise((resolve) => setTimeout(resolve, wait));
        wait = Math.min(wait * 2, 5000);
      }
    }
  }

  async #apply(e: FollowedEvent): Promise<void> {
    const block = Number(e.blockNumber);
    if (block + 1 > this.#height) {
      this.#height = block + 1;
      this.#blockHash = '';
    }
    const p = (typeof e.payload === 'object' && e.payload !== null ? e.payload : {}) as Record<string, unknown>;
    const base = { block, txId: e.transactionId, event: e.eventName };
    switch (e.eventName) {
      case 'IntelSubmitted': {
        const items = Array.isArray(e.payload) ? (e.payload as { stixId: string; modified: string }[]) : [];
        for (const item of items) {
          const r = await this.#client.intel.version(item.stixId, item.modified);
          this.#index.addIntel(r);
          this.#feed.push({ ...base, kind: 'intel', id: r.stixId, summary: `${r.stixType} ${r.tlp} by ${r.producer}`, at: r.txTime });
        }
        return;
      }
      case 'IntelRevoked':
        this.#index.revokeIntel(String(p.stixId));
        this.#feed.push({ ...base, kind: 'revocation', id: String(p.stixId), summary: 'revoked by its producer', at: null });
        return;
      case 'SightingRecorded':
        this.#feed.push({ ...base, kind: 'sighting', id: String(p.stixId), summary: `sighted by ${String(p.institution)}`, at: null });
        return;
      case 'PaymentAttested':
      case 'PaymentConfirmed':
      case 'PaymentDisputed':
      case 'PaymentRejected': {
        const { record } = await this.#client.payments.get(String(p.uetr));
        this.#index.putPayment(record);
        this.#feed.push({
          ...base,
          kind: 'payment',
          id: record.uetr,
          summary: `${record.corridor} ${record.amount.currency} ${record.amount.value} ${record.state}`,
          at: record.confirmedAt ?? record.attestedAt,
        });
        return;
      }
      case 'PaymentEventRecorded':
        this.#feed.push({ ...base, kind: 'payment', id: String(p.uetr), summary: `${String(p.type)} recorded`, at: null });
        return;
      case 'CheckpointRecorded':
        await this.#refreshCheckpoint();
        this.#feed.push({
          ...base,
          kind: 'checkpoint',
          id: String(p.height),
          summary: `checkpoint at height ${String(p.height)} by ${String(p.mspId)}`,
          at: null,
        });
        return;
      default:
        this.#feed.push({ ...base, kind: 'registry', id: firstText(p, ['id', 'fingerprint', 'corridor']), summary: e.eventName, at: null });
    }
  }

  async #refreshCheckpoint(): Promise<void> {
    const all = (await this.#client.audit.checkpoints(Math.max(0, this.#height - CHECKPOINT_LOOKBACK))).filter((c) => c.signatureValid);
    const byHeight = new Map<number, typeof all>();
    for (const c of all) byHeight.set(c.height, [...(byHeight.get(c.height) ?? []), c]);
    for (const h of [...byHeight.keys()].sort((a, b) => b - a)) {
      const signed = byHeight.get(h) ?? [];
      const first = signed[0];
      if (!first) continue;
      const agreeing = signed.filter((c) => c.validity === first.validity && c.blockHash === first.blockHash);
      if (OPERATOR_MSPS.every((m) => agreeing.some((c) => c.mspId === m))) {
        this.#checkpoint = {
          height: h,
          blockHash: first.blockHash,
          signers: agreeing.map((c) => c.mspId).sort(),
          signedAt:
            agreeing
              .map((c) => c.txTime)
              .sort()
              .at(-1) ?? first.txTime,
        };
        return;
      }
    }
  }

  /** A page of intel records with the ledger's filters. */
  async intelPage(query: ListQuery): Promise<{ items: IntelRecord[]; bookmark: string }> {
    return this.#client.intel.list(query);
  }

  /**
   * A record with its versions, sightings, signer key and its status, and whether the producer's
   * signature verifies over the statement with the registered certificate.
   */
  async intelDetail(stixId: string): Promise<IntelDetail> {
    const [record, history, sightings] = await Promise.all([
      this.#client.intel.get(stixId),
      this.#client.intel.history(stixId),
      this.#client.intel.sightings(stixId, { pageSize: 50 }),
    ]);
    const fingerprints = [...new Set(history.map((h) => h.signerFingerprint))];
    const keys = new Map(
      await Promise.all(fingerprints.map(async (f) => [f, await this.#client.registry.getKey(f).catch(() => null)] as const)),
    );
    const signatureValid = (r: IntelRecord): boolean => {
      const key = keys.get(r.signerFingerprint);
      return (
        key !== null &&
        key !== undefined &&
        verifyWithCertificate(key.certificate, Buffer.from(r.statement), Buffer.from(r.signature, 'base64'))
      );
    };
    const key = keys.get(record.signerFingerprint) ?? null;
    const now = new Date().toISOString();
    return {
      record,
      history: history.map((h) => ({ ...h, signatureValid: signatureValid(h) })),
      sightings,
      key:
        key === null
          ? null
          : {
              fingerprint: key.fingerprint,
              institution: key.institution,
              subject: key.subject,
              notBefore: key.notBefore,
              notAfter: key.notAfter,
              status: key.revokedAt !== null && key.revokedAt <= now ? 'revoked' : key.notAfter < now ? 'expired' : 'active',
              revokedAt: key.revokedAt,
              revokeReason: key.revokeReason,
            },
    };
  }

  /** A corridor's day: totals per currency and state, open, disputed and rejected payments. */
  async reconcile(date: string, corridor: string): Promise<unknown> {
    if (!isValidDate(date)) throw new XborderError('BAD_INPUT', 'date must be YYYY-MM-DD');
    if (!(CORRIDORS as readonly string[]).includes(corridor))
      throw new XborderError('BAD_INPUT', `corridor must be ${CORRIDORS.join(' or ')}`);
    return this.#client.payments.reconcile(date, corridor as Corridor);
  }

  /** A payment with both sides' signed statements, its confirmations, events and state history. */
  async paymentDetail(uetr: string): Promise<PaymentDetail> {
    const [detail, history] = await Promise.all([this.#client.payments.get(uetr), this.#client.payments.history(uetr)]);
    return { ...detail, history };
  }

  /** A self-contained proof of a record, for the page to download and check. */
  async proof(target: string): Promise<unknown> {
    return this.#client.audit.proof(target);
  }

  /** The trust anchor of the channel, from its genesis block. */
  async anchor(): Promise<unknown> {
    return this.#client.audit.anchor();
  }
}
