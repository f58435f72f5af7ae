/** What `xborder intel submit` reads: files and standard input as STIX content, refused with a code when ambiguous. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { expect } from 'chai';

import { readStixInputs, stixObjects } from '@xborder/cli/internal/inputs';
import { XborderError } from '@xborder/sdk';

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    expect(err).to.be.instanceOf(XborderError);
    return (err as XborderError).code;
  }
  return 'accepted';
}

describe('STIX inputs of the CLI', () => {
  let dir = '';
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xb-inputs-'));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const file = (name: string, content: string | Buffer): string => {
    const f = path.join(dir, name);
    fs.writeFileSync(f, content);
    return f;
  };

  it('refuses duplicate keys, prototype keys, invalid UTF-8 and deep nesting with their codes, before anything is submitted', async () => {
    const red = 'marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1';
    const green = 'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb';
    const cases: [string, string | Buffer, string][] = [
      [
        'dup.json',
        `{"type":"indicator","id":"indicator--1","object_marking_refs":["${red}"],"object_marking_refs":["${green}"]}`,
        'JSON_DUPLICATE_KEY',
      ],
      ['proto.json', '{"type":"bundle","id":"bundle--1","objects":[{"type":"indicator","__proto__":{"x":1}}]}', 'JSON_FORBIDDEN_KEY'],
      [
        'utf8.json',
        Buffer.concat([Buffer.from('{"type":"indicator","id":"indicator--1","name":"'), Buffer.from([0xc0, 0xaf]), Buffer.from('"}')]),
        'JSON_TEXT_INVALID',
      ],
      ['surrogate.json', '{"type":"indicator","id":"indicator--1","name":"\\udbff"}', 'JSON_TEXT_INVALID'],
      ['deep.json', `{"type":"bundle","id":"bundle--1","objects":[${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}]}`, 'JSON_TOO_DEEP'],
      ['broken.json', '{"type":', 'BAD_INPUT'],
    ];
    for (const [name, content, code] of cases) expect(await codeOf(readStixInputs([file(name, content)])), name).to.equal(code);
    // a good file beside a bad one: nothing is read for submission
    const good = file('good.json', '{"type":"indicator","id":"indicator--2"}');
    expect(await codeOf(readStixInputs([good, path.join(dir, 'dup.json')]))).to.equal('JSON_DUPLICATE_KEY');
    expect((await readStixInputs([good])).map((o: { index: number }) => o.index)).to.deep.equal([0]);
    expect(stixObjects(Buffer.from('{"type":"indicator","id":"indicator--3","name":"Ünïcødé"}'), 'x')[0]?.object).to.deep.include({
      name: 'Ünïcødé',
    });
  });
});
