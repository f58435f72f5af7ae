/** STIX content read with one meaning: each trick that makes JSON readers disagree is refused with its code. */
import { expect } from 'chai';

import { ChaincodeError, decodeUtf8Strict, MAX_JSON_DEPTH, parseStrictJson } from '@xborder/protocol';

const RED = 'marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1';
const GREEN = 'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb';

function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (err) {
    expect(err).to.be.instanceOf(ChaincodeError);
    return (err as ChaincodeError).code;
  }
  return 'accepted';
}

describe('strict JSON for STIX content', () => {
  it('refuses a duplicate key anywhere (a RED marking list followed by a GREEN one), with escapes resolved', () => {
    const tricked = `{"type":"indicator","object_marking_refs":["${RED}"],"object_marking_refs":["${GREEN}"]}`;
    expect(JSON.parse(tricked)).to.deep.include({ object_marking_refs: [GREEN] }); // what a lenient reader shares
    expect(codeOf(() => parseStrictJson(tricked))).to.equal('JSON_DUPLICATE_KEY');
    expect(codeOf(() => parseStrictJson('{"a":{"b":1,"c":[{"d":1,"d":2}]}}'))).to.equal('JSON_DUPLICATE_KEY');
    expect(codeOf(() => parseStrictJson('{"tlp":1,"t\\u006cp":2}'))).to.equal('JSON_DUPLICATE_KEY');
    expect(codeOf(() => parseStrictJson('{"a":{"k":1},"a":2}'))).to.equal('JSON_DUPLICATE_KEY');
    // the same key in different objects, and a value equal to a key, are fine
    expect(parseStrictJson('{"a":{"a":1},"b":[{"a":2},{"a":3}],"c":"a"}')).to.deep.equal({ a: { a: 1 }, b: [{ a: 2 }, { a: 3 }], c: 'a' });
  });

  it('refuses __proto__, constructor and prototype keys, also escaped', () => {
    for (const k of ['__proto__', 'constructor', 'prototype', '__pr\\u006fto__'])
      expect(
        codeOf(() => parseStrictJson(`{"type":"x","x_a":{"${k}":{"polluted":true}}}`)),
        k,
      ).to.equal('JSON_FORBIDDEN_KEY');
    // as a value it is only text
    expect(parseStrictJson('{"name":"__proto__"}')).to.deep.equal({ name: '__proto__' });
  });

  it('refuses invalid UTF-8 instead of replacing it, and lone surrogates in any string', () => {
    const bytes = Buffer.concat([Buffer.from('{"name":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]);
    expect(Buffer.from(bytes).toString('utf8')).to.include('\uFFFD'); // what a lenient reader stores
    expect(codeOf(() => decodeUtf8Strict(bytes))).to.equal('JSON_TEXT_INVALID');
    expect(decodeUtf8Strict(Buffer.from('{"name":"Ünïcødé ✓"}'))).to.equal('{"name":"Ünïcødé ✓"}');
    expect(codeOf(() => parseStrictJson('{"name":"\\ud800"}'))).to.equal('JSON_TEXT_INVALID');
    expect(codeOf(() => parseStrictJson('{"name":"a\\udc00b"}'))).to.equal('JSON_TEXT_INVALID');
    expect(codeOf(() => parseStrictJson('{"\\udfff":1}'))).to.equal('JSON_TEXT_INVALID');
    expect(parseStrictJson('{"name":"\\ud83d\\ude00"}')).to.deep.equal({ name: '😀' });
  });

  it('refuses nesting beyond the limit without exhausting the stack, at any depth of 10,000', () => {
    expect(codeOf(() => parseStrictJson(`${'['.repeat(10_000)}${']'.repeat(10_000)}`))).to.equal('JSON_TOO_DEEP');
    expect(codeOf(() => parseStrictJson(`${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`))).to.equal('JSON_TOO_DEEP');
    const ok = `${'['.repeat(MAX_JSON_DEPTH)}${']'.repeat(MAX_JSON_DEPTH)}`;
    expect(codeOf(() => parseStrictJson(ok))).to.equal('accepted');
  });

  it('reads brackets, commas and quotes inside strings as text, and leaves malformed JSON to JSON.parse', () => {
    expect(parseStrictJson('{"p":"[a] {b} \\"c\\", d","q":"e,\\\\"}')).to.deep.equal({ p: '[a] {b} "c", d', q: 'e,\\' });
    expect(codeOf(() => parseStrictJson('{"objects": ['))).to.equal('INVALID_ARGUMENT');
    expect(codeOf(() => parseStrictJson('{"a":"unterminated}'))).to.equal('INVALID_ARGUMENT');
  });
});
