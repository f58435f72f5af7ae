import { ChaincodeError } from './errors';

/** Canonical TLP 2.0 levels, least to most restrictive. */
export const TLP_LEVELS = ['CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED'] as const;
export type TlpLevel = (typeof TLP_LEVELS)[number];

/**
 * Level used when an object carries no TLP marking. AMBER keeps unmarked intelligence inside the
 * HK-TH community (shared collection) without making it producer-only.
 */
export const DEFAULT_TLP: TlpLevel = 'AMBER';

/** Marking-definition ids that denote a TLP level, from every source seen in the wild. */
export const TLP_MARKING_IDS: Readonly<Record<string, TlpLevel>> = {
  // OASIS TLP 2.0 (cti-stix-common-objects, extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d)
  'marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487': 'CLEAR',
  'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb': 'GREEN',
  'marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421': 'AMBER',
  'marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003': 'AMBER+STRICT',
  'marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1': 'RED',
  // TLP 1.0, built into the STIX 2.1 specification (WHITE is CLEAR in TLP 2.0)
  'marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9': 'CLEAR',
  'marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da': 'GREEN',
  'marking-definition--f88d31f6-486f-44da-b317-01333bde0b82': 'AMBER',
  'marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed': 'RED',
  // OpenCTI's own AMBER+STRICT
  'marking-definition--826578e1-40ad-459f-bc73-ede076f81f37': 'AMBER+STRICT',
};

/**
 * Markings the operators classify as statements: copyright and licence notices, terms of use. They
 * travel with the object and restrict nothing about who may read it, so they do not change its level
 * (an object marked only with one is shared at {@link DEFAULT_TLP}). The list changes with a chaincode
 * release, which both operators approve.
 */
export const STATEMENT_MARKING_IDS: Readonly<Record<string, string>> = {
  // MITRE ATT&CK (Enterprise, Mobile, ICS): "Copyright 2015-..., The MITRE Corporation. MITRE ATT&CK and
  // ATT&CK are registered trademarks of The MITRE Corporation."
  'marking-definition--fa42a846-8d90-4e51-bc29-71d5b4802168': 'MITRE ATT&CK copyright statement',
};

const ALIASES: Readonly<Record<string, TlpLevel>> = {
  CLEAR: 'CLEAR',
  WHITE: 'CLEAR',
  GREEN: 'GREEN',
  AMBER: 'AMBER',
  'AMBER+STRICT': 'AMBER+STRICT',
  AMBER_STRICT: 'AMBER+STRICT',
  'AMBER STRICT': 'AMBER+STRICT',
  RED: 'RED',
};

/** `TLP:amber+strict`, `white`, `AMBER_STRICT` ... -> canonical level, or undefined if unknown. */
export function tlpFromName(name: string): TlpLevel | undefined {
  const upper = name
    .trim()
    .toUpperCase()
    .replace(/^TLP[:\s-]?/, '');
  return ALIASES[upper];
}

/** True when the level keeps content within the producer's org (implicit collection). */
export function isStrict(level: TlpLevel): boolean {
  return level === 'AMBER+STRICT' || level === 'RED';
}

export function mostRestrictive(levels: readonly TlpLevel[]): TlpLevel | undefined {
  let best: TlpLevel | undefined;
  for (const level of levels) {
    if (best === undefined || TLP_LEVELS.indexOf(level) > TLP_LEVELS.indexOf(best)) best = level;
  }
  return best;
}

/**
 * The TLP level from every marking that applies to an object (object and granular markings alike)
 * and its `tlp:` labels: the most restrictive one, {@link DEFAULT_TLP} when there is none. Fails closed: a marking the
 * operators do not classify (not a TLP marking listed above, whatever it claims to be) is refused,
 * so content is never shared at a level lower than its producer meant.
 */
export function tlpFromMarkings(refs: readonly string[], labels?: unknown): TlpLevel {
  const levels = [...tlpFromLabels(labels), ...refs.flatMap((ref) => tlpOfMarking(ref))];
  return mostRestrictive(levels) ?? DEFAULT_TLP;
}

/**
 * TLP levels given as labels (`tlp:red`, `TLP:AMBER+STRICT`, `tlp:white`: how MISP tags and many
 * exports carry them): they count like markings. A `tlp:` label of no known level is refused, never
 * read as the default.
 */
export function tlpFromLabels(labels: unknown): TlpLevel[] {
  if (!Array.isArray(labels)) return [];
  const levels: TlpLevel[] = [];
  for (const label of labels) {
    if (typeof label !== 'string' || !/^\s*tlp\s*:/i.test(label)) continue;
    const level = tlpFromName(label.replace(/^\s*tlp\s*:\s*/i, ''));
    if (!level)
      throw new ChaincodeError(
        'TLP_UNKNOWN',
        `label "${label.slice(0, 60)}" names a TLP level the operators do not know; use CLEAR, GREEN, AMBER, AMBER+STRICT or RED`,
      );
    levels.push(level);
  }
  return levels;
}

/** The level a marking sets: one for a TLP marking, none for a statement; anything else is refused. */
function tlpOfMarking(ref: string): TlpLevel[] {
  const level = TLP_MARKING_IDS[ref];
  if (level) return [level];
  if (STATEMENT_MARKING_IDS[ref] !== undefined) return [];
  throw new ChaincodeError(
    'MARKING_UNCLASSIFIED',
    `${ref.slice(0, 120)} is not a marking the operators classify (TLP 2.0, TLP 1.0, OpenCTI AMBER+STRICT, or a known statement such as ATT&CK's copyright): it may restrict sharing in a way the ledger cannot enforce; ask your operator to classify it, or share the object under a TLP marking its producer allows`,
  );
}
