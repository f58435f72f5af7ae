import * as path from 'node:path';

import * as chai from 'chai';
import chaiAsPromised from 'chai-as-promised';

import { connect, XborderError } from '@xborder/sdk';
import type { XborderClient } from '@xborder/sdk';
import { deploy, down, status, up } from '@xborder/network';

import { codeOf } from '../support/clients';
import { testNetwork } from '../support/network-hooks';

chai.use(chaiAsPromised);
const { expect } = chai;

const quiet = (): void => undefined;

describe('network: a real Fabric network with HK, TH and auditor identities', () => {
  const clients: XborderClient[] = [];
  const as = (identity: string): XborderClient => {
    const c = connect({ identity, home: testNetwork.home ?? '' });
    clients.push(c);
    return c;
  };
  after(() => {
    for (const c of clients) c.close();
  });

  const key = `k${String(Date.now())}`;

  it('reports every process healthy and both peers at the same height', async () => {
    const s = await status(testNetwork);
    expect(s.processes.map((p) => p.name)).to.include.members([
      'orderer0',
      'peer0.hk',
      'peer0.th',
      'ca-hk',
      'ca-th',
      'ca-audit',
      'ca-orderer',
      'cc-xborder-hk',
      'cc-xborder-th',
    ]);
    for (const p of s.processes) expect(p.healthy, `${p.name}: ${p.detail}`).to.equal(true);
    expect(s.heights['peer0.hk']).to.be.a('number').greaterThan(1);
    expect(s.chaincodes.xborder).to.be.a('number').greaterThan(0);
  });

  it('puts the CA attributes into the certificates the chaincode reads', async () => {
    expect(await as('hk-bank-a').probe.whoAmI()).to.include({ mspId: 'HKMSP', role: 'submitter', institution: 'hk-bank-a' });
    expect(await as('th-bank-b').probe.whoAmI()).to.include({ mspId: 'THMSP', role: 'submitter', institution: 'th-bank-b' });
    expect(await as('audit-1').probe.whoAmI()).to.include({ mspId: 'AuditMSP', role: 'auditor', institution: 'audit-1' });
  });

  it('lets an HK client and a TH client each submit and evaluate, endorsed by both operators', async () => {
    const hk = as('hk-admin');
    const th = as('th-admin');
    const fromHk = await hk.probe.put(`${key}-hk`, 'from hong kong');
    const fromTh = await th.probe.put(`${key}-th`, 'from thailand');
    expect(fromHk.transactionId).to.match(/^[0-9a-f]{64}$/);
    expect(await th.probe.get(`${key}-hk`)).to.include({ value: 'from hong kong', writer: 'hk-operator', txId: fromHk.transactionId });
    expect(await hk.probe.get(`${key}-th`)).to.include({ value: 'from thailand', writer: 'th-operator', txId: fromTh.transactionId });
  });

  it('refuses probe writes by member institutions: only operator admins write network checks', async () => {
    expect(await codeOf(as('hk-bank-a').probe.put(`${key}-member`, 'free-form data'))).to.equal('ACCESS_DENIED');
    await expect(as('hk-bank-a').probe.get(`${key}-member`)).to.be.rejectedWith(XborderError, /no probe/);
  });

  it('invalidates a transaction endorsed by only one operator (AND policy)', async () => {
    const err = await as('hk-admin')
      .probe.put(`${key}-alone`, 'hk only', ['HKMSP'])
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(err).to.be.instanceOf(XborderError);
    expect((err as XborderError).code).to.equal('ENDORSEMENT_POLICY_FAILURE');
    await expect(as('hk-bank-b').probe.get(`${key}-alone`)).to.be.rejectedWith(XborderError, /no probe/);
  });

  it('lets the auditor evaluate but refuses its submit with ACCESS_DENIED', async () => {
    const auditor = as('audit-1');
    expect(await auditor.probe.get(`${key}-hk`)).to.include({ value: 'from hong kong' });
    const err = await auditor.probe.put(`${key}-audit`, 'nope').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(XborderError);
    expect((err as XborderError).code).to.equal('ACCESS_DENIED');
    expect((err as XborderError).message).to.match(/auditor/);
  });

  it('deploys a second chaincode by name and redeploys a changed definition with sequence + 1', async () => {
    const modulePath = path.join(testNetwork.repoRoot ?? '', 'chaincode');
    await deploy(testNetwork, { name: 'second', modulePath }, quiet);
    const first = (await status(testNetwork)).chaincodes.second;
    expect(first).to.be.a('number');
    await deploy(testNetwork, { name: 'second', modulePath }, quiet);
    expect((await status(testNetwork)).chaincodes.second).to.equal(first, 'an unchanged definition is not redeployed');
    await deploy(testNetwork, { name: 'second', modulePath, policy: "OR('HKMSP.peer','THMSP.peer')" }, quiet);
    expect((await status(testNetwork)).chaincodes.second).to.equal(Number(first) + 1);
    const client = connect({ identity: 'hk-admin', home: testNetwork.home ?? '', chaincode: 'second' });
    clients.push(client);
    await client.probe.put(`${key}-second`, 'on the second chaincode', ['HKMSP']);
    expect(await client.probe.get(`${key}-second`)).to.include({ value: 'on the second chaincode' });
  });

  it('survives down and up with the earlier data still readable', async function () {
    this.timeout(180_000);
    for (const c of clients.splice(0)) c.close();
    await down(testNetwork, quiet);
    const stopped = await status(testNetwork);
    expect(stopped.processes.every((p) => p.pid === undefined)).to.equal(true, 'down leaves no process behind');
    await up(testNetwork, quiet);
    const th = as('th-admin');
    expect(await th.probe.get(`${key}-hk`)).to.include({ value: 'from hong kong' });
    const again = await th.probe.put(`${key}-after`, 'after restart');
    expect(again.blockNumber > 0n).to.equal(true);
  });
});
