/**
 * Attacks on what stays private, performed on the real network: strict content must never reach
 * the other operator's peer or chaincode on any path, and a marking trick must not lower an object's
 * sharing level. Each attack fails and writes nothing.
 */
import { createHash, randomUUID, sign } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { expect } from 'chai';

import { canonicalize, contentCommitment, newSalt, sealContent } from '@xborder/protocol';
import { up } from '@xborder/network';
import { XborderError } from '@xborder/sdk';

import { clientPool, codeOf } from '../support/clients';
import { testNetwork } from '../support/network-hooks';

const RED = 'marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1';
const AMBER_STRICT = 'marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003';
const AMBER = 'marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421';

function indicator(marking: string): Record<string, unknown> {
  return {
    type: 'indicator',
    spec_version: '2.1',
    id: `indicator--${randomUUID()}`,
    created: '2026-11-30T00:00:00Z',
    modified: '2026-11-30T00:00:00Z',
    name: 'strict canary',
    pattern: `[url:value = 'https://canary-${randomUUID()}.example/']`,
    pattern_type: 'stix',
    valid_from: '2026-11-30T00:00:00Z',
    object_marking_refs: [marking],
  };
}

const home = (): string => testNetwork.home ?? '';
const log = (name: string): string => {
  const file = path.join(home(), 'logs', `${name}.log`);
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
};

/** Waits until a process we started has exited (it was sent SIGTERM by pid). */
async function exited(pid: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`process ${String(pid)} did not exit`);
}

describe('confidentiality attacks on the real network', () => {
  const { as, closeAll } = clientPool();
  after(() => {
    closeAll();
  });

  it('never sends AMBER+STRICT content to the other operator, even with the producer’s chaincode server down', async function () {
    this.timeout(180_000);
    const bank = as('hk-bank-a');
    const object = indicator(AMBER_STRICT);
    const signed = bank.intel.sign(object);
    // the public record first (both operators endorse it; it carries no content)
    await bank.transactor.submit('intel', 'SubmitIntel', { args: [signed.statementJson, signed.signature] });
    const canary = String(object.id);
    const pidFile = path.join(home(), 'run', 'cc-xborder-hk.pid');
    const pid = Number(fs.readFileSync(pidFile, 'utf8').trim());
    process.kill(pid, 'SIGTERM');
    await exited(pid);
    try {
      // the SDK's content step, dry run included, may only use HK peers: it fails, nothing moves to TH
      const code = await codeOf(bank.intel.storeStrictContent(signed.prepared));
      expect(code).to.not.equal('INTEL_CONTENT_UNEXPECTED');
      expect(log('cc-xborder-th')).to.not.include(canary);
    } finally {
      await up(testNetwork, () => undefined);
    }
    // the detector works: content sent to TH on purpose is refused unread, and the TH server says so
    const misrouted = bank.transactor.evaluate(
      'intel',
      'StoreStrictContent',
      [canary, String(object.modified)],
      { content: sealContent(signed.prepared.salt, signed.prepared.canonical) },
      { endorsingOrganizations: ['THMSP'] },
    );
    expect(await codeOf(misrouted)).to.equal('INTEL_CONTENT_UNEXPECTED');
    expect(log('cc-xborder-th')).to.include(`strict content of HKMSP offered to this THMSP chaincode server: refused unread (${canary})`);
    // and with HK back, the content is stored in HK's own collection
    expect(await bank.intel.storeStrictContent(signed.prepared)).to.equal(true);
    expect(await codeOf(as('th-bank-a').intel.content(canary, String(object.modified)))).to.equal('ACCESS_DENIED');
  });

  it('refuses an object whose TLP:RED marking id is written in upper case, writing nothing', async () => {
    const bank = as('hk-bank-a');
    const object = indicator(RED.replace(/--(.*)$/, (_m, u: string) => `--${u.toUpperCase()}`));
    // the SDK refuses to sign it at all
    expect(() => bank.intel.sign(object))
      .to.throw(XborderError)
      .with.property('code', 'TLP_UNKNOWN');
    // a client that signs it anyway as AMBER is refused by the endorsers, and nothing is written
    const canonical = canonicalize(object);
    const salt = newSalt();
    const statement = canonicalize({
      purpose: 'xborder/intel-statement/v2',
      contentCommitment: contentCommitment(salt, canonical),
      stixId: object.id,
      stixType: 'indicator',
      modified: object.modified,
      tlp: 'AMBER',
      institution: 'hk-bank-a',
      mspId: 'HKMSP',
    });
    const signature = sign('sha256', Buffer.from(statement), bank.signingKey).toString('base64');
    const code = await codeOf(
      bank.transactor.submit('intel', 'SubmitIntel', {
        args: [statement, signature],
        transient: { content: sealContent(salt, canonical) },
      }),
    );
    expect(code).to.equal('TLP_UNKNOWN');
    expect(await codeOf(as('audit-1').intel.get(String(object.id)))).to.equal('INTEL_NOT_FOUND');
  });

  it('grants the chaincode servers’ ledger-reader identity nothing: no reads, no writes, no checkpoints', async () => {
    const reader = as('hk-ledger-reader');
    expect(await reader.probe.whoAmI()).to.include({ mspId: 'HKMSP', role: null });
    const before = (await as('audit-1').audit.checkpoints()).length;
    const attempts: (() => Promise<unknown>)[] = [
      () => reader.intel.list({ filter: 'all', pageSize: 1 }),
      () => reader.intel.submit(indicator(AMBER_STRICT)),
      () => reader.probe.put('ledger-reader', 'free-form data'),
      () => reader.audit.recordCheckpoint(),
      () => reader.payments.reconcile('2026-11-25', 'HK-TH'),
    ];
    for (const attempt of attempts) expect(['ACCESS_DENIED', 'KEY_NOT_REGISTERED']).to.include(await codeOf(attempt()));
    expect((await as('audit-1').audit.checkpoints()).length).to.equal(before);
    expect(await codeOf(as('hk-admin').probe.get('ledger-reader'))).to.equal('NOT_FOUND');
  });
  it('gives a member guessing small objects nothing to match: no content hash in the record, the event or the block', async function () {
    this.timeout(60_000);
    const bank = as('hk-bank-a');
    const auditor = as('audit-1');
    // two public objects, then the small AMBER relationship between them the attacker wants to learn
    const malware = {
      type: 'malware',
      spec_version: '2.1',
      id: `malware--${randomUUID()}`,
      created: '2026-11-30T00:00:00Z',
      modified: '2026-11-30T00:00:00Z',
      name: 'guess-target',
      is_family: true,
      object_marking_refs: [AMBER],
    };
    const target = indicator(AMBER);
    const relationship = {
      type: 'relationship',
      spec_version: '2.1',
      id: `relationship--${randomUUID()}`,
      created: '2026-11-30T00:00:00Z',
      modified: '2026-11-30T00:00:00Z',
      relationship_type: 'indicates',
      source_ref: target.id,
      target_ref: malware.id,
      object_marking_refs: [AMBER],
    };
    await bank.intel.submit(malware);
    await bank.intel.submit(target);
    const submitted = await bank.intel.submit(relationship);
    // the attacker (any member or auditor) sees the public record and the whole block
    const record = await auditor.intel.get(relationship.id);
    const block = Buffer.from(await auditor.audit.blockByTxId(submitted.transactionId));
    const publicText = JSON.stringify(record);
    // candidates from what is public: every relationship type between every pair of recorded ids
    const ids = [malware.id, String(target.id), `indicator--${randomUUID()}`, `malware--${randomUUID()}`];
    const types = ['indicates', 'uses', 'targets', 'attributed-to', 'mitigates', 'related-to', 'variant-of', 'delivers'];
    const candidates: string[] = [];
    for (const t of types)
      for (const a of ids)
        for (const b of ids)
          if (a !== b) candidates.push(canonicalize({ ...relationship, relationship_type: t, source_ref: a, target_ref: b }));
    // the attack would work if anything public were a plain hash: the true content is among the candidates
    expect(candidates).to.include(canonicalize(relationship));
    const hits = candidates.filter((c) => {
      const digest = createHash('sha256').update(c).digest();
      return publicText.includes(digest.toString('hex')) || block.includes(digest) || block.includes(Buffer.from(digest.toString('hex')));
    });
    expect(hits, 'candidates whose SHA-256 appears in the record or block').to.deep.equal([]);
    // and the commitment itself opens only with the salt, which stays in private data
    const opening = (await as('th-bank-a').intel.content(relationship.id, relationship.modified)).opening;
    expect(contentCommitment(opening.salt, canonicalize(opening.object))).to.equal(record.contentCommitment);
    expect(block.includes(Buffer.from(opening.salt))).to.equal(false);
    expect(block.includes(Buffer.from(opening.salt, 'hex'))).to.equal(false);
  });
});
