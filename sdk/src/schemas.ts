import Ajv from 'ajv';
import type { JSONSchemaType, ValidateFunction } from 'ajv';

import type { TrustAnchor } from './audit/anchor';
import type { Proof } from './audit/proof';
import { XborderError } from './errors';
import type { ResolvedProfile } from './profile';
import type { ClientErrorCode } from './errors';

/**
 * JSON Schemas of the files the SDK and the CLI read from outside (connection profiles, trust anchors,
 * proofs, registry seed files), checked with ajv at the boundary, so the code behind it works on typed
 * values and never on casts. Each failure names the file, the JSON path and what was expected.
 */
const ajv = new Ajv({ allErrors: true, strict: true });

/** A compiled schema: returns the value typed, or throws an {@link XborderError} with `code`. */
export type Validator<T> = (value: unknown, where: string) => T;

/**
 * Compiles a JSON Schema into a {@link Validator}.
 * @param schema - the schema, typed against `T` by ajv
 * @param code - the error code of a value that does not match (`CONFIG`, `BAD_INPUT`)
 * @returns a function that returns its input typed, or throws naming the file, JSON path and expectation
 */
export function validator<T>(schema: JSONSchemaType<T>, code: ClientErrorCode): Validator<T> {
  const validate: ValidateFunction<T> = ajv.compile(schema);
  return (value, where) => {
    if (validate(value)) return value;
    const problems = (validate.errors ?? [])
      .slice(0, 5)
      .map((e) => `${e.instancePath === '' ? '(top)' : e.instancePath} ${e.message ?? ''}`);
    throw new XborderError(code, `${where}: ${problems.join('; ')}`);
  };
}

const nonEmpty = { type: 'string', minLength: 1 } as const;
const hex64 = { type: 'string', pattern: '^[0-9a-f]{64}$' } as const;

/**
 * A connection profile as `xbnet up` writes it: the fields of a {@link ResolvedProfile}, with the paths
 * of the certificate, key and TLS roots (relative to the profile) where the resolved one holds PEM text.
 */
export type ProfileFile = ResolvedProfile;

export const profileFile = validator<ProfileFile>(
  {
    type: 'object',
    required: ['name', 'mspId', 'role', 'institution', 'channel', 'certificate', 'privateKey', 'peers'],
    properties: {
      name: nonEmpty,
      mspId: nonEmpty,
      role: nonEmpty,
      institution: nonEmpty,
      channel: nonEmpty,
      certificate: nonEmpty,
      privateKey: nonEmpty,
      peers: {
        type: 'array',
        minItems: 1,
        items: {
          type: 'object',
          required: ['name', 'mspId', 'endpoint', 'tlsRootCert'],
          properties: { name: nonEmpty, mspId: nonEmpty, endpoint: nonEmpty, tlsRootCert: nonEmpty },
        },
      },
    },
  } as unknown as JSONSchemaType<ProfileFile>,
  'CONFIG',
);

/** A published trust anchor (see audit/anchor.ts). */
export const trustAnchorFile = validator<TrustAnchor>(
  {
    type: 'object',
    required: ['kind', 'version', 'channel', 'genesisHash', 'roots'],
    additionalProperties: false,
    properties: {
      kind: { type: 'string', const: 'xborder-trust-anchor' },
      version: { type: 'integer', const: 1 },
      channel: nonEmpty,
      genesisHash: hex64,
      roots: { type: 'object', minProperties: 1, required: [], additionalProperties: { type: 'array', minItems: 1, items: hex64 } },
    },
  } as unknown as JSONSchemaType<TrustAnchor>,
  'BAD_INPUT',
);

const base64 = { type: 'string', pattern: '^[A-Za-z0-9+/]*={0,2}$' } as const;

const checkpointSchema = {
  type: 'object',
  required: ['purpose', 'channel', 'height', 'blockHash', 'validity', 'mspId', 'statement', 'signature', 'certificate', 'txId', 'txTime'],
  properties: {
    purpose: nonEmpty,
    channel: nonEmpty,
    height: { type: 'integer', minimum: 1 },
    blockHash: hex64,
    validity: hex64,
    mspId: nonEmpty,
    statement: nonEmpty,
    signature: base64,
    certificate: nonEmpty,
    txId: nonEmpty,
    txTime: nonEmpty,
  },
} as const;

/**
 * A proof file: every field the checks read has its type here, so a malformed proof is refused with
 * the path that is wrong before any check runs; whether the values are true is what the checks decide.
 */
export const proofFile = validator<Proof>(
  {
    type: 'object',
    required: [
      'kind',
      'version',
      'channel',
      'chaincode',
      'target',
      'txId',
      'blockNumber',
      'txIndex',
      'record',
      'block',
      'configBlocks',
      'signerCertificate',
      'createdAt',
    ],
    properties: {
      kind: { type: 'string', const: 'xborder-proof' },
      version: { type: 'integer' },
      channel: nonEmpty,
      chaincode: nonEmpty,
      target: {
        type: 'object',
        required: ['type', 'id'],
        properties: {
          type: { type: 'string', enum: ['intel', 'payment', 'transaction'] },
          id: nonEmpty,
          modified: { ...nonEmpty, nullable: true },
        },
      },
      txId: hex64,
      blockNumber: { type: 'string', pattern: '^[0-9]+$' },
      txIndex: { type: 'integer', minimum: 0 },
      record: { type: 'object', required: ['key', 'value'], properties: { key: { type: 'string' }, value: { type: 'string' } } },
      block: base64,
      configBlocks: { type: 'array', minItems: 1, items: base64 },
      signerCertificate: { type: 'string', nullable: true },
      signerKeyStatus: {
        type: 'object',
        nullable: true,
        required: ['fingerprint', 'registeredAt', 'revokedAt', 'revokeReason'],
        properties: {
          fingerprint: hex64,
          registeredAt: nonEmpty,
          revokedAt: { type: 'string', nullable: true },
          revokeReason: { type: 'string', nullable: true },
        },
      },
      checkpoint: {
        type: 'object',
        required: ['signatures', 'validityBefore', 'links'],
        properties: {
          signatures: { type: 'array', minItems: 1, items: checkpointSchema },
          validityBefore: hex64,
          links: {
            type: 'array',
            items: {
              type: 'object',
              required: ['number', 'previousHash', 'dataHash', 'flagsHash'],
              properties: {
                number: { type: 'string', pattern: '^[0-9]+$' },
                previousHash: hex64,
                dataHash: hex64,
                flagsHash: hex64,
              },
            },
          },
        },
      },
      createdAt: nonEmpty,
    },
  } as unknown as JSONSchemaType<Proof>,
  'BAD_INPUT',
);
