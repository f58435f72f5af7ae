/**
 * What keeps password guessing from costing honest clients: failed Basic logins are counted per
 * client address and per user name over a sliding minute, and past the limit a login is refused
 * (429) before any password is hashed; the scrypt hashes themselves run off the event loop, at most
 * a few at once, with a bounded queue behind them (503 when it is full), so a flood of wrong
 * passwords can neither block the server nor queue up without end.
 */

/** Failures allowed per key in the window before logins for that key are refused. */
export interface LoginLimits {
  readonly perClient: number;
  readonly perUser: number;
  readonly windowMs: number;
  /** scrypt runs at once (each uses a libuv thread and 16 MiB). */
  readonly concurrent: number;
  /** Logins waiting for a hash before new ones are turned away. */
  readonly queued: number;
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = { perClient: 10, perUser: 30, windowMs: 60_000, concurrent: 1, queued: 32 };

/** Why a login was not even tried. */
export type LoginRefusal = 'throttled' | 'busy';

export class LoginGuard {
  readonly #limits: LoginLimits;
  readonly #failures = new Map<string, number[]>();
  #running = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(limits: Partial<LoginLimits> = {}) {
    this.#limits = { ...DEFAULT_LOGIN_LIMITS, ...limits };
  }

  #recent(key: string, now: number): number[] {
    const kept = (this.#failures.get(key) ?? []).filter((t) => t > now - this.#limits.windowMs);
    if (kept.length === 0) this.#failures.delete(key);
    else this.#failures.set(key, kept);
    return kept;
  }

  /** Whether a login from `client` for `user` may be tried now. */
  allowed(client: string, user: string, now = Date.now()): boolean {
    return (
      this.#recent(`client:${client}`, now).length < this.#limits.perClient &&
      this.#recent(`user:${user}`, now).length < this.#limits.perUser
    );
  }

  /** Counts a failed login against both the client and the user name. */
  failed(client: string, user: string, now = Date.now()): void {
    if (this.#failures.size > 10_000) this.#failures.clear(); // bounded memory under a spray of names
    for (const key of [`client:${client}`, `user:${user}`]) this.#failures.set(key, [...this.#recent(key, now), now]);
  }

  /**
   * Runs `hash` when a slot is free; refuses at once with 'busy' when the queue is full. The work
   * itself must not block the event loop (an async scrypt).
   */
  async run<T>(hash: () => Promise<T>): Promise<T | LoginRefusal> {
    if (this.#running >= this.#limits.concurrent) {
      if (this.#waiting.length >= this.#limits.queued) return 'busy';
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    } else {
      this.#running++;
    }
    try {
      return await hash();
    } finally {
      const next = this.#waiting.shift();
      if (next) next();
      else this.#running--;
    }
  }
}
