/**
 * Who may see the console: whoever holds the access token printed when it started. The token is
 * exchanged once for a session cookie (HttpOnly, SameSite=Strict, Secure under TLS), so it never sits in
 * a URL the server logs or a page's script can read afterwards. Only hashes of tokens are kept.
 */
import * as crypto from 'node:crypto';

export const SESSION_COOKIE = 'xb_console';

function digest(text: string): Buffer {
  return crypto.createHash('sha256').update(text).digest();
}

/** A fresh access token: 32 random bytes, base64url. */
export function newAccessToken(): string {
  return crypto.randomBytes(32).toString('base64url');
}

export class Sessions {
  readonly #token: Buffer;
  readonly #ttlMs: number;
  readonly #sessions = new Map<string, number>();

  /**
   * @param accessToken - the token a user presents to open a session
   * @param ttlMs - how long a session lasts (default 12 hours)
   */
  constructor(accessToken: string, ttlMs = 12 * 3600_000) {
    this.#token = digest(accessToken);
    this.#ttlMs = ttlMs;
  }

  /** A new session id when `presented` is the access token; null otherwise. */
  open(presented: unknown): string | null {
    if (typeof presented !== 'string' || presented.length === 0 || presented.length > 256) return null;
    if (!crypto.timingSafeEqual(digest(presented), this.#token)) return null;
    const id = crypto.randomBytes(32).toString('base64url');
    this.#sessions.set(digest(id).toString('hex'), Date.now() + this.#ttlMs);
    return id;
  }

  /** Whether a cookie value names a live session. */
  valid(id: string | undefined): boolean {
    if (id === undefined || id.length === 0 || id.length > 256) return false;
    const key = digest(id).toString('hex');
    const until = this.#sessions.get(key);
    if (until === undefined) return false;
    if (until < Date.now()) {
      this.#sessions.delete(key);
      return false;
    }
    return true;
  }

  close(id: string | undefined): void {
    if (id !== undefined) this.#sessions.delete(digest(id).toString('hex'));
  }
}

/** The value of one cookie in a Cookie header. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
