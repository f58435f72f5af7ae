import { expect } from 'chai';

import { XborderError, extractCode, toXborderError } from '@xborder/gateway';

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
});
