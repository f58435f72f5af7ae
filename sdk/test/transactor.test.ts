import { GatewayError } from '@hyperledger/fabric-gateway';
import type { Gateway, SubmittedTransaction } from '@hyperledger/fabric-gateway';
import * as chai from 'chai';
import chaiAsPromised from 'chai-as-promised';

import { RESUBMITTED_CONFLICTS, submitToOrderers, Transactor } from '@xborder/sdk';

chai.use(chaiAsPromised);
const { expect } = chai;

/** An error as fabric-gateway's Transaction.submit throws it (SubmitError is exported as a type only). */
function submitError(code: number, message: string): GatewayError {
  const err = new GatewayError({
    code,
    details: [],
    cause: Object.assign(new Error(message), { code, details: message, metadata: {} }) as never,
  });
  err.name = 'SubmitError';
  return err;
}

/** A transaction whose submit answers with the scripted outcomes, in order; counts the calls. */
function scripted(outcomes: (Error | 'ok')[]): { submit: () => Promise<SubmittedTransaction>; calls: () => number } {
  let calls = 0;
  const submitted = { getTransactionId: () => 'tx1' } as unknown as SubmittedTransaction;
  return {
    submit: () => {
      const outcome = outcomes[calls++] ?? 'ok';
      return outcome === 'ok' ? Promise.resolve(submitted) : Promise.reject(outcome);
    },
    calls: () => calls,
  };
}

describe('sending an endorsed transaction to the orderers', () => {
  it('sends the same signed transaction again when the orderers could not take it', async () => {
    const tx = scripted([submitError(14, 'insufficient number of orderers could successfully process transaction'), 'ok']);
    const submitted = await submitToOrderers(tx, 1);
    expect(submitted.getTransactionId()).to.equal('tx1');
    expect(tx.calls()).to.equal(2);
  });

  it('gives up after three attempts with the last error', async () => {
    const tx = scripted([submitError(4, 'deadline'), submitError(14, 'unavailable 2'), submitError(14, 'unavailable 3')]);
    await expect(submitToOrderers(tx, 1)).to.be.rejectedWith(GatewayError);
    expect(tx.calls()).to.equal(3);
  });

  it('does not retry what another attempt cannot fix', async () => {
    const refused = scripted([submitError(10, 'aborted by the orderer')]);
    await expect(submitToOrderers(refused, 1)).to.be.rejected;
    expect(refused.calls()).to.equal(1);
    const other = scripted([new Error('not a gateway error')]);
    await expect(submitToOrderers(other, 1)).to.be.rejectedWith('not a gateway error');
    expect(other.calls()).to.equal(1);
  });
});

describe('resubmitting a transaction that lost a read conflict', () => {
  /** A gateway whose every endorsed transaction commits with the next scripted validation code. */
  function gatewayCommitting(codes: number[]): { gateway: Gateway; proposals: () => number } {
    let proposals = 0;
    const contract = {
      newProposal: () => {
        const n = proposals++;
        const code = codes[n] ?? 0;
        const submitted = {
          getTransactionId: () => `tx${String(n)}`,
          getResult: () => new Uint8Array(0),
          getStatus: () => Promise.resolve({ successful: code === 0, code, blockNumber: 7n, transactionId: `tx${String(n)}` }),
        };
        return { endorse: () => Promise.resolve({ submit: () => Promise.resolve(submitted) }) };
      },
    };
    const gateway = { getNetwork: () => ({ getContract: () => contract }) } as unknown as Gateway;
    return { gateway, proposals: () => proposals };
  }

  it('resubmits after an MVCC or phantom read conflict as a new transaction, at most three times', async () => {
    const { gateway, proposals } = gatewayCommitting([12, 11, 0]);
    const done = await new Transactor(gateway, 'xborder', 'xborder').submit('probe', 'PutProbe', { args: ['k', 'v'] });
    expect(done.transactionId).to.equal('tx2');
    expect(proposals()).to.equal(3);
    const stuck = gatewayCommitting([12, 12, 12, 0]);
    await expect(new Transactor(stuck.gateway, 'xborder', 'xborder').submit('probe', 'PutProbe')).to.be.rejectedWith(/validation code 12/);
    expect(stuck.proposals()).to.equal(3);
    expect([...RESUBMITTED_CONFLICTS].sort()).to.deep.equal(['MVCC_READ_CONFLICT', 'PHANTOM_READ_CONFLICT']);
  });

  it('does not resubmit what lost for another reason', async () => {
    const { gateway, proposals } = gatewayCommitting([10]);
    await expect(new Transactor(gateway, 'xborder', 'xborder').submit('probe', 'PutProbe')).to.be.rejectedWith(/validation code 10/);
    expect(proposals()).to.equal(1);
  });
});
