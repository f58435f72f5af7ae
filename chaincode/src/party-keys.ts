import * as fs from 'node:fs';

import { ChaincodeError, isValidDate } from '@xborder/protocol';

/**
 * The operators' keys for payer and payee commitments. Only the operators' chaincode servers hold them:
 * a bank sends raw proxies as transient data and never sees a key, so it cannot test guesses offline
 * against the commitments it can read. Never on the ledger, never in a client profile.
 *
 * File (`XB_PARTY_KEYS_FILE`, owner-only, JSON):
 *   {"keys":[{"id":"pk-1","from":"2026-01-01","secret":"<64 to 128 hex digits>"}, ...]}
 * A payment uses the key with the latest `from` on or before its settlement date, so every payment of
 * a day (and its daily cap) uses one key. Rotation: add a key with a future `from` to both operators'
 * files before that day; servers reread the file when it changes. Old keys stay for older payments.
 */
export interface PartyKey {
  readonly id: string;
  /** First settlement date (YYYY-MM-DD) this key commits. */
  readonly from: string;
  readonly secret: Buffer;
}

const ID_RE = /^[a-z0-9][a-z0-9.-]{0,31}$/;
const SECRET_RE = /^(?:[0-9a-f]{2}){32,64}$/;

let cache: { file: string; mtimeMs: number; size: number; keys: PartyKey[] } | undefined;

function unavailable(reason: string): never {
  // the server's log says why; the caller sees the code only (no path, no key material)
  console.error(`party keys: ${reason}`);
  throw new ChaincodeError('PARTY_KEY_UNAVAILABLE', 'the operators\u2019 party-commitment keys are not installed on this endorser');
}

/** Parses and checks a key file's text (exported for tests). */
export function parsePartyKeys(text: string): PartyKey[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error('not JSON');
  }
  const list = (value as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(list) || list.length === 0) throw new Error('needs a non-empty "keys" list');
  const keys = list.map((k: unknown, i): PartyKey => {
    const o = (k ?? {}) as Record<string, unknown>;
    if (typeof o.id !== 'string' || !ID_RE.test(o.id)) throw new Error(`key ${String(i)}: id must be a short lowercase name`);
    if (typeof o.from !== 'string' || !isValidDate(o.from)) throw new Error(`key ${String(i)}: from must be a date YYYY-MM-DD`);
    if (typeof o.secret !== 'string' || !SECRET_RE.test(o.secret))
      throw new Error(`key ${String(i)}: secret must be 32 to 64 bytes as hex`);
    return { id: o.id, from: o.from, secret: Buffer.from(o.secret, 'hex') };
  });
  if (new Set(keys.map((k) => k.id)).size !== keys.length) throw new Error('key ids must be unique');
  if (new Set(keys.map((k) => k.from)).size !== keys.length) throw new Error('two keys start on the same date');
  return keys.sort((a, b) => a.from.localeCompare(b.from));
}

/** The installed keys, reread when the file changes. Refuses a file other users could read. */
export function partyKeys(file = process.env.XB_PARTY_KEYS_FILE): PartyKey[] {
  if (file === undefined || file === '') return unavailable('XB_PARTY_KEYS_FILE is not set');
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    return unavailable(`${file} cannot be read`);
  }
  if ((stat.mode & 0o077) !== 0)
    return unavailable(`${file} is readable by other users (mode ${(stat.mode & 0o777).toString(8)}); chmod 600`);
  if (cache && cache.file === file && cache.mtimeMs === stat.mtimeMs && cache.size === stat.size) return cache.keys;
  let keys: PartyKey[];
  try {
    keys = parsePartyKeys(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    return unavailable(`${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
  cache = { file, mtimeMs: stat.mtimeMs, size: stat.size, keys };
  return keys;
}

/** The key that commits payments settling on `date`. */
export function keyForDate(keys: readonly PartyKey[], date: string): PartyKey {
  let found: PartyKey | undefined;
  for (const k of keys) if (k.from <= date) found = k;
  if (!found) return unavailable(`no key starts on or before ${date}`);
  return found;
}

export function keyById(keys: readonly PartyKey[], id: string): PartyKey {
  const found = keys.find((k) => k.id === id);
  if (!found) return unavailable(`key ${id} is not installed`);
  return found;
}
