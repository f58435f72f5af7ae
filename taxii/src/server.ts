/**
 * The TAXII 2.1 server of one institution (fastify): discovery, one API root, its collections, objects
 * (GET and POST), object by id, versions, manifest and status. Every request is authenticated (Basic,
 * bearer token or client certificate), rate-limited per client, and answered in the TAXII media type;
 * every refusal is a TAXII error resource.
 */
import type { TLSSocket } from 'node:tls';

import rateLimit from '@fastify/rate-limit';
import Fastify from 'fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

import { ChaincodeError, decodeUtf8Strict, parseStrictJson } from '@xborder/protocol';
import { toXborderError } from '@xborder/sdk';

import { COLLECTIONS, findCollection } from './collections';
import type { Collection } from './collections';
import { Authenticator } from './credentials';
import type { CredentialsFile } from './credentials';
import { CursorSigner } from './cursor';
import type { ObjectQuery } from './cursor';
import { TaxiiError, badRequest, forbidden, notFound } from './errors';
import { TAXII_MEDIA_TYPE, STIX_MEDIA_TYPE, acceptsTaxii, isTaxiiContentType } from './media';
import { listCollection, matches, parseLimit, parseQuery } from './objects';
import type { IntelSource, ListedVersion } from './source';
import { StatusStore } from './status-store';

export const API_ROOT = 'xborder';
export const DEFAULT_MAX_CONTENT_LENGTH = 10 * 1024 * 1024;

/** How a TAXII server is set up (see `xborder taxii serve`). */
export interface TaxiiServerOptions {
  /** The ledger as the serving institution. */
  readonly source: IntelSource;
  /** Folder for the cursor key and status resources (created owner-only). */
  readonly stateDir: string;
  /** Client credentials, or a function giving the current ones (`watchedCredentials`: changes apply without a restart). */
  readonly credentials: CredentialsFile | (() => CredentialsFile);
  /** PEM server certificate and key; with `clientCa`, client certificates are asked for and checked. Omit only for plain HTTP. */
  readonly tls?: { readonly cert: string; readonly key: string; readonly clientCa?: string };
  /** Largest request body accepted, advertised as `max_content_length` (default 10 MiB). */
  readonly maxContentLength?: number;
  /** Requests per client per minute (default 600). */
  readonly rateLimitPerMinute?: number;
  /** Base URL clients reach the server at (default: the address it is bound to; never the Host header). */
  readonly publicUrl?: string;
  /** How long completed status resources are kept (default 7 days). */
  readonly statusRetentionMs?: number;
}

export interface TaxiiServer {
  readonly app: FastifyInstance;
  /** Resolves when every accepted envelope has been processed. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal?: string;
  }
}

type Query = Record<string, string | string[] | undefined>;

/** Sends a TAXII resource with the media type exactly as the specification spells it. */
/** The address the server is bound to, as a base URL (IPv6 in brackets). */
function boundUrl(req: FastifyRequest): string {
  const address = req.server.server.address();
  if (address === null || typeof address === 'string') return `${req.protocol}://localhost`;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `${req.protocol}://${host}:${String(address.port)}`;
}

function send(reply: FastifyReply, status: number, body: unknown): FastifyReply {
  return reply
    .code(status)
    .header('content-type', TAXII_MEDIA_TYPE)
    .send(Buffer.from(JSON.stringify(body), 'utf8'));
}

function sendError(reply: FastifyReply, err: TaxiiError): FastifyReply {
  if (err.status === 401) void reply.header('WWW-Authenticate', 'Basic realm="xborder", Bearer realm="xborder"');
  return send(reply, err.status, err.body());
}

/** A fastify or ledger error as the TAXII error a client should see (no internals). */
function taxiiErrorOf(err: unknown): TaxiiError {
  if (err instanceof TaxiiError) return err;
  const e = err as { code?: string; statusCode?: number; validation?: unknown; message?: string };
  if (e.validation !== undefined) return badRequest(`the request is malformed: ${e.message ?? ''}`.trim());
  switch (e.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new TaxiiError(413, 'Payload Too Large', 'the envelope is larger than max_content_length');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new TaxiiError(415, 'Unsupported Media Type', `send ${TAXII_MEDIA_TYPE}`);
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return badRequest('the body is not a JSON envelope');
    default:
      break;
  }
  if (e.statusCode === 429) return new TaxiiError(429, 'Too Many Requests', 'rate limit reached; retry later');
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500)
    return new TaxiiError(e.statusCode, 'Bad Request', e.message ?? 'bad request');
  return ledgerErrorOf(err);
}

/** A ledger (SDK) error as a TAXII error: the code is named, nothing internal is. */
function ledgerErrorOf(err: unknown): TaxiiError {
  const x = toXborderError(err);
  if (['ACCESS_DENIED', 'KEY_NOT_REGISTERED', 'KEY_REVOKED', 'INSTITUTION_SUSPENDED'].includes(x.code))
    return forbidden(`the ledger refuses this server's identity: ${x.code}`);
  if (x.code === 'INVALID_ARGUMENT' || x.code === 'PAGE_INVALID') return badRequest(`the ledger refused the query (${x.code})`);
  if (x.grpcStatus === 'UNAVAILABLE' || x.grpcStatus === 'DEADLINE_EXCEEDED')
    return new TaxiiError(503, 'Service Unavailable', 'the ledger is not reachable; retry later');
  return new TaxiiError(500, 'Internal Server Error', `the request failed (${x.code})`);
}

function collectionOf(req: FastifyRequest, access: 'read' | 'write'): Collection {
  const { cid } = req.params as { cid: string };
  const c = findCollection(cid);
  if (!c) throw notFound(`no collection ${cid.slice(0, 80)}`);
  if (access === 'read' && !c.canRead) throw forbidden(`collection ${c.alias} cannot be read`);
  if (access === 'write' && !c.canWrite) throw forbidden(`collection ${c.alias} cannot be written; post to "shared"`);
  return c;
}

function collectionResource(c: Collection): Record<string, unknown> {
  return {
    id: c.id,
    title: c.title,
    description: c.description,
    alias: c.alias,
    can_read: c.canRead,
    can_write: c.canWrite,
    media_types: [STIX_MEDIA_TYPE],
  };
}

function dateHeaders(reply: FastifyReply, items: readonly ListedVersion[]): void {
  const first = items[0];
  const last = items[items.length - 1];
  if (first && last) {
    void reply.header('X-TAXII-Date-Added-First', first.dateAdded);
    void reply.header('X-TAXII-Date-Added-Last', last.dateAdded);
  }
}

const listOf = {
  anyOf: [
    { type: 'string', maxLength: 4096 },
    { type: 'array', maxItems: 50, items: { type: 'string', maxLength: 4096 } },
  ],
} as const;

/** The filters TAXII defines for objects, manifest and versions (their meaning is checked by objects.ts). */
const QUERY_SCHEMA = {
  type: 'object',
  properties: {
    limit: { type: 'string', pattern: '^[0-9]{1,7}$' },
    added_after: { type: 'string', maxLength: 64 },
    next: { type: 'string', maxLength: 8192 },
    'match[id]': listOf,
    'match[type]': listOf,
    'match[version]': listOf,
    'match[spec_version]': listOf,
  },
} as const;

const ENVELOPE_SCHEMA = {
  type: 'object',
  required: ['objects'],
  properties: {
    more: { type: 'boolean' },
    next: { type: 'string' },
    objects: {
      type: 'array',
      maxItems: 10_000,
      items: {
        type: 'object',
        required: ['type', 'id'],
        properties: { type: { type: 'string', minLength: 1, maxLength: 250 }, id: { type: 'string', minLength: 1, maxLength: 300 } },
      },
    },
  },
} as const;

/** Builds the server (not yet listening); resumes envelopes left pending by a previous run. */
export function createTaxiiServer(options: TaxiiServerOptions): TaxiiServer {
  const maxContentLength = options.maxContentLength ?? DEFAULT_MAX_CONTENT_LENGTH;
  const auth = new Authenticator(options.credentials);
  const cursors = CursorSigner.fromStateDir(options.stateDir);
  const statuses = new StatusStore(options.stateDir, options.statusRetentionMs);
  const source = options.source;
  const tls = options.tls;
  const app = Fastify({
    logger: false,
    bodyLimit: maxContentLength,
    routerOptions: { ignoreTrailingSlash: true, ignoreDuplicateSlashes: true, maxParamLength: 300 },
    ...(tls
      ? {
          https: {
            cert: tls.cert,
            key: tls.key,
            minVersion: 'TLSv1.2' as const,
            ...(tls.clientCa !== undefined ? { ca: tls.clientCa, requestCert: true, rejectUnauthorized: false } : {}),
          },
        }
      : {}),
  }) as unknown as FastifyInstance;

  // envelopes are read as STIX content must be (strict-json.ts): invalid UTF-8, duplicate or prototype
  // keys, lone surrogates and deep nesting are refused with their code (413 for nesting), never guessed at
  app.addContentTypeParser(['application/taxii+json'], { parseAs: 'buffer' }, (_req, body, done) => {
    try {
      done(null, parseStrictJson(decodeUtf8Strict(body as Buffer, 'the envelope'), 'the envelope'));
    } catch (err) {
      if (err instanceof ChaincodeError && err.code === 'JSON_TOO_DEEP')
        done(new TaxiiError(413, 'Payload Too Large', err.message, err.code));
      else if (err instanceof ChaincodeError && err.code !== 'INVALID_ARGUMENT') done(badRequest(err.message, err.code));
      else done(badRequest('the body is not a JSON envelope'));
    }
  });

  // who is asking: a verified client certificate on the allow list, else the Authorization header
  app.addHook('onRequest', async (req, reply) => {
    const socket = req.raw.socket as Partial<TLSSocket>;
    const fromCert = socket.authorized === true ? auth.fromCertificate(socket.getPeerCertificate?.().fingerprint256) : undefined;
    const login = fromCert !== undefined ? { principal: fromCert } : await auth.fromHeader(req.headers.authorization, req.ip);
    const principal = login.principal;
    if (principal === undefined) {
      const refused = 'refused' in login ? login.refused : undefined;
      if (refused === 'throttled') {
        void reply.header('Retry-After', '60');
        await sendError(
          reply,
          new TaxiiError(429, 'Too Many Requests', 'too many failed logins from this client or for this user: try again in a minute'),
        );
      } else if (refused === 'busy') {
        void reply.header('Retry-After', '5');
        await sendError(reply, new TaxiiError(503, 'Service Unavailable', 'too many logins are being checked: try again shortly'));
      } else {
        await sendError(reply, new TaxiiError(401, 'Unauthorized', 'authenticate with HTTP Basic, a bearer token or a client certificate'));
      }
      return;
    }
    req.principal = principal;
    if (!acceptsTaxii(req.headers.accept)) {
      await sendError(reply, new TaxiiError(406, 'Not Acceptable', `this server answers ${TAXII_MEDIA_TYPE}`));
    }
  });

  const work = new Set<Promise<void>>();
  const enqueue = (id: string, objects: readonly unknown[]): void => {
    const job = (async () => {
      try {
        statuses.complete(id, await source.ingest(objects));
      } catch (err) {
        statuses.fail(id, `${toXborderError(err).code}: the envelope could not be submitted`);
      }
    })();
    work.add(job);
    void job.finally(() => work.delete(job));
  };
  for (const left of statuses.pending()) enqueue(left.status.id, left.objects);
  statuses.prune();

  app.setErrorHandler(async (err, _req, reply) => sendError(reply, taxiiErrorOf(err)));
  app.setNotFoundHandler(async (req, reply) =>
    sendError(reply, notFound(`no TAXII resource at ${req.url.split('?')[0]?.slice(0, 100) ?? ''}`)),
  );

  void app.register(async (api) => {
    await api.register(rateLimit, {
      global: true,
      max: options.rateLimitPerMinute ?? 600,
      timeWindow: 60_000,
      hook: 'preHandler',
      keyGenerator: (req) => req.principal ?? req.ip,
      errorResponseBuilder: (_req, context) => Object.assign(new Error('rate limit'), { statusCode: context.statusCode }),
    });

    // never the request's Host header: a client could make discovery point others' tools elsewhere
    const base = (req: FastifyRequest): string => options.publicUrl?.replace(/\/$/, '') ?? boundUrl(req);

    api.get('/taxii2/', async (req, reply) =>
      send(reply, 200, {
        title: `xborder TAXII server of ${source.institution}`,
        description: 'Threat intelligence on the xborder ledger, read and written as this institution.',
        default: `${base(req)}/${API_ROOT}/`,
        api_roots: [`${base(req)}/${API_ROOT}/`],
      }),
    );

    api.get(`/${API_ROOT}/`, async (_req, reply) =>
      send(reply, 200, {
        title: 'xborder',
        description: 'Signed, hashed STIX 2.1 records shared between Hong Kong and Thai institutions.',
        versions: [TAXII_MEDIA_TYPE],
        max_content_length: maxContentLength,
      }),
    );

    api.get(`/${API_ROOT}/collections/`, async (_req, reply) => send(reply, 200, { collections: COLLECTIONS.map(collectionResource) }));

    api.get(`/${API_ROOT}/collections/:cid/`, async (req, reply) => {
      const { cid } = req.params as { cid: string };
      const c = findCollection(cid);
      if (!c) throw notFound(`no collection ${cid.slice(0, 80)}`);
      return send(reply, 200, collectionResource(c));
    });

    const page = async (
      req: FastifyRequest,
      kind: 'objects' | 'manifest',
    ): Promise<{ items: ListedVersion[]; more: boolean; next?: string }> => {
      const c = collectionOf(req, 'read');
      const q = req.query as Query;
      const limit = parseLimit(q.limit);
      const scope = `${kind}:${c.id}`;
      const next = q.next;
      if (Array.isArray(next)) throw badRequest('next is given more than once');
      // a cursor carries the whole query: filters repeated or dropped on follow-ups change nothing
      const state = next !== undefined && next !== '' ? cursors.open(next, scope) : { scope, query: parseQuery(q), position: '' };
      const listed = await listCollection(source, c, state.query, state.position, limit);
      return {
        items: listed.items,
        more: listed.more,
        ...(listed.more ? { next: cursors.sign({ scope, query: state.query, position: listed.position }) } : {}),
      };
    };

    api.get(`/${API_ROOT}/collections/:cid/objects/`, { schema: { querystring: QUERY_SCHEMA } }, async (req, reply) => {
      const { items, more, next } = await page(req, 'objects');
      dateHeaders(reply, items);
      return send(reply, 200, { more, ...(next ? { next } : {}), ...(items.length > 0 ? { objects: items.map((v) => v.object) } : {}) });
    });

    api.get(`/${API_ROOT}/collections/:cid/manifest/`, { schema: { querystring: QUERY_SCHEMA } }, async (req, reply) => {
      const { items, more, next } = await page(req, 'manifest');
      dateHeaders(reply, items);
      return send(reply, 200, {
        more,
        ...(next ? { next } : {}),
        ...(items.length > 0
          ? {
              // who signed each version, where consumers look: the ledger's producer and its key, beside
              // whatever the object's own created_by_ref says (which the ledger binds to the producer)
              objects: items.map((v) => ({
                id: v.stixId,
                date_added: v.dateAdded,
                version: v.modified,
                media_type: STIX_MEDIA_TYPE,
                x_xborder_producer: v.producer,
                x_xborder_signer_key: v.signerKey,
                // other members who shared the same content (a re-shared feed), each with its key
                ...(v.cosigners !== undefined && v.cosigners.length > 0
                  ? { x_xborder_cosigners: v.cosigners.map((c) => ({ institution: c.institution, signer_key: c.signerKey })) }
                  : {}),
              })),
            }
          : {}),
      });
    });

    /** An object's versions in this collection that pass the filters, one page by offset. */
    const versionsPage = async (
      req: FastifyRequest,
      kind: 'object' | 'versions',
    ): Promise<{ items: ListedVersion[]; more: boolean; next?: string }> => {
      const c = collectionOf(req, 'read');
      const { oid } = req.params as { oid: string };
      const q = req.query as Query;
      const limit = parseLimit(q.limit);
      const scope = `${kind}:${c.id}:${oid}`;
      const next = q.next;
      if (Array.isArray(next)) throw badRequest('next is given more than once');
      const state =
        next !== undefined && next !== '' ? cursors.open(next, scope) : { scope, query: parseQuery(q, { byId: true }), position: '0' };
      const all = (await source.versions(oid)).filter((v) => c.holds(v, source.institution));
      const query: ObjectQuery = state.query;
      const chosen = all.filter((v) => matches(v, query, kind === 'versions' ? 'all' : 'last'));
      if (chosen.length === 0 && all.every((v) => v.object === null))
        throw notFound(`no object ${oid.slice(0, 100)} in collection ${c.alias}`);
      const offset = Number(state.position);
      const items = chosen.slice(offset, offset + limit);
      const more = offset + items.length < chosen.length;
      return { items, more, ...(more ? { next: cursors.sign({ scope, query, position: String(offset + items.length) }) } : {}) };
    };

    api.get(`/${API_ROOT}/collections/:cid/objects/:oid/`, { schema: { querystring: QUERY_SCHEMA } }, async (req, reply) => {
      const { items, more, next } = await versionsPage(req, 'object');
      dateHeaders(reply, items);
      return send(reply, 200, { more, ...(next ? { next } : {}), ...(items.length > 0 ? { objects: items.map((v) => v.object) } : {}) });
    });

    api.get(`/${API_ROOT}/collections/:cid/objects/:oid/versions/`, { schema: { querystring: QUERY_SCHEMA } }, async (req, reply) => {
      const { items, more, next } = await versionsPage(req, 'versions');
      dateHeaders(reply, items);
      return send(reply, 200, { more, ...(next ? { next } : {}), ...(items.length > 0 ? { versions: items.map((v) => v.modified) } : {}) });
    });

    api.delete(`/${API_ROOT}/collections/:cid/objects/:oid/`, () => {
      throw forbidden('ledger records cannot be deleted; post a new version with "revoked": true to revoke an object');
    });

    api.post(
      `/${API_ROOT}/collections/:cid/objects/`,
      {
        schema: { body: ENVELOPE_SCHEMA },
        preValidation: (req, _reply, done) => {
          try {
            if (!isTaxiiContentType(req.headers['content-type']))
              throw new TaxiiError(415, 'Unsupported Media Type', `send the envelope as ${TAXII_MEDIA_TYPE}`);
            collectionOf(req, 'write');
            done();
          } catch (err) {
            done(err as Error);
          }
        },
      },
      async (req, reply) => {
        const { objects } = req.body as { objects: unknown[] };
        const status = statuses.create(objects);
        enqueue(status.id, objects);
        return send(reply, 202, status);
      },
    );

    api.get(`/${API_ROOT}/status/:sid/`, async (req, reply) => {
      const { sid } = req.params as { sid: string };
      const status = statuses.get(sid);
      if (!status) throw notFound(`no status ${sid.slice(0, 80)}`);
      return send(reply, 200, status);
    });
  });

  return {
    app,
    idle: async () => {
      while (work.size > 0) await Promise.allSettled([...work]);
    },
    close: async () => {
      await app.close();
      while (work.size > 0) await Promise.allSettled([...work]);
    },
  };
}
