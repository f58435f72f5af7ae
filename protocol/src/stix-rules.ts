/**
 * The MUST rules of STIX 2.1 per object type that readers rely on: required properties, what a
 * reference may point at (a relationship joins SDOs and SCOs, never another relationship), the
 * required-one-of of a location, the ranges of counts and coordinates, the order of time pairs,
 * the shape of external references and kill chain phases. An object that breaks one would break the
 * tools that read it back (the OASIS `stix2` library raises on the whole collection), so it is refused
 * before anything is signed. Custom objects (`x-` types) and custom properties (`x_`) are accepted.
 */
import { ChaincodeError } from './errors';

/** STIX 2.1 domain object types. */
export const SDO_TYPES: ReadonlySet<string> = new Set([
  'attack-pattern',
  'campaign',
  'course-of-action',
  'grouping',
  'identity',
  'incident',
  'indicator',
  'infrastructure',
  'intrusion-set',
  'location',
  'malware',
  'malware-analysis',
  'note',
  'observed-data',
  'opinion',
  'report',
  'threat-actor',
  'tool',
  'vulnerability',
]);

/** Types a relationship may not join (relationship objects and meta objects). */
const NOT_AN_ENDPOINT: ReadonlySet<string> = new Set([
  'relationship',
  'sighting',
  'marking-definition',
  'language-content',
  'extension-definition',
  'bundle',
]);

const ID_RE = /^([a-z][a-z0-9]*(?:-[a-z0-9]+)*)--[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const TIMESTAMP_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?Z$/;

function invalid(type: string, reason: string): never {
  throw new ChaincodeError('INTEL_INVALID_OBJECT', `${type}: ${reason} (STIX 2.1)`);
}

/** The type named by an id, or undefined when it is not an id. */
function typeOfId(value: unknown): string | undefined {
  return typeof value === 'string' ? ID_RE.exec(value)?.[1] : undefined;
}

type Obj = Record<string, unknown>;

function nonEmptyString(o: Obj, type: string, key: string): void {
  const v = o[key];
  if (typeof v !== 'string' || v.trim() === '') invalid(type, `${key} is required (a non-empty string)`);
}

function optionalString(o: Obj, type: string, key: string): void {
  if (o[key] !== undefined && typeof o[key] !== 'string') invalid(type, `${key} must be a string`);
}

function timestamp(o: Obj, type: string, key: string, required: boolean): string | undefined {
  const v = o[key];
  if (v === undefined) {
    if (required) invalid(type, `${key} is required (a timestamp)`);
    return undefined;
  }
  if (typeof v !== 'string' || !TIMESTAMP_RE.test(v) || Number.isNaN(Date.parse(v))) invalid(type, `${key} must be a timestamp`);
  return v;
}

/** `later` is not before `earlier` (both optional); `strict` requires it to be after. */
function ordered(type: string, earlier: [string, string | undefined], later: [string, string | undefined], strict = false): void {
  const [a, at] = earlier;
  const [b, bt] = later;
  if (at === undefined || bt === undefined) return;
  const d = Date.parse(bt) - Date.parse(at);
  if (d < 0 || (strict && d === 0)) invalid(type, `${b} must be ${strict ? 'after' : 'at or after'} ${a}`);
}

/** A list of ids, each of one of the allowed types (any type when `allowed` is undefined). */
function refs(o: Obj, type: string, key: string, options: { required?: boolean; allowed?: (t: string) => boolean; what?: string }): void {
  const v = o[key];
  if (v === undefined) {
    if (options.required === true) invalid(type, `${key} is required (a non-empty list of ids)`);
    return;
  }
  if (!Array.isArray(v) || (options.required === true && v.length === 0)) invalid(type, `${key} must be a non-empty list of ids`);
  for (const r of v) {
    const t = typeOfId(r);
    if (t === undefined) invalid(type, `${key} must hold STIX ids`);
    if (options.allowed && !options.allowed(t)) invalid(type, `${key} must reference ${options.what ?? 'other objects'}, not a ${t}`);
  }
}

function ref(o: Obj, type: string, key: string, options: { required?: boolean; allowed: (t: string) => boolean; what: string }): void {
  const v = o[key];
  if (v === undefined) {
    if (options.required === true) invalid(type, `${key} is required`);
    return;
  }
  const t = typeOfId(v);
  if (t === undefined) invalid(type, `${key} must be a STIX id`);
  if (!options.allowed(t)) invalid(type, `${key} must reference ${options.what}, not a ${t}`);
}

function integer(o: Obj, type: string, key: string, min: number, max: number, required = false): void {
  const v = o[key];
  if (v === undefined) {
    if (required) invalid(type, `${key} is required`);
    return;
  }
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
    invalid(type, `${key} must be an integer ${String(min)}-${String(max)}`);
}

function number(o: Obj, type: string, key: string, min: number, max: number): void {
  const v = o[key];
  if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max))
    invalid(type, `${key} must be a number ${String(min)} to ${String(max)}`);
}

function stringList(o: Obj, type: string, key: string, required = false): void {
  const v = o[key];
  if (v === undefined) {
    if (required) invalid(type, `${key} is required (a non-empty list of strings)`);
    return;
  }
  if (!Array.isArray(v) || v.length === 0 || v.some((s) => typeof s !== 'string'))
    invalid(type, `${key} must be a non-empty list of strings`);
}

const isEndpoint = (t: string): boolean => !NOT_AN_ENDPOINT.has(t);
const isSdo = (t: string): boolean => SDO_TYPES.has(t) || t.startsWith('x-');

function externalReference(e: unknown, type: string): void {
  if (typeof e !== 'object' || e === null || Array.isArray(e)) invalid(type, 'each external reference must be an object');
  const r = e as Obj;
  nonEmptyString(r, type, 'source_name');
  for (const k of ['description', 'url', 'external_id']) optionalString(r, type, k);
  if (r.description === undefined && r.url === undefined && r.external_id === undefined)
    invalid(type, 'an external reference needs a description, url or external_id besides its source_name');
  if ((r.source_name === 'cve' || r.source_name === 'capec') && typeof r.external_id !== 'string')
    invalid(type, `an external reference to ${r.source_name} needs its external_id`);
  if (r.hashes !== undefined && r.url === undefined) invalid(type, 'an external reference with hashes needs its url');
}

function killChainPhase(p: unknown, type: string): void {
  if (typeof p !== 'object' || p === null || Array.isArray(p)) invalid(type, 'each kill chain phase must be an object');
  nonEmptyString(p as Obj, type, 'kill_chain_name');
  nonEmptyString(p as Obj, type, 'phase_name');
}

/** `external_references` and `kill_chain_phases`, wherever they appear. */
function commonLists(o: Obj, type: string): void {
  for (const [key, each] of [
    ['external_references', externalReference],
    ['kill_chain_phases', killChainPhase],
  ] as const) {
    const list = o[key];
    if (list === undefined) continue;
    if (!Array.isArray(list)) invalid(type, `${key} must be a list`);
    for (const item of list) each(item, type);
  }
}

/** Rules per type, for the properties each one requires or constrains. */
const RULES: Readonly<Record<string, (o: Obj, type: string) => void>> = {
  'attack-pattern': (o, t) => {
    nonEmptyString(o, t, 'name');
  },
  campaign: (o, t) => {
    nonEmptyString(o, t, 'name');
    ordered(t, ['first_seen', timestamp(o, t, 'first_seen', false)], ['last_seen', timestamp(o, t, 'last_seen', false)]);
  },
  'course-of-action': (o, t) => {
    nonEmptyString(o, t, 'name');
  },
  grouping: (o, t) => {
    nonEmptyString(o, t, 'context');
    refs(o, t, 'object_refs', { required: true });
  },
  identity: (o, t) => {
    nonEmptyString(o, t, 'name');
  },
  incident: (o, t) => {
    nonEmptyString(o, t, 'name');
  },
  indicator: (o, t) => {
    nonEmptyString(o, t, 'pattern');
    nonEmptyString(o, t, 'pattern_type');
    ordered(t, ['valid_from', timestamp(o, t, 'valid_from', true)], ['valid_until', timestamp(o, t, 'valid_until', false)], true);
  },
  infrastructure: (o, t) => {
    nonEmptyString(o, t, 'name');
    ordered(t, ['first_seen', timestamp(o, t, 'first_seen', false)], ['last_seen', timestamp(o, t, 'last_seen', false)]);
  },
  'intrusion-set': (o, t) => {
    nonEmptyString(o, t, 'name');
    ordered(t, ['first_seen', timestamp(o, t, 'first_seen', false)], ['last_seen', timestamp(o, t, 'last_seen', false)]);
  },
  location: (o, t) => {
    const hasLat = o.latitude !== undefined;
    const hasLon = o.longitude !== undefined;
    if (o.region === undefined && o.country === undefined && !(hasLat && hasLon))
      invalid(t, 'needs at least one of region, country, or latitude with longitude');
    if (hasLat !== hasLon) invalid(t, 'latitude and longitude go together');
    if (o.precision !== undefined && !(hasLat && hasLon)) invalid(t, 'precision needs latitude and longitude');
    number(o, t, 'latitude', -90, 90);
    number(o, t, 'longitude', -180, 180);
    number(o, t, 'precision', 0, Number.MAX_SAFE_INTEGER);
  },
  malware: (o, t) => {
    if (typeof o.is_family !== 'boolean') invalid(t, 'is_family is required (true or false)');
    if (o.is_family) nonEmptyString(o, t, 'name');
    ordered(t, ['first_seen', timestamp(o, t, 'first_seen', false)], ['last_seen', timestamp(o, t, 'last_seen', false)]);
    refs(o, t, 'sample_refs', { allowed: (x) => x === 'file' || x === 'artifact', what: 'files or artifacts' });
  },
  'malware-analysis': (o, t) => {
    nonEmptyString(o, t, 'product');
    if (o.result === undefined && o.analysis_sco_refs === undefined) invalid(t, 'needs a result or analysis_sco_refs');
  },
  note: (o, t) => {
    nonEmptyString(o, t, 'content');
    refs(o, t, 'object_refs', { required: true });
  },
  'observed-data': (o, t) => {
    ordered(t, ['first_observed', timestamp(o, t, 'first_observed', true)], ['last_observed', timestamp(o, t, 'last_observed', true)]);
    integer(o, t, 'number_observed', 1, 999_999_999, true);
    if (o.object_refs === undefined && o.objects === undefined) invalid(t, 'needs object_refs');
    if (o.object_refs !== undefined && o.objects !== undefined) invalid(t, 'object_refs and objects are exclusive');
    // SCOs, and relationships between them
    refs(o, t, 'object_refs', {
      allowed: (x) => !SDO_TYPES.has(x) && (isEndpoint(x) || x === 'relationship'),
      what: 'cyber-observables and their relationships',
    });
  },
  opinion: (o, t) => {
    if (!['strongly-disagree', 'disagree', 'neutral', 'agree', 'strongly-agree'].includes(String(o.opinion)))
      invalid(t, 'opinion must be strongly-disagree, disagree, neutral, agree or strongly-agree');
    refs(o, t, 'object_refs', { required: true });
  },
  report: (o, t) => {
    nonEmptyString(o, t, 'name');
    timestamp(o, t, 'published', true);
    refs(o, t, 'object_refs', { required: true });
  },
  'threat-actor': (o, t) => {
    nonEmptyString(o, t, 'name');
    ordered(t, ['first_seen', timestamp(o, t, 'first_seen', false)], ['last_seen', timestamp(o, t, 'last_seen', false)]);
  },
  tool: (o, t) => {
    nonEmptyString(o, t, 'name');
  },
  vulnerability: (o, t) => {
    nonEmptyString(o, t, 'name');
  },
  relationship: (o, t) => {
    nonEmptyString(o, t, 'relationship_type');
    ref(o, t, 'source_ref', { required: true, allowed: isEndpoint, what: 'an SDO or SCO' });
    ref(o, t, 'target_ref', { required: true, allowed: isEndpoint, what: 'an SDO or SCO' });
    ordered(t, ['start_time', timestamp(o, t, 'start_time', false)], ['stop_time', timestamp(o, t, 'stop_time', false)], true);
  },
  sighting: (o, t) => {
    ref(o, t, 'sighting_of_ref', { required: true, allowed: isSdo, what: 'an SDO' });
    refs(o, t, 'observed_data_refs', { allowed: (x) => x === 'observed-data', what: 'observed-data' });
    refs(o, t, 'where_sighted_refs', { allowed: (x) => x === 'identity' || x === 'location', what: 'identities or locations' });
    integer(o, t, 'count', 0, 999_999_999);
    ordered(t, ['first_seen', timestamp(o, t, 'first_seen', false)], ['last_seen', timestamp(o, t, 'last_seen', false)]);
  },
};

/** Lists some types' vocabularies require to be non-empty when present. */
const LISTS: readonly [string, string][] = [
  ['indicator', 'indicator_types'],
  ['malware', 'malware_types'],
  ['tool', 'tool_types'],
  ['report', 'report_types'],
  ['threat-actor', 'threat_actor_types'],
  ['infrastructure', 'infrastructure_types'],
  ['identity', 'roles'],
];

/**
 * Refuses (INTEL_INVALID_OBJECT) an object that breaks a MUST rule of its STIX 2.1 type. The common
 * properties (id, spec_version, created, modified, markings) are checked by the caller.
 */
export function checkStixRules(o: Obj): void {
  const type = String(o.type);
  commonLists(o, type);
  RULES[type]?.(o, type);
  for (const [t, key] of LISTS) if (t === type) stringList(o, type, key);
}
