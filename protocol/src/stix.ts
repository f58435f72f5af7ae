import { ChaincodeError } from './errors';
import { tlpFromMarkings } from './tlp';
import type { TlpLevel } from './tlp';
import { UUID_RE } from './constants';
import { checkStixRules } from './stix-rules';

/** STIX 2.1 cyber-observable types: their ids are UUIDv5 of their values, so guessable (not recorded). */
export const SCO_TYPES: ReadonlySet<string> = new Set([
  'artifact',
  'autonomous-system',
  'directory',
  'domain-name',
  'email-addr',
  'email-message',
  'file',
  'ipv4-addr',
  'ipv6-addr',
  'mac-addr',
  'mutex',
  'network-traffic',
  'process',
  'software',
  'url',
  'user-account',
  'windows-registry-key',
  'x509-certificate',
]);

const TYPE_RE = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;
/**
 * Lower-case hex only. The OASIS identifier schema allows either case, but ids are compared and used
 * as ledger keys (ownership of an id, marking lookups), so one id in two spellings would be two
 * objects and an upper-case TLP marking id would escape its level: non-canonical case is refused.
 */
const TIMESTAMP_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?Z$/;

/** The facts of one STIX object version that the ledger records. */
export interface StixFacts {
  readonly id: string;
  readonly type: string;
  readonly specVersion: '2.1';
  readonly created: string;
  readonly modified: string;
  readonly tlp: TlpLevel;
  readonly confidence?: number;
  readonly labels?: readonly string[];
  readonly validUntil?: string;
  readonly revoked?: boolean;
  /** The identity the object names as its creator (`created_by_ref`). */
  readonly createdByRef?: string;
}

function invalid(reason: string): never {
  throw new ChaincodeError('INTEL_INVALID_OBJECT', reason);
}

/** True for an RFC 3339 UTC timestamp as STIX writes them, that is also a real date and time. */
export function isStixTimestamp(value: string): boolean {
  const m = TIMESTAMP_RE.exec(value);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  return (
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day &&
    date.getUTCHours() === hour &&
    date.getUTCMinutes() === minute &&
    second < 60
  );
}

/**
 * A fixed-width form of a STIX timestamp (nine fraction digits) whose string order is time order:
 * used in ledger keys and to compare timestamps written with different precision.
 */
export function timestampKey(value: string): string {
  const m = TIMESTAMP_RE.exec(value);
  if (!m) throw new ChaincodeError('INVALID_ARGUMENT', `not a STIX timestamp: ${value.slice(0, 40)}`);
  const base = value.slice(0, 19);
  return `${base}.${(m[7] ?? '').padEnd(9, '0')}Z`;
}

/** Why `id` is not a canonical STIX id (`type--uuid`, lower case), or null when it is. */
function idProblem(id: string, type: string): string | null {
  if (isStixId(id, type)) return null;
  if (isStixId(id.toLowerCase(), type)) return `ids are lower case: write ${id.toLowerCase().slice(0, 120)}`;
  return `must be "${type}--<uuid>"`;
}

export function isStixId(id: string, type?: string): boolean {
  const sep = id.indexOf('--');
  if (sep <= 0) return false;
  const t = id.slice(0, sep);
  if (type !== undefined && t !== type) return false;
  return TYPE_RE.test(t) && t.length >= 3 && t.length <= 250 && UUID_RE.test(id.slice(sep + 2));
}

function optionalTimestamp(obj: Record<string, unknown>, key: string): string | undefined {
  const v = obj[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || !isStixTimestamp(v)) invalid(`${key} must be a STIX timestamp`);
  return v;
}

function markingRef(ref: unknown, where: string): string {
  if (typeof ref !== 'string') throw new ChaincodeError('TLP_UNKNOWN', `${where} must be a marking-definition id`);
  const problem = idProblem(ref, 'marking-definition');
  if (problem !== null) throw new ChaincodeError('TLP_UNKNOWN', `${where} ${problem}`);
  return ref;
}

/**
 * Every marking that applies to the object or any part of it: `object_marking_refs` and the
 * `marking_ref` of each granular marking (a granular marking with only `lang` marks a language, not a
 * sharing level). A marking on one property limits the whole record, since the content is stored whole.
 */
export function markingRefs(obj: Record<string, unknown>): string[] {
  const refs: string[] = [];
  const objectRefs = obj.object_marking_refs;
  if (objectRefs !== undefined) {
    if (!Array.isArray(objectRefs)) throw new ChaincodeError('TLP_UNKNOWN', 'object_marking_refs must be a list of marking-definition ids');
    for (const r of objectRefs) refs.push(markingRef(r, 'object_marking_refs'));
  }
  const granular = obj.granular_markings;
  if (granular !== undefined) {
    if (!Array.isArray(granular)) throw new ChaincodeError('TLP_UNKNOWN', 'granular_markings must be a list');
    for (const g of granular) {
      if (typeof g !== 'object' || g === null || Array.isArray(g))
        throw new ChaincodeError('TLP_UNKNOWN', 'a granular marking must be an object');
      const m = g as Record<string, unknown>;
      if (!Array.isArray(m.selectors) || m.selectors.length === 0 || m.selectors.some((x) => typeof x !== 'string' || x === ''))
        throw new ChaincodeError('TLP_UNKNOWN', 'a granular marking needs a non-empty list of selectors');
      if (m.marking_ref !== undefined) refs.push(markingRef(m.marking_ref, 'granular_markings marking_ref'));
      else if (typeof m.lang !== 'string') throw new ChaincodeError('TLP_UNKNOWN', 'a granular marking needs a marking_ref (or a lang)');
    }
  }
  return refs;
}

/**
 * Checks one STIX 2.1 object (parsed JSON) and returns what the ledger records of it. Refuses
 * cyber-observables (they take observable statements, see observable.ts) and marking definitions with INTEL_UNSUPPORTED_OBJECT, everything malformed with
 * INTEL_INVALID_OBJECT (or TLP_UNKNOWN for a marking list that is not a list of marking ids).
 */
export function stixFacts(object: unknown): StixFacts {
  if (typeof object !== 'object' || object === null || Array.isArray(object)) invalid('a STIX object must be a JSON object');
  const obj = object as Record<string, unknown>;
  const type = obj.type;
  if (typeof type !== 'string' || !TYPE_RE.test(type) || type.length < 3 || type.length > 250) {
    invalid('type must be 3-250 characters of a-z, 0-9 and single hyphens');
  }
  if (type === 'bundle') invalid('a bundle is a transport wrapper: submit the objects it carries');
  if (SCO_TYPES.has(type)) {
    throw new ChaincodeError(
      'INTEL_UNSUPPORTED_OBJECT',
      `${type} is a cyber-observable: its id derives from its value, so it is never named in an intel statement; submit it with an observable statement (the SDK does)`,
    );
  }
  if (type === 'marking-definition') {
    throw new ChaincodeError(
      'INTEL_UNSUPPORTED_OBJECT',
      'marking definitions are not recorded; TLP markings are read from object_marking_refs',
    );
  }
  const id = obj.id;
  if (typeof id !== 'string') invalid(`id must be "${type}--<uuid>"`);
  const problem = idProblem(id, type);
  if (problem !== null) invalid(`id ${problem}`);
  if (obj.spec_version !== '2.1') invalid('spec_version must be "2.1"');
  const created = obj.created;
  const modified = obj.modified;
  if (typeof created !== 'string' || !isStixTimestamp(created)) invalid('created must be a STIX timestamp (YYYY-MM-DDTHH:MM:SS[.s+]Z)');
  if (typeof modified !== 'string' || !isStixTimestamp(modified)) invalid('modified must be a STIX timestamp (YYYY-MM-DDTHH:MM:SS[.s+]Z)');
  if (timestampKey(modified) < timestampKey(created)) invalid('modified must not be earlier than created');
  checkStixRules(obj);

  const facts: { -readonly [K in keyof StixFacts]: StixFacts[K] } = {
    id,
    type,
    specVersion: '2.1',
    created,
    modified,
    tlp: tlpFromMarkings(markingRefs(obj), obj.labels),
  };
  const confidence = obj.confidence;
  if (confidence !== undefined) {
    if (typeof confidence !== 'number' || !Number.isInteger(confidence) || confidence < 0 || confidence > 100)
      invalid('confidence must be an integer 0-100');
    facts.confidence = confidence;
  }
  const labels = obj.labels;
  if (labels !== undefined) {
    if (!Array.isArray(labels) || labels.length > 100 || labels.some((l) => typeof l !== 'string' || l.length === 0 || l.length > 200)) {
      invalid('labels must be a list of at most 100 non-empty strings');
    }
    facts.labels = labels as string[];
  }
  const validUntil = optionalTimestamp(obj, 'valid_until');
  if (validUntil !== undefined) facts.validUntil = validUntil;
  const revoked = obj.revoked;
  if (revoked !== undefined) {
    if (typeof revoked !== 'boolean') invalid('revoked must be a boolean');
    facts.revoked = revoked;
  }
  const createdBy = obj.created_by_ref;
  if (createdBy !== undefined) {
    if (typeof createdBy !== 'string' || !isStixId(createdBy, 'identity')) invalid('created_by_ref must be the id of an identity');
    facts.createdByRef = createdBy;
  }
  return facts;
}
