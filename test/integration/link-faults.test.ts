/**
 * Faults on the link between the two operators' hosts: HK, TH and the auditors in network
 * namespaces of their own, every connection between HK and TH through a toxiproxy on the bridge
 * (the fault suite's sites profile). Under load from a client on each operator's host, the link
 * gets cross-border latency, a degraded 300 ms round trip, and a partition that heals; the checker
 * then reads every write back from both operators' peers.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { expect } from 'chai';

import { faultPassed, runFault } from '@xborder/bench/internal/faults';
import type { FaultResult } from '@xborder/bench/internal/faults';
import { SitesNetwork } from '@xborder/bench/internal/sites-network';

import { REPO_ROOT } from '../support/paths';

const log = (line: string): void => {
  if (process.env.XB_TEST_VERBOSE === '1') process.stdout.write(`      ${line}\n`);
};

function expectPassed(r: FaultResult): void {
  expect(r.acknowledged, `${r.fault}: writes acknowledged`).to.be.greaterThan(0);
  expect(r.missing, `${r.fault}: acknowledged but missing`).to.deep.equal([]);
  expect(r.duplicated, `${r.fault}: twice`).to.deep.equal([]);
  expect(r.contentMissing, `${r.fault}: content missing`).to.deep.equal([]);
  expect(r.peersAgree, `${r.fault}: heights ${JSON.stringify(r.heights)}`).to.equal(true);
  expect(faultPassed(r)).to.equal(true);
}

describe("faults on the link between the operators' hosts (namespaces, toxiproxy)", function () {
  this.timeout(300_000);
  let sites: SitesNetwork | undefined;
  const results = new Map<string, FaultResult>();

  before(async function () {
    const can = SitesNetwork.available();
    if (!can.ok) {
      process.stdout.write(`      skipped: ${can.why}\n`);
      this.skip();
    }
    sites = await SitesNetwork.create({ repoRoot: REPO_ROOT, fabricHome: path.join(REPO_ROOT, '.fabric'), proxyApiPort: 20474, log });
  });

  after(async function () {
    this.timeout(120_000);
    if (!sites) return;
    const proxyPid = sites.link.pid;
    const base = sites.base;
    await sites.close();
    // deleting a namespace removes its links a moment later: wait for it (bounded), then check
    const deadline = Date.now() + 10_000;
    while (sites.hosts.leftovers().length > 0 && Date.now() < deadline) await new Promise((r) => setImmediate(r));
    expect(sites.hosts.leftovers(), 'namespaces and links left behind').to.deep.equal([]);
    expect(fs.existsSync(base), 'folders removed').to.equal(false);
    let proxyAlive = proxyPid !== undefined;
    while (proxyAlive && Date.now() < deadline) {
      try {
        process.kill(proxyPid ?? 0, 0);
        await new Promise((r) => setImmediate(r));
      } catch {
        proxyAlive = false;
      }
    }
    expect(proxyAlive, 'the link proxy stopped').to.equal(false);
  });

  const run = async (fault: string, seconds: number): Promise<FaultResult> => {
    if (!sites) throw new Error('no sites network');
    const r = await runFault(sites.faulted(), fault, { seconds, log });
    results.set(fault, r);
    log(JSON.stringify(r));
    return r;
  };

  it('with the link clean, and with 40-60 ms round trips between HK and TH, every write from both operators lands once', async () => {
    expectPassed(await run('none', 4));
    expectPassed(await run('link-latency', 4));
  });

  it('routes the HK-TH link through the proxy: a degraded 300 ms round trip shows in every write', async () => {
    // ten seconds of slow link, so that its writes outnumber the fast ones of the second before it
    const slow = await run('link-slow', 10);
    expectPassed(slow);
    // each write crosses the link at least once both ways (TH endorsement) and to the other operator's orderers
    const clean = results.get('none')?.p50Ms ?? 0;
    expect(slow.p50Ms, `p50 with the slow link vs ${String(clean)} ms clean`).to.be.greaterThan(clean + 300);
  });

  it('partitions HK from TH under load for 8 s: writes wait and then complete, nothing acknowledged is lost or doubled', async () => {
    const r = await run('link-partition', 4);
    expectPassed(r);
    // the partition stopped every write (each needs both operators), and writes were acknowledged after it healed
    expect(r.outageSeconds, 'no write acknowledged during the partition').to.be.greaterThan(7);
    expect(r.recoverySeconds, 'writes acknowledged after the heal').to.be.a('number');
  });
});
