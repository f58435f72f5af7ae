import { TRANSACTIONS } from '@xborder/protocol';
import type { ProbeRecord, WhoAmI } from '@xborder/protocol';

import type { Submitted, Transactor } from './transactor';

export type { WhoAmI };

/** The `probe` contract: network diagnostics. */
export class ProbeClient {
  readonly #tx: Transactor;

  constructor(transactor: Transactor) {
    this.#tx = transactor;
  }

  /** The caller's MSP id, role and institution as the chaincode reads them from the certificate. */
  async whoAmI(): Promise<WhoAmI> {
    return this.#tx.evaluateTx(TRANSACTIONS.probe.WhoAmI, []);
  }

  /** Writes a probe value (operator admins only: members cannot write free-form data). */
  async put(key: string, value: string, endorsingOrganizations?: readonly string[]): Promise<Submitted> {
    return this.#tx.submit(TRANSACTIONS.probe.PutProbe.contract, TRANSACTIONS.probe.PutProbe.name, {
      args: [key, value],
      ...(endorsingOrganizations ? { endorsingOrganizations } : {}),
    });
  }

  /** Reads a probe value. */
  async get(key: string): Promise<ProbeRecord> {
    return this.#tx.evaluateTx(TRANSACTIONS.probe.GetProbe, [key]);
  }
}
