import * as fs from 'node:fs';
import * as path from 'node:path';

import { common } from '@hyperledger/fabric-protos';
import { expect } from 'chai';

import {
  blockHeaderBytes,
  blockHeaderHash,
  checkProof,
  computeDataHash,
  describeOutcome,
  decodeBlock,
  parseTransaction,
  parseTrustAnchor,
  PROOF_CHECKS,
  ProofState,
} from '@xborder/sdk/audit';
import type { Anchor, BlockLink, Checkpoint, Proof, TrustAnchor } from '@xborder/sdk/audit';

import { b64, block64, replaceRoots, resignBlock, setFlag } from '../../../test/support/block-surgery';
import { forge } from '../../../test/support/forged-certs';
import { EXAMPLES, FIXTURES } from '../../../test/support/paths';

const PROOFS = path.join(FIXTURES, 'proofs');
const load = (name: string): Proof => JSON.parse(fs.readFileSync(path.join(PROOFS, name), 'utf8')) as Proof;
const anchorDoc: TrustAnchor = parseTrustAnchor(fs.readFileSync(path.join(PROOFS, 'anchor.json'), 'utf8'));
const anchor: Anchor = { anchor: anchorDoc };

/** Rewrites the proof's block through a function of the decoded block. */
function editBlock(proof: Proof, edit: (block: common.Block) => void): Proof {
  const block = block64(proof.block);
  edit(block);
  return { ...proof, block: b64(block.serializeBinary()) };
}

function flip(bytes: Uint8Array, at: number): Uint8Array {
  const copy = Buffer.from(bytes);
  const i = ((at % copy.length) + copy.length) % copy.length;
  copy[i] = (copy[i] ?? 0) ^ 0x01;
  return copy;
}

const flipHex = (h: string): string => h.replace(/^./, h.startsWith('0') ? '1' : '0');

/** Runs the checks before `name` on a proof and returns the state the check `name` would see. */
async function stateAt(proof: Proof, name: string, options = { anchor }): Promise<ProofState> {
  const state = new ProofState(proof, options);
  for (const check of PROOF_CHECKS) {
    if (check.name === name) return state;
    const r = await check.run(state);
    if (r && r.status === 'fail') throw new Error(`${check.name} failed before ${name}: ${r.detail}`);
  }
  throw new Error(`no check ${name}`);
}

async function runCheck(state: ProofState, name: string): Promise<string | null> {
  const check = PROOF_CHECKS.find((c) => c.name === name)!;
  try {
    const r = await check.run(state);
    return r?.status ?? null;
  } catch {
    return 'fail';
  }
}

describe('audit proofs (offline, with blocks captured from a real network)', () => {
  for (const name of ['intel-proof.json', 'payment-proof.json', 'config-update-proof.json']) {
    it(`${name} holds against the published anchor, and only then`, async () => {
      const report = await checkProof(load(name), { anchor });
      expect(report.failed, JSON.stringify(report.checks.filter((c) => !c.ok))).to.equal(null);
      expect(report.outcome).to.equal('holds');
      expect(report.ok).to.equal(true);
      expect(report.summary.endorsers).to.have.members(['HKMSP', 'THMSP']);
      const unanchored = await checkProof(load(name));
      expect(unanchored.outcome).to.equal('unanchored');
      expect(unanchored.ok).to.equal(false);
      expect((await checkProof(load(name), { anchor: { genesisHash: anchorDoc.genesisHash } })).outcome).to.equal('holds');
    });
  }

  it('runs every named check on a proof across a configuration change', async () => {
    const report = await checkProof(load('config-update-proof.json'), { anchor });
    // the captured proofs predate the key status (optional): every other check runs
    const applicable = PROOF_CHECKS.map((c) => c.name).filter((n) => n !== 'content.hash' && n !== 'record.signer-key-status');
    expect(report.checks.map((c) => c.name)).to.deep.equal(applicable);
    expect(report.checks.find((c) => c.name === 'config.decode')?.detail).to.match(/configuration blocks 0, \d+/);
  });

  it('computes the header bytes Fabric hashes (previous hash links consecutive blocks)', () => {
    const block = block64(load('intel-proof.json').block);
    const header = block.getHeader()!;
    expect(Buffer.from(blockHeaderBytes(header))[0]).to.equal(0x30);
    expect(computeDataHash(block).equals(Buffer.from(header.getDataHash_asU8()))).to.equal(true);
    const first = load('intel-proof.json').checkpoint!.links[0]!;
    expect(first.previousHash).to.equal(blockHeaderHash(header).toString('hex'));
  });

  describe('each named check fails on its own forgery', () => {
    const proof = load('config-update-proof.json');
    const intel = load('intel-proof.json');
    const cases: Record<string, (p: Proof) => [Proof, (s: ProofState) => void | Promise<void>]> = {
      'proof.version': (p) => [{ ...p, version: 99 as 2 }, () => undefined],
      'config.decode': (p) => [{ ...p, configBlocks: [] }, () => undefined],
      'config.data-hash': (p) => [
        p,
        (s) => s.configBlocks[0]!.getHeader()!.setDataHash(flip(s.configBlocks[0]!.getHeader()!.getDataHash_asU8(), 1)),
      ],
      'config.anchor': (p) => [p, () => undefined],
      'config.orderer-signatures': (p) => [
        p,
        async (s) => {
          const outsider = await forge('orderer.attacker', { ou: 'orderer' });
          resignBlock(s.configBlocks[1]!, outsider);
        },
      ],
      'config.update-authorised': (p) => [
        p,
        (s) => {
          // the change without the update's admin signatures
          const cur = s.configs[1]!;
          s.configs[1] = {
            ...cur,
            update: { ...cur.update!, signatures: cur.update!.signatures.filter((x) => x.signer.mspId !== 'THMSP') },
          };
        },
      ],
      'block.decode': (p) => [{ ...p, block: b64(Buffer.from('not a block')) }, () => undefined],
      'block.number': (p) => [{ ...p, blockNumber: String(Number(p.blockNumber) + 1) }, () => undefined],
      'block.data-hash': (p) => [
        editBlock(p, (b) => b.getHeader()!.setDataHash(flip(b.getHeader()!.getDataHash_asU8(), 3))),
        () => undefined,
      ],
      'tx.in-block': (p) => [{ ...p, txIndex: 99 }, () => undefined],
      'tx.id': (p) => [{ ...p, txId: flipHex(p.txId) }, () => undefined],
      'config.in-force': (p) => [{ ...p, configBlocks: p.configBlocks.slice(0, 1) }, () => undefined],
      'block.orderer-signature': (p) => [
        editBlock(p, (b) => {
          const list = b.getMetadata()!.getMetadataList_asU8();
          const md = common.Metadata.deserializeBinary(list[0]!);
          const sig = md.getSignaturesList()[0]!;
          sig.setSignature(flip(sig.getSignature_asU8(), 10));
          b.getMetadata()!.setMetadataList(list.map((m, i) => (i === 0 ? md.serializeBinary() : m)));
        }),
        () => undefined,
      ],
      'tx.flag': (p) => [editBlock(p, (b) => setFlag(b, p.txIndex, 11)), () => undefined],
      'tx.creator-signature': (p) => [p, (s) => void (s.tx = { ...s.tx!, signature: flip(s.tx!.signature, 8) })],
      'tx.creator-certificate': (p) => [
        p,
        async (s) => {
          const outsider = await forge('hk-bank-a', { ou: 'client', issuer: await forge('ca.hk.attacker', { ca: true }) });
          s.tx = { ...s.tx!, creator: { mspId: 'HKMSP', certificate: outsider.certPem } };
        },
      ],
      'tx.endorsement-signatures': (p) => [
        p,
        (s) =>
          void (s.tx = {
            ...s.tx!,
            endorsements: s.tx!.endorsements.map((e, i) => (i === 0 ? { ...e, signature: flip(e.signature, 8) } : e)),
          }),
      ],
      'tx.endorser-certificates': (p) => [
        p,
        async (s) => {
          const outsider = await forge('peer0.th', { ou: 'peer', issuer: await forge('ca.th.attacker', { ca: true }) });
          s.tx = {
            ...s.tx!,
            endorsements: s.tx!.endorsements.map((e) =>
              e.endorser.mspId === 'THMSP' ? { ...e, endorser: { mspId: 'THMSP', certificate: outsider.certPem } } : e,
            ),
          };
        },
      ],
      'tx.endorsed-by-both-operators': (p) => [
        p,
        (s) => void (s.tx = { ...s.tx!, endorsements: s.tx!.endorsements.filter((e) => e.endorser.mspId === 'HKMSP') }),
      ],
      'record.in-write-set': (p) => [
        { ...p, record: { ...p.record, value: p.record.value.replace('"AMBER"', '"GREEN"') } },
        () => undefined,
      ],
      'record.canonical': (p) => [p, (s) => void ((s.proof.record as { value: string }).value = ` ${s.proof.record.value}`)],
      'record.target': (p) => [{ ...p, target: { ...p.target, id: 'indicator--00000000-0000-4000-8000-000000000000' } }, () => undefined],
      'record.signer-key-status': (p) => [p, () => undefined],
      'record.statement-binds': (p) => [
        p,
        (s) => {
          // a record whose own id differs from the id its institution signed (what a batch swap would look like)
          const statement = JSON.parse(String(s.record!.statement)) as Record<string, unknown>;
          s.record = {
            ...s.record!,
            statement: JSON.stringify({ ...statement, stixId: 'indicator--00000000-0000-4000-8000-000000000000' }),
          };
        },
      ],
      'record.signer-certificate': (p) => [{ ...p, signerCertificate: parseFirstEndorser(p) }, () => undefined],
      'record.signer-chain': (p) => [
        p,
        async (s) => {
          const outsider = await forge('hk-bank-a', { ou: 'client', issuer: await forge('ca.hk.attacker', { ca: true }) });
          (s.proof as { signerCertificate: string }).signerCertificate = outsider.certPem;
        },
      ],
      'record.institution-signature': (p) => [
        p,
        (s) =>
          void (s.record = {
            ...s.record!,
            signature: Buffer.from(flip(Buffer.from(String(s.record!.signature), 'base64'), 5)).toString('base64'),
          }),
      ],
      'content.hash': (p) => [p, () => undefined],
      'checkpoint.signatures': (p) => [
        { ...p, checkpoint: { ...p.checkpoint!, signatures: p.checkpoint!.signatures.slice(0, 1) } },
        () => undefined,
      ],
      'checkpoint.headers': () => [intelWithLink((l) => ({ ...l, dataHash: flipHex(l.dataHash) })), () => undefined],
      'checkpoint.validity': (p) => [
        { ...p, checkpoint: { ...p.checkpoint!, validityBefore: flipHex(p.checkpoint!.validityBefore) } },
        () => undefined,
      ],
      'validity.cosigned': (p) => [withoutCheckpoint(p), () => undefined],
    };
    function parseFirstEndorser(p: Proof): string {
      const envelope = block64(p.block).getData()!.getDataList_asU8()[p.txIndex]!;
      return parseTransaction(envelope).endorsements[0]!.endorser.certificate;
    }
    function intelWithLink(edit: (l: BlockLink) => BlockLink): Proof {
      return { ...intel, checkpoint: { ...intel.checkpoint!, links: intel.checkpoint!.links.map((l, i) => (i === 0 ? edit(l) : l)) } };
    }
    function withoutCheckpoint(p: Proof): Proof {
      const copy: { -readonly [K in keyof Proof]?: Proof[K] } = { ...p };
      delete copy.checkpoint;
      return copy as Proof;
    }

    it('has a forgery for every check', () => {
      expect(Object.keys(cases).sort()).to.deep.equal(PROOF_CHECKS.map((c) => c.name).sort());
    });

    for (const check of PROOF_CHECKS) {
      it(check.name, async () => {
        const make = cases[check.name]!;
        const [forged, tamper] = make(structuredClone(check.name === 'checkpoint.headers' ? intel : proof));
        if (check.name === 'record.signer-key-status') {
          // informational: absent from older proofs (no check); present, it must be the record's key and
          // not revoked before the record
          expect(await runCheck(await stateAt(proof, check.name), check.name)).to.equal(null);
          const record = JSON.parse(proof.record.value) as { signerFingerprint: string; txTime: string };
          const withStatus = (revokedAt: string | null, fingerprint = record.signerFingerprint): Proof => ({
            ...proof,
            signerKeyStatus: {
              fingerprint,
              registeredAt: '2026-01-01T00:00:00Z',
              revokedAt,
              revokeReason: revokedAt ? 'compromised' : null,
            },
          });
          expect(await runCheck(await stateAt(withStatus(null), check.name), check.name)).to.equal('pass');
          expect(await runCheck(await stateAt(withStatus('2099-01-01T00:00:00Z'), check.name), check.name)).to.equal('pass');
          expect(await runCheck(await stateAt(withStatus('2000-01-01T00:00:00Z'), check.name), check.name)).to.equal('fail');
          expect(await runCheck(await stateAt(withStatus(null, 'ab'.repeat(32)), check.name), check.name)).to.equal('fail');
          const later = await checkProof(withStatus('2099-01-01T00:00:00Z'), { anchor });
          expect(later.outcome).to.equal('holds');
          expect(describeOutcome(later)).to.include('its signer key was revoked later, at 2099-01-01T00:00:00Z (compromised)');
          return;
        }
        if (check.name === 'record.statement-binds') {
          // the statement is the signed text: change it and the signature check before breaks too, so
          // this check is run on its own on the tampered state
          const s = await stateAt(proof, check.name);
          expect(await runCheck(s, check.name), 'passes on the genuine proof').to.equal('pass');
          await tamper(s);
          expect(await runCheck(s, check.name)).to.equal('fail');
          return;
        }
        if (check.name === 'content.hash') {
          const s = await stateAt(proof, check.name);
          expect(await runCheck(s, check.name), 'no content, no check').to.equal(null);
          const withContent = await stateAt(proof, check.name, { anchor, content: '{"type":"indicator"}' } as never);
          expect(await runCheck(withContent, check.name)).to.equal('fail');
          return;
        }
        if (check.name === 'config.anchor') {
          const s = await stateAt(proof, check.name, { anchor: { genesisHash: flipHex(anchorDoc.genesisHash) } });
          expect(await runCheck(s, check.name)).to.equal('fail');
          const none = await stateAt(proof, check.name, {} as never);
          expect(await runCheck(none, check.name)).to.equal('unanchored');
          return;
        }
        if (check.name === 'validity.cosigned') {
          const s = await stateAt(forged, check.name);
          expect(await runCheck(s, check.name)).to.equal('uncovered');
          return;
        }
        const good = await stateAt(check.name === 'checkpoint.headers' ? intel : proof, check.name);
        expect(await runCheck(good, check.name), 'passes on the genuine proof').to.equal('pass');
        let s: ProofState;
        try {
          s = await stateAt(forged, check.name);
        } catch (err) {
          throw new Error(`the forgery for ${check.name} is caught earlier: ${(err as Error).message}`, { cause: err });
        }
        await tamper(s);
        expect(await runCheck(s, check.name)).to.equal('fail');
      });
    }
  });

  describe('a proof must prove what it names', () => {
    const failedAt = async (p: Proof, options = { anchor } as Parameters<typeof checkProof>[1]): Promise<string | null> =>
      (await checkProof(p, options)).failed;

    it('names what it proved in the verdict: type, id, version, signer key, block and transaction', async () => {
      const report = await checkProof(load('intel-proof.json'), { anchor });
      const proven = report.summary.proven as Record<string, unknown>;
      const p = load('intel-proof.json');
      expect(proven).to.include({
        type: 'intel',
        id: p.target.id,
        tx: p.txId,
        block: p.blockNumber,
        txIndex: p.txIndex,
        key: p.record.key,
      });
      expect(proven.version).to.match(/^2026-11-22T03:20:00/);
      expect(proven.signerKey).to.match(/^[0-9a-f]{64}$/);
      expect(describeOutcome(report)).to.include(`intel ${p.target.id} version`).and.include(p.txId);
      const payment = await checkProof(load('payment-proof.json'), { anchor });
      expect(payment.summary.proven).to.include({ type: 'payment', id: load('payment-proof.json').target.id });
    });

    it('a target relabelled to another intel id, a version, a payment or a transaction it is not, fails record.target', async () => {
      const intel = load('intel-proof.json');
      const payment = load('payment-proof.json');
      const other = 'indicator--9b1c2d3e-4f50-4a6b-8c7d-8e9f0a1b2c3d';
      expect(await failedAt({ ...intel, target: { type: 'intel', id: other } })).to.equal('record.target');
      expect(await failedAt({ ...intel, target: { type: 'intel', id: intel.target.id, modified: '2026-01-01T00:00:00Z' } })).to.equal(
        'record.target',
      );
      expect(await failedAt({ ...intel, target: { type: 'payment', id: '00000000-0000-4000-8000-000000000000' } })).to.equal(
        'record.target',
      );
      expect(await failedAt({ ...payment, target: { type: 'payment', id: '00000000-0000-4000-8000-000000000000' } })).to.equal(
        'record.target',
      );
      expect(await failedAt({ ...intel, target: { type: 'transaction', id: payment.txId } })).to.equal('record.target');
      // named as the transaction it is, the proof still holds and says it proves that intel record
      const asTx = await checkProof({ ...intel, target: { type: 'transaction', id: intel.txId } }, { anchor });
      expect(asTx.outcome).to.equal('holds');
      expect(asTx.summary.proven).to.include({ type: 'intel', id: intel.target.id });
    });

    it('another write of the same transaction swapped in for the record fails: an index value (unsigned), or a record at a key not its own', async () => {
      const intel = load('intel-proof.json');
      const envelope = block64(intel.block).getData()!.getDataList_asU8()[intel.txIndex]!;
      const writes = parseTransaction(envelope).writes.filter(
        (w) => w.namespace === intel.chaincode && !w.isDelete && w.key !== intel.record.key,
      );
      expect(writes.length, 'the transaction writes more than its record').to.be.greaterThan(0);
      for (const w of writes) {
        const swapped = { ...intel, record: { key: w.key, value: Buffer.from(w.value).toString('utf8') } };
        const report = await checkProof(swapped, { anchor });
        expect(report.outcome, w.key).to.equal('failed');
        expect(['record.canonical', 'record.target'], `${w.key}: ${String(report.failed)}`).to.include(report.failed);
        // as a bare transaction target, each write is proven as what it is: another record of the batch
        // as that record (its own id), an index value as a ledger write, never as the record named first
        const asTx = await checkProof({ ...swapped, target: { type: 'transaction', id: intel.txId } }, { anchor });
        if (asTx.failed !== null) continue;
        const what = asTx.summary.proven as { type: string; id: string };
        if (w.key.startsWith('intel\u0001'))
          expect(what).to.include({ type: 'intel', id: (JSON.parse(swapped.record.value) as { stixId: string }).stixId });
        else expect(what).to.include({ type: 'ledger write', id: w.key });
        expect(what.id).to.not.equal(intel.target.id);
      }
    });

    it('an intel record without its signed statement is refused, never checked with the signature checks left out', async () => {
      const p = load('intel-proof.json');
      const state = await stateAt(p, 'record.signer-certificate');
      const stripped: Record<string, unknown> = { ...state.record! };
      delete stripped.statement;
      delete stripped.signature;
      state.record = stripped;
      expect(await runCheck(state, 'record.signer-certificate')).to.equal('fail');
    });

    it('content of another record (a different id or version) fails content.hash even where the commitment would open', async () => {
      const p = load('intel-proof.json');
      const record = JSON.parse(p.record.value) as { stixId: string; modified: string };
      const other = JSON.stringify({ type: 'indicator', id: 'indicator--9b1c2d3e-4f50-4a6b-8c7d-8e9f0a1b2c3d', modified: record.modified });
      const report = await checkProof(p, { anchor, content: other });
      expect(report.failed).to.equal('content.hash');
      expect(report.checks.find((c) => c.name === 'content.hash')?.detail).to.include('the content is indicator--9b1c2d3e');
      const version = JSON.stringify({ type: 'indicator', id: record.stixId, modified: '2020-01-01T00:00:00Z' });
      expect((await checkProof(p, { anchor, content: version })).failed).to.equal('content.hash');
    });

    it('an unknown proof version is refused', async () => {
      for (const version of [1, 3, 99])
        expect(await failedAt({ ...load('intel-proof.json'), version: version as 2 }), String(version)).to.equal('proof.version');
    });
  });

  describe('attacks on whole proofs', () => {
    it('a proof from a fabricated network (own orderer CA in its own genesis, a re-signed block with a flipped flag) never holds', async () => {
      const attackerCa = await forge('ca.orderer.attacker', { ca: true });
      const attackerOrderer = await forge('orderer0.attacker', { ou: 'orderer', issuer: attackerCa });
      const p = load('intel-proof.json');
      const genesis = block64(p.configBlocks[0]!);
      replaceRoots(genesis, 'OrdererMSP', () => [attackerCa.certPem]);
      const forged = editBlock({ ...p, configBlocks: [b64(genesis.serializeBinary())] }, (b) => resignBlock(b, attackerOrderer));
      const unanchored = await checkProof(forged);
      expect(unanchored.failed, JSON.stringify(unanchored.checks.filter((c) => !c.ok))).to.equal(null);
      // consistent in itself: everything that does not depend on the anchor or the co-signed flags passes
      expect(unanchored.outcome).to.equal('unanchored');
      expect(unanchored.checks.find((c) => c.name === 'block.orderer-signature')?.ok).to.equal(true);
      const anchored = await checkProof(forged, { anchor });
      expect(anchored.outcome).to.equal('failed');
      expect(anchored.failed).to.equal('config.anchor');
      expect(anchored.checks.find((c) => c.name === 'config.anchor')?.detail).to.match(/is not the anchored/);
    });

    it('a genesis block with one extra root fails the anchor; a later configuration with an extra root breaks its signatures', async () => {
      const extra = await forge('ca.extra', { ca: true });
      const p = load('config-update-proof.json');
      const genesis = block64(p.configBlocks[0]!);
      replaceRoots(genesis, 'HKMSP', (roots) => [...roots, extra.certPem]);
      const report = await checkProof({ ...p, configBlocks: [b64(genesis.serializeBinary()), ...p.configBlocks.slice(1)] }, { anchor });
      expect(report.failed).to.equal('config.anchor');
      const later = block64(p.configBlocks[1]!);
      replaceRoots(later, 'HKMSP', (roots) => [...roots, extra.certPem]);
      const report2 = await checkProof({ ...p, configBlocks: [p.configBlocks[0]!, b64(later.serializeBinary())] }, { anchor });
      expect(report2.failed).to.equal('config.orderer-signatures');
      // an anchor that lists one more root than the genesis block holds is not equal either
      const wider: TrustAnchor = { ...anchorDoc, roots: { ...anchorDoc.roots, HKMSP: [...anchorDoc.roots.HKMSP!, 'ab'.repeat(32)] } };
      expect((await checkProof(p, { anchor: { anchor: wider } })).failed).to.equal('config.anchor');
    });

    it('a configuration block that is not the one in force fails config.in-force', async () => {
      const before = load('intel-proof.json');
      const after = load('config-update-proof.json');
      // the older record with the newer configuration, and the newer record without the change
      expect((await checkProof({ ...before, configBlocks: after.configBlocks }, { anchor })).failed).to.equal('config.in-force');
      expect((await checkProof({ ...after, configBlocks: after.configBlocks.slice(0, 1) }, { anchor })).failed).to.equal('config.in-force');
    });

    it('a validation flag the operators did not sign fails checkpoint.validity; without a checkpoint it is only "not co-signed"', async () => {
      const p = load('intel-proof.json');
      const cp = p.checkpoint!;
      expect(cp.links.length).to.be.greaterThan(0);
      // the flags of a later block changed (for instance an invalidated transaction shown as valid)
      const forged: Proof = {
        ...p,
        checkpoint: { ...cp, links: cp.links.map((l, i) => (i === 0 ? { ...l, flagsHash: flipHex(l.flagsHash) } : l)) },
      };
      const report = await checkProof(forged, { anchor });
      expect(report.failed).to.equal('checkpoint.validity');
      const pending = await checkProof({ ...p, checkpoint: undefined }, { anchor });
      expect(pending.outcome).to.equal('not-cosigned');
      expect(pending.ok).to.equal(false);
    });

    it('refuses checkpoints signed by anyone but an admin of each operator', async () => {
      const p = load('intel-proof.json');
      const cp = p.checkpoint!;
      const member = await forge('th-bank-a', {
        ou: 'client',
        issuer: await forge('ca.th.attacker', { ca: true }),
        attrs: { 'xborder.role': 'admin' },
      });
      const { sign } = await import('node:crypto');
      const forgedCheckpoints: Checkpoint[] = cp.signatures.map((c) => {
        if (c.mspId !== 'THMSP') return c;
        const statement = c.statement; // the statement as the operator signed it, re-signed by a member
        return {
          ...c,
          certificate: member.certPem,
          statement,
          signature: sign('sha256', Buffer.from(statement), member.key).toString('base64'),
        };
      });
      const report = await checkProof({ ...p, checkpoint: { ...cp, signatures: forgedCheckpoints } }, { anchor });
      expect(report.failed).to.equal('checkpoint.signatures');
      expect(report.checks.find((c) => c.name === 'checkpoint.signatures')?.detail).to.match(/does not chain to the THMSP roots/);
      const twice = await checkProof({ ...p, checkpoint: { ...cp, signatures: [cp.signatures[0]!, cp.signatures[0]!] } }, { anchor });
      expect(twice.failed).to.equal('checkpoint.signatures');
    });

    it('catches a re-hashed block: tampering inside the data with a recomputed data hash breaks the orderer signature', async () => {
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
      expect((await checkProof(tampered, { anchor })).failed).to.equal('block.orderer-signature');
    });

    it('checks content against the recorded hash when given', async () => {
      const proof = load('intel-proof.json');
      const record = JSON.parse(proof.record.value) as { stixId: string };
      const bundle = JSON.parse(fs.readFileSync(path.join(EXAMPLES, 'intel', 'phishing-campaign-bundle.json'), 'utf8')) as {
        objects: { id: string }[];
      };
      const object = bundle.objects.find((o) => o.id === record.stixId);
      expect((await checkProof(proof, { anchor, content: JSON.stringify(object) })).outcome).to.equal('holds');
      const report = await checkProof(proof, { anchor, content: JSON.stringify({ ...object, name: 'changed' }) });
      expect(report.failed).to.equal('content.hash');
    });

    it('decodes the fixtures as Fabric blocks', () => {
      expect(decodeBlock(Buffer.from(load('intel-proof.json').block, 'base64')).getHeader()).to.not.equal(undefined);
    });
  });
});
