import { randomUUID } from 'node:crypto';
import * as http from 'node:http';

import { expect } from 'chai';

import { resolveConfig } from '@xborder/network';

import { clientPool } from '../support/clients';
import { testNetwork } from '../support/network-hooks';

/** `chaincode_shim_requests_received` per message type for the xborder chaincode, from the peer's /metrics. */
function shimRequests(opsPort: number): Promise<Map<string, number>> {
  return new Promise((resolve, reject) => {
    http
      .get(`http://127.0.0.1:${String(opsPort)}/metrics`, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => {
          const counts = new Map<string, number>();
          for (const line of body.split('\n')) {
            const m = /^chaincode_shim_requests_received\{(.*)\} (\S+)$/.exec(line);
            if (!m?.[1] || !m[2] || !m[1].includes('chaincode="xborder')) continue;
            const type = /type="([A-Z_]+)"/.exec(m[1])?.[1];
            if (type) counts.set(type, (counts.get(type) ?? 0) + Number(m[2]));
          }
          resolve(counts);
        });
      })
      .on('error', reject);
  });
}

function delta(before: Map<string, number>, after: Map<string, number>, type: string): number {
  return (after.get(type) ?? 0) - (before.get(type) ?? 0);
}

describe('chaincode to peer batching on the real network (Fabric 3.1 WRITE_BATCH_STATE, GET_STATE_MULTIPLE)', () => {
  const { as, closeAll } = clientPool();
  after(() => {
    closeAll();
  });
  const hkPeerOps = resolveConfig(testNetwork).orgs.hk.peer?.opsPort ?? 0;

  it('sends a 20-object batch’s 180 writes in one message and its reads in two, and every object is on the ledger', async () => {
    const hk = as('hk-bank-a');
    const objects = Array.from({ length: 20 }, (_, i) =>
      hk.intel.sign({
        type: 'indicator',
        spec_version: '2.1',
        id: `indicator--${randomUUID()}`,
        created: '2026-11-25T01:00:00.000Z',
        modified: '2026-11-25T01:00:00.000Z',
        name: `Batched indicator ${String(i)}`,
        pattern: `[domain-name:value = 'batch-${String(i)}.example']`,
        pattern_type: 'stix',
        valid_from: '2026-11-25T01:00:00Z',
        object_marking_refs: ['marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421'],
      }),
    );
    const before = await shimRequests(hkPeerOps);
    const results = await hk.intel.submitBatch(objects);
    const after = await shimRequests(hkPeerOps);
    expect(results.filter((r) => r.created)).to.have.length(20);
    // one endorsement on this peer: 2 multi-key reads (registry, then versions and heads), 1 write batch
    expect(delta(before, after, 'WRITE_BATCH_STATE')).to.equal(1);
    expect(delta(before, after, 'GET_STATE_MULTIPLE')).to.equal(2);
    expect(delta(before, after, 'PUT_STATE')).to.equal(0);
    expect(delta(before, after, 'GET_STATE')).to.equal(0);
    const auditor = as('audit-1');
    for (const o of objects) {
      const record = await auditor.intel.byCommitment(o.prepared.statement.contentCommitment);
      expect(record.stixId).to.equal(o.prepared.id);
    }
    const content = await as('th-bank-a').intel.content(objects[7]?.prepared.id ?? '', objects[7]?.prepared.version ?? '');
    expect(content.canonical).to.equal(objects[7]?.prepared.canonical);
  });

  it('writes nothing at all when a batch fails part way through its writes (no partial writes)', async () => {
    const hk = as('hk-bank-a');
    const indicator = (id: string, modified: string, name: string): Record<string, unknown> => ({
      type: 'indicator',
      spec_version: '2.1',
      id,
      created: '2026-11-25T01:00:00.000Z',
      modified,
      name,
      pattern: "[domain-name:value = 'partial.example']",
      pattern_type: 'stix',
      valid_from: '2026-11-25T01:00:00Z',
    });
    const existingId = `indicator--${randomUUID()}`;
    await hk.intel.submit(indicator(existingId, '2026-11-25T03:00:00.000Z', 'Already recorded'));
    const good = hk.intel.sign(indicator(`indicator--${randomUUID()}`, '2026-11-25T01:00:00.000Z', 'First of a failing batch'));
    // a valid, signed object whose version is older than the one on the ledger: refused at the write step
    const stale = hk.intel.sign(indicator(existingId, '2026-11-25T02:00:00.000Z', 'Older version'));
    const before = await shimRequests(hkPeerOps);
    const err = await hk.intel.submitBatch([good, stale]).then(
      () => undefined,
      (e: unknown) => e as { code?: string; message: string },
    );
    const after = await shimRequests(hkPeerOps);
    expect(err?.code).to.equal('INTEL_VERSION_CONFLICT');
    expect(err?.message).to.include('item 1');
    expect(delta(before, after, 'WRITE_BATCH_STATE')).to.equal(0);
    expect((await as('audit-1').intel.verify(good.prepared.statement.contentCommitment)).found).to.equal(false);
  });
});
