import type { CheckpointRecord } from './checkpoint';
import type { SeenAnswer, SeenQuestion } from './observable';
import type {
  ConfirmationRecord,
  CorridorLimits,
  CorridorProposal,
  CorridorSettings,
  Institution,
  IntelCosignature,
  IntelObjectPage,
  IntelRecord,
  Page,
  PaymentEvent,
  PaymentRecord,
  PaymentState,
  ProbeRecord,
  Reconciliation,
  Sighting,
  SigningKey,
  WhoAmI,
} from './records';

/**
 * Every transaction of the chaincode, typed: contract, function, whether it is submitted (writes) or
 * evaluated (reads), its argument tuple and its result. The chaincode checks at compile time that each
 * contract implements exactly these functions with these arguments (`Implements`); the SDK calls them
 * only through these descriptors, so a renamed function or a changed argument list fails to compile on
 * both sides. Results are JSON unless `result` is `text`.
 */
export interface TransactionDescriptor<Args extends readonly string[], Result, Kind extends 'submit' | 'evaluate' = 'submit' | 'evaluate'> {
  readonly contract: string;
  readonly name: string;
  readonly kind: Kind;
  readonly result: 'json' | 'text' | 'none';
  /** Type carriers only (never set): the argument tuple and the decoded result. */
  readonly args?: Args;
  readonly returns?: Result;
}

export type ArgsOf<D> = D extends TransactionDescriptor<infer A, unknown> ? A : never;
export type ResultOf<D> = D extends TransactionDescriptor<readonly string[], infer R> ? R : never;

function submit<A extends readonly string[], R>(contract: string, name: string): TransactionDescriptor<A, R, 'submit'> {
  return { contract, name, kind: 'submit', result: 'json' };
}

function evaluate<A extends readonly string[], R>(
  contract: string,
  name: string,
  result: 'json' | 'text' = 'json',
): TransactionDescriptor<A, R, 'evaluate'> {
  return { contract, name, kind: 'evaluate', result };
}

/** The `created` flag of an idempotent write: false when the same record was already there. */
export interface Created<R> {
  readonly created: boolean;
  readonly record: R;
  /** When the submitter is not the version's producer: its co-signature of the same content. */
  readonly cosignature?: IntelCosignature;
}

/** One version's content from GetIntelContents, or the code it was refused with. */
export type IntelContentItem =
  | {
      readonly stixId: string;
      readonly modified: string;
      readonly content: string;
      readonly contentCommitment: string;
      readonly salt: string;
    }
  | { readonly stixId: string; readonly modified: string; readonly error: string };

export const TRANSACTIONS = {
  intel: {
    SubmitIntel: submit<[statementJson: string, signature: string], Created<IntelRecord>>('intel', 'SubmitIntel'),
    SubmitIntelBatch: submit<[itemsJson: string], Created<IntelRecord>[]>('intel', 'SubmitIntelBatch'),
    StoreStrictContent: submit<
      [stixId: string, modified: string],
      { stored: boolean; stixId: string; modified: string; contentCommitment: string }
    >('intel', 'StoreStrictContent'),
    RecordSighting: submit<[sightingJson: string], Sighting>('intel', 'RecordSighting'),
    RevokeIntel: submit<[stixId: string, reason: string], IntelRecord>('intel', 'RevokeIntel'),
    GetIntel: evaluate<[stixId: string], IntelRecord>('intel', 'GetIntel'),
    GetIntelVersion: evaluate<[stixId: string, modified: string], IntelRecord>('intel', 'GetIntelVersion'),
    GetIntelHistory: evaluate<[stixId: string], IntelRecord[]>('intel', 'GetIntelHistory'),
    GetIntelByCommitment: evaluate<[commitment: string], IntelRecord>('intel', 'GetIntelByCommitment'),
    ListIntel: evaluate<[queryJson: string], Page<IntelRecord>>('intel', 'ListIntel'),
    ListIntelObjects: evaluate<[queryJson: string], IntelObjectPage>('intel', 'ListIntelObjects'),
    AskSeen: submit<[], SeenQuestion>('intel', 'AskSeen'),
    GetSeenAnswer: evaluate<[questionId: string], SeenAnswer>('intel', 'GetSeenAnswer'),
    GetSightings: evaluate<[stixId: string, size: string, bookmark: string], Page<Sighting>>('intel', 'GetSightings'),
    GetIntelContent: evaluate<[stixId: string, modified: string], { content: string; contentCommitment: string; salt: string }>(
      'intel',
      'GetIntelContent',
    ),
    GetIntelContents: evaluate<[itemsJson: string], IntelContentItem[]>('intel', 'GetIntelContents'),
    GetIntelCosignatures: evaluate<[stixId: string, modified: string], IntelCosignature[]>('intel', 'GetIntelCosignatures'),
    VerifyIntel: evaluate<[commitment: string], { found: boolean; contentCommitment: string; record: IntelRecord | null }>(
      'intel',
      'VerifyIntel',
    ),
  },
  payment: {
    AttestPayment: submit<[attestationJson: string, signature: string], Created<PaymentRecord>>('payment', 'AttestPayment'),
    ConfirmPayment: submit<[confirmationJson: string, signature: string], Created<PaymentRecord> & { confirmation: ConfirmationRecord }>(
      'payment',
      'ConfirmPayment',
    ),
    RecordPaymentEvent: submit<[eventJson: string], PaymentEvent>('payment', 'RecordPaymentEvent'),
    PurgePaymentMessages: submit<[beforeDate: string, size: string], { beforeDate: string; purged: number; more: boolean }>(
      'payment',
      'PurgePaymentMessages',
    ),
    GetPayment: evaluate<[uetr: string], { record: PaymentRecord; confirmations: ConfirmationRecord[]; events: PaymentEvent[] }>(
      'payment',
      'GetPayment',
    ),
    GetPaymentsByEndToEndId: evaluate<[endToEndId: string], PaymentRecord[]>('payment', 'GetPaymentsByEndToEndId'),
    GetPaymentHistory: evaluate<[uetr: string], { txId: string; timestamp: string; state: PaymentState | null }[]>(
      'payment',
      'GetPaymentHistory',
    ),
    ListPayments: evaluate<[queryJson: string], Page<PaymentRecord>>('payment', 'ListPayments'),
    Reconcile: evaluate<[date: string, corridor: string, institution: string], Reconciliation>('payment', 'Reconcile'),
    GetPaymentMessage: evaluate<[uetr: string], string>('payment', 'GetPaymentMessage', 'text'),
  },
  registry: {
    RegisterInstitution: submit<[institutionJson: string], Institution>('registry', 'RegisterInstitution'),
    SetInstitutionStatus: submit<[id: string, status: string], Institution>('registry', 'SetInstitutionStatus'),
    UpdateInstitution: submit<[id: string, changeJson: string], Institution>('registry', 'UpdateInstitution'),
    GetInstitutionHistory: evaluate<[id: string], { txId: string; timestamp: string; record: Institution | null }[]>(
      'registry',
      'GetInstitutionHistory',
    ),
    RegisterKey: submit<[institutionId: string, certificatePem: string], SigningKey>('registry', 'RegisterKey'),
    RevokeKey: submit<[fingerprint: string, reason: string, effectiveFrom: string], SigningKey>('registry', 'RevokeKey'),
    ProposeCorridorLimits: submit<[limitsJson: string], CorridorProposal>('registry', 'ProposeCorridorLimits'),
    ApproveCorridorLimits: submit<[corridor: string, proposalHash: string], CorridorSettings>('registry', 'ApproveCorridorLimits'),
    GetInstitution: evaluate<[id: string], Institution>('registry', 'GetInstitution'),
    ListInstitutions: evaluate<[mspId: string, size: string, bookmark: string], Page<Institution>>('registry', 'ListInstitutions'),
    GetKey: evaluate<[fingerprint: string], SigningKey>('registry', 'GetKey'),
    ListKeys: evaluate<[institutionId: string], SigningKey[]>('registry', 'ListKeys'),
    GetKeyHistory: evaluate<[fingerprint: string], { txId: string; timestamp: string; record: SigningKey | null }[]>(
      'registry',
      'GetKeyHistory',
    ),
    GetCorridorLimits: evaluate<[corridor: string], { limits: CorridorLimits; pending: CorridorProposal | null }>(
      'registry',
      'GetCorridorLimits',
    ),
    WhoCanISubmitAs: evaluate<[], { mspId: string; institution: string; fingerprint: string }>('registry', 'WhoCanISubmitAs'),
  },
  checkpoint: {
    RecordCheckpoint: submit<[statementJson: string, signature: string], CheckpointRecord>('checkpoint', 'RecordCheckpoint'),
    ListCheckpoints: evaluate<[size: string, bookmark: string], Page<CheckpointRecord>>('checkpoint', 'ListCheckpoints'),
    ListCheckpointsFrom: evaluate<[fromHeight: string, size: string, bookmark: string], Page<CheckpointRecord>>(
      'checkpoint',
      'ListCheckpointsFrom',
    ),
  },
  probe: {
    PutProbe: { contract: 'probe', name: 'PutProbe', kind: 'submit', result: 'none' } as TransactionDescriptor<
      [key: string, value: string],
      undefined,
      'submit'
    >,
    GetProbe: evaluate<[key: string], ProbeRecord>('probe', 'GetProbe'),
    WhoAmI: evaluate<[], WhoAmI>('probe', 'WhoAmI'),
  },
} as const;

export type ContractName = keyof typeof TRANSACTIONS;

/**
 * `true` when a contract class implements the descriptors of its contract: every described function
 * exists and takes exactly `(ctx, ...args)`; `false` otherwise, so `Assert<Implements<...>>` fails to
 * compile on drift. (Functions without a descriptor are caught by the metadata test.)
 */
export type Implements<C, D> = [
  {
    [K in keyof D]: K extends keyof C
      ? C[K] extends (ctx: never, ...args: infer P) => Promise<unknown>
        ? [P] extends [ArgsOf<D[K]>]
          ? [ArgsOf<D[K]>] extends [P]
            ? true
            : false
          : false
        : false
      : false;
  }[keyof D],
] extends [true]
  ? true
  : false;

/** Compiles only when `T` is `true`: `export type X = Assert<Implements<SomeContract, ...>>`. */
export type Assert<T extends true> = T;
