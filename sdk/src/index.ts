/**
 * @xborder/sdk: a typed client of the xborder network on @hyperledger/fabric-gateway. `connect` gives
 * an {@link XborderClient} with one facade per contract. Proof checking, chain verification and ledger
 * decoding are in `@xborder/sdk/audit`; DER and signer helpers in `@xborder/sdk/signing`.
 */
export { connect, DEFAULT_CHAINCODE, DEFAULT_DEADLINES } from './client';
export type { ConnectOptions, Deadlines, XborderClient } from './client';
export { CLIENT_ERROR_CODES, XborderError, extractCode, toXborderError } from './errors';
export type { ClientErrorCode, PeerDetail, XborderErrorCode } from './errors';
export { listIdentities, loadProfile, loadProfileFile } from './profile';
export type { PeerEndpoint, ResolvedProfile } from './profile';
export { ProbeClient } from './probe';
export type { WhoAmI } from './probe';
export { DEFAULT_RETRY, isEndorsementRetryable, isTransient, retrying } from './retry';
export type { RetryEvent, RetryPolicy } from './retry';
export { RESUBMITTED_CONFLICTS, Transactor, submitToOrderers } from './transactor';
export { GatewayPool } from './gateway-pool';
export type { OpenedGateway } from './gateway-pool';
export type { SubmitRequest, Submitted } from './transactor';
export { CommitWatcher } from './commit-watcher';
export type { BlockEventSource, CommitOutcome, CommitWatcherOptions } from './commit-watcher';
export { IntelClient, signIntel } from './intel';
export type {
  ContentOpening,
  IntelContent,
  IntelCosignature,
  IntelRecord,
  IntelSubmission,
  ListedObject,
  ListQuery,
  SeenAnswer,
  Sighting,
  SignedIntel,
} from './intel';
export { RegistryClient } from './registry';
export type { ClearingMembership, Institution, InstitutionKind, Page, SigningKey } from './registry';
export { PaymentsClient } from './payments';
export type { ConfirmationRecord, PartyValues, PaymentEvent, PaymentRecord, PaymentState, Reconciliation } from './payments';
export {
  MAX_MESSAGE_BYTES,
  answeredTransactions,
  corridorOf,
  parsePacs002,
  parsePacs008,
  partyValuesOf,
  toPaymentFields,
} from './iso20022';
export type { Pacs002Message, Pacs008Message, Pacs008Transaction, PartyProxy, TransactionStatus } from './iso20022';
export { enrollAtCa, reenrollAtCa } from './enroll';
export type { Enrolment } from './enroll';
export { ingestStix, summariseByCode } from './ingest';
export type { IngestCodeSummary, IngestItem, IngestOptions, IngestOutcome, IngestReport } from './ingest';
export { AuditClient } from './audit/client';
export { followEvents } from './events';
export type { FollowedEvent, FollowOptions } from './events';
export { profileFile, validator } from './schemas';
export type { ProfileFile, Validator } from './schemas';
