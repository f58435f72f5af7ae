import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID, X509Certificate, verify } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

import * as chai from 'chai';
import chaiAsPromised from 'chai-as-promised';

import { canonicalize, contentCommitment, sha256Hex } from '@xborder/protocol';
import { enrollIdentity } from '@xborder/network';

import { clientPool, codeOf } from '../support/clients';
import { testNetwork } from '../support/network-hooks';

chai.use(chaiAsPromised);
const { expect } = chai;

const AMBER = 'marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421';
const AMBER_STRICT = 'marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003';

function indicator(marking: string, marker: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'indicator',
    spec_version: '2.1',
    id: `indicator--${randomUUID()}`,
    created: '2026-11-24T02:00:00.000Z',
    modified: '2026-11-24T02:00:00.000Z',
    name: 'Smishing sender impersonating a cross-border payment app',
    pattern: `[url:value = 'https://${marker}.example/pay']`,
    pattern_type: 'stix',
    valid_from: '2026-11-24T02:00:00Z',
    indicator_types: ['malicious-activity'],
    labels: ['phishing'],
    confidence: 75,
    object_marking_refs: [marking],
    ...overrides,
  };
}

/** Whether any file under `dir` contains `marker` (LevelDB logs and tables hold values uncompressed or literal). */
function filesContain(dir: string, marker: string): boolean {
  try {
    execFileSync('grep', ['-r', '-l', '-a', '-F', marker, dir], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

describe('intel on the real network: signed STIX records, private content, sightings, revocation', () => {
  const { as, closeAll } = clientPool();
  after(() => {
    closeAll();
  });

  // other suites (the benchmark smoke run) also submit as hk-bank-a: list from this suite's start
  let since = '';
  before(() => {
    since = new Date(Date.now() - 1000).toISOString();
  });
  const amberMarker = `amber-${randomBytes(12).toString('hex')}`;
  const strictMarker = `strict-${randomBytes(12).toString('hex')}`;
  const amber = indicator(AMBER, amberMarker);
  const strict = indicator(AMBER_STRICT, strictMarker);

  it('lets an HK bank submit AMBER and AMBER+STRICT objects, idempotently', async () => {
    const hk = as('hk-bank-a');
    const a = await hk.intel.submit(amber);
    expect(a.created).to.equal(true);
    expect(a.record).to.include({ stixId: amber.id, tlp: 'AMBER', producer: 'hk-bank-a', mspId: 'HKMSP', confidence: 75 });
    const s = await hk.intel.submit(strict);
    expect(s.record).to.include({ tlp: 'AMBER+STRICT', confidence: null });
    expect(s.strictContentStored).to.equal(true);
    const again = await hk.intel.submit(amber);
    expect(again.created).to.equal(false);
    expect(again.transactionId).to.equal(a.transactionId);
  });

  it('lets a TH bank read the AMBER content; AMBER+STRICT content only its producer', async () => {
    const th = as('th-bank-a');
    const content = await th.intel.content(amber.id as string, amber.modified as string);
    expect(content.object).to.deep.equal(amber);
    expect(await codeOf(th.intel.content(strict.id as string, strict.modified as string))).to.equal('ACCESS_DENIED');
    // strict content is its producer's: another bank of the same operator is refused too
    expect(await codeOf(as('hk-bank-b').intel.content(strict.id as string, strict.modified as string))).to.equal('ACCESS_DENIED');
    expect((await as('hk-bank-a').intel.content(strict.id as string, strict.modified as string)).object).to.deep.equal(strict);
  });

  it('never lets the AMBER+STRICT bytes reach the TH peer (private data, transient store, ledger), and seals them on the HK ledger', () => {
    const home = testNetwork.home ?? '';
    const thData = path.join(home, 'data', 'peer0.th');
    const hkData = path.join(home, 'data', 'peer0.hk');
    expect(filesContain(thData, amberMarker), 'positive control: the TH peer holds the AMBER content').to.equal(true);
    expect(filesContain(path.join(hkData, 'ledgersData'), amberMarker), 'positive control: so does the HK ledger').to.equal(true);
    expect(filesContain(thData, strictMarker), 'the TH peer must never see the strict content').to.equal(false);
    // the producer's own peer keeps it sealed at rest: its ledger holds no strict content in clear
    expect(filesContain(path.join(hkData, 'ledgersData'), strictMarker), 'strict content in clear on the HK ledger').to.equal(false);
    expect(filesContain(path.join(home, 'logs'), strictMarker)).to.equal(false);
    expect(fs.existsSync(path.join(thData, 'transientstore'))).to.equal(true);
  });

  it('keeps guessable values out of the public ledger of both peers', async () => {
    const record = await as('audit-1').intel.get(amber.id as string);
    expect(JSON.stringify(record)).not.to.contain(amberMarker);
  });

  it('lets a TH bank record a sighting', async () => {
    const th = as('th-bank-a');
    const sighting = await th.intel.sight({
      stixId: amber.id as string,
      count: 4,
      firstSeen: '2026-11-24T03:00:00Z',
      lastSeen: '2026-11-24T07:45:00Z',
    });
    expect(sighting).to.include({ institution: 'th-bank-a', count: 4 });
    const page = await as('audit-1').intel.sightings(amber.id as string);
    expect(page.items.map((s) => s.institution)).to.include('th-bank-a');
  });

  it('lets the producer publish a new version, then revoke it; the revoked object takes nothing more', async () => {
    const hk = as('hk-bank-a');
    const v2 = { ...amber, modified: '2026-11-25T01:00:00.000Z', confidence: 95 };
    const r2 = await hk.intel.submit(v2);
    expect(r2.record.previousModified).to.equal(amber.modified);
    expect(await codeOf(as('hk-bank-b').intel.submit({ ...amber, modified: '2026-11-25T02:00:00.000Z' }))).to.equal('INTEL_NOT_PRODUCER');
    const revoked = await hk.intel.revoke(amber.id as string, 'campaign taken down');
    expect(revoked).to.include({ revoked: true, revokeReason: 'campaign taken down' });
    expect(await codeOf(hk.intel.submit({ ...amber, modified: '2026-11-25T03:00:00.000Z' }))).to.equal('INTEL_REVOKED');
    expect(
      await codeOf(
        as('th-bank-a').intel.sight({
          stixId: amber.id as string,
          count: 1,
          firstSeen: '2026-11-25T00:00:00Z',
          lastSeen: '2026-11-25T00:00:00Z',
        }),
      ),
    ).to.equal('INTEL_REVOKED');
  });

  it('revokes from content: a version with revoked: true at AMBER and at AMBER+STRICT (which the endorsers never read)', async () => {
    const hk = as('hk-bank-a');
    for (const marking of [AMBER, AMBER_STRICT]) {
      const v1 = indicator(marking, `revoke-in-content-${randomUUID()}`);
      await hk.intel.submit(v1);
      const v2 = { ...v1, modified: '2026-12-01T00:00:00.000Z', revoked: true };
      const r = await hk.intel.submit(v2);
      expect(r.record, marking).to.include({ revoked: true, modified: v2.modified });
      expect(await as('th-bank-a').intel.get(v1.id as string), marking).to.include({ revoked: true });
      expect(await codeOf(hk.intel.submit({ ...v1, modified: '2026-12-02T00:00:00.000Z' })), marking).to.equal('INTEL_REVOKED');
      // the same input again changes nothing and fails nothing
      expect((await hk.intel.submit(v2)).record, marking).to.include({ revoked: true });
    }
  });

  it('lets the auditor list, read history and verify an opening, but not read content or write', async () => {
    const auditor = as('audit-1');
    const history = await auditor.intel.history(amber.id as string);
    expect(history.map((h) => h.modified)).to.deep.equal([amber.modified, '2026-11-25T01:00:00.000Z']);
    expect(history.every((h) => /^[0-9a-f]{64}$/.test(h.txId))).to.equal(true);
    const listed = await auditor.intel.list({ filter: 'producer', value: 'hk-bank-a', from: since, pageSize: 200 });
    expect(listed.items.map((i) => i.stixId)).to.include.members([amber.id, strict.id]);
    // the bare hash of the content is nowhere; the producer's opening (object and salt) verifies
    expect((await auditor.intel.verify(sha256Hex(canonicalize(strict)))).found).to.equal(false);
    const { opening } = await as('hk-bank-a').intel.content(strict.id as string, strict.modified as string);
    const verified = await auditor.intel.verify(contentCommitment(opening.salt, canonicalize(opening.object)));
    expect(verified.found).to.equal(true);
    expect(verified.record?.stixId).to.equal(strict.id);
    expect(await codeOf(auditor.intel.content(amber.id as string, amber.modified as string))).to.equal('ACCESS_DENIED');
    expect(await codeOf(auditor.intel.submit(indicator(AMBER, 'auditor-write')))).to.equal('ACCESS_DENIED');
  });

  it('refuses a key revoked in the registry while its earlier records still verify', async function () {
    this.timeout(120_000);
    const name = `hk-bank-b-${String(Date.now())}`;
    await enrollIdentity(testNetwork, { name, org: 'hk', role: 'submitter', institution: 'hk-bank-b' });
    const admin = as('hk-admin');
    const newcomer = as(name);
    expect(await codeOf(newcomer.intel.submit(indicator(AMBER, 'unregistered')))).to.equal('KEY_NOT_REGISTERED');
    const key = await admin.registry.registerKey('hk-bank-b', newcomer.profile.certificate);
    const before = indicator(AMBER, `before-${randomBytes(6).toString('hex')}`);
    const submitted = await newcomer.intel.submit(before);
    await admin.registry.revokeKey(key.fingerprint, 'employee left');
    expect(await codeOf(newcomer.intel.submit(indicator(AMBER, 'after-revocation')))).to.equal('KEY_REVOKED');
    const auditor = as('audit-1');
    const record = await auditor.intel.get(before.id as string);
    const registered = await auditor.registry.getKey(record.signerFingerprint);
    expect(registered.revokedAt).to.be.a('string');
    expect(record.txTime < (registered.revokedAt ?? '')).to.equal(true);
    const ok = verify(
      'sha256',
      Buffer.from(record.statement),
      new X509Certificate(registered.certificate).publicKey,
      Buffer.from(record.signature, 'base64'),
    );
    expect(ok).to.equal(true);
    expect(submitted.record.signerFingerprint).to.equal(key.fingerprint);
    const history = await auditor.registry.keyHistory(key.fingerprint);
    expect(history.map((h) => h.record?.revokedAt ?? null)).to.deep.equal([null, registered.revokedAt]);
  });
});
