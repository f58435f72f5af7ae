import * as fs from 'node:fs';
import * as path from 'node:path';

import { canonicalize, ChaincodeError, decodeUtf8Strict, isOpening, isSalt, MAX_OBJECT_BYTES, parseStrictJson } from '@xborder/protocol';

import { XborderError } from '@xborder/sdk';

/** Largest single input file accepted. */
export const MAX_INPUT_BYTES = 256 * 1024 * 1024;

/** One STIX object read from an input, with where it came from. */
export interface InputObject {
  readonly source: string;
  readonly index: number;
  readonly object: unknown;
}

export function readAllStdin(): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    process.stdin.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_INPUT_BYTES) {
        reject(new XborderError('BAD_INPUT', `standard input is larger than ${String(MAX_INPUT_BYTES / 1024 / 1024)} MiB`));
        process.stdin.destroy();
        return;
      }
      chunks.push(c);
    });
    process.stdin.on('end', () => {
      resolve(Buffer.concat(chunks));
    });
    process.stdin.on('error', reject);
  });
}

function listJsonFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listJsonFiles(p));
    else if (entry.name.endsWith('.json')) out.push(p);
  }
  return out;
}

/** The objects of one STIX document: a bundle's objects, or a single object. */
export function stixObjects(input: string | Uint8Array, source: string): InputObject[] {
  let doc: unknown;
  try {
    // one meaning per document: no duplicate or prototype keys, valid text, bounded nesting
    const text = typeof input === 'string' ? input : decodeUtf8Strict(input, source);
    doc = parseStrictJson(text, source);
  } catch (err) {
    if (err instanceof ChaincodeError && err.code !== 'INVALID_ARGUMENT') throw new XborderError(err.code, err.reason, { cause: err });
    throw new XborderError('BAD_INPUT', `${source}: not JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
    throw new XborderError('BAD_INPUT', `${source}: not a STIX bundle or object`);
  const d = doc as Record<string, unknown>;
  if (d.type === 'bundle') {
    if (!Array.isArray(d.objects)) throw new XborderError('BAD_INPUT', `${source}: a bundle without an objects list`);
    return d.objects.map((object: unknown, index) => ({ source, index, object }));
  }
  if (typeof d.type === 'string' && typeof d.id === 'string') return [{ source, index: 0, object: doc }];
  throw new XborderError('BAD_INPUT', `${source}: not a STIX bundle or object (no type and id)`);
}

/** Reads every input (files, folders of .json files, `-` for stdin) before anything is submitted. */
export async function readStixInputs(inputs: readonly string[]): Promise<InputObject[]> {
  if (inputs.length === 0) throw new XborderError('BAD_INPUT', 'give at least one bundle file, folder or - for standard input');
  const out: InputObject[] = [];
  for (const input of inputs) {
    if (input === '-') {
      out.push(...stixObjects(await readAllStdin(), 'stdin'));
      continue;
    }
    let stat: fs.Stats;
    try {
      stat = fs.statSync(input);
    } catch {
      throw new XborderError('BAD_INPUT', `${input}: no such file or folder`);
    }
    const files = stat.isDirectory() ? listJsonFiles(input) : [input];
    if (stat.isDirectory() && files.length === 0) throw new XborderError('BAD_INPUT', `${input}: no .json files in this folder`);
    for (const file of files) {
      if (fs.statSync(file).size > MAX_INPUT_BYTES)
        throw new XborderError('BAD_INPUT', `${file}: larger than ${String(MAX_INPUT_BYTES / 1024 / 1024)} MiB`);
      out.push(...stixObjects(fs.readFileSync(file), file));
    }
  }
  return out;
}

export function readFileLimited(file: string, max: number): Buffer {
  let size: number;
  try {
    size = fs.statSync(file).size;
  } catch {
    throw new XborderError('BAD_INPUT', `${file}: no such file`);
  }
  if (size > max) throw new XborderError('BAD_INPUT', `${file}: larger than ${String(max / 1024 / 1024)} MiB`);
  return fs.readFileSync(file);
}

/** A STIX object to check against a salted commitment, with the salt that opens it. */
export interface ContentToCheck {
  /** RFC 8785 canonical form of the object. */
  readonly canonical: string;
  readonly salt: string | undefined;
  /** From an opening file: the version it claims to open. */
  readonly stixId?: string;
  readonly modified?: string;
}

/**
 * Reads an opening file (`xborder intel content --opening`: object and salt) or a bare STIX object
 * (then the salt comes from `--salt`). A salt given both ways must agree.
 */
export function readContentToCheck(file: string, saltOption: string | undefined): ContentToCheck {
  let value: unknown;
  try {
    value = JSON.parse(readFileLimited(file, MAX_OBJECT_BYTES * 2).toString('utf8'));
  } catch (err) {
    if (err instanceof XborderError) throw err;
    throw new XborderError('BAD_INPUT', `${file}: not JSON`);
  }
  if (saltOption !== undefined && !isSalt(saltOption)) throw new XborderError('USAGE', '--salt must be 64 lowercase hex digits');
  if (isOpening(value)) {
    if (saltOption !== undefined && saltOption !== value.salt)
      throw new XborderError('USAGE', `--salt differs from the salt in the opening ${file}`);
    return { canonical: canonicalize(value.object), salt: value.salt, stixId: value.stixId, modified: value.modified };
  }
  return { canonical: canonicalize(value), salt: saltOption };
}
