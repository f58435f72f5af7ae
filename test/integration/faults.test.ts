/**
 * A fault injected into a real process: the HK peer, the gateway of hk-bank-a's client, is killed
 * with SIGKILL. A read made during the outage is retried with backoff and completes once the peer
 * is back, on the same client (no restart); without retries the same read fails at once, naming the
 * endpoint. Nothing acknowledged is lost and the client submits again afterwards.
 */

import { expect } from 'chai';

import { status, up } from '@xborder/network';
import { connect, XborderError } from '@xborder/sdk';

import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { faultPassed, localNetwork, runFault } from '@xborder/bench/internal/faults';
import type { FaultedNetwork } from '@xborder/bench/internal/faults';

import { testNetwork } from '../support/network-hooks';
import { REPO_ROOT } from '../support/paths';
import { freshIndicator, GREEN } from '../support/stix-objects';

describe('faults: processes killed and restarted under a client', function () {
  this.timeout(240_000);
  /** The test network as the fault suite drives it: each client a process of its own. */
  const local = (): FaultedNetwork =>
    localNetwork(testNetwork, (script, args) => spawn(process.execPath, [script, ...args], { stdio: ['pipe', 'pipe', 'pipe'] }));

  it('retries a read through the outage on the same client, fails fast without retries, and loses nothing acknowledged', async () => {
    const home = testNetwork.home ?? '';
    const patient = connect({ identity: 'hk-bank-a', home, retry: { attempts: 40, baseMs: 250, maxMs: 2000, deadlineMs: 120_000 } });
    const impatient = connect({ identity: 'hk-bank-a', home, retry: { attempts: 1, baseMs: 1, maxMs: 1, deadlineMs: 1 } });
    try {
      const before = freshIndicator(GREEN, 'acknowledged before the fault');
      const beforeId = before.id as string;
      await patient.intel.submit(before);

      const peer = (await status(testNetwork)).processes.find((p) => p.name === 'peer0.hk');
      expect(peer?.pid, 'peer0.hk runs').to.be.a('number');
      process.kill(peer?.pid ?? 0, 'SIGKILL');

      const failedFast = await impatient.intel.get(beforeId).catch((e: unknown) => e);
      expect(failedFast).to.be.instanceOf(XborderError);
      expect((failedFast as XborderError).code).to.be.oneOf(['UNAVAILABLE', 'DEADLINE_EXCEEDED']);

      // the read starts during the outage; the operator restarts the peer meanwhile
      const read = patient.intel.get(beforeId);
      await up(testNetwork, () => undefined, false);
      const record = await read;
      expect(record).to.include({ stixId: beforeId, producer: 'hk-bank-a' });

      // the same client writes again once the peer is back
      const after = freshIndicator(GREEN, 'submitted after the fault');
      const submitted = await patient.intel.submit(after);
      expect(submitted.created).to.equal(true);
      expect((await patient.intel.get(beforeId)).contentCommitment).to.equal(record.contentCommitment);
    } finally {
      patient.close();
      impatient.close();
    }
  });
  it('completes submits through a killed chaincode server and a killed orderer once they are back, each once', async () => {
    const home = testNetwork.home ?? '';
    const client = connect({ identity: 'hk-bank-a', home, retry: { attempts: 60, baseMs: 250, maxMs: 2000, deadlineMs: 150_000 } });
    const indicator = (name: string): Record<string, unknown> => freshIndicator(GREEN, name);
    try {
      for (const name of ['cc-xborder-th', 'orderer0']) {
        const proc = (await status(testNetwork)).processes.find((p) => p.name === name);
        expect(proc?.pid, `${name} runs`).to.be.a('number');
        process.kill(proc?.pid ?? 0, 'SIGKILL');
        // the TH endorsement cannot be had (chaincode server) or the orderer cannot take it: retried
        const object = indicator(`submitted while ${name} was down`);
        const pending = client.intel.submit(object);
        await up(testNetwork, () => undefined, false);
        const done = await pending;
        expect(done.created, name).to.equal(true);
        // exactly once on the ledger, and both operators' peers agree on it
        const history = await client.intel.history(object.id as string);
        expect(history, name).to.have.length(1);
        const th = connect({ identity: 'th-bank-a', home });
        try {
          expect((await th.intel.get(object.id as string)).txId).to.equal(done.transactionId);
        } finally {
          th.close();
        }
      }
    } finally {
      client.close();
    }
  });
  it('keeps every acknowledged write exactly once, with its content on both peers, when the TH peer or the HK chaincode server dies under load from both operators', async () => {
    const net = localNetwork(testNetwork, (script, args) =>
      spawn(process.execPath, [script, ...args], { stdio: ['pipe', 'pipe', 'pipe'] }),
    );
    for (const target of ['peer0.th', 'cc-xborder-hk']) {
      const r = await runFault(net, target, { seconds: 6, log: () => undefined });
      expect(r.acknowledged, target).to.be.greaterThan(0);
      expect(r.missing, target).to.deep.equal([]);
      expect(r.duplicated, target).to.deep.equal([]);
      expect(r.contentMissing, target).to.deep.equal([]);
      expect(r.peersAgree, `${target}: ${JSON.stringify(r.heights)}`).to.equal(true);
      expect(faultPassed(r), target).to.equal(true);
    }
  });

  it('resumes within seconds after the orderer hung for 5 s: resent copies do not stall the peers on private data', async () => {
    const r = await runFault(local(), 'stop:orderer0', { seconds: 6, log: () => undefined });
    expect(faultPassed(r), JSON.stringify(r)).to.equal(true);
    // the duplicate copies of resent transactions used to hold every peer's commits for 60 s
    expect(r.recoverySeconds, 'first write acknowledged after the orderer went on').to.be.a('number').and.to.be.below(3);
    expect(r.outageSeconds).to.be.below(10);
    expect(r.failed).to.equal(0);
  });

  it("keeps every acknowledged write when the TH peer's disk fills up, and resumes once space is freed", async function () {
    if (process.getuid?.() !== 0) {
      process.stdout.write('      skipped: a small disk needs root (mount)\n');
      this.skip();
    }
    const r = await runFault(local(), 'disk-full:peer0.th', { seconds: 6, log: () => undefined });
    expect(faultPassed(r), JSON.stringify(r)).to.equal(true);
    expect(r.recoverySeconds, 'writes acknowledged after the space was freed').to.be.a('number');
    const log = fs.readFileSync(path.join(testNetwork.home ?? '', 'logs', 'peer0.th.log'), 'utf8');
    expect(log, 'the peer met the full disk').to.match(/no space left on device/);
    expect(fs.readFileSync('/proc/mounts', 'utf8'), 'the small disk is gone').not.to.include(path.join(testNetwork.home ?? '', 'data'));
  });

  it('completes a CLI ingest interrupted by an outage when it is run again, with nothing twice', async () => {
    const home = testNetwork.home ?? '';
    const objects = Array.from({ length: 120 }, (_, i) => freshIndicator(GREEN, `interrupted ingest ${String(i)}`));
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'xb-ingest-')), 'bundle.json');
    fs.writeFileSync(file, JSON.stringify({ type: 'bundle', id: `bundle--${randomUUID()}`, objects }));
    const cli = path.join(REPO_ROOT, 'cli', 'dist', 'main.js');
    const run = (): Promise<{ code: number | null; out: string }> =>
      new Promise((resolve) => {
        const child = spawn(
          process.execPath,
          [cli, '--home', home, '--as', 'hk-bank-a', 'intel', 'submit', file, '--batch-size', '4', '--concurrency', '2', '--json'],
          { stdio: ['ignore', 'pipe', 'pipe'] },
        );
        let out = '';
        child.stdout.on('data', (d: Buffer) => (out += d.toString()));
        child.stderr.on('data', (d: Buffer) => (out += d.toString()));
        child.on('close', (code) => resolve({ code, out }));
      });
    const reader = connect({ identity: 'hk-bank-a', home });
    try {
      const first = run();
      // the outage starts once the ingest has written something: TH's peer (every write needs its endorsement) dies
      const firstId = objects[0]?.id as string;
      const deadline = Date.now() + 60_000;
      const written = (): Promise<boolean> =>
        reader.intel.get(firstId).then(
          () => true,
          () => false,
        );
      while (!(await written()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50)); // polling, bounded
      const peer = (await status(testNetwork)).processes.find((p) => p.name === 'peer0.th');
      process.kill(peer?.pid ?? 0, 'SIGKILL');
      const interrupted = await first;
      expect(interrupted.code, interrupted.out).to.equal(1);
      expect(interrupted.out).to.match(/UNAVAILABLE|ENDORSEMENT_FAILED|DEADLINE_EXCEEDED|no combination/);
      await up(testNetwork, () => undefined, false);

      const again = await run();
      expect(again.code, again.out).to.equal(0);
      const report = JSON.parse(again.out) as { total: number; submitted: number; existing: number; rejected: number };
      expect(report.total).to.equal(120);
      expect(report.rejected).to.equal(0);
      expect(report.submitted + report.existing).to.equal(120);
      expect(report.existing, 'written before the outage').to.be.greaterThan(0);
      expect(report.submitted, 'written after it').to.be.greaterThan(0);
      for (const o of objects) expect(await reader.intel.history(o.id as string), String(o.id)).to.have.length(1);
    } finally {
      reader.close();
      fs.rmSync(path.dirname(file), { recursive: true, force: true });
    }
  });

  it('refuses every write of a client whose clock is 10 minutes ahead, writes none of them, and serves the other clients', async () => {
    const r = await runFault(local(), 'clock-skew', { seconds: 4, log: () => undefined });
    expect(faultPassed(r), JSON.stringify(r)).to.equal(true);
    expect(r.skewedWritten, 'skewed writes acknowledged or on the ledger').to.deep.equal([]);
    expect(Object.keys(r.errors)).to.deep.equal(['skewed client TX_TIME_SKEWED']);
    expect(r.errors['skewed client TX_TIME_SKEWED']).to.be.greaterThan(0);
    expect(r.acknowledged, 'the other clients wrote').to.be.greaterThan(0);
  });
});
