/**
 * The peers' own doors, attacked as every kind of identity against every peer: Fabric's deliver
 * service hands out whole blocks, and with `DeliverWithPrivateData` the private writes of every
 * collection the caller's organisation may see, without asking the chaincode. A bank of the same
 * operator, a bank of the other operator, an auditor, a ledger reader and the operators' admins must
 * receive no private content that way (nor whole blocks by deliver); filtered blocks and chaincode
 * events stay open for the clients that follow commits, and the producer reads its own content
 * through the chaincode.
 */
import { createPrivateKey, randomBytes, randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

import * as grpc from '@grpc/grpc-js';
import { expect } from 'chai';

import { hash, signers } from '@hyperledger/fabric-gateway';
import { common, msp, peer as peerPb } from '@hyperledger/fabric-protos';
import { loadProfile } from '@xborder/sdk';

import { clientPool } from '../support/clients';
import { DOORS, drain } from '../support/deliver-probe';
import { testNetwork } from '../support/network-hooks';
import { until } from '../support/until';

const AMBER_STRICT = 'marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003';
const AMBER = 'marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421';

function indicator(marking: string, canary: string): Record<string, unknown> {
  return {
    type: 'indicator',
    spec_version: '2.1',
    id: `indicator--${randomUUID()}`,
    created: '2026-12-01T00:00:00Z',
    modified: '2026-12-01T00:00:00Z',
    name: 'deliver canary',
    pattern: `[url:value = 'https://${canary}.example/']`,
    pattern_type: 'stix',
    valid_from: '2026-12-01T00:00:00Z',
    object_marking_refs: [marking],
  };
}

/**
 * Asks `peer` for a ledger snapshot as `identity` through the peer's Snapshot service (what `peer
 * snapshot submitrequest` sends): a request signed with the identity's own key. Resolves when the
 * peer accepted it, rejects with the peer's answer.
 */
async function requestSnapshot(identity: string, peer: string): Promise<void> {
  const profile = loadProfile(identity, testNetwork.home ?? '');
  const endpoint = profile.peers.find((p) => p.name === peer);
  if (!endpoint) throw new Error(`${identity} knows no ${peer}`);
  const creator = new msp.SerializedIdentity();
  creator.setMspid(profile.mspId);
  creator.setIdBytes(Buffer.from(profile.certificate));
  const header = new common.SignatureHeader();
  header.setCreator(creator.serializeBinary());
  header.setNonce(randomBytes(24));
  const request = new peerPb.SnapshotRequest();
  request.setSignatureHeader(header);
  request.setChannelId('xborder');
  request.setBlockNumber(0); // 0: the last committed block
  const bytes = request.serializeBinary();
  const signed = new peerPb.SignedSnapshotRequest();
  signed.setRequest(bytes);
  signed.setSignature(await signers.newPrivateKeySigner(createPrivateKey(profile.privateKey))(hash.sha256(bytes)));
  const client = new peerPb.SnapshotClient(endpoint.endpoint, grpc.credentials.createSsl(Buffer.from(endpoint.tlsRootCert)));
  try {
    await new Promise<void>((resolve, reject) => {
      client.generate(signed, { deadline: Date.now() + 30_000 }, (err) => {
        if (err) reject(err);
        else resolve();
      });
    });
  } finally {
    client.close();
  }
}

/** Every file's bytes under a folder, as one text to search for a canary. */
function folderText(dir: string): string {
  let text = '';
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true }))
    if (entry.isFile()) text += fs.readFileSync(path.join(entry.parentPath, entry.name)).toString('latin1');
  return text;
}

describe('peer doors: deliver with private data and whole blocks, as every identity against every peer', () => {
  const { as, closeAll } = clientPool();
  const strictCanary = `strict-${randomUUID()}`;
  const amberCanary = `amber-${randomUUID()}`;
  let height = 0n;
  let before_ = 0;
  let strictId = '';

  before(async function () {
    this.timeout(120_000);
    const producer = as('hk-bank-a');
    before_ = await as('audit-1').audit.height();
    const strict = indicator(AMBER_STRICT, strictCanary);
    strictId = String(strict.id);
    await producer.intel.submit(strict);
    await producer.intel.submit(indicator(AMBER, amberCanary));
    height = BigInt(await as('audit-1').audit.height());
  });
  after(() => {
    closeAll();
  });

  const attackers = ['hk-bank-b', 'th-bank-b', 'th-bank-a', 'audit-1', 'hk-ledger-reader', 'th-ledger-reader', 'hk-admin', 'th-admin'];
  for (const peer of ['peer0.hk', 'peer0.th'])
    for (const identity of attackers)
      it(`${identity} at ${peer}: deliver with private data and whole-block deliver are refused, nothing private received`, async function () {
        this.timeout(90_000);
        const network = as(identity, peer).gateway.getNetwork('xborder');
        for (const door of DOORS) {
          const got = await drain(network, door, height);
          expect(got.bytes, `${door} delivered the strict canary`).to.not.include(strictCanary);
          expect(got.bytes, `${door} delivered the AMBER canary`).to.not.include(amberCanary);
          expect(got.refused, `${door} was not refused`).to.match(/status response: 403/);
        }
      });

  it('the producer itself gets no whole blocks either, and reads its strict content through the chaincode', async function () {
    this.timeout(90_000);
    const producer = as('hk-bank-a');
    const got = await drain(producer.gateway.getNetwork('xborder'), 'getBlockAndPrivateDataEvents', height);
    expect(got.bytes).to.not.include(strictCanary);
    expect(got.refused).to.match(/status response: 403/);
    const record = await producer.intel.get(strictId);
    const content = await producer.intel.content(strictId, record.modified);
    expect(JSON.stringify(content)).to.include(strictCanary);
  });

  it('block queries (qscc) give blocks without the content, to every reader', async function () {
    this.timeout(90_000);
    for (const identity of ['audit-1', 'hk-bank-b', 'th-bank-b']) {
      const reader = as(identity);
      let seen = 0;
      for (let n = before_; n < Number(height); n++) {
        const text = Buffer.from(await reader.audit.blockByNumber(n)).toString('latin1');
        expect(text, `${identity}: block ${String(n)}`).to.not.include(strictCanary);
        expect(text, `${identity}: block ${String(n)}`).to.not.include(amberCanary);
        seen++;
      }
      expect(seen, identity).to.be.greaterThan(0);
    }
  });

  it('filtered blocks stay open to every client identity, and carry no content', async function () {
    this.timeout(90_000);
    for (const identity of ['hk-bank-b', 'th-bank-b', 'audit-1']) {
      const network = as(identity).gateway.getNetwork('xborder');
      const events = await network.getFilteredBlockEvents({ startBlock: height - 1n });
      try {
        const first = await events[Symbol.asyncIterator]().next();
        expect(first.done, identity).to.equal(false);
        const text = Buffer.from(first.value.serializeBinary()).toString('latin1');
        expect(text).to.not.include(strictCanary);
      } finally {
        events.close();
      }
    }
  });

  it("ledger snapshots: refused to every identity but the peer's own operator admins, and they hold no private content", async function () {
    this.timeout(120_000);
    const refusedAt: Record<string, string[]> = {
      'peer0.hk': ['hk-bank-a', 'hk-bank-b', 'th-bank-b', 'audit-1', 'hk-ledger-reader', 'th-admin'],
      'peer0.th': ['th-bank-a', 'hk-bank-b', 'audit-1', 'th-ledger-reader', 'hk-admin'],
    };
    for (const [peer, identities] of Object.entries(refusedAt))
      for (const identity of identities) {
        const answer = await requestSnapshot(identity, peer).then(
          () => 'accepted',
          (err: unknown) => (err instanceof Error ? err.message : String(err)),
        );
        // refused by the peer's own admin policy: another org's identity does not even deserialize
        expect(answer, `${identity} at ${peer}`).to.match(/channelless check policy with policy \[Admins\]/);
      }
    // the operator's own admin may snapshot its own peer (it holds the peer's files anyway): the
    // snapshot carries the public state and the private data's hashes, never the content
    const root = path.join(testNetwork.home ?? '', 'data', 'peer0.hk', 'snapshots', 'completed', 'xborder');
    const existing = new Set(fs.existsSync(root) ? fs.readdirSync(root) : []);
    await requestSnapshot('hk-admin', 'peer0.hk');
    const made = await until('the snapshot to complete', () => {
      if (!fs.existsSync(root)) return undefined;
      const fresh = fs.readdirSync(root).find((n) => !existing.has(n));
      return fresh !== undefined && fs.existsSync(path.join(root, fresh, '_snapshot_signable_metadata.json'))
        ? path.join(root, fresh)
        : undefined;
    });
    try {
      const text = folderText(made);
      // positive control: the public record of the strict indicator is in the snapshot
      expect(text).to.include(strictId);
      expect(text).to.not.include(strictCanary);
      expect(text).to.not.include(amberCanary);
    } finally {
      fs.rmSync(made, { recursive: true, force: true });
    }
  });
});
