/** Signed statements read from untrusted JSON: the shape by schema, then what the fields mean. */
import { expect } from 'chai';

import { CHECKPOINT_PURPOSE, INTEL_STATEMENT_PURPOSE, parseIntelStatement, readCheckpointStatement } from '@xborder/protocol';

const statement = {
  purpose: INTEL_STATEMENT_PURPOSE,
  contentCommitment: 'ab'.repeat(32),
  stixId: 'indicator--6ba7b810-9dad-41d1-80b4-00c04fd430c8',
  stixType: 'indicator',
  modified: '2026-11-25T00:00:00Z',
  tlp: 'AMBER',
  institution: 'hk-bank-a',
  mspId: 'HKMSP',
};

describe('signed statements from untrusted JSON', () => {
  it('reads an intel statement, refusing each malformed field with its code', () => {
    expect(parseIntelStatement(statement).tlp).to.equal('AMBER');
    const refused: [Record<string, unknown>, RegExp][] = [
      [{ ...statement, purpose: 'xborder/intel-statement/v1' }, /^INVALID_ARGUMENT: statement purpose must be .*version 1/],
      [{ ...statement, extra: 1 }, /^INVALID_ARGUMENT: unknown fields: extra/],
      [{ ...statement, contentCommitment: 'AB'.repeat(32) }, /^INVALID_ARGUMENT: contentCommitment must match pattern/],
      [{ ...statement, institution: 'HK Bank' }, /^INVALID_ARGUMENT: institution must match pattern/],
      [{ ...statement, stixType: 'malware' }, /^INVALID_ARGUMENT: stixId must be/],
      [{ ...statement, modified: 'yesterday' }, /^INVALID_ARGUMENT: modified must be a STIX timestamp/],
      [{ ...statement, tlp: 'PURPLE' }, /^TLP_UNKNOWN: /],
    ];
    for (const [value, pattern] of refused) expect(() => parseIntelStatement(value), pattern.source).to.throw(pattern);
  });

  it('reads a checkpoint statement or says why it is not one', () => {
    const good = {
      purpose: CHECKPOINT_PURPOSE,
      channel: 'xborder',
      height: 7,
      blockHash: 'a'.repeat(64),
      validity: 'b'.repeat(64),
      mspId: 'HKMSP',
    };
    expect(readCheckpointStatement(good)).to.deep.equal(good);
    expect(readCheckpointStatement({ ...good, height: 0 })).to.match(/^height must be >= 1/);
    expect(readCheckpointStatement({ ...good, signature: 'x' })).to.equal('unknown fields: signature');
    expect(readCheckpointStatement({ ...good, purpose: 'xborder/checkpoint/v1' })).to.match(/^purpose must be/);
    expect(readCheckpointStatement('nope')).to.match(/must be object/);
  });
});
