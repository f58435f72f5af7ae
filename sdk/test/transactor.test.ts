import { GatewayError } from '@hyperledger/fabric-gateway';
import type { Gateway, SubmittedTransaction } from '@hyperledger/fabric-gateway';
import * as chai from 'chai';
import chaiAsPromised from 'chai-as-promised';

import {
  GatewayPool,
  isEndorsementRetryable,
  isTransient,
  RESUBMITTED_CONFLICTS,
  retrying,
  submitToOrderers,
  Transactor,
  XborderError,
} from '@xborder/sdk';
import type { PeerEndpoint, RetryEvent } from '@xborder/sdk';

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

const FAST = { attempts: 3, baseMs: 1, maxMs: 2, deadlineMs: 10_000 };

describe('sending an endorsed transaction to the orderers', () => {
  it('sends the same signed transaction again when the orderers could not take it', async () => {
    const tx = scripted([submitError(14, 'insufficient number of orderers could successfully process transaction'), 'ok']);
    const submitted = await submitToOrderers(tx, FAST);
    expect(submitted.getTransactionId()).to.equal('tx1');
    expect(tx.calls()).to.equal(2);
  });

  it('gives up after three attempts, saying so, with the last error\u2019s code', async () => {
    const tx = scripted([submitError(4, 'deadline'), submitError(14, 'unavailable 2'), submitError(14, 'unavailable 3')]);
    const err = (await submitToOrderers(tx, FAST).catch((e: unknown) => e)) as XborderError;
    expect(err).to.be.instanceOf(XborderError);
    expect(err.code).to.equal('UNAVAILABLE');
    expect(err.message).to.match(/^submit to the orderers: gave up after 3 attempts in [\d.]+ s/);
    expect(tx.calls()).to.equal(3);
  });

  it('does not retry what another attempt cannot fix', async () => {
    const refused = scripted([submitError(10, 'aborted by the orderer')]);
    await expect(submitToOrderers(refused, FAST)).to.be.rejected;
    expect(refused.calls()).to.equal(1);
    const other = scripted([new Error('not a gateway error')]);
    await expect(submitToOrderers(other, FAST)).to.be.rejectedWith('not a gateway error');
    expect(other.calls()).to.equal(1);
  });

  it('does not send a copy again that BFT orderers refused as already processed (they hold the transaction)', async () => {
    const held = submitError(14, 'insufficient number of orderers could successfully process transaction to satisfy quorum requirement');
    (held as unknown as { details: { address: string; mspId: string; message: string }[] }).details.push({
      address: 'th.xborder.test:7250',
      mspId: 'THMSP',
      message: 'failed to submit request: request already processed',
    });
    const tx = scripted([held, 'ok']);
    await expect(submitToOrderers(tx, FAST, {}, undefined, true)).to.be.rejected;
    expect(tx.calls()).to.equal(1);
    // a first send that reached some orderers before failing goes on until they all take it
    const first = scripted([held, 'ok']);
    await submitToOrderers(first, FAST);
    expect(first.calls()).to.equal(2);
  });
});

/** A peer that could not be reached, as fabric-gateway reports it. */
const unavailable = (address: string): GatewayError =>
  new GatewayError({
    code: 14,
    details: [{ address, mspId: 'HKMSP', message: 'connection refused' }],
    cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 14, details: 'connect ECONNREFUSED', metadata: {} }) as never,
  });

describe('retrying safe calls with jittered exponential backoff and a deadline', () => {
  it('waits a random time below an exponentially growing cap, and gives up naming the endpoint and the attempts', async () => {
    const waits: number[] = [];
    let calls = 0;
    const failing = (): Promise<never> => {
      calls++;
      return Promise.reject(unavailable('peer0.hk:7051'));
    };
    const policy = { attempts: 5, baseMs: 100, maxMs: 400, deadlineMs: 60_000 };
    const clock = { random: () => 0.999, sleep: (ms: number) => (waits.push(ms), Promise.resolve()) };
    const err = (await retrying('evaluate intel:GetIntel', failing, isTransient, policy, clock).catch((e: unknown) => e)) as XborderError;
    expect(calls).to.equal(5);
    expect(waits).to.deep.equal([99, 199, 399, 399]);
    expect(err).to.be.instanceOf(XborderError);
    expect(err.code).to.equal('UNAVAILABLE');
    expect(err.message).to.match(/^evaluate intel:GetIntel: gave up after 5 attempts in [\d.]+ s \(peer0\.hk:7051\): /);
    // full jitter: a random draw of 0 waits nothing
    const zero: number[] = [];
    await retrying('x', failing, isTransient, policy, { random: () => 0, sleep: (ms) => (zero.push(ms), Promise.resolve()) }).catch(
      () => undefined,
    );
    expect(zero.every((w) => w === 0)).to.equal(true);
  });

  it('tells the caller of every failure it retries, with the code, and not of the last one it gives up on', async () => {
    const seen: RetryEvent[] = [];
    let calls = 0;
    const failing = (): Promise<never> => {
      calls++;
      return Promise.reject(unavailable('peer0.th:8051'));
    };
    const policy = { attempts: 3, baseMs: 1, maxMs: 1, deadlineMs: 60_000, onRetry: (e: RetryEvent) => seen.push(e) };
    await retrying('endorse intel:SubmitIntel', failing, isTransient, policy, { sleep: () => Promise.resolve() }).catch(() => undefined);
    expect(calls).to.equal(3);
    expect(seen.map((e) => [e.what, e.attempt, e.code])).to.deep.equal([
      ['endorse intel:SubmitIntel', 1, 'UNAVAILABLE'],
      ['endorse intel:SubmitIntel', 2, 'UNAVAILABLE'],
    ]);
  });

  it('stops at the deadline, and never retries a refusal', async () => {
    let calls = 0;
    const failing = (): Promise<never> => {
      calls++;
      return Promise.reject(unavailable('orderer0:7050'));
    };
    await expect(
      retrying(
        'x',
        failing,
        isTransient,
        { attempts: 10, baseMs: 1000, maxMs: 1000, deadlineMs: 500 },
        { random: () => 1, sleep: () => Promise.resolve() },
      ),
    ).to.be.rejectedWith(XborderError, /^UNAVAILABLE|connect|gave up/);
    expect(calls).to.equal(1);
    let refusals = 0;
    await expect(
      retrying(
        'x',
        () => {
          refusals++;
          return Promise.reject(new XborderError('ACCESS_DENIED', 'no'));
        },
        isTransient,
        FAST,
      ),
    ).to.be.rejectedWith(/no/);
    expect(refusals).to.equal(1);
  });

  it('retries an endorsement that peers could not give (no chaincode code), never a chaincode refusal', () => {
    expect(isEndorsementRetryable(new XborderError('ENDORSEMENT_FAILED', 'chaincode server unreachable'))).to.equal(true);
    expect(isEndorsementRetryable(new XborderError('UNAVAILABLE', 'peer down'))).to.equal(true);
    expect(isEndorsementRetryable(new XborderError('INTEL_SIGNATURE_INVALID', 'refused'))).to.equal(false);
    expect(isTransient(new XborderError('ENDORSEMENT_FAILED', 'reads are retried on transient failures only'))).to.equal(false);
  });

  it('endorses again when the gateway peer could not be reached, then submits once', async () => {
    let proposals = 0;
    const submitted = {
      getTransactionId: () => 'tx-endorsed',
      getResult: () => new Uint8Array(0),
      getStatus: () => Promise.resolve({ successful: true, code: 0, blockNumber: 3n, transactionId: 'tx-endorsed' }),
    };
    let submits = 0;
    const contract = {
      newProposal: () => ({
        endorse: () => {
          proposals++;
          if (proposals < 3) return Promise.reject(unavailable('peer0.hk:7051'));
          return Promise.resolve({ submit: () => (submits++, Promise.resolve(submitted)) });
        },
      }),
    };
    const gateway = { getNetwork: () => ({ getContract: () => contract }) } as unknown as Gateway;
    const done = await new Transactor(gateway, 'xborder', 'xborder', FAST).submit('probe', 'PutProbe', { args: ['k', 'v'] });
    expect(done.transactionId).to.equal('tx-endorsed');
    expect([proposals, submits]).to.deep.equal([3, 1]);
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

describe("failing over between an organisation's gateway peers", () => {
  const peer = (name: string): PeerEndpoint => ({ name, mspId: 'HKMSP', endpoint: `${name}:7051`, tlsRootCert: 'pem' });

  /** A gateway whose every call fails UNAVAILABLE while `down()` says so, and succeeds otherwise. */
  function fakeGateway(name: string, down: () => boolean, log: string[]): Gateway {
    const submitted = {
      getTransactionId: () => `tx-${name}`,
      getResult: () => new Uint8Array(0),
      getBytes: () => new Uint8Array([1]),
      getStatus: () =>
        down() ? Promise.reject(unavailable(`${name}:7051`)) : Promise.resolve({ successful: true, code: 0, blockNumber: 1n }),
    };
    const contract = {
      evaluate: () => {
        log.push(`evaluate ${name}`);
        return down() ? Promise.reject(unavailable(`${name}:7051`)) : Promise.resolve(new TextEncoder().encode(name));
      },
      newProposal: () => ({
        endorse: () => {
          log.push(`endorse ${name}`);
          return down()
            ? Promise.reject(unavailable(`${name}:7051`))
            : Promise.resolve({
                getBytes: () => new Uint8Array([2]),
                submit: () => {
                  log.push(`submit ${name}`);
                  return down() ? Promise.reject(submitError(14, `${name} unreachable`)) : Promise.resolve(submitted);
                },
              });
        },
      }),
    };
    return {
      newTransaction: () => ({
        submit: () => {
          log.push(`submit again ${name}`);
          return Promise.resolve(submitted);
        },
      }),
      getNetwork: () => ({ getContract: () => contract }),
      newCommit: () => {
        log.push(`commit status ${name}`);
        return { getStatus: () => Promise.resolve({ successful: true, code: 0, blockNumber: 2n }) };
      },
    } as unknown as Gateway;
  }

  /** HK's two gateway peers, peer0.hk down while `peer0Down()` says so. */
  function twoPeers(log: string[], peer0Down: () => boolean): GatewayPool {
    return new GatewayPool([peer('peer0.hk'), peer('peer1.hk')], (p) => ({
      gateway: fakeGateway(p.name, () => p.name === 'peer0.hk' && peer0Down(), log),
      close: () => undefined,
    }));
  }

  it('reads and endorses through the next peer of its organisation when the current one is down, and stays there', async () => {
    const log: string[] = [];
    let peer0Down = true;
    const opened: string[] = [];
    const pool = new GatewayPool([peer('peer0.hk'), peer('peer1.hk')], (p) => {
      opened.push(p.name);
      return { gateway: fakeGateway(p.name, () => p.name === 'peer0.hk' && peer0Down, log), close: () => undefined };
    });
    const transactor = new Transactor(pool, 'xborder', 'xborder', FAST);
    const read = await transactor.evaluate('probe', 'GetProbe');
    expect(new TextDecoder().decode(read)).to.equal('peer1.hk');
    expect(log).to.deep.equal(['evaluate peer0.hk', 'evaluate peer1.hk']);
    const done = await transactor.submit('probe', 'PutProbe');
    expect(done.transactionId).to.equal('tx-peer1.hk');
    expect(pool.peer.name).to.equal('peer1.hk');
    peer0Down = false;
    expect(opened, 'each gateway opened once, when first needed').to.deep.equal(['peer0.hk', 'peer1.hk']);
  });

  it('asks another peer for the commit status when the one that took the transaction went down', async () => {
    const log: string[] = [];
    let peer0Down = false;
    const pool = twoPeers(log, () => peer0Down);
    const transactor = new Transactor(pool, 'xborder', 'xborder', FAST);
    const original = pool.current;
    // the peer goes down between the submit and the commit status
    const contract = original.getNetwork('xborder').getContract('xborder', 'probe') as unknown as {
      newProposal: () => { endorse: () => Promise<unknown> };
    };
    const endorse = contract.newProposal().endorse;
    contract.newProposal = () => ({
      endorse: () =>
        endorse().then((t) => {
          const taken = t as { getBytes: () => Uint8Array; submit: () => Promise<unknown> };
          return { getBytes: taken.getBytes, submit: () => taken.submit().finally(() => (peer0Down = true)) };
        }),
    });
    const done = await transactor.submit('probe', 'PutProbe');
    expect(done.blockNumber).to.equal(2n);
    expect(log).to.include('commit status peer1.hk');
  });

  it('sends the endorsed transaction through another peer when the one that endorsed it went down', async () => {
    const log: string[] = [];
    let peer0Down = false;
    const pool = twoPeers(log, () => peer0Down);
    const transactor = new Transactor(pool, 'xborder', 'xborder', FAST);
    const contract = pool.current.getNetwork('xborder').getContract('xborder', 'probe') as unknown as {
      newProposal: () => { endorse: () => Promise<unknown> };
    };
    const original = contract.newProposal.bind(contract);
    // peer0.hk endorses, then goes down before the transaction is sent to the orderers
    contract.newProposal = () => {
      const proposal = original();
      return { endorse: () => proposal.endorse().finally(() => (peer0Down = true)) };
    };
    const done = await transactor.submit('probe', 'PutProbe');
    expect(done.transactionId).to.equal('tx-peer1.hk');
    // the commit status comes from the peer that took the transaction
    expect(log).to.deep.equal(['endorse peer0.hk', 'submit peer0.hk', 'submit again peer1.hk']);
  });

  it('does not move for a refusal, for an endorsement another organisation could not give, or with one peer', () => {
    const log: string[] = [];
    const pool = twoPeers(log, () => false);
    const used = pool.current;
    pool.failover(new XborderError('INTEL_SIGNATURE_INVALID', 'refused'), used);
    pool.failover(new XborderError('ENDORSEMENT_FAILED', 'THMSP peer0.th:8051 unavailable'), used);
    expect(pool.peer.name).to.equal('peer0.hk');
    pool.failover(new XborderError('UNAVAILABLE', 'down'), used);
    expect(pool.peer.name).to.equal('peer1.hk');
    // a late failure of a gateway already left behind does not move the pool again
    pool.failover(new XborderError('UNAVAILABLE', 'down'), used);
    expect(pool.peer.name).to.equal('peer1.hk');
    const single = GatewayPool.of(used);
    single.failover(new XborderError('UNAVAILABLE', 'down'), used);
    expect(single.current).to.equal(used);
  });
});

describe('a transaction an orderer lost', () => {
  /** A gateway whose every endorsement gives a transaction that submits as `submitted`, counting each send. */
  function submitting(submitted: unknown, sent: () => void): Gateway {
    const endorsed = {
      getBytes: () => new Uint8Array([2]),
      submit: () => {
        sent();
        return Promise.resolve(submitted);
      },
    };
    const contract = { newProposal: () => ({ endorse: () => Promise.resolve(endorsed) }) };
    return { getNetwork: () => ({ getContract: () => contract }) } as unknown as Gateway;
  }

  const deadline = (): GatewayError =>
    new GatewayError({
      code: 4,
      details: [],
      cause: Object.assign(new Error('Deadline exceeded'), { code: 4, details: 'deadline', metadata: {} }) as never,
    });

  it('is sent again, as the same signed transaction, when no commit status comes in time; the status is then read once more', async () => {
    let submits = 0;
    let asks = 0;
    const submitted = {
      getTransactionId: () => 'tx-lost',
      getResult: () => new Uint8Array(0),
      getBytes: () => new Uint8Array([1]),
      getStatus: (options?: { deadline?: number }) => {
        asks++;
        expect(options?.deadline, 'each wait is bounded by the resend interval').to.be.a('number');
        return asks < 3 ? Promise.reject(deadline()) : Promise.resolve({ successful: true, code: 0, blockNumber: 9n });
      },
    };
    const gateway = submitting(submitted, () => submits++);
    const done = await new Transactor(gateway, 'xborder', 'xborder', FAST, 5).submit('probe', 'PutProbe');
    expect(done.blockNumber).to.equal(9n);
    expect([submits, asks]).to.deep.equal([3, 3]);
  });

  it('gives up with DEADLINE_EXCEEDED and the transaction id after six resends', async () => {
    let submits = 0;
    const submitted = {
      getTransactionId: () => 'tx-gone',
      getResult: () => new Uint8Array(0),
      getBytes: () => new Uint8Array([1]),
      getStatus: () => Promise.reject(deadline()),
    };
    const gateway = submitting(submitted, () => submits++);
    const err = await new Transactor(gateway, 'xborder', 'xborder', FAST, 5).submit('probe', 'PutProbe').catch((e: unknown) => e);
    expect(err).to.be.instanceOf(XborderError);
    expect((err as XborderError).code).to.equal('DEADLINE_EXCEEDED');
    expect((err as XborderError).transactionId).to.equal('tx-gone');
    expect(submits).to.equal(7);
  });
  it('waits about twice recent commit latencies before resending (within its bounds), doubling after three resends of one transaction', async () => {
    let lose = false;
    let asks = 0;
    const waits: number[] = [];
    const submitted = {
      getTransactionId: () => 'tx-adaptive',
      getResult: () => new Uint8Array(0),
      getBytes: () => new Uint8Array([1]),
      getStatus: (options?: { deadline?: number }) => {
        asks++;
        if (!lose) return Promise.resolve({ successful: true, code: 0, blockNumber: 1n });
        waits.push((options?.deadline ?? 0) - Date.now());
        return asks < 6 + 8 ? Promise.reject(deadline()) : Promise.resolve({ successful: true, code: 0, blockNumber: 2n });
      },
    };
    const gateway = submitting(submitted, () => undefined);
    const transactor = new Transactor(gateway, 'xborder', 'xborder', FAST, 60_000, 40);
    // eight quick commits: the wait falls from the 60 s bound to the 40 ms floor
    for (let i = 0; i < 8; i++) await transactor.submit('probe', 'PutProbe');
    lose = true;
    expect((await transactor.submit('probe', 'PutProbe')).blockNumber).to.equal(2n);
    expect(waits).to.have.length(6);
    // 40, 40, 40, 80, 160, 320 ms (a few ms of scheduling either side)
    [40, 40, 40, 80, 160, 320].forEach((ms, k) => expect(waits[k], `wait ${String(k)}`).to.be.within(ms - 15, ms + 5));
    // without a floor below the bound, the wait stays fixed at the bound
    const fixed = new Transactor(gateway, 'xborder', 'xborder', FAST, 60_000);
    lose = false;
    for (let i = 0; i < 8; i++) await fixed.submit('probe', 'PutProbe');
    lose = true;
    asks = 0;
    waits.length = 0;
    await fixed.submit('probe', 'PutProbe').catch(() => undefined);
    expect(waits[0], 'fixed wait').to.be.greaterThan(59_000);
  });
});

describe('an endorsement no set of peers can give yet', () => {
  it('is tried again while an operator peer is down (discovery finds no combination), never for a chaincode refusal', () => {
    const noCombination = new XborderError(
      'GATEWAY_ERROR',
      '9 FAILED_PRECONDITION: no combination of peers can be derived which satisfy the endorsement policy',
      { grpcStatus: 'FAILED_PRECONDITION' },
    );
    expect(isEndorsementRetryable(noCombination)).to.equal(true);
    expect(isEndorsementRetryable(new XborderError('GATEWAY_ERROR', 'something else', { grpcStatus: 'FAILED_PRECONDITION' }))).to.equal(
      false,
    );
    expect(isTransient(noCombination), 'reads are not retried for it').to.equal(false);
  });
});
