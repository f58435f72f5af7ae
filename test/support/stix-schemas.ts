/** The OASIS STIX 2.1 JSON schemas from ../shared/data, compiled with ajv (draft 2020-12). */
import * as fs from 'node:fs';
import * as path from 'node:path';

import Ajv2020 from 'ajv/dist/2020';
import type { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { SHARED_DATA } from './paths';

export { SHARED_DATA };
const SCHEMAS = path.join(SHARED_DATA, 'stix2.1-schemas', 'schemas');

let ajv: Ajv2020 | undefined;

function loadAll(): Ajv2020 {
  if (ajv) return ajv;
  const instance = new Ajv2020({ strict: false, allErrors: true, unicodeRegExp: false });
  addFormats(instance);
  for (const dir of ['common', 'sdos', 'sros', 'observables']) {
    for (const file of fs.readdirSync(path.join(SCHEMAS, dir))) {
      instance.addSchema(JSON.parse(fs.readFileSync(path.join(SCHEMAS, dir, file), 'utf8')) as object);
    }
  }
  ajv = instance;
  return instance;
}

/** The validator of a STIX type, or undefined for types without an OASIS schema (custom x- types). */
export function schemaFor(type: string): ValidateFunction | undefined {
  const a = loadAll();
  for (const dir of ['sdos', 'sros', 'observables']) {
    const id = `http://raw.githubusercontent.com/oasis-open/cti-stix2-json-schemas/stix2.1/schemas/${dir}/${type}.json`;
    const v = a.getSchema(id);
    if (v) return v;
  }
  return undefined;
}

/** Every object of every example bundle, with the file it came from. */
export function exampleObjects(): { file: string; object: Record<string, unknown> }[] {
  const root = path.join(SHARED_DATA, 'stix2.1-schemas', 'examples');
  const out: { file: string; object: Record<string, unknown> }[] = [];
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.name.endsWith('.json')) {
        const doc = JSON.parse(fs.readFileSync(p, 'utf8')) as { type: string; objects?: Record<string, unknown>[] };
        for (const object of doc.type === 'bundle' ? (doc.objects ?? []) : [doc as Record<string, unknown>])
          out.push({ file: entry.name, object });
      }
    }
  };
  walk(root);
  return out;
}
