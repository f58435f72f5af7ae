/**
 * @xborder/taxii: a TAXII 2.1 server in front of one institution's xborder identity. Reads go through
 * the chaincode as that identity (TLP and access rules are the ledger's); posted objects are signed by
 * the institution like `xborder intel submit`.
 */
export { createTaxiiServer, API_ROOT, DEFAULT_MAX_CONTENT_LENGTH } from './server';
export type { TaxiiServer, TaxiiServerOptions } from './server';
export { LedgerSource } from './ledger-source';
export { IndexSource } from './index-source';
export type { IngestResult, IntelSource, LedgerFilter, ListedVersion, SourcePage } from './source';
export { COLLECTIONS, findCollection } from './collections';
export type { Collection } from './collections';
export { Authenticator, hashPassword, newToken, readCredentials, watchedCredentials } from './credentials';
export type { LoginOutcome } from './credentials';
export { DEFAULT_LOGIN_LIMITS, LoginGuard } from './login-guard';
export type { LoginLimits, LoginRefusal } from './login-guard';
export type { CredentialsFile } from './credentials';
export { TAXII_MEDIA_TYPE, STIX_MEDIA_TYPE } from './media';
