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

import { faultPassed, localNetwork, runFault } from '@xborder/bench/internal/faults';

import { testNetwork } from '../support/network-hooks';
import { freshIndicator, GREEN } from '../support/stix-objects';

describe('faults: processes killed and restarted under a client', function () {
  this.timeout(240_000);

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
});
