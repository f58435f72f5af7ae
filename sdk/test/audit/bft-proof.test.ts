/**
 * Orderer signatures as each consensus makes them, on blocks captured from a real BFT network (four
 * SmartBFT consenters; a block needs 3): consenters name themselves by id and are verified with the
 * identity the configuration pins. Forgeries: one consenter short of quorum, one consenter counted
 * twice, an id no consenter has, a signature moved to another consenter's id, a consenter of an
 * organisation outside the ordering service; and on Raft, a signer that is not an ordering node.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { expect } from 'chai';

import { checkProof, ordererQuorum, parseTrustAnchor, readConfig } from '@xborder/sdk/audit';
import type { Anchor, Proof } from '@xborder/sdk/audit';

import { b64, block64, editBlockSignatures, identifierHeader, identifierOf, resignBlock } from '../../../test/support/block-surgery';
import { forge } from '../../../test/support/forged-certs';
import { FIXTURES } from '../../../test/support/paths';

const PROOFS = path.join(FIXTURES, 'proofs');
const load = (name: string): Proof => JSON.parse(fs.readFileSync(path.join(PROOFS, name), 'utf8')) as Proof;
const bftAnchor: Anchor = { anchor: parseTrustAnchor(fs.readFileSync(path.join(PROOFS, 'bft-anchor.json'), 'utf8')) };
const raftAnchor: Anchor = { anchor: parseTrustAnchor(fs.readFileSync(path.join(PROOFS, 'anchor.json'), 'utf8')) };

/** The BFT proof with its block's signatures rewritten. */
function withSignatures(edit: Parameters<typeof editBlockSignatures>[1]): Proof {
  const proof = load('bft-intel-proof.json');
  const block = block64(proof.block);
  editBlockSignatures(block, edit);
  return { ...proof, block: b64(block.serializeBinary()) };
}

async function signatureCheck(proof: Proof, anchor = bftAnchor): Promise<{ failed: string | null; detail: string }> {
  const report = await checkProof(proof, { anchor });
  return { failed: report.failed, detail: report.checks.find((c) => c.name === 'block.orderer-signature')?.detail ?? '' };
}

describe('orderer signatures by consensus type (BFT blocks captured from a real network)', () => {
  it('a BFT proof holds: a quorum of distinct consenters, each verified with its pinned identity', async () => {
    const report = await checkProof(load('bft-intel-proof.json'), { anchor: bftAnchor });
    expect(report.outcome, JSON.stringify(report.checks.filter((c) => !c.ok))).to.equal('holds');
    const detail = report.checks.find((c) => c.name === 'block.orderer-signature')?.detail;
    expect(detail).to.match(/^[34] distinct consenter signature\(s\) valid under configuration block 0; 3 needed$/);
    const config = readConfig(block64(load('bft-intel-proof.json').configBlocks[0]!));
    expect(config.consensus).to.equal('BFT');
    expect(config.consenterMapping.map((c) => c.id)).to.deep.equal([1, 2, 3, 4]);
  });

  it('one consenter short of quorum fails block.orderer-signature', async () => {
    const r = await signatureCheck(withSignatures((sigs) => sigs.slice(0, 2)));
    expect(r.failed).to.equal('block.orderer-signature');
    expect(r.detail).to.equal('2 distinct consenter signature(s) valid under configuration block 0; 3 needed');
  });

  it('one consenter counted twice is one signer', async () => {
    const r = await signatureCheck(withSignatures((sigs) => [sigs[0]!, sigs[0]!, sigs[1]!]));
    expect(r.failed).to.equal('block.orderer-signature');
    expect(r.detail).to.match(/^2 distinct consenter/);
  });

  it('a signature naming an id no consenter has fails', async () => {
    const r = await signatureCheck(withSignatures((sigs) => [...sigs.slice(0, 2), { ...sigs[2]!, identifierHeader: identifierHeader(9) }]));
    expect(r.failed).to.equal('block.orderer-signature');
    expect(r.detail).to.match(/consenter id 9, which is not a consenter/);
  });

  it("a signature moved to another consenter's id does not verify", async () => {
    const r = await signatureCheck(
      withSignatures((sigs) => {
        const used = new Set(sigs.map((s) => identifierOf(s.identifierHeader)));
        const unused = [1, 2, 3, 4].find((id) => !used.has(id)) ?? identifierOf(sigs[1]!.identifierHeader);
        return [sigs[0]!, { ...sigs[0]!, identifierHeader: identifierHeader(unused) }, sigs[1]!];
      }),
    );
    expect(r.failed).to.equal('block.orderer-signature');
    expect(r.detail).to.match(/an orderer signature does not verify \(consenter \d/);
  });

  it('a consenter of an organisation outside the ordering service is refused', async () => {
    const proof = load('bft-intel-proof.json');
    const block = block64(proof.block);
    const config = readConfig(block64(proof.configBlocks[0]!));
    // the same consenters, one re-assigned to an application organisation (the auditors')
    const moved = { ...config, consenterMapping: config.consenterMapping.map((c, i) => (i === 0 ? { ...c, mspId: 'AuditMSP' } : c)) };
    const genuine = await ordererQuorum(block, config, new Date());
    expect(genuine.status, genuine.detail).to.equal('pass');
    const r = await ordererQuorum(block, moved, new Date());
    expect(r.status).to.equal('fail');
    expect(r.detail).to.match(/signed by AuditMSP, not an organisation of the ordering service/);
  });

  it('a Raft block signed by a certificate of the orderer organisation that is not an ordering node is refused', async () => {
    const proof = load('intel-proof.json');
    const config = readConfig(block64(proof.configBlocks[0]!));
    const ca = await forge('ca.orderer.attacker', { ca: true });
    const client = await forge('someone', { ou: 'client', issuer: ca });
    const node = await forge('orderer9', { ou: 'orderer', issuer: ca });
    // a configuration whose OrdererMSP trusts that CA: only the NodeOU tells the two apart
    const trusting = { ...config, roots: new Map([...config.roots, ['OrdererMSP', [ca.certPem]]]) };
    const byClient = block64(proof.block);
    resignBlock(byClient, client);
    const refused = await ordererQuorum(byClient, trusting, new Date());
    expect(refused.status).to.equal('fail');
    expect(refused.detail).to.match(/not an ordering node's \(NodeOU\)/);
    const byNode = block64(proof.block);
    resignBlock(byNode, node);
    expect((await ordererQuorum(byNode, trusting, new Date())).status).to.equal('pass');
    // and the genuine Raft proof still holds
    expect((await checkProof(proof, { anchor: raftAnchor })).outcome).to.equal('holds');
  });
});
