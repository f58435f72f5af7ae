import { TRANSACTIONS } from '@xborder/protocol';
import type { Transactor } from './transactor';

import type { Institution, InstitutionKind, Page, SigningKey } from '@xborder/protocol';

export type { Institution, InstitutionKind, Page, SigningKey };

/** The `registry` contract: institutions and their signing keys. */
export class RegistryClient {
  readonly #tx: Transactor;

  constructor(transactor: Transactor) {
    this.#tx = transactor;
  }

  /** Registers an institution of the caller's org (org admins); the same details again are a no-op. */
  async registerInstitution(input: {
    id: string;
    name: string;
    kind: InstitutionKind;
    bic?: string;
    clearingCode?: string;
  }): Promise<Institution> {
    return (await this.#tx.submitTx(TRANSACTIONS.registry.RegisterInstitution, [JSON.stringify(input)])).value;
  }

  async setInstitutionStatus(id: string, status: 'active' | 'suspended'): Promise<Institution> {
    return (await this.#tx.submitTx(TRANSACTIONS.registry.SetInstitutionStatus, [id, status])).value;
  }

  async getInstitution(id: string): Promise<Institution> {
    return this.#tx.evaluateTx(TRANSACTIONS.registry.GetInstitution, [id]);
  }

  async listInstitutions(mspId: string, options: { pageSize?: number; bookmark?: string } = {}): Promise<Page<Institution>> {
    return this.#tx.evaluateTx(TRANSACTIONS.registry.ListInstitutions, [mspId, String(options.pageSize ?? 50), options.bookmark ?? '']);
  }

  /** Registers a certificate (PEM) as a signing key of an institution of the caller's org (org admins). */
  async registerKey(institution: string, certificatePem: string): Promise<SigningKey> {
    return (await this.#tx.submitTx(TRANSACTIONS.registry.RegisterKey, [institution, certificatePem])).value;
  }

  async revokeKey(fingerprint: string, reason: string): Promise<SigningKey> {
    return (await this.#tx.submitTx(TRANSACTIONS.registry.RevokeKey, [fingerprint, reason])).value;
  }

  async getKey(fingerprint: string): Promise<SigningKey> {
    return this.#tx.evaluateTx(TRANSACTIONS.registry.GetKey, [fingerprint]);
  }

  async listKeys(institution: string): Promise<SigningKey[]> {
    return this.#tx.evaluateTx(TRANSACTIONS.registry.ListKeys, [institution]);
  }

  /** Every committed state of a key record, oldest first. */
  async keyHistory(fingerprint: string): Promise<{ txId: string; timestamp: string; record: SigningKey | null }[]> {
    return this.#tx.evaluateTx(TRANSACTIONS.registry.GetKeyHistory, [fingerprint]);
  }

  /** Whether the caller may submit records now, and as which institution and key. */
  async whoCanISubmitAs(): Promise<{ mspId: string; institution: string; fingerprint: string }> {
    return this.#tx.evaluateTx(TRANSACTIONS.registry.WhoCanISubmitAs, []);
  }
}
