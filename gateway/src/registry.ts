import { decodeJson } from './json';
import type { Transactor } from './transactor';

export type InstitutionKind = 'bank' | 'payment-operator' | 'cert' | 'regulator';

/** A member institution as recorded on the ledger. */
export interface Institution {
  readonly id: string;
  readonly mspId: string;
  readonly name: string;
  readonly kind: InstitutionKind;
  readonly bic: string | null;
  readonly clearingCode: string | null;
  readonly status: 'active' | 'suspended';
  readonly registeredAt: string;
  readonly updatedAt: string;
  readonly txId: string;
}

/** A registered signing certificate. */
export interface SigningKey {
  readonly fingerprint: string;
  readonly institution: string;
  readonly mspId: string;
  readonly subject: string;
  readonly notBefore: string;
  readonly notAfter: string;
  readonly registeredAt: string;
  readonly registeredBy: string;
  readonly revokedAt: string | null;
  readonly revokeReason: string | null;
  readonly txId: string;
  readonly certificate: string;
}

/** One page of a listing; pass `bookmark` back for the next page (empty: no more). */
export interface Page<T> {
  readonly items: T[];
  readonly bookmark: string;
}

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
    const r = await this.#tx.submit('registry', 'RegisterInstitution', { args: [JSON.stringify(input)] });
    return decodeJson<Institution>(r.result);
  }

  async setInstitutionStatus(id: string, status: 'active' | 'suspended'): Promise<Institution> {
    return decodeJson<Institution>((await this.#tx.submit('registry', 'SetInstitutionStatus', { args: [id, status] })).result);
  }

  async getInstitution(id: string): Promise<Institution> {
    return decodeJson<Institution>(await this.#tx.evaluate('registry', 'GetInstitution', [id]));
  }

  async listInstitutions(mspId: string, options: { pageSize?: number; bookmark?: string } = {}): Promise<Page<Institution>> {
    return decodeJson<Page<Institution>>(
      await this.#tx.evaluate('registry', 'ListInstitutions', [mspId, String(options.pageSize ?? 50), options.bookmark ?? '']),
    );
  }

  /** Registers a certificate (PEM) as a signing key of an institution of the caller's org (org admins). */
  async registerKey(institution: string, certificatePem: string): Promise<SigningKey> {
    return decodeJson<SigningKey>((await this.#tx.submit('registry', 'RegisterKey', { args: [institution, certificatePem] })).result);
  }

  async revokeKey(fingerprint: string, reason: string): Promise<SigningKey> {
    return decodeJson<SigningKey>((await this.#tx.submit('registry', 'RevokeKey', { args: [fingerprint, reason] })).result);
  }

  async getKey(fingerprint: string): Promise<SigningKey> {
    return decodeJson<SigningKey>(await this.#tx.evaluate('registry', 'GetKey', [fingerprint]));
  }

  async listKeys(institution: string): Promise<SigningKey[]> {
    return decodeJson<SigningKey[]>(await this.#tx.evaluate('registry', 'ListKeys', [institution]));
  }

  /** Every committed state of a key record, oldest first. */
  async keyHistory(fingerprint: string): Promise<{ txId: string; timestamp: string; record: SigningKey | null }[]> {
    return decodeJson(await this.#tx.evaluate('registry', 'GetKeyHistory', [fingerprint]));
  }

  /** Whether the caller may submit records now, and as which institution and key. */
  async whoCanISubmitAs(): Promise<{ mspId: string; institution: string; fingerprint: string }> {
    return decodeJson(await this.#tx.evaluate('registry', 'WhoCanISubmitAs'));
  }
}
