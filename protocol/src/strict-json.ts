/**
 * JSON as STIX content must be read: one meaning per document. `JSON.parse` keeps the last of two
 * equal keys (a RED marking followed by a duplicate GREEN one would be shared GREEN), Node's UTF-8
 * decoding turns invalid bytes into U+FFFD, strings may hold lone surrogates that no other tool can
 * encode, `__proto__` and `constructor` keys reach code that treats objects as maps, and a deeply
 * nested document exhausts recursive readers. Each is refused here, with its own code, before any
 * value is built.
 */
import { ChaincodeError } from './errors';

/** Nesting of objects and arrays a STIX document may have (STIX objects need a handful). */
export const MAX_JSON_DEPTH = 64;

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Decodes UTF-8, refusing invalid byte sequences (JSON_TEXT_INVALID) instead of replacing them. */
export function decodeUtf8Strict(bytes: Uint8Array, what = 'the document'): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new ChaincodeError('JSON_TEXT_INVALID', `${what} is not valid UTF-8`);
  }
}

/** Where a string token that starts at `start` (its opening quote) ends: the index after its closing quote. */
function stringEnd(text: string, start: number): number {
  let i = start + 1;
  for (;;) {
    const c = text.charCodeAt(i);
    if (Number.isNaN(c)) return -1;
    if (c === 0x22) return i + 1;
    i += c === 0x5c ? 2 : 1;
  }
}

/**
 * Parses JSON text, refusing duplicate keys (JSON_DUPLICATE_KEY), `__proto__`/`constructor`/`prototype`
 * keys (JSON_FORBIDDEN_KEY), lone surrogates in any string (JSON_TEXT_INVALID) and nesting deeper than
 * `maxDepth` (JSON_TOO_DEEP). Malformed JSON is refused by `JSON.parse` afterwards (INVALID_ARGUMENT).
 */
export function parseStrictJson(text: string, what = 'the document', maxDepth = MAX_JSON_DEPTH): unknown {
  // one pass over the tokens: per open object the keys seen so far, per open array null
  const open: (Set<string> | null)[] = [];
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x7b || c === 0x5b) {
      open.push(c === 0x7b ? new Set() : null);
      if (open.length > maxDepth) throw new ChaincodeError('JSON_TOO_DEEP', `${what} nests deeper than ${String(maxDepth)} levels`);
      expectKey = c === 0x7b;
    } else if (c === 0x7d || c === 0x5d) {
      open.pop();
      expectKey = false;
    } else if (c === 0x2c) {
      expectKey = open[open.length - 1] instanceof Set;
    } else if (c === 0x22) {
      const end = stringEnd(text, i);
      if (end < 0) break; // unterminated: JSON.parse says where
      const token = text.slice(i, end);
      let value: string;
      try {
        value = JSON.parse(token) as string;
      } catch {
        break;
      }
      if (LONE_SURROGATE.test(value)) throw new ChaincodeError('JSON_TEXT_INVALID', `${what} holds a string with a lone surrogate`);
      const keys = open[open.length - 1];
      if (expectKey && keys instanceof Set) {
        if (FORBIDDEN_KEYS.has(value)) throw new ChaincodeError('JSON_FORBIDDEN_KEY', `${what} uses the key ${value}`);
        if (keys.has(value))
          throw new ChaincodeError('JSON_DUPLICATE_KEY', `${what} gives the key ${value.slice(0, 80)} twice in one object`);
        keys.add(value);
        expectKey = false;
      }
      i = end - 1;
    }
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new ChaincodeError('INVALID_ARGUMENT', `${what} is not JSON (${err instanceof Error ? err.message : String(err)})`);
  }
}
