import { OPERATOR_MSPS, TRANSACTIONS } from '@xborder/protocol';
import type { Transactor } from './transactor';

import type { ClearingMembership, Institution, InstitutionKind, Page, SigningKey } from '@xborder/protocol';

export type { ClearingMembership, Institution, InstitutionKind, Page, SigningKey };

/** The `registry` contract: institutions and their signing keys. */
export class RegistryClient {
  readonly #tx: Transactor;

  constructor(transactor: Transactor) {
    this.#tx = transactor;
  }

  /**
   * Registers an institution of the caller's org (org admins); the same details again are a no-op.
   * @param input - id, name, kind, BICs and clearing memberships (each must not belong to another institution)
   * @returns the institution record (the existing one for identical details)
   * @throws {@link XborderError} ACCESS_DENIED, INSTITUTION_INVALID, INSTITUTION_CONFLICT
   */
  async registerInstitution(input: {
    id: string;
    name: string;
    kind: InstitutionKind;
    bics?: readonly string[];
    memberships?: readonly ClearingMembership[];
    /** STIX identity ids (`identity--<uuid>`) that stand for it: no other member may name one as creator. */
    stixIdentities?: readonly string[];
  }): Promise<Institution> {
    return (await this.#tx.submitTx(TRANSACTIONS.registry.RegisterInstitution, [JSON.stringify(input)])).value;
  }

  /**
   * Changes an institution's name, BICs or memberships (its operator's admins); a list given replaces
   * the old one. Every change is kept in the institution's history.
   * @param id - the institution id
   * @param change - the new name, BICs or memberships
   * @returns the changed record
   * @throws {@link XborderError} ACCESS_DENIED, INSTITUTION_NOT_FOUND, INSTITUTION_INVALID, INSTITUTION_CONFLICT (held by another institution)
   */
  async updateInstitution(
    id: string,
    change: { name?: string; bics?: readonly string[]; memberships?: readonly ClearingMembership[]; stixIdentities?: readonly string[] },
  ): Promise<Institution> {
    return (await this.#tx.submitTx(TRANSACTIONS.registry.UpdateInstitution, [id, JSON.stringify(change)])).value;
  }

  /**
   * Every state of an institution's record (registration, changes, suspensions), oldest first.
   * @param id - the institution id
   * @throws {@link XborderError} INSTITUTION_NOT_FOUND
   */
  async institutionHistory(id: string): Promise<{ txId: string; timestamp: string; record: Institution | null }[]> {
    return this.#tx.evaluateTx(TRANSACTIONS.registry.GetInstitutionHistory, [id]);
  }

  /**
   * Every institution of both operators (for resolving payment agents), all pages.
   * @returns HK and TH institutions
   */
  async operatorInstitutions(): Promise<Institution[]> {
    const out: Institution[] = [];
    for (const mspId of OPERATOR_MSPS) {
      let bookmark = '';
      do {
        const page = await this.listInstitutions(mspId, { pageSize: 200, ...(bookmark ? { bookmark } : {}) });
        out.push(...page.items);
        bookmark = page.bookmark;
      } while (bookmark !== '');
    }
    return out;
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
   * Revokes a signing key (its operator's admins), now or from a later time (a rotation: register the
   * new key first, then revoke the old one from when the new one takes over). Records signed before
   * the revocation stay verifiable; submissions from then on are refused. Never back-dated.
   * @param fingerprint - SHA-256 of the certificate DER, hex
   * @param reason - why
   * @param effectiveFrom - ISO 8601 UTC time the revocation takes effect (default: now)
   * @throws {@link XborderError} ACCESS_DENIED, NOT_FOUND, INVALID_ARGUMENT (a time in the past)
   */
  async revokeKey(fingerprint: string, reason: string, effectiveFrom?: string): Promise<SigningKey> {
    return (await this.#tx.submitTx(TRANSACTIONS.registry.RevokeKey, [fingerprint, reason, effectiveFrom ?? ''])).value;
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
