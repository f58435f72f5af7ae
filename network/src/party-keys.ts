import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

import type { NetworkConfig } from './config';

/**
 * The operators' party-commitment keys (see chaincode/src/party-keys.ts for the format and rules).
 * On one machine the file is generated once and given to both operators' chaincode servers; across
 * hosts the operators install the same file out of band. Owner-only, never in a client profile.
 */
export function partyKeysFile(config: NetworkConfig): string {
  return path.join(config.home, 'operators', 'party-keys.json');
}

interface KeyEntry {
  readonly id: string;
  readonly from: string;
  readonly secret: string;
}

function readKeys(file: string): KeyEntry[] {
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { keys: KeyEntry[] }).keys;
}

/** Writes the key list atomically (a reader sees the old file or the new one), owner-only. */
function writeKeys(file: string, keys: readonly KeyEntry[]): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${String(process.pid)}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify({ keys }, null, 2)}\n`, { mode: 0o600 });
  fs.renameSync(tmp, file);
}

/** Creates the key file with one key for every date, unless it exists. */
export function ensurePartyKeys(config: NetworkConfig): void {
  const file = partyKeysFile(config);
  if (fs.existsSync(file)) return;
  writeKeys(file, [{ id: 'pk-1', from: '2000-01-01', secret: randomBytes(32).toString('hex') }]);
}

/** Tomorrow in UTC, as YYYY-MM-DD: the earliest day a new key may start. */
export function tomorrowUtc(now = new Date()): string {
  return new Date(now.getTime() + 86_400_000).toISOString().slice(0, 10);
}

/**
 * Adds a new key that commits payments settling on `from` and later. It must start after today and
 * after every installed key, so no day ever changes key (each day's daily cap stays under one key).
 * Chaincode servers reread the file when it changes; with two hosts, install it on both before `from`.
 */
export function rotatePartyKey(config: NetworkConfig, start?: string, now = new Date()): { id: string; from: string } {
  // the day after `now` (not after the machine's clock) when no start day is given
  const from = start ?? tomorrowUtc(now);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(from) || Number.isNaN(Date.parse(`${from}T00:00:00Z`)))
    throw new Error(`--from must be a date YYYY-MM-DD; got "${from}"`);
  const today = now.toISOString().slice(0, 10);
  if (from <= today) throw new Error(`a new key must start after today (${today}); got ${from}`);
  const file = partyKeysFile(config);
  if (!fs.existsSync(file)) throw new Error(`no party keys at ${file}; bring the network up first`);
  const keys = readKeys(file);
  const latest = keys.reduce((m, k) => (k.from > m ? k.from : m), '');
  if (from <= latest) throw new Error(`a key already starts on ${latest}; a new one must start later`);
  const id = `pk-${String(keys.length + 1)}`;
  writeKeys(file, [...keys, { id, from, secret: randomBytes(32).toString('hex') }]);
  return { id, from };
}
