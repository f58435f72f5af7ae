/**
 * The peers' own doors, attacked as every kind of identity against every peer: Fabric's deliver
 * service hands out whole blocks, and with `DeliverWithPrivateData` the private writes of every
 * collection the caller's organisation may see, without asking the chaincode. A bank of the same
 * operator, a bank of the other operator, an auditor, a ledger reader and the operators' admins must
 * receive no private content that way (nor whole blocks by deliver); filtered blocks and chaincode
 * events stay open for the clients that follow commits, and the producer reads its own content
 * through the chaincode.
 */
import { randomUUID } from 'node:crypto';

import { expect } from 'chai';

import type { Network } from '@hyperledger/fabric-gateway';

import { clientPool } from '../support/clients';

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

type Door = 'getBlockAndPrivateDataEvents' | 'getBlockEvents';

/**
 * Reads a deliver stream from block 0 up to `height`: what it delivered (as text, to search for a
 * canary), or the error the peer answered with.
 */
async function drain(network: Network, door: Door, height: bigint): Promise<{ bytes: string; refused?: string }> {
  const abort = new AbortController();
  const timer = setTimeout(() => {
    abort.abort();
  }, 30_000);
  const events = await network[door]({ startBlock: 0n });
  let bytes = '';
  try {
    for await (const event of events) {
      if (abort.signal.aborted) throw new Error(`${door}: no answer within 30 s`);
      bytes += Buffer.from(event.serializeBinary()).toString('latin1');
      const number =
        'getBlock' in event
          ? event.getBlock()?.getHeader()?.getNumber()
          : (event as { getHeader(): { getNumber(): number } | undefined }).getHeader()?.getNumber();
      if (number !== undefined && BigInt(number) >= height - 1n) break;
    }
    return { bytes };
  } catch (err) {
    return { bytes, refused: err instanceof Error ? err.message : String(err) };
  } finally {
    clearTimeout(timer);
    events.close();
  }
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
        for (const door of ['getBlockAndPrivateDataEvents', 'getBlockEvents'] as const) {
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
});
