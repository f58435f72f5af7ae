/**
 * STIX cyber-observables (ipv4-addr, domain-name, url, file, ...) without revealing them. Their ids are
 * UUIDv5 of their values, so anyone can enumerate candidate values and compare ids: neither the id nor
 * the value may be public. The producer signs an observable statement that names only the type, the
 * TLP and a salted commitment; the operators' chaincode, which holds a key no member has, derives
 * keyed tags of the id and of each value (one per file hash algorithm), and a ledger handle that
 * stands in for the id. Values are canonicalised first, so that `Evil.Example` and `evil.example`,
 * or `2001:db8:0:0:0:0:0:1` and `2001:db8::1`, are one observable.
 */
import { createHmac } from 'node:crypto';
import { domainToASCII } from 'node:url';

import type { JSONSchemaType } from 'ajv';

import { argument } from './arguments';
import { INSTITUTION_ID_PATTERN, MSP_ID_PATTERN } from './constants';
import { ChaincodeError } from './errors';
import { isStixId, markingRefs, SCO_TYPES } from './stix';
import { isStrict, TLP_LEVELS, tlpFromMarkings } from './tlp';
import type { TlpLevel } from './tlp';

export const OBSERVABLE_STATEMENT_PURPOSE = 'xborder/observable-statement/v1';

/** Observables have no versions: every record of one carries this `modified`. */
export const OBSERVABLE_VERSION = '1970-01-01T00:00:00.000Z';

/** The ledger handle's type: a record of an observable is listed under `observable--<uuid>`. */
export const OBSERVABLE_HANDLE_TYPE = 'observable';

/** What a producer signs for one observable: no id and no value, only what the public record shows. */
export interface ObservableStatement {
  readonly purpose: typeof OBSERVABLE_STATEMENT_PURPOSE;
  readonly contentCommitment: string;
  readonly stixType: string;
  readonly tlp: TlpLevel;
  readonly institution: string;
  readonly mspId: string;
}

const statementShape = argument<ObservableStatement>(
  {
    type: 'object',
    required: ['purpose', 'contentCommitment', 'stixType', 'tlp', 'institution', 'mspId'],
    additionalProperties: false,
    properties: {
      purpose: { type: 'string', const: OBSERVABLE_STATEMENT_PURPOSE },
      contentCommitment: { type: 'string', pattern: '^[0-9a-f]{64}$' },
      stixType: { type: 'string', enum: [...SCO_TYPES] },
      tlp: { type: 'string', enum: [...TLP_LEVELS] },
      institution: { type: 'string', pattern: INSTITUTION_ID_PATTERN },
      mspId: { type: 'string', pattern: MSP_ID_PATTERN },
    },
  } as unknown as JSONSchemaType<ObservableStatement>,
  'INVALID_ARGUMENT',
  'observable statement',
);

export function parseObservableStatement(value: unknown): ObservableStatement {
  return statementShape(value);
}

/** Whether a parsed statement object claims to be an observable statement. */
export function isObservableStatementValue(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (value as { purpose?: unknown }).purpose === OBSERVABLE_STATEMENT_PURPOSE;
}

/** What the ledger may know of an observable (from its content, checked). */
export interface ObservableFacts {
  readonly id: string;
  readonly type: string;
  readonly tlp: TlpLevel;
  /** The canonical values it is tagged by: `kind` names the property (`value`, a hash algorithm, ...). */
  readonly values: readonly { readonly kind: string; readonly value: string }[];
}

function invalid(reason: string): never {
  throw new ChaincodeError('INTEL_INVALID_OBJECT', reason);
}

const HASH_ALGORITHMS: Readonly<Record<string, string>> = {
  MD5: 'MD5',
  'SHA-1': 'SHA-1',
  SHA1: 'SHA-1',
  'SHA-256': 'SHA-256',
  SHA256: 'SHA-256',
  'SHA-512': 'SHA-512',
  SHA512: 'SHA-512',
  'SHA3-256': 'SHA3-256',
  'SHA3-512': 'SHA3-512',
  SSDEEP: 'SSDEEP',
  TLSH: 'TLSH',
};

/** RFC 3986 unreserved characters: percent-encoding them changes nothing (section 6.2.2.2). */
const UNRESERVED = /[A-Za-z0-9\-._~]/;

/**
 * A URL as analysts mean it: the WHATWG form (scheme and host in lower case, default port dropped,
 * path resolved), percent-encodings in upper case with unreserved characters decoded, and no fragment
 * (it never leaves the browser).
 */
function canonicalUrl(v: string): string {
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    return v;
  }
  url.hash = '';
  return url.href.replace(/%([0-9a-fA-F]{2})/g, (_m, hex: string) => {
    const c = String.fromCharCode(parseInt(hex, 16));
    return UNRESERVED.test(c) ? c : `%${hex.toUpperCase()}`;
  });
}

/** A bare address stays bare; a single-address CIDR (`/32`, `/128`) is the address itself. */
function withoutHostPrefix(address: string, bits: string): string {
  return address.endsWith(`/${bits}`) ? address.slice(0, -bits.length - 1) : address;
}

/** The canonical spelling of one observable value of a type, or an INTEL_INVALID_OBJECT error. */
export function canonicalObservableValue(type: string, kind: string, raw: string): string {
  const v = raw.trim();
  if (v === '' || v.length > 2048) invalid(`${type} ${kind} must be 1-2048 characters`);
  switch (type) {
    case 'domain-name': {
      // a fully qualified name's trailing dot names the same domain
      const ascii = domainToASCII(v.toLowerCase().replace(/\.$/, ''));
      if (ascii === '') invalid(`domain-name value "${v.slice(0, 60)}" is not a domain name`);
      return ascii;
    }
    case 'ipv6-addr': {
      const [address = '', prefix] = withoutHostPrefix(v, '128').split('/');
      let host: string;
      try {
        host = new URL(`http://[${address}]/`).hostname.slice(1, -1);
      } catch {
        return invalid(`ipv6-addr value "${v.slice(0, 60)}" is not an IPv6 address`);
      }
      return prefix === undefined ? host : `${host}/${prefix}`;
    }
    case 'ipv4-addr':
      return withoutHostPrefix(v.toLowerCase(), '32');
    case 'email-addr':
    case 'mac-addr':
      return v.toLowerCase();
    case 'url':
      return canonicalUrl(v);
    case 'autonomous-system':
      // AS174, as174 and 174 are one number
      return /^as\d+$/i.test(v) ? v.slice(2) : v;
    case 'file':
      if (!/^[0-9A-Fa-f]+$/.test(v) && kind !== 'SSDEEP' && kind !== 'TLSH') invalid(`file hash ${kind} must be hexadecimal`);
      return v.toLowerCase();
    default:
      return v;
  }
}

/**
 * Every spelling a value may have been recorded under: its canonical form first, then the forms
 * earlier releases kept (a trailing dot, a `/32` or `/128`, a URL's fragment and encodings), so that
 * "seen" finds records written before the canonical forms were widened.
 */
export function observableSpellings(type: string, kind: string, raw: string): string[] {
  const canonical = canonicalObservableValue(type, kind, raw);
  const v = raw.trim();
  const earlier: string[] = [];
  if (type === 'domain-name') earlier.push(`${canonical}.`);
  if (type === 'ipv4-addr') earlier.push(`${canonical}/32`, v.toLowerCase());
  if (type === 'ipv6-addr' && !canonical.includes('/')) earlier.push(`${canonical}/128`);
  if (type === 'url') {
    try {
      earlier.push(new URL(v).href);
    } catch {
      // not a URL: recorded as given
    }
  }
  return [...new Set([canonical, ...earlier])];
}

/** The values an observable is tagged by: its `value` (or number), and for files each hash. */
function observableValues(type: string, obj: Record<string, unknown>): { kind: string; value: string }[] {
  if (type === 'file') {
    const hashes = obj.hashes;
    if (hashes === undefined) return [];
    if (typeof hashes !== 'object' || hashes === null || Array.isArray(hashes)) invalid('file hashes must be an object');
    const out: { kind: string; value: string }[] = [];
    for (const [algorithm, value] of Object.entries(hashes as Record<string, unknown>)) {
      if (typeof value !== 'string') invalid(`file hash ${algorithm} must be a string`);
      const kind = HASH_ALGORITHMS[algorithm.toUpperCase()] ?? algorithm.toUpperCase();
      out.push({ kind, value: canonicalObservableValue(type, kind, value) });
    }
    return out;
  }
  if (type === 'autonomous-system') return typeof obj.number === 'number' ? [{ kind: 'number', value: String(obj.number) }] : [];
  const value = obj.value;
  if (value === undefined) return [];
  if (typeof value !== 'string') invalid(`${type} value must be a string`);
  return [{ kind: 'value', value: canonicalObservableValue(type, 'value', value) }];
}

/**
 * Checks one cyber-observable (parsed JSON) and returns what the operators' chaincode tags. Strict
 * levels are refused: tagging needs both operators' endorsers to see the value, and AMBER+STRICT and
 * RED content reaches the producer's own organisation only.
 */
export function observableFacts(object: unknown): ObservableFacts {
  if (typeof object !== 'object' || object === null || Array.isArray(object)) invalid('a STIX object must be a JSON object');
  const obj = object as Record<string, unknown>;
  const type = obj.type;
  if (typeof type !== 'string' || !SCO_TYPES.has(type)) invalid('not a STIX cyber-observable type');
  const id = obj.id;
  if (typeof id !== 'string' || !isStixId(id, type)) invalid(`id must be "${type}--<uuid>" in lower case`);
  if (obj.spec_version !== undefined && obj.spec_version !== '2.1') invalid('spec_version must be "2.1"');
  const tlp = tlpFromMarkings(markingRefs(obj));
  if (isStrict(tlp)) {
    throw new ChaincodeError(
      'INTEL_UNSUPPORTED_OBJECT',
      `${tlp} observables are not recorded: their keyed tags need both operators' endorsers to see the value; share them inside an object at that level`,
    );
  }
  return { id, type, tlp, values: observableValues(type, obj) };
}

function hmacHex(key: Uint8Array, message: string): string {
  return createHmac('sha256', key).update(message).digest('hex');
}

/** The keyed tag of an observable's id. */
export function observableIdTag(key: Uint8Array, stixId: string): string {
  return hmacHex(key, `xborder/observable/v1\u0000id\u0000${stixId}`);
}

/** The keyed tag of one canonical value (a `seen` query computes the same tag). */
export function observableValueTag(key: Uint8Array, type: string, kind: string, canonicalValue: string): string {
  return hmacHex(key, `xborder/observable/v1\u0000${type}\u0000${kind}\u0000${canonicalValue}`);
}

/**
 * The ledger handle of one producer's record of an observable: `observable--<uuid>` from a keyed hash
 * of the id tag and the producer, so each producer has its own record and the handle reveals nothing.
 */
export function observableHandle(key: Uint8Array, idTag: string, producer: string): string {
  const h = hmacHex(key, `xborder/observable/v1\u0000handle\u0000${idTag}\u0000${producer}`);
  // a version-4-shaped UUID (random-looking bits), so the handle passes the STIX id pattern
  return `${OBSERVABLE_HANDLE_TYPE}--${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${((parseInt(h.slice(16, 17), 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The tags of an observable under a key: its id's and each of its values'. */
export function observableTags(key: Uint8Array, facts: ObservableFacts): { idTag: string; tags: string[] } {
  const idTag = observableIdTag(key, facts.id);
  const tags = [...new Set(facts.values.map((v) => observableValueTag(key, facts.type, v.kind, v.value)))];
  return { idTag, tags };
}

/**
 * The `seen` question's value, canonicalised as the tags were: a file hash is given as
 * `<algorithm>:<hex>` or as bare hex (its length names the algorithm).
 */
export function seenQueryValue(type: string, value: string): { kind: string; value: string } {
  const { kind, values } = seenQueryValues(type, value);
  return { kind, value: values[0] ?? '' };
}

/** A question's value as every spelling it may have been recorded under (canonical first). */
export function seenQueryValues(type: string, value: string): { kind: string; values: string[] } {
  if (!SCO_TYPES.has(type)) throw new ChaincodeError('INVALID_ARGUMENT', `${type.slice(0, 40)} is not a cyber-observable type`);
  if (type === 'file') {
    const m = /^([A-Za-z0-9-]+):(.+)$/.exec(value.trim());
    const byLength: Readonly<Record<number, string>> = { 32: 'MD5', 40: 'SHA-1', 64: 'SHA-256', 128: 'SHA-512' };
    const kind = m ? (HASH_ALGORITHMS[(m[1] ?? '').toUpperCase()] ?? (m[1] ?? '').toUpperCase()) : byLength[value.trim().length];
    if (kind === undefined)
      throw new ChaincodeError('INVALID_ARGUMENT', 'a file is asked for by hash: <algorithm>:<hex> or hex of 32, 40, 64 or 128 digits');
    return { kind, values: observableSpellings('file', kind, m ? (m[2] ?? '') : value) };
  }
  const kind = type === 'autonomous-system' ? 'number' : 'value';
  return { kind, values: observableSpellings(type, kind, value) };
}

/** Questions an institution may ask (`AskSeen`) per day (UTC, by transaction time). */
export const SEEN_DAILY_LIMIT = 1000;

/** The question of `AskSeen` (transient `query`). */
export interface SeenQuery {
  readonly type: string;
  readonly value: string;
}

export const seenQueryArgument = argument<SeenQuery>(
  {
    type: 'object',
    required: ['type', 'value'],
    additionalProperties: false,
    properties: { type: { type: 'string', enum: [...SCO_TYPES] }, value: { type: 'string', minLength: 1, maxLength: 2048 } },
  } as unknown as JSONSchemaType<SeenQuery>,
  'INVALID_ARGUMENT',
  'query',
);

/** What `AskSeen` returns: the question's id (its transaction) to read the answer with, and the day's count. */
export interface SeenQuestion {
  readonly questionId: string;
  readonly askedToday: number;
  readonly dailyLimit: number;
}

/** What `GetSeenAnswer` answers: how many producers recorded the value, when, and who. */
export interface SeenAnswer {
  readonly type: string;
  readonly count: number;
  readonly firstSeen: string | null;
  readonly lastSeen: string | null;
  readonly producers: readonly string[];
  /** How many of those records their producers revoked. */
  readonly revoked: number;
}

/** One comparison of a simple STIX pattern: `<type>:value = '...'`, `file:hashes.'SHA-256' = '...'`, `autonomous-system:number = 174`. */
const COMPARISON =
  /\s*([a-z0-9]+(?:-[a-z0-9]+)*):(value|number|hashes\.(?:'([^']+)'|([A-Za-z0-9-]+)))\s*=\s*(?:'((?:\\.|[^'\\])*)'|(\d+))\s*/y;

/**
 * The cyber-observable values an indicator's STIX pattern names, when the pattern is of the simple
 * form analysts share: observations `[...]` of equality comparisons, joined by OR inside and between
 * them. Anything else (AND, other operators, qualifiers) names no values here: "seen" answers only
 * for what a pattern plainly says.
 */
export function patternValues(pattern: string): { type: string; kind: string; value: string }[] {
  const values: { type: string; kind: string; value: string }[] = [];
  let i = 0;
  const skip = (): void => {
    while (i < pattern.length && /\s/.test(pattern[i] ?? '')) i++;
  };
  const word = (w: string): boolean => {
    skip();
    if (pattern.slice(i, i + w.length).toUpperCase() === w && !/[A-Za-z]/.test(pattern[i + w.length] ?? '')) {
      i += w.length;
      return true;
    }
    return false;
  };
  for (;;) {
    skip();
    if (pattern[i] !== '[') return [];
    i++;
    for (;;) {
      COMPARISON.lastIndex = i;
      const m = COMPARISON.exec(pattern);
      if (!m) return [];
      i = COMPARISON.lastIndex;
      const [, type = '', path = '', quotedHash, bareHash, text, digits] = m;
      if (!SCO_TYPES.has(type)) return [];
      if (path === 'number') {
        if (type !== 'autonomous-system' || digits === undefined) return [];
        values.push({ type, kind: 'number', value: digits });
      } else if (path === 'value') {
        if (text === undefined) return [];
        values.push({ type, kind: 'value', value: text.replace(/\\(.)/g, '$1') });
      } else {
        const algorithm = (quotedHash ?? bareHash ?? '').toUpperCase();
        if (type !== 'file' || text === undefined) return [];
        values.push({ type, kind: HASH_ALGORITHMS[algorithm] ?? algorithm, value: text });
      }
      if (word('OR')) continue;
      skip();
      if (pattern[i] !== ']') return [];
      i++;
      break;
    }
    skip();
    if (i >= pattern.length) return values;
    if (!word('OR')) return [];
  }
}
