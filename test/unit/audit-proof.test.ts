import * as fs from 'node:fs';
import * as path from 'node:path';

import { common } from '@hyperledger/fabric-protos';
import { expect } from 'chai';

import { checkProof } from '@xborder/gateway';
import type { Proof } from '@xborder/gateway';
import { blockHeaderBytes, computeDataHash, decodeBlock, parseTransaction } from '@xborder/gateway';

const FIXTURES = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'proofs');
const load = (name: string): Proof => JSON.parse(fs.readFileSync(path.join(FIXTURES, name), 'utf8')) as Proof;

/** Rewrites the proof's block through a function of the decoded block. */
function editBlock(proof: Proof, edit: (block: common.Block) => void): Proof {
  const block = decodeBlock(Buffer.from(proof.block, 'base64'));
  edit(block);
  return { ...proof, block: Buffer.from(block.serializeBinary()).toString('base64') };
}

function flip(bytes: Uint8Array, at: number): Uint8Array {
  const copy = Buffer.from(bytes);
  const i = ((at % copy.length) + copy.length) % copy.length;
  copy[i] = (copy[i] ?? 0) ^ 0x01;
  return copy;
}

describe('audit proofs (offline, with blocks captured from the test network)', () => {
  for (const name of ['intel-proof.json', 'payment-proof.json']) {
    it(`checks every step of ${name}`, () => {
      const report = checkProof(load(name));
      expect(report.failed, JSON.stringify(report.checks.filter((c) => !c.ok))).to.equal(null);
      expect(report.ok).to.equal(true);
      const names = report.checks.map((c) => c.name);
      for (const step of [
        'config.data-hash',
        'block.data-hash',
        'block.orderer-signature',
        'tx.valid',
        'tx.creator-signature',
        'tx.endorsement-signatures',
        'tx.endorsed-by-both-operators',
        'record.in-write-set',
        'record.institution-signature',
      ]) {
        expect(names).to.include(step);
      }
      expect(report.summary.endorsers).to.have.members(['HKMSP', 'THMSP']);
    });
  }

  it('computes the header bytes Fabric hashes (previous hash links consecutive blocks)', () => {
    const block = decodeBlock(Buffer.from(load('intel-proof.json').block, 'base64'));
    const header = block.getHeader()!;
    const der = Buffer.from(blockHeaderBytes(header));
    expect(der[0]).to.equal(0x30);
    expect(computeDataHash(block).equals(Buffer.from(header.getDataHash_asU8()))).to.equal(true);
    expect(header.getPreviousHash_asU8()).to.have.length(32);
  });

  it('fails at the right step when one byte of each part is flipped', () => {
    const proof = load('intel-proof.json');
    const cases: [string, Proof, RegExp][] = [
      [
        'transaction bytes in the block',
        editBlock(proof, (b) =>
          b.getData()!.setDataList(
            b
              .getData()!
              .getDataList_asU8()
              .map((d, i) => (i === proof.txIndex ? flip(d, -10) : d)),
          ),
        ),
        /^block\.data-hash$/,
      ],
      [
        'header data hash',
        editBlock(proof, (b) => b.getHeader()!.setDataHash(flip(b.getHeader()!.getDataHash_asU8(), 3))),
        /^block\.data-hash$/,
      ],
      [
        'header previous hash',
        editBlock(proof, (b) => b.getHeader()!.setPreviousHash(flip(b.getHeader()!.getPreviousHash_asU8(), 3))),
        /^block\.orderer-signature$/,
      ],
      [
        'orderer signature',
        editBlock(proof, (b) => {
          const list = b.getMetadata()!.getMetadataList_asU8();
          const md = common.Metadata.deserializeBinary(list[0]!);
          const sig = md.getSignaturesList()[0]!;
          sig.setSignature(flip(sig.getSignature_asU8(), 10));
          b.getMetadata()!.setMetadataList(list.map((m, i) => (i === 0 ? md.serializeBinary() : m)));
        }),
        /^block\.orderer-signature$/,
      ],
      [
        'validation code',
        editBlock(proof, (b) => {
          const list = b.getMetadata()!.getMetadataList_asU8();
          b.getMetadata()!.setMetadataList(list.map((m, i) => (i === 2 ? flip(m, proof.txIndex) : m)));
        }),
        /^tx\.valid$/,
      ],
      ['transaction id', { ...proof, txId: proof.txId.replace(/^./, proof.txId.startsWith('a') ? 'b' : 'a') }, /^tx\.id$/],
      [
        'record value',
        { ...proof, record: { ...proof.record, value: proof.record.value.replace('"AMBER"', '"GREEN"') } },
        /^record\.in-write-set$/,
      ],
      ['record key', { ...proof, record: { ...proof.record, key: `${proof.record.key}x` } }, /^record\.in-write-set$/],
      [
        'configuration block',
        { ...proof, configBlock: Buffer.from(flip(Buffer.from(proof.configBlock, 'base64'), -40)).toString('base64') },
        /^config\./,
      ],
      [
        'signer certificate',
        {
          ...proof,
          signerCertificate: parseTransaction(decodeBlock(Buffer.from(proof.block, 'base64')).getData()!.getDataList_asU8()[proof.txIndex]!)
            .endorsements[0]!.endorser.certificate,
        },
        /^record\.signer-certificate$/,
      ],
      ['block number', { ...proof, blockNumber: String(Number(proof.blockNumber) + 1) }, /^block\.number$/],
    ];
    for (const [what, tampered, step] of cases) {
      const report = checkProof(tampered);
      expect(report.ok, what).to.equal(false);
      expect(report.failed, what).to.match(step);
    }
  });

  it('links the block to a checkpoint both operators signed, and fails when the link or a signature is touched', () => {
    const proof = load('intel-proof.json');
    expect(proof.checkpoint, 'the intel fixture carries a checkpoint').to.not.equal(undefined);
    const cp = proof.checkpoint!;
    expect(checkProof(proof).checks.map((c) => c.name)).to.include.members(['checkpoint.signatures', 'checkpoint.link']);
    const badLink = {
      ...proof,
      checkpoint: {
        ...cp,
        headers: cp.headers.map((h, i) =>
          i === 0 ? { ...h, dataHash: h.dataHash.replace(/^./, h.dataHash.startsWith('0') ? '1' : '0') } : h,
        ),
      },
    };
    expect(checkProof(badLink).failed).to.equal('checkpoint.link');
    const dropped = { ...proof, checkpoint: { ...cp, headers: cp.headers.slice(1) } };
    expect(checkProof(dropped).failed).to.equal('checkpoint.link');
    const badSig = {
      ...proof,
      checkpoint: {
        ...cp,
        signatures: cp.signatures.map((c, i) =>
          i === 0 ? { ...c, blockHash: c.blockHash.replace(/^./, c.blockHash.startsWith('0') ? '1' : '0') } : c,
        ),
      },
    };
    expect(checkProof(badSig).failed).to.equal('checkpoint.signatures');
    const oneOperator = { ...proof, checkpoint: { ...cp, signatures: cp.signatures.slice(0, 1) } };
    expect(checkProof(oneOperator).failed).to.equal('checkpoint.signatures');
  });

  it('catches a re-hashed block: tampering inside the data with a recomputed data hash breaks the orderer signature', () => {
    const proof = load('payment-proof.json');
    const tampered = editBlock(proof, (b) => {
      b.getData()!.setDataList(
        b
          .getData()!
          .getDataList_asU8()
          .map((d, i) => (i === proof.txIndex ? flip(d, -10) : d)),
      );
      b.getHeader()!.setDataHash(computeDataHash(b));
    });
    expect(checkProof(tampered).failed).to.equal('block.orderer-signature');
  });

  it('checks content against the recorded hash when given', () => {
    const proof = load('intel-proof.json');
    const record = JSON.parse(proof.record.value) as { stixId: string };
    const bundle = JSON.parse(
      fs.readFileSync(path.resolve(FIXTURES, '..', '..', '..', 'examples', 'intel', 'phishing-campaign-bundle.json'), 'utf8'),
    ) as { objects: { id: string }[] };
    const object = bundle.objects.find((o) => o.id === record.stixId);
    expect(checkProof(proof, { content: JSON.stringify(object) }).ok).to.equal(true);
    const report = checkProof(proof, { content: JSON.stringify({ ...object, name: 'changed' }) });
    expect(report.failed).to.equal('content.hash');
  });
});
