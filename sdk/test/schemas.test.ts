/**
 * Files read from outside (proofs, trust anchors, connection profiles, registry seed files) are
 * checked against JSON Schemas at the boundary: a malformed file is refused with the path that is
 * wrong, before any code works on it.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { expect } from 'chai';

import { seedRegistry } from '@xborder/cli';
import {
  batchItemsArgument,
  ChaincodeError,
  institutionArgument,
  intelListArgument,
  limitsArgument,
  paymentEventArgument,
  paymentListArgument,
  sightingArgument,
} from '@xborder/protocol';
import { XborderError } from '@xborder/sdk';
import { proofFile, trustAnchorFile } from '@xborder/sdk/audit';
import { FIXTURES } from '../../test/support/paths';

const PROOFS = path.join(FIXTURES, 'proofs');
const load = (name: string): Record<string, any> => JSON.parse(fs.readFileSync(path.join(PROOFS, name), 'utf8'));

describe('schemas at the input boundary', () => {
  it('accepts the real proofs and anchor, and refuses each malformed field by its path', () => {
    for (const name of ['intel-proof.json', 'payment-proof.json', 'config-update-proof.json'])
      expect(proofFile(load(name), name).kind).to.equal('xborder-proof');
    const cases: [(p: Record<string, any>) => void, RegExp][] = [
      [(p) => (p.kind = 'other-proof'), /\/kind must be equal to constant/],
      [(p) => (p.txIndex = -1), /\/txIndex must be >= 0/],
      [(p) => (p.configBlocks = []), /\/configBlocks must NOT have fewer than 1 items/],
      [(p) => (p.block = 'not base64!'), /\/block must match pattern/],
      [(p) => (p.checkpoint.signatures[0].height = 'tall'), /\/checkpoint\/signatures\/0\/height must be integer/],
      [(p) => (p.checkpoint.links = 'none'), /\/checkpoint\/links must be array/],
      [(p) => delete p.record, /must have required property 'record'/],
    ];
    for (const [mutate, pattern] of cases) {
      const proof = load('intel-proof.json');
      mutate(proof);
      expect(() => proofFile(proof, 'proof.json'), pattern.source).to.throw(XborderError, pattern);
    }
    const anchor = load('anchor.json');
    expect(trustAnchorFile(anchor, 'anchor.json').channel).to.equal(anchor.channel);
    expect(() => trustAnchorFile({ ...anchor, genesisHash: String(anchor.genesisHash).toUpperCase() }, 'a')).to.throw(
      /\/genesisHash must match/,
    );
    expect(() => trustAnchorFile({ ...anchor, roots: { HKMSP: [] } }, 'a')).to.throw(/\/roots\/HKMSP must NOT have fewer than 1 items/);
    expect(() => trustAnchorFile({ ...anchor, extra: 1 }, 'a')).to.throw(/must NOT have additional properties/);
  });

  it('refuses a registry seed file with an unknown field or kind before connecting to anything', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xb-seed-'));
    try {
      const file = path.join(dir, 'seed.json');
      const good = { id: 'hk-bank-z', name: 'Z Bank', kind: 'bank', admin: 'hk-admin', signers: ['hk-bank-z'] };
      for (const [entry, pattern] of [
        [{ ...good, role: 'admin' }, /must NOT have additional properties/],
        [{ ...good, kind: 'casino' }, /\/0\/kind must be equal to one of the allowed values/],
        [{ ...good, id: 'Bad Id' }, /\/0\/id must match pattern/],
      ] as const) {
        fs.writeFileSync(file, JSON.stringify([entry]));
        const err = await seedRegistry(file, path.join(dir, 'no-network')).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(err, pattern.source).to.be.instanceOf(XborderError);
        expect((err as XborderError).code).to.equal('CONFIG');
        expect((err as XborderError).message).to.match(pattern);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
  it('checks the shape of every JSON argument of the chaincode at the boundary, with the transaction’s code and the field', () => {
    const refused: [() => unknown, string, RegExp][] = [
      [() => sightingArgument({ stixId: 'x', count: '3', firstSeen: 'a', lastSeen: 'b' }), 'SIGHTING_INVALID', /^count must be integer/],
      [
        () => sightingArgument({ stixId: 'x', count: 1, firstSeen: 'a', lastSeen: 'b', extra: true }),
        'SIGHTING_INVALID',
        /^unknown fields: extra/,
      ],
      [() => sightingArgument({ count: 1, firstSeen: 'a', lastSeen: 'b' }), 'SIGHTING_INVALID', /^stixId is missing/],
      [
        () => paymentEventArgument({ uetr: 'u', type: 'REFUND', messageType: 'm', messageHash: 'a'.repeat(64) }),
        'PAYMENT_INVALID',
        /^type must be equal to one of/,
      ],
      [
        () => institutionArgument({ id: 'hk-x', name: 'X', kind: 'bank', bics: ['lower'] }),
        'INSTITUTION_INVALID',
        /^bics\.0 must match pattern/,
      ],
      [
        () =>
          limitsArgument({
            corridor: 'HK-TH',
            perPaymentCap: { value: '1', currency: 'HKD' },
            dailyCap: { value: '1', currency: 'THB' },
            rateToleranceMinor: 1,
            unconfirmedAfterMinutes: 1,
          }),
        'CORRIDOR_INVALID',
        /^perPaymentCap\.currency must be equal to constant/,
      ],
      [() => batchItemsArgument([{ statement: 's', signature: 1 }]), 'INVALID_ARGUMENT', /^0\.signature must be string/],
      [() => batchItemsArgument([]), 'INVALID_ARGUMENT', /^items must NOT have fewer than 1 items/],
      [() => intelListArgument({ filter: 'all', pageSize: 500 }), 'INVALID_ARGUMENT', /^pageSize must be <= 200/],
      [() => paymentListArgument({ filter: 'status' }), 'INVALID_ARGUMENT', /^value is missing/],
    ];
    for (const [check, code, reason] of refused) {
      let thrown: unknown;
      try {
        check();
      } catch (err) {
        thrown = err;
      }
      expect(thrown, reason.source).to.be.instanceOf(ChaincodeError);
      expect((thrown as ChaincodeError).code, reason.source).to.equal(code);
      expect((thrown as ChaincodeError).reason).to.match(reason);
    }
    expect(sightingArgument({ stixId: 'x', count: 2, firstSeen: 'a', lastSeen: 'b', noteHash: null })).to.include({ count: 2 });
    expect(paymentListArgument({ filter: 'corridor', value: 'HK-TH', fromDate: '2026-11-25' }).value).to.equal('HK-TH');
  });
});
