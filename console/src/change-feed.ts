/**
 * The ledger changes the console has followed, numbered in commit order, kept for a while so that a
 * browser whose stream dropped asks for everything after the last number it saw (`Last-Event-ID`) and
 * misses nothing; older than the memory, it is told to reload.
 */

/** One followed change, as pages show it (ids and metadata only: the ledger holds no content in clear). */
export interface Change {
  readonly seq: number;
  readonly kind: 'intel' | 'revocation' | 'sighting' | 'payment' | 'checkpoint' | 'registry';
  readonly id: string;
  readonly summary: string;
  readonly event: string;
  readonly block: number;
  readonly txId: string;
  /** The record's transaction time where the record gives it. */
  readonly at: string | null;
}

export type Listener = (change: Change) => void;

export class ChangeFeed {
  readonly #memory: number;
  readonly #changes: Change[] = [];
  readonly #listeners = new Set<Listener>();
  #seq = 0;

  constructor(memory = 5000) {
    this.#memory = memory;
  }

  /** Numbers a change, keeps it and hands it to every listener. */
  push(change: Omit<Change, 'seq'>): Change {
    const numbered = { ...change, seq: ++this.#seq };
    this.#changes.push(numbered);
    if (this.#changes.length > this.#memory) this.#changes.splice(0, this.#changes.length - this.#memory);
    for (const l of this.#listeners) l(numbered);
    return numbered;
  }

  /** The newest `n` changes, newest first. */
  latest(n: number): Change[] {
    return this.#changes.slice(-n).reverse();
  }

  /** The changes after `seq`, oldest first; null when some of them are no longer kept. */
  after(seq: number): Change[] | null {
    const first = this.#changes[0];
    if (seq >= this.#seq) return [];
    if (!first || first.seq > seq + 1) return null;
    return this.#changes.filter((c) => c.seq > seq);
  }

  get last(): number {
    return this.#seq;
  }

  /** Calls `listener` for each new change until the returned function is called. */
  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
