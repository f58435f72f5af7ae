/**
 * @xborder/sdk/audit: what an auditor runs with no network or against any peer: proofs and their
 * named checks, chain verification, trust anchors, channel configuration, the signed validity chain,
 * X.509 path validation, block and transaction decoding, and activity reports.
 */
export { AuditClient, parseTarget } from './client';
export { configChain, verifyBlocks } from './chain';
export type { BlockSource, ChainReport } from './chain';
export { checkProof, describeOutcome, describeProven, OUTCOME_EXIT_CODES, PROOF_VERSION } from './proof';
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
} from './proof';
export { ordererQuorum, PROOF_CHECKS, ProofState, verifyCheckpoint } from './proof-checks';
export type { CheckResult, NamedCheck } from './proof-checks';
export { ANCHOR_KIND, certificateFingerprint, parseTrustAnchor, trustAnchorOf } from './anchor';
export type { Anchor, TrustAnchor } from './anchor';
export { readConfig } from './config';
export type { ChannelConfig, ConsenterIdentity } from './config';
export { extendValidity, extendWithBlock, flagsHash, VALIDITY_GENESIS } from './validity';
export { validatePath } from './x509';
export {
  blockHeaderBytes,
  blockHeaderHash,
  computeDataHash,
  decodeBlock,
  ordererSignatures,
  parseTransaction,
  readIdentifier,
  readSignatureMetadata,
  VALIDATION_CODE_VALID,
  validationCodes,
} from './ledger';
export type { Endorsement, Identity, OrdererSignature, ParsedTransaction, RawSignature, Write } from './ledger';
export { buildReport, manifestDigest, reportCsv } from './report';
export type { AuditReport, IntelActivityRow, PaymentRow } from './report';
export { proofFile, trustAnchorFile } from '../schemas';
