/**
 * Keeps an index level with the chain as one reader identity: reads each block from its gateway peer
 * (block queries carry public writes only), takes the intel versions its valid transactions wrote,
 * reads their content through the chaincode as that identity (so the index holds exactly what the
 * identity may read), and applies the block. New blocks are noticed through the peer's filtered
 * block events, with a slow poll behind them should that stream break.
 */
import type { XborderClient } from '@xborder/sdk';
import { DEFAULT_CHAINCODE } from '@xborder/sdk';
import { blockHeaderHash, decodeBlock } from '@xborder/sdk/audit';

import { readBlockIntel } from './block-reader';
import type { IndexedVersion, IndexOwner, RevealedContent } from './store';
import { IndexStore, IndexStoreError } from './store';

export interface FollowerOptions {
  /** Chaincode whose writes are indexed (default `xborder`). */
  readonly chaincode?: string;
  /** Content reads in flight at once. */
  readonly concurrency?: number;
  /** Pending versions asked for again per block. */
  readonly pendingPerBlock?: number;
  /** Poll interval when no block event arrives (ms). */
  readonly pollMs?: number;
  /** Called once per applied block (progress, logs). */
  readonly onBlock?: (number: number, versions: number) => void;
  /** Called when a round fails (it is retried). */
  readonly onError?: (err: Error) => void;
}

/** How far the index is, and whether its last round failed. */
export interface FollowerStatus {
  /** Blocks below this are indexed. */
  readonly nextBlock: number;
  /** The peer's height when last read. */
  readonly ledgerHeight: number;
  readonly versions: number;
  readonly lastError: string | null;
}

/** Who reads: the index file is bound to this identity and chain. */
export async function ownerOf(client: XborderClient): Promise<IndexOwner> {
  const genesis = decodeBlock(await client.audit.blockByNumber(0)).getHeader();
  if (!genesis) throw new Error('genesis block without a header');
  return {
    channel: client.profile.channel,
    mspId: client.profile.mspId,
    institution: client.profile.institution,
    genesis: blockHeaderHash(genesis).toString('hex'),
  };
}

/** Runs `work` over `items` with at most `limit` in flight, keeping order. */
async function mapLimited<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

type ContentRead = { object: Record<string, unknown> } | { denied: true } | { missing: true };

/** Versions whose content one GetIntelContents read asks for (the chaincode's batch limit). */
const CONTENTS_PER_READ = 100;

export class IndexFollower {
  readonly #client: XborderClient;
  readonly #store: IndexStore;
  readonly #chaincode: string;
  readonly #concurrency: number;
  readonly #pendingPerBlock: number;
  readonly #pollMs: number;
  readonly #options: FollowerOptions;
  #ledgerHeight = 0;
  #lastError: string | null = null;
  #running: Promise<void> | undefined;
  #closed = false;
  #wake: (() => void) | undefined;
  #closeEvents: (() => void) | undefined;
  readonly #waiters = new Set<() => void>();

  private constructor(client: XborderClient, store: IndexStore, options: FollowerOptions) {
    this.#client = client;
    this.#store = store;
    this.#chaincode = options.chaincode ?? DEFAULT_CHAINCODE;
    this.#concurrency = options.concurrency ?? 8;
    this.#pendingPerBlock = options.pendingPerBlock ?? 32;
    this.#pollMs = options.pollMs ?? 2000;
    this.#options = options;
  }

  /** Opens (or creates) the index file for `client`'s identity; refuses a file of another reader. */
  static async open(client: XborderClient, file: string, options: FollowerOptions = {}): Promise<IndexFollower> {
    const store = IndexStore.open(file, await ownerOf(client));
    return new IndexFollower(client, store, options);
  }

  get store(): IndexStore {
    return this.#store;
  }

  get status(): FollowerStatus {
    return {
      nextBlock: this.#store.nextBlock,
      ledgerHeight: this.#ledgerHeight,
      versions: this.#store.size,
      lastError: this.#lastError,
    };
  }

  /** The content of many versions, a hundred per read, each read as the reader. */
  async #contents(versions: readonly { stixId: string; modified: string }[]): Promise<ContentRead[]> {
    const chunks: { stixId: string; modified: string }[][] = [];
    for (let i = 0; i < versions.length; i += CONTENTS_PER_READ) chunks.push(versions.slice(i, i + CONTENTS_PER_READ));
    const answers = await mapLimited(chunks, this.#concurrency, (chunk) => this.#client.intel.contents(chunk));
    return answers.flat().map((a): ContentRead => {
      if ('object' in a) return { object: a.object as Record<string, unknown> };
      if (a.error.startsWith('ACCESS_DENIED:')) return { denied: true };
      if (a.error.startsWith('INTEL_NOT_FOUND:')) return { missing: true };
      throw new Error(`content read refused: ${a.error}`);
    });
  }

  /** Indexes every block the peer has committed; returns the next block to index. */
  async catchUp(): Promise<number> {
    this.#ledgerHeight = await this.#client.audit.height();
    // another process may follow into the same file (a TAXII server and the CLI): each round starts
    // at the store's own next block, and a block the other applied first is skipped
    for (let n = this.#store.nextBlock; n < this.#ledgerHeight && !this.#closed; n = this.#store.nextBlock) {
      const { versions: writes, cosignatures } = readBlockIntel(decodeBlock(await this.#client.audit.blockByNumber(n)), this.#chaincode);
      const pending = this.#store.pending(this.#pendingPerBlock);
      // one read for the block's versions and the pending ones
      const reads = await this.#contents([...writes.map((w) => w.record), ...pending]);
      const versions: IndexedVersion[] = writes.map((w, i) => {
        const read = reads[i];
        return { ...w, object: read && 'object' in read ? read.object : null, pending: read !== undefined && 'missing' in read };
      });
      const revealed: RevealedContent[] = [];
      pending.forEach((p, i) => {
        const read = reads[writes.length + i];
        if (read && 'object' in read) revealed.push({ ledgerKey: p.ledgerKey, object: read.object });
      });
      try {
        this.#store.apply({ number: n, versions, revealed, cosignatures });
      } catch (err) {
        if (err instanceof IndexStoreError && err.code === 'INDEX_OUT_OF_ORDER' && this.#store.nextBlock > n) continue;
        throw err;
      }
      this.#options.onBlock?.(n, versions.length);
      for (const wake of [...this.#waiters]) wake();
    }
    return this.#store.nextBlock;
  }

  /** Follows the chain in the background until {@link close}. */
  start(): void {
    this.#running ??= this.#loop();
  }

  async #loop(): Promise<void> {
    while (!this.#closed) {
      try {
        if (!this.#closeEvents) await this.#listen();
        await this.catchUp();
        this.#lastError = null;
      } catch (err) {
        const e = err instanceof Error ? err : new Error(String(err));
        this.#lastError = e.message;
        this.#options.onError?.(e);
        this.#closeEvents?.();
        this.#closeEvents = undefined;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.#pollMs);
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.#wake = undefined;
    }
  }

  /** Filtered block events from the next block on wake the loop as each block commits. */
  async #listen(): Promise<void> {
    const network = this.#client.gateway.getNetwork(this.#client.profile.channel);
    const events = await network.getFilteredBlockEvents({ startBlock: BigInt(this.#store.nextBlock) });
    this.#closeEvents = () => {
      events.close();
    };
    void (async () => {
      try {
        const blocks = events[Symbol.asyncIterator]();
        while (!(await blocks.next()).done) this.#wake?.();
      } catch {
        // the stream broke: the poll goes on and the next round opens a new one
      }
      this.#closeEvents = undefined;
    })();
  }

  /** Resolves once every block below `height` is indexed (rejects after `timeoutMs`). */
  async waitFor(height: number, timeoutMs = 30_000): Promise<void> {
    if (this.#store.nextBlock >= height) return;
    this.#wake?.();
    await new Promise<void>((resolve, reject) => {
      const done = (): void => {
        if (this.#store.nextBlock < height) return;
        clearTimeout(timer);
        this.#waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(done);
        reject(
          new Error(`the index did not reach block ${String(height)} within ${String(timeoutMs)} ms (at ${String(this.#store.nextBlock)})`),
        );
      }, timeoutMs);
      this.#waiters.add(done);
    });
  }

  /** Stops following and closes the index file. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#closeEvents?.();
    this.#wake?.();
    await this.#running;
    this.#store.close();
  }
}
