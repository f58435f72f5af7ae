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

  /**
   * Registers an institution of the caller's org (org admins); the same details again are a no-op.
   * @param input - id, name, kind, BIC and clearing code
   * @returns the institution record (the existing one for identical details)
   * @throws {@link XborderError} ACCESS_DENIED, INSTITUTION_INVALID, INSTITUTION_CONFLICT
   */
  async registerInstitution(input: {
    id: string;
    name: string;
    kind: InstitutionKind;
    bic?: string;
    clearingCode?: string;
  }): Promise<Institution> {
    return (await this.#tx.submitTx(TRANSACTIONS.registry.RegisterInstitution, [JSON.stringify(input)])).value;
  }

  /**
   * Suspends or reactivates an institution (its operator's admins only).
   * @param id - the institution id
   * @param status - active or suspended
   * @throws {@link XborderError} ACCESS_DENIED or INSTITUTION_NOT_FOUND
   */
  async setInstitutionStatus(id: string, status: 'active' | 'suspended'): Promise<Institution> {
    return (await this.#tx.submitTx(TRANSACTIONS.registry.SetInstitutionStatus, [id, status])).value;
  }

  /**
   * An institution's record.
   * @param id - the institution id
   * @throws {@link XborderError} INSTITUTION_NOT_FOUND
   */
  async getInstitution(id: string): Promise<Institution> {
    return this.#tx.evaluateTx(TRANSACTIONS.registry.GetInstitution, [id]);
  }

  /**
   * One page of an org's institutions.
   * @param mspId - HKMSP, THMSP or AuditMSP
   * @param options - page size (default 50) and bookmark
   */
  async listInstitutions(mspId: string, options: { pageSize?: number; bookmark?: string } = {}): Promise<Page<Institution>> {
    return this.#tx.evaluateTx(TRANSACTIONS.registry.ListInstitutions, [mspId, String(options.pageSize ?? 50), options.bookmark ?? '']);
  }

  /**
   * Registers a certificate (PEM) as a signing key of an institution of the caller's org (org admins).
   * @param institution - the institution id
   * @param certificatePem - the enrolled certificate (issued by the institution's operator CA)
   * @returns the signing key record
   * @throws {@link XborderError} ACCESS_DENIED, KEY_INVALID, INSTITUTION_NOT_FOUND
   */
  async registerKey(institution: string, certificatePem: string): Promise<SigningKey> {
    return (await this.#tx.submitTx(TRANSACTIONS.registry.RegisterKey, [institution, certificatePem])).value;
  }

  /**
   * Revokes a signing key (its operator's admins); records signed before stay verifiable.
   * @param fingerprint - SHA-256 of the certificate DER, hex
   * @param reason - why
   * @throws {@link XborderError} ACCESS_DENIED or NOT_FOUND
   */
  async revokeKey(fingerprint: string, reason: string): Promise<SigningKey> {
    return (await this.#tx.submitTx(TRANSACTIONS.registry.RevokeKey, [fingerprint, reason])).value;
  }

  /**
   * A signing key with its certificate.
   * @param fingerprint - SHA-256 of the certificate DER, hex
   * @throws {@link XborderError} NOT_FOUND
   */
  async getKey(fingerprint: string): Promise<SigningKey> {
    return this.#tx.evaluateTx(TRANSACTIONS.registry.GetKey, [fingerprint]);
  }

  /**
   * Every key registered to an institution, revoked ones too.
   * @param institution - the institution id
   */
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
