import * as fs from 'node:fs';
import * as path from 'node:path';

import { expect } from 'chai';

import { canonicalize } from '@xborder/protocol';
import { SHARED_DATA } from '../../test/support/paths';

const vectors = path.join(SHARED_DATA, 'jcs-testdata');

describe('RFC 8785 canonical JSON', () => {
  const inputs = fs.readdirSync(path.join(vectors, 'input')).filter((f) => f.endsWith('.json'));

  it('finds the RFC 8785 vectors', () => {
    expect(inputs.length).to.be.greaterThan(3);
  });

  for (const file of inputs) {
    it(`canonicalises ${file} byte for byte`, () => {
      const input: unknown = JSON.parse(fs.readFileSync(path.join(vectors, 'input', file), 'utf8'));
      const expected = fs.readFileSync(path.join(vectors, 'output', file));
      expect(Buffer.from(canonicalize(input), 'utf8').toString('hex')).to.equal(expected.toString('hex'));
    });
  }

  it('sorts keys by UTF-16 code units and drops whitespace', () => {
    expect(canonicalize({ b: [1, { d: true, c: null }], a: 'x', '\u20ac': 1, '\ud83d\ude00': 2 })).to.equal(
      '{"a":"x","b":[1,{"c":null,"d":true}],"\u20ac":1,"\ud83d\ude00":2}',
    );
  });

  it('refuses values JSON cannot carry', () => {
    expect(() => canonicalize(Number.NaN)).to.throw(/NaN/);
    expect(() => canonicalize({ f: () => 1 })).to.throw(/function/);
  });
});
