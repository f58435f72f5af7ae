import { expect } from 'chai';

import { connect, XborderError } from '@xborder/sdk';
import type { XborderClient } from '@xborder/sdk';

import { testNetwork } from './network-hooks';

/** Clients by identity for one suite, all closed by `closeAll` (call it in `after`). */
export function clientPool(): { as: (identity: string, peer?: string) => XborderClient; closeAll: () => void } {
  const clients: XborderClient[] = [];
  return {
    as: (identity, peer) => {
      const c = connect({ identity, home: testNetwork.home ?? '', ...(peer ? { peer } : {}) });
      clients.push(c);
      return c;
    },
    closeAll: () => {
      for (const c of clients.splice(0)) c.close();
    },
  };
}

/** The XborderError code a promise rejects with (fails the test if it resolves). */
export async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    expect(err).to.be.instanceOf(XborderError);
    return (err as XborderError).code;
  }
  throw new Error('expected a rejection');
}
