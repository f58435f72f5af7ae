/**
 * Who may use a TAXII server: the institution's own tools, by HTTP Basic (user and password), bearer
 * token, or client certificate. The file holds only hashes: scrypt for passwords (people choose them),
 * SHA-256 for tokens (random, 32 bytes, so a plain hash cannot be reversed), and SHA-256 fingerprints
 * of allowed client certificates. A secret is shown once, when it is made, and never stored.
 */
import { createHash, randomBytes, scrypt, scryptSync, timingSafeEqual } from 'node:crypto';
import type { ScryptOptions } from 'node:crypto';
import * as fs from 'node:fs';

import Ajv from 'ajv';

import { LoginGuard } from './login-guard';
import type { LoginLimits, LoginRefusal } from './login-guard';

export interface CredentialsFile {
  readonly basic?: readonly { readonly user: string; readonly scrypt: string }[];
  readonly tokens?: readonly { readonly name: string; readonly sha256: string }[];
  readonly certificates?: readonly { readonly name: string; readonly fingerprint256: string }[];
}

const name = { type: 'string', pattern: '^[A-Za-z0-9._@-]{1,64}$' } as const;
const validate = new Ajv({ strict: true }).compile<CredentialsFile>({
  type: 'object',
  additionalProperties: false,
  properties: {
    basic: {
      type: 'array',
      items: {
        type: 'object',
        required: ['user', 'scrypt'],
        additionalProperties: false,
        properties: {
          user: name,
          scrypt: { type: 'string', pattern: '^scrypt\\$\\d+\\$\\d+\\$\\d+\\$[A-Za-z0-9+/=]+\\$[A-Za-z0-9+/=]+$' },
        },
      },
    },
    tokens: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'sha256'],
        additionalProperties: false,
        properties: { name, sha256: { type: 'string', pattern: '^[0-9a-f]{64}$' } },
      },
    },
    certificates: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'fingerprint256'],
        additionalProperties: false,
        properties: { name, fingerprint256: { type: 'string', pattern: '^[0-9a-f]{64}$' } },
      },
    },
  },
});

/** Reads and checks a credentials file; refuses one that other users may read. */
export function readCredentials(file: string): CredentialsFile {
  const mode = fs.statSync(file).mode & 0o077;
  if (mode !== 0) throw new Error(`${file} is readable by other users; chmod 600 it`);
  const value: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
  if (!validate(value))
    throw new Error(`${file}: ${validate.errors?.[0]?.instancePath ?? ''} ${validate.errors?.[0]?.message ?? 'is malformed'}`);
  return value;
}

const SCRYPT = { N: 16384, r: 8, p: 1 };

/** The stored form of a password. */
export function hashPassword(password: string): string {
  const salt = randomBytes(16);
  const hash = scryptSync(password, salt, 32, SCRYPT);
  return `scrypt$${String(SCRYPT.N)}$${String(SCRYPT.r)}$${String(SCRYPT.p)}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

function scryptAsync(password: string, salt: Buffer, length: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, length, options, (err, key) => {
      if (err) reject(err);
      else resolve(key);
    });
  });
}

/** Whether a password matches its stored scrypt hash; hashed on the libuv pool, not the event loop. */
async function passwordMatches(password: string, stored: string): Promise<boolean> {
  const [, n, r, p, salt, hash] = stored.split('$');
  const expected = Buffer.from(hash ?? '', 'base64');
  const N = Number(n);
  if (!Number.isInteger(N) || N < 1024 || N > 1 << 20) return false;
  const actual = await scryptAsync(password, Buffer.from(salt ?? '', 'base64'), expected.length, { N, r: Number(r), p: Number(p) });
  return timingSafeEqual(actual, expected);
}

/**
 * What an unknown user name is checked against: a hash no password matches, made with the same cost,
 * so an unknown name takes as long to refuse as a wrong password (names cannot be told apart by time).
 */
const UNKNOWN_USER = hashPassword(randomBytes(32).toString('base64'));

/** A new random bearer token (shown once) and the hash to store. */
export function newToken(): { token: string; sha256: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, sha256: sha256Hex(token) };
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function equalHex(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a, 'hex'), Buffer.from(b, 'hex'));
}

/** What a Basic or bearer login came to: the client's name, nothing, or a refusal before any check. */
export type LoginOutcome = { readonly principal: string } | { readonly principal: undefined; readonly refused?: LoginRefusal };

/**
 * Checks the credentials of a request; remembers good Basic passwords briefly (scrypt is slow by
 * design), and guards the rest (see {@link LoginGuard}).
 */
export class Authenticator {
  readonly #credentials: () => CredentialsFile;
  #seen: CredentialsFile | undefined;
  readonly #recent = new Map<string, { user: string; until: number }>();
  readonly #guard: LoginGuard;

  /**
   * @param credentials - the credentials, or a function giving the current ones (a file read again when
   * it changes: clients added or removed take effect on the next request, without a restart)
   */
  constructor(credentials: CredentialsFile | (() => CredentialsFile), limits: Partial<LoginLimits> = {}) {
    this.#credentials = typeof credentials === 'function' ? credentials : () => credentials;
    this.#guard = new LoginGuard(limits);
  }

  /** The credentials in force; a change forgets remembered logins (a removed user is out at once). */
  get #file(): CredentialsFile {
    const current = this.#credentials();
    if (current !== this.#seen) {
      this.#recent.clear();
      this.#seen = current;
    }
    return current;
  }

  /**
   * The client's name for an `Authorization` header from `client` (its address). Scheme names are
   * case-insensitive. A known good Basic credential is served from memory; any other is hashed only
   * when neither the client nor the user name is throttled and the hash queue has room.
   */
  async fromHeader(header: string | undefined, client = ''): Promise<LoginOutcome> {
    const none = { principal: undefined };
    if (header === undefined) return none;
    const m = /^\s*(\S+)\s+(\S+)\s*$/.exec(header);
    if (!m) return none;
    const scheme = (m[1] ?? '').toLowerCase();
    const value = m[2] ?? '';
    if (scheme === 'bearer') {
      const hash = sha256Hex(value);
      const found = this.#file.tokens?.find((t) => equalHex(t.sha256, hash))?.name;
      return found !== undefined ? { principal: found } : none;
    }
    if (scheme !== 'basic') return none;
    const cacheKey = sha256Hex(value);
    const file = this.#file;
    const cached = this.#recent.get(cacheKey);
    if (cached && cached.until > Date.now()) return { principal: cached.user };
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return none;
    const user = decoded.slice(0, colon);
    if (!this.#guard.allowed(client, user)) return { principal: undefined, refused: 'throttled' };
    const entry = file.basic?.find((b) => b.user === user);
    const matched = await this.#guard.run(() => passwordMatches(decoded.slice(colon + 1), entry?.scrypt ?? UNKNOWN_USER));
    if (matched === 'busy') return { principal: undefined, refused: 'busy' };
    if (!matched || !entry) {
      this.#guard.failed(client, user);
      return none;
    }
    if (this.#recent.size > 1000) this.#recent.clear();
    this.#recent.set(cacheKey, { user, until: Date.now() + 60_000 });
    return { principal: user };
  }

  /** The client's name for a client certificate the TLS layer verified, or undefined. */
  fromCertificate(fingerprint256: string | undefined): string | undefined {
    if (fingerprint256 === undefined) return undefined;
    const hex = fingerprint256.replace(/:/g, '').toLowerCase();
    return this.#file.certificates?.find((c) => equalHex(c.fingerprint256, hex))?.name;
  }
}

/**
 * A function giving the credentials in `file`, read again whenever the file changes (size, time or
 * inode), so `taxii add-token` and `taxii remove` act on a running server. A file that cannot be read
 * or parsed keeps the last good credentials in force.
 */
export function watchedCredentials(file: string, onError: (message: string) => void = () => undefined): () => CredentialsFile {
  let stamp = '';
  let current: CredentialsFile = readCredentials(file);
  return () => {
    let next: string;
    try {
      const st = fs.statSync(file);
      next = `${String(st.ino)}:${String(st.size)}:${String(st.mtimeMs)}`;
    } catch (err) {
      onError(err instanceof Error ? err.message : String(err));
      return current;
    }
    if (next !== stamp) {
      try {
        current = readCredentials(file);
        stamp = next;
      } catch (err) {
        onError(err instanceof Error ? err.message : String(err));
      }
    }
    return current;
  };
}
