import Ajv from 'ajv';
import type { ErrorObject, JSONSchemaType } from 'ajv';

import { INSTITUTION_ID_PATTERN, MAX_PAGE_SIZE, MSP_ID_PATTERN } from './constants';
import { ChaincodeError } from './errors';
import type { ErrorCode } from './errors';
import { INSTITUTION_KINDS } from './records';
import type { InstitutionKind } from './records';

/**
 * JSON Schemas of the chaincode's JSON arguments: the shape (fields, types, patterns, ranges) is
 * checked here, at the boundary, before a contract reads a field; what needs the ledger or more than
 * one field (a STIX id's type, lastSeen after firstSeen, a message type that fits the event) stays in
 * the contract. A refusal keeps the transaction's code and names the field.
 */
const ajv = new Ajv({ allErrors: false, strict: true });

function describe(e: ErrorObject, what: string): string {
  if (e.keyword === 'additionalProperties') return `unknown fields: ${(e.params as { additionalProperty: string }).additionalProperty}`;
  if (e.keyword === 'required') return `${(e.params as { missingProperty: string }).missingProperty} is missing`;
  const field = e.instancePath.slice(1).replace(/\//g, '.');
  return `${field === '' ? what : field} ${e.message ?? 'is malformed'}`;
}

/** A compiled argument schema: the value typed, or a {@link ChaincodeError} with `code` naming the field. */
export type ArgumentCheck<T> = (value: unknown) => T;

/** Compiles a schema into a check that throws `code` naming the first field that is wrong. */
export function argument<T>(schema: JSONSchemaType<T>, code: ErrorCode, what: string): ArgumentCheck<T> {
  const validate = ajv.compile(schema);
  return (value) => {
    if (validate(value)) return value;
    const first = validate.errors?.[0];
    throw new ChaincodeError(code, first ? describe(first, what) : `${what} is malformed`);
  };
}

const hex64 = { type: 'string', pattern: '^[0-9a-f]{64}$' } as const;
const shortText = { type: 'string', minLength: 1, maxLength: 250 } as const;

export interface SightingArgument {
  readonly stixId: string;
  readonly count: number;
  readonly firstSeen: string;
  readonly lastSeen: string;
  readonly falsePositive?: boolean;
  readonly noteHash?: string | null;
}

export const sightingArgument = argument<SightingArgument>(
  {
    type: 'object',
    required: ['stixId', 'count', 'firstSeen', 'lastSeen'],
    additionalProperties: false,
    properties: {
      stixId: shortText,
      count: { type: 'integer', minimum: 1, maximum: 999_999_999 },
      firstSeen: shortText,
      lastSeen: shortText,
      falsePositive: { type: 'boolean', nullable: true },
      noteHash: { ...hex64, nullable: true },
    },
  } as unknown as JSONSchemaType<SightingArgument>,
  'SIGHTING_INVALID',
  'sighting',
);

export interface PaymentEventArgument {
  readonly uetr: string;
  readonly type: 'RETURN' | 'CANCELLATION_REQUEST' | 'CANCELLATION_RESOLUTION';
  readonly messageType: string;
  readonly messageHash: string;
  readonly reasonCode?: string | null;
}

export const paymentEventArgument = argument<PaymentEventArgument>(
  {
    type: 'object',
    required: ['uetr', 'type', 'messageType', 'messageHash'],
    additionalProperties: false,
    properties: {
      uetr: shortText,
      type: { type: 'string', enum: ['RETURN', 'CANCELLATION_REQUEST', 'CANCELLATION_RESOLUTION'] },
      messageType: shortText,
      messageHash: hex64,
      reasonCode: { type: 'string', pattern: '^[A-Z0-9]{4}$', nullable: true },
    },
  } as unknown as JSONSchemaType<PaymentEventArgument>,
  'PAYMENT_INVALID',
  'event',
);

export interface InstitutionArgument {
  readonly id: string;
  readonly name: string;
  readonly kind: InstitutionKind;
  readonly bics?: readonly string[];
  readonly memberships?: readonly { readonly system: string; readonly memberId: string }[];
  readonly stixIdentities?: readonly string[];
}

/** An 8 or 11 character BIC (ISO 9362). */
export const BIC_PATTERN = '^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$';
/** A clearing system code (ISO ExternalClearingSystemIdentification1Code, e.g. HKNCC) or a proprietary id. */
export const CLEARING_SYSTEM_PATTERN = '^[A-Za-z0-9-]{2,35}$';
/** A member id within a clearing system. */
export const CLEARING_MEMBER_PATTERN = '^[A-Za-z0-9-]{1,35}$';

const institutionProperties = {
  name: { type: 'string', minLength: 1, maxLength: 140 },
  stixIdentities: {
    type: 'array',
    maxItems: 20,
    uniqueItems: true,
    nullable: true,
    items: { type: 'string', pattern: '^identity--[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' },
  },
  bics: { type: 'array', maxItems: 10, uniqueItems: true, items: { type: 'string', pattern: BIC_PATTERN }, nullable: true },
  memberships: {
    type: 'array',
    maxItems: 10,
    nullable: true,
    items: {
      type: 'object',
      required: ['system', 'memberId'],
      additionalProperties: false,
      properties: {
        system: { type: 'string', pattern: CLEARING_SYSTEM_PATTERN },
        memberId: { type: 'string', pattern: CLEARING_MEMBER_PATTERN },
      },
    },
  },
} as const;

export const institutionArgument = argument<InstitutionArgument>(
  {
    type: 'object',
    required: ['id', 'name', 'kind'],
    additionalProperties: false,
    properties: {
      id: { type: 'string', pattern: INSTITUTION_ID_PATTERN },
      kind: { type: 'string', enum: [...INSTITUTION_KINDS] },
      ...institutionProperties,
    },
  } as unknown as JSONSchemaType<InstitutionArgument>,
  'INSTITUTION_INVALID',
  'institution',
);

/** A change of an institution's details: any of name, BICs and memberships (each replaces the old list). */
export interface InstitutionChangeArgument {
  readonly name?: string;
  readonly bics?: readonly string[];
  readonly memberships?: readonly { readonly system: string; readonly memberId: string }[];
  readonly stixIdentities?: readonly string[];
}

export const institutionChangeArgument = argument<InstitutionChangeArgument>(
  {
    type: 'object',
    minProperties: 1,
    additionalProperties: false,
    properties: { ...institutionProperties, name: { ...institutionProperties.name, nullable: true } },
  } as unknown as JSONSchemaType<InstitutionChangeArgument>,
  'INSTITUTION_INVALID',
  'change',
);

export interface LimitsArgument {
  readonly corridor: string;
  readonly perPaymentCap: { readonly value: string; readonly currency: 'THB' };
  readonly dailyCap: { readonly value: string; readonly currency: 'THB' };
  readonly rateToleranceMinor: number;
  readonly unconfirmedAfterMinutes: number;
}

const thbAmount = {
  type: 'object',
  required: ['value', 'currency'],
  additionalProperties: false,
  properties: { value: { type: 'string', minLength: 1, maxLength: 40 }, currency: { type: 'string', const: 'THB' } },
} as const;

export const limitsArgument = argument<LimitsArgument>(
  {
    type: 'object',
    required: ['corridor', 'perPaymentCap', 'dailyCap', 'rateToleranceMinor', 'unconfirmedAfterMinutes'],
    additionalProperties: false,
    properties: {
      corridor: { type: 'string', enum: ['HK-TH', 'TH-HK'] },
      perPaymentCap: thbAmount,
      dailyCap: thbAmount,
      rateToleranceMinor: { type: 'integer', minimum: 0, maximum: 10_000 },
      unconfirmedAfterMinutes: { type: 'integer', minimum: 0, maximum: 100_000 },
    },
  } as unknown as JSONSchemaType<LimitsArgument>,
  'CORRIDOR_INVALID',
  'limits',
);

/** The items of SubmitIntelBatch: `{statement, signature}` each (the count is checked with its own code). */
export const batchItemsArgument = argument<{ statement: string; signature: string }[]>(
  {
    type: 'array',
    minItems: 1,
    items: {
      type: 'object',
      required: ['statement', 'signature'],
      additionalProperties: false,
      properties: { statement: { type: 'string', maxLength: 4096 }, signature: { type: 'string', maxLength: 400 } },
    },
  } as unknown as JSONSchemaType<{ statement: string; signature: string }[]>,
  'INVALID_ARGUMENT',
  'items',
);

interface ListQueryBase {
  readonly pageSize?: number;
  readonly bookmark?: string;
}

export interface IntelListArgument extends ListQueryBase {
  readonly filter: 'type' | 'tlp' | 'producer' | 'org' | 'all';
  readonly value?: string;
  readonly from?: string;
  readonly to?: string;
}

const page = {
  pageSize: { type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE, nullable: true },
  bookmark: { type: 'string', maxLength: 2048, nullable: true },
} as const;

export const intelListArgument = argument<IntelListArgument>(
  {
    type: 'object',
    required: ['filter'],
    additionalProperties: false,
    properties: {
      filter: { type: 'string', enum: ['type', 'tlp', 'producer', 'org', 'all'] },
      value: { ...shortText, nullable: true },
      from: { ...shortText, nullable: true },
      to: { ...shortText, nullable: true },
      ...page,
    },
  } as unknown as JSONSchemaType<IntelListArgument>,
  'INVALID_ARGUMENT',
  'query',
);

export interface PaymentListArgument extends ListQueryBase {
  readonly filter: 'corridor' | 'status' | 'institution';
  readonly value: string;
  readonly fromDate?: string;
  readonly toDate?: string;
}

export const paymentListArgument = argument<PaymentListArgument>(
  {
    type: 'object',
    required: ['filter', 'value'],
    additionalProperties: false,
    properties: {
      filter: { type: 'string', enum: ['corridor', 'status', 'institution'] },
      value: { type: 'string', minLength: 1, maxLength: 64 },
      fromDate: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$', nullable: true },
      toDate: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$', nullable: true },
      ...page,
    },
  } as unknown as JSONSchemaType<PaymentListArgument>,
  'INVALID_ARGUMENT',
  'query',
);

/** The fields of an intel statement as signed (the purpose and the semantic rules are checked by parseIntelStatement). */
export interface IntelStatementShape {
  readonly purpose: string;
  readonly contentCommitment: string;
  readonly stixId: string;
  readonly stixType: string;
  readonly modified: string;
  readonly tlp: string;
  readonly institution: string;
  readonly mspId: string;
}

export const intelStatementShape = argument<IntelStatementShape>(
  {
    type: 'object',
    required: ['purpose', 'contentCommitment', 'stixId', 'stixType', 'modified', 'tlp', 'institution', 'mspId'],
    additionalProperties: false,
    properties: {
      purpose: shortText,
      contentCommitment: hex64,
      stixId: shortText,
      stixType: shortText,
      modified: shortText,
      tlp: shortText,
      institution: { type: 'string', pattern: INSTITUTION_ID_PATTERN },
      mspId: { type: 'string', pattern: MSP_ID_PATTERN },
    },
  } as unknown as JSONSchemaType<IntelStatementShape>,
  'INVALID_ARGUMENT',
  'statement',
);

/** The fields of a checkpoint statement (see checkpoint.ts for what they mean). */
export interface CheckpointStatementShape {
  readonly purpose: string;
  readonly channel: string;
  readonly height: number;
  readonly blockHash: string;
  readonly validity: string;
  readonly mspId: string;
}

export const checkpointStatementShape = argument<CheckpointStatementShape>(
  {
    type: 'object',
    required: ['purpose', 'channel', 'height', 'blockHash', 'validity', 'mspId'],
    additionalProperties: false,
    properties: {
      purpose: shortText,
      channel: shortText,
      height: { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER },
      blockHash: hex64,
      validity: hex64,
      mspId: shortText,
    },
  } as unknown as JSONSchemaType<CheckpointStatementShape>,
  'CHECKPOINT_INVALID',
  'checkpoint statement',
);
