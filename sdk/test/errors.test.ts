import { expect } from 'chai';

import { GatewayError } from '@hyperledger/fabric-gateway';

import { ChaincodeError, ERROR_CODES } from '@xborder/protocol';
import { CLIENT_ERROR_CODES, extractCode, toXborderError, XborderError } from '@xborder/sdk';

describe('SDK error mapping', () => {
  it('finds the chaincode error code inside a peer message', () => {
    expect(extractCode('evaluate call to endorser returned error: chaincode response 500, INTEL_NOT_FOUND: no intel x')).to.deep.equal({
      code: 'INTEL_NOT_FOUND',
      reason: 'no intel x',
    });
    expect(extractCode('ACCESS_DENIED: role auditor may not do this')).to.deep.equal({
      code: 'ACCESS_DENIED',
      reason: 'role auditor may not do this',
    });
    expect(extractCode('connection refused')).to.equal(undefined);
    expect(extractCode('Error: 14 UNAVAILABLE: no orderers')).to.equal(undefined);
  });

  it('keeps an XborderError and wraps anything else', () => {
    const e = new XborderError('INTEL_REVOKED', 'gone', { transactionId: 'abc' });
    expect(toXborderError(e)).to.equal(e);
    const wrapped = toXborderError(new Error('boom'));
    expect(wrapped.code).to.equal('CLIENT_ERROR');
    expect(wrapped.message).to.equal('boom');
  });
  it('never confuses a gRPC status or an unknown upper-case word with a chaincode code', () => {
    // the chaincode and gRPC both have INVALID_ARGUMENT and NOT_FOUND, with different meanings
    const rpcError = new Error('rpc') as unknown as ConstructorParameters<typeof GatewayError>[0]['cause'];
    const grpc = toXborderError(new GatewayError({ code: 3, details: [], cause: rpcError, message: '3 INVALID_ARGUMENT: bad request' }));
    expect(grpc.code).to.equal('GATEWAY_ERROR');
    expect(grpc.grpcStatus).to.equal('INVALID_ARGUMENT');
    const down = toXborderError(new GatewayError({ code: 14, details: [], cause: rpcError, message: '14 UNAVAILABLE: no connection' }));
    expect(down).to.include({ code: 'UNAVAILABLE', grpcStatus: 'UNAVAILABLE' });
    const fromPeer = toXborderError(
      new GatewayError({
        code: 2,
        details: [{ address: 'peer0.hk:7051', mspId: 'HKMSP', message: 'chaincode response 500, NOT_FOUND: no probe x' }],
        cause: rpcError,
        message: '2 UNKNOWN: evaluate call to endorser returned error',
      }),
    );
    expect(fromPeer).to.include({ code: 'NOT_FOUND', message: 'no probe x' });
    expect(extractCode('SOME_WORD: not a code of ours')).to.equal(undefined);
    // the two code tables are disjoint
    expect(Object.keys(CLIENT_ERROR_CODES).filter((c) => c in ERROR_CODES)).to.deep.equal([]);
  });
  it('gives the protocol’s client-side refusals the same code as an XborderError', () => {
    const e = toXborderError(new ChaincodeError('TLP_UNKNOWN', 'marking x is not TLP'));
    expect(e).to.be.instanceOf(XborderError);
    expect(e).to.include({ code: 'TLP_UNKNOWN', message: 'marking x is not TLP' });
  });
});
