export { connect, DEFAULT_DEADLINES } from './client';
export type { ConnectOptions, Deadlines, XborderClient } from './client';
export { CLIENT_ERROR_CODES, XborderError, extractCode, toXborderError } from './errors';
export type { ClientErrorCode, PeerDetail, XborderErrorCode } from './errors';
export { defaultHome, listIdentities, loadProfile, loadProfileFile } from './profile';
export type { PeerEndpoint, ResolvedProfile } from './profile';
export { ProbeClient } from './probe';
export type { WhoAmI } from './probe';
export { newNodeSigner, signLowS, toLowS, parseDerSignature, encodeDerSignature } from './signer';
export { RESUBMITTED_CONFLICTS, Transactor, submitToOrderers } from './transactor';
export { CommitWatcher } from './commit-watcher';
export type { BlockEventSource, CommitOutcome, CommitWatcherOptions } from './commit-watcher';
export type { SubmitRequest, Submitted } from './transactor';
export { IntelClient, signIntel } from './intel';
export type { ContentOpening, IntelContent, IntelRecord, IntelSubmission, ListQuery, Sighting, SignedIntel } from './intel';
export { RegistryClient } from './registry';
export type { Institution, InstitutionKind, Page, SigningKey } from './registry';
export { seedRegistry } from './seed';
export type { SeedInstitution } from './seed';
export { PaymentsClient } from './payments';
export type { ConfirmationRecord, PartyValues, PaymentEvent, PaymentRecord, PaymentState, Reconciliation } from './payments';
export { MAX_MESSAGE_BYTES, corridorOf, parsePacs002, parsePacs008, partyValuesOf, toPaymentFields } from './iso20022';
export type { Pacs002Message, Pacs008Message, Pacs008Transaction, PartyProxy, TransactionStatus } from './iso20022';
export { ingestStix } from './ingest';
export type { IngestItem, IngestOptions, IngestOutcome, IngestReport } from './ingest';
export { AuditClient, parseTarget } from './audit/client';
export { configChain, verifyBlocks } from './audit/chain';
export type { BlockSource, ChainReport } from './audit/chain';
export { checkProof, describeOutcome, OUTCOME_EXIT_CODES, PROOF_VERSION } from './audit/proof';
export type {
  BlockLink,
  Check,
  CheckpointLink,
  CheckProofOptions,
  CheckStatus,
  Checkpoint,
  Proof,
  ProofOutcome,
  ProofReport,
} from './audit/proof';
export { PROOF_CHECKS, ProofState, verifyCheckpoint } from './audit/proof-checks';
export type { CheckResult, NamedCheck } from './audit/proof-checks';
export { ANCHOR_KIND, certificateFingerprint, parseTrustAnchor, trustAnchorOf } from './audit/anchor';
export type { Anchor, TrustAnchor } from './audit/anchor';
export { readConfig } from './audit/config';
export type { ChannelConfig } from './audit/config';
export { extendValidity, extendWithBlock, flagsHash, VALIDITY_GENESIS } from './audit/validity';
export { validatePath } from './audit/x509';
export {
  blockHeaderBytes,
  blockHeaderHash,
  computeDataHash,
  decodeBlock,
  ordererSignatures,
  parseTransaction,
  validationCodes,
} from './audit/ledger';
export type { Endorsement, Identity, ParsedTransaction, Write } from './audit/ledger';
export { followEvents } from './events';
export type { FollowedEvent, FollowOptions } from './events';
export { buildReport, manifestDigest, reportCsv } from './audit/report';
export type { AuditReport, IntelActivityRow, PaymentRow } from './audit/report';
