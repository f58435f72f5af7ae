import type { Submitted, Transactor } from './transactor';

const decoder = new TextDecoder();

/** What the chaincode sees of the caller. */
export interface WhoAmI {
  readonly mspId: string;
  readonly role: string | null;
  readonly institution: string | null;
  readonly txTime: string;
}

/** The `probe` contract: network diagnostics. */
export class ProbeClient {
  readonly #tx: Transactor;

  constructor(transactor: Transactor) {
    this.#tx = transactor;
  }

  /** The caller's MSP id, role and institution as the chaincode reads them from the certificate. */
  async whoAmI(): Promise<WhoAmI> {
    return JSON.parse(decoder.decode(await this.#tx.evaluate('probe', 'WhoAmI'))) as WhoAmI;
  }

  /** Writes a probe value (operator admins only: members cannot write free-form data). */
  async put(key: string, value: string, endorsingOrganizations?: readonly string[]): Promise<Submitted> {
    return this.#tx.submit('probe', 'PutProbe', { args: [key, value], ...(endorsingOrganizations ? { endorsingOrganizations } : {}) });
  }

  /** Reads a probe value. */
  async get(key: string): Promise<{ key: string; value: string; writer: string | null; mspId: string; txId: string }> {
    return JSON.parse(decoder.decode(await this.#tx.evaluate('probe', 'GetProbe', [key]))) as {
      key: string;
      value: string;
      writer: string | null;
      mspId: string;
      txId: string;
    };
  }
}
