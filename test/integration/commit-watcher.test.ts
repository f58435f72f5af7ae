import { randomBytes } from 'node:crypto';

import * as chai from 'chai';
import chaiAsPromised from 'chai-as-promised';

import { CommitWatcher } from '@xborder/sdk';

import { clientPool } from '../support/clients';

chai.use(chaiAsPromised);
const { expect } = chai;

describe('CommitWatcher: commit status from one block event stream', () => {
  const { as, closeAll } = clientPool();
  after(() => {
    closeAll();
  });

  it('reports each transaction’s validation code and block, as the commit-status call does', async () => {
    const hk = as('hk-admin');
    const network = hk.gateway.getNetwork(hk.profile.channel);
    const contract = network.getContract('xborder', 'probe');
    const watcher = await CommitWatcher.start(network);
    try {
      const submitted = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          contract.submitAsync('PutProbe', { arguments: [`watch-${randomBytes(4).toString('hex')}-${String(i)}`, 'v'] }),
        ),
      );
      const outcomes = await Promise.all(submitted.map((s) => watcher.wait(s.getTransactionId())));
      for (const [i, s] of submitted.entries()) {
        const status = await s.getStatus();
        expect(outcomes[i]).to.deep.equal({
          transactionId: s.getTransactionId(),
          blockNumber: status.blockNumber,
          code: status.code,
          successful: true,
        });
      }
      // a transaction that never comes
      await expect(watcher.wait(randomBytes(32).toString('hex'), 300)).to.be.rejectedWith(/no block carried transaction/);
    } finally {
      watcher.close();
    }
    await expect(watcher.wait('0'.repeat(64))).to.be.rejectedWith(/closed/);
  });
});
