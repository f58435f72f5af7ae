import { decodeJson } from './json';
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
