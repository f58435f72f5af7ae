/**
 * xborder's STIX 2.1 checks against the OASIS `stix2-validator` as the oracle: every object the
 * validator reports an error for is refused before anything is signed; every SDO and SRO of published
 * data the validator accepts (the OASIS examples, the project's example bundles) is accepted, unless a
 * sharing rule of xborder refuses it (an unclassified marking, a cyber-observable or marking
 * definition, which go other ways). A messy corpus gives each rule an object that breaks it.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { expect } from 'chai';

import { ChaincodeError, stixFacts } from '@xborder/protocol';

import { REPO_ROOT } from '../../test/support/paths';
import { exampleObjects } from '../../test/support/stix-schemas';

const NOW = '2026-12-01T00:00:00.000Z';
const GREEN = 'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb';
const ATTACK_STATEMENT = 'marking-definition--fa42a846-8d90-4e51-bc29-71d5b4802168';

const id = (type: string): string => `${type}--${randomUUID()}`;
function sdo(type: string, props: Record<string, unknown>): Record<string, unknown> {
  return { type, spec_version: '2.1', id: id(type), created: NOW, modified: NOW, object_marking_refs: [GREEN], ...props };
}

/** Objects that break one STIX 2.1 rule each (expected: refused), and well-formed ones (expected: accepted). */
const MESSY: [string, Record<string, unknown>, 'refused' | 'accepted'][] = [
  [
    'relationship whose target is a relationship',
    sdo('relationship', { relationship_type: 'related-to', source_ref: id('indicator'), target_ref: id('relationship') }),
    'refused',
  ],
  ['relationship without relationship_type', sdo('relationship', { source_ref: id('indicator'), target_ref: id('malware') }), 'refused'],
  ['location with none of region, country, coordinates', sdo('location', { name: 'somewhere' }), 'refused'],
  ['location with a latitude alone', sdo('location', { latitude: 13.7 }), 'refused'],
  ['location latitude out of range', sdo('location', { latitude: 123, longitude: 100 }), 'refused'],
  ['sighting of a relationship', sdo('sighting', { sighting_of_ref: id('relationship') }), 'refused'],
  [
    'sighting whose observed data is an indicator',
    sdo('sighting', { sighting_of_ref: id('indicator'), observed_data_refs: [id('indicator')] }),
    'refused',
  ],
  [
    'sighting seen where a malware is',
    sdo('sighting', { sighting_of_ref: id('indicator'), where_sighted_refs: [id('malware')] }),
    'refused',
  ],
  [
    'sighting last seen before first seen',
    sdo('sighting', { sighting_of_ref: id('indicator'), first_seen: '2026-12-02T00:00:00Z', last_seen: '2026-12-01T00:00:00Z' }),
    'refused',
  ],
  [
    'indicator valid until before valid from',
    sdo('indicator', {
      pattern: "[url:value = 'https://a.example/']",
      pattern_type: 'stix',
      valid_from: '2026-12-02T00:00:00Z',
      valid_until: '2026-12-01T00:00:00Z',
    }),
    'refused',
  ],
  ['indicator without valid_from', sdo('indicator', { pattern: "[url:value = 'https://a.example/']", pattern_type: 'stix' }), 'refused'],
  ['malware without is_family', sdo('malware', { name: 'x' }), 'refused'],
  ['report without published', sdo('report', { name: 'r', object_refs: [id('indicator')] }), 'refused'],
  ['report without object_refs', sdo('report', { name: 'r', published: NOW }), 'refused'],
  [
    'external reference with a source name only',
    sdo('attack-pattern', { name: 'p', external_references: [{ source_name: 'somewhere' }] }),
    'refused',
  ],
  [
    'kill chain phase without its phase',
    sdo('attack-pattern', { name: 'p', kill_chain_phases: [{ kill_chain_name: 'mitre-attack' }] }),
    'refused',
  ],
  [
    'observed data of nothing observed',
    sdo('observed-data', { first_observed: NOW, last_observed: NOW, number_observed: 0, object_refs: [id('ipv4-addr')] }),
    'refused',
  ],
  ['opinion outside its vocabulary', sdo('opinion', { opinion: 'maybe', object_refs: [id('indicator')] }), 'refused'],
  ['attack pattern without a name', sdo('attack-pattern', {}), 'refused'],
  [
    'relationship indicator indicates malware',
    sdo('relationship', { relationship_type: 'indicates', source_ref: id('indicator'), target_ref: id('malware') }),
    'accepted',
  ],
  ['location by country', sdo('location', { country: 'TH' }), 'accepted'],
  [
    'sighting with observed data and a place',
    sdo('sighting', {
      sighting_of_ref: id('indicator'),
      observed_data_refs: [id('observed-data')],
      where_sighted_refs: [id('identity')],
      count: 3,
    }),
    'accepted',
  ],
  [
    'attack pattern as ATT&CK publishes it (statement marking, external id, kill chain)',
    {
      ...sdo('attack-pattern', {
        name: 'Phishing',
        external_references: [{ source_name: 'mitre-attack', external_id: 'T1566', url: 'https://attack.mitre.org/techniques/T1566' }],
        kill_chain_phases: [{ kill_chain_name: 'mitre-attack', phase_name: 'initial-access' }],
        x_mitre_platforms: ['Linux', 'Windows'],
        x_mitre_version: '1.0',
      }),
      object_marking_refs: [ATTACK_STATEMENT],
      created_by_ref: 'identity--c78cb6e5-0c4b-4611-8297-d1b8b55e40b5',
    },
    'accepted',
  ],
  ['a custom object with custom properties', { ...sdo('x-bank-case', { x_case_number: 'C-1' }) }, 'accepted'],
  ['malware instance without a name', sdo('malware', { is_family: false }), 'accepted'],
];

/** The validator's verdicts, one per object (the venv made by the project's script). */
function validate(objects: readonly Record<string, unknown>[]): { valid: boolean; errors: string[] }[] {
  const venv = execFileSync('bash', [path.join(REPO_ROOT, 'taxii', 'scripts', 'python-env.sh')], { encoding: 'utf8' }).trim();
  const out = execFileSync(path.join(venv, 'bin', 'python'), [path.join(REPO_ROOT, 'protocol', 'test', 'python', 'stix_validate.py')], {
    input: JSON.stringify(objects),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(out) as { valid: boolean; errors: string[] }[];
}

/** xborder's verdict: the code it refuses with, or null when it accepts. */
function xborder(object: Record<string, unknown>): string | null {
  try {
    stixFacts(object);
    return null;
  } catch (err) {
    if (err instanceof ChaincodeError) return `${err.code}: ${err.reason}`;
    throw err;
  }
}

/**
 * Refusals that are xborder's rules, not STIX's: unclassified markings, cyber-observables and marking
 * definitions (which go other ways), and ids in upper case (ids are compared and used as ledger keys
 * in their canonical lower case; SECURITY.md).
 */
const POLICY =
  /^(MARKING_UNCLASSIFIED|INTEL_UNSUPPORTED_OBJECT|TLP_UNKNOWN):|^INTEL_INVALID_OBJECT: [a-z_]*(id|ref|refs) ids are lower case/;

describe('STIX 2.1 checks against the OASIS stix2-validator', function () {
  this.timeout(180_000);

  it('the messy corpus: every object the validator refuses is refused, each well-formed one accepted', () => {
    const verdicts = validate(MESSY.map(([, o]) => o));
    MESSY.forEach(([what, object, expected], i) => {
      const oracle = verdicts[i];
      const ours = xborder(object);
      // the corpus is what it says it is: the oracle agrees with the expectation
      expect(oracle?.valid, `validator on "${what}": ${JSON.stringify(oracle?.errors)}`).to.equal(expected === 'accepted');
      if (expected === 'refused') expect(ours, what).to.match(/^INTEL_INVALID_OBJECT: /);
      else expect(ours, what).to.equal(null);
    });
  });

  it('published data: what the validator accepts is accepted, what it refuses is refused', () => {
    const published = [
      ...exampleObjects().map((e) => ({ from: e.file, object: e.object })),
      ...fs
        .readdirSync(path.join(REPO_ROOT, 'examples', 'intel'))
        .filter((f) => f.endsWith('.json'))
        .flatMap((f) =>
          (
            JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'examples', 'intel', f), 'utf8')) as { objects: Record<string, unknown>[] }
          ).objects.map((object) => ({ from: f, object })),
        ),
    ];
    const verdicts = validate(published.map((p) => p.object));
    let accepted = 0;
    published.forEach(({ from, object }, i) => {
      const oracle = verdicts[i];
      const ours = xborder(object);
      const what = `${from}: ${String(object.id)}`;
      if (oracle?.valid === false) expect(ours, `${what} (validator: ${JSON.stringify(oracle.errors)})`).to.not.equal(null);
      else if (ours !== null) expect(ours, what).to.match(POLICY);
      else accepted++;
    });
    expect(accepted, 'published objects accepted').to.be.greaterThan(20);
  });
});
