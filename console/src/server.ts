/**
 * The auditor console's HTTP server (fastify): the page and its assets, a JSON API of evaluate-only
 * reads, and a server-sent event stream of followed ledger changes. Listens on loopback; answers only
 * requests addressed to the host it listens on (no DNS rebinding); every API call needs a session
 * opened with the access token; the page runs under a strict Content-Security-Policy (own scripts only,
 * no eval, no framing). There is no route that writes to the ledger.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import Fastify from 'fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

import { isStixId, isUetr } from '@xborder/protocol';
import { toXborderError, XborderError } from '@xborder/sdk';
import { parseTarget } from '@xborder/sdk/audit';
import type { ListQuery } from '@xborder/sdk';

import type { Change } from './change-feed';
import type { LedgerView } from './ledger-view';
import { cookieValue, SESSION_COOKIE, Sessions } from './sessions';

/** How the console is served (see `xborder console`). */
export interface ConsoleServerOptions {
  readonly view: LedgerView;
  /** The token that opens a session. */
  readonly accessToken: string;
  /** Folder of the built page (index.html, app.js, app.css). */
  readonly webDir: string;
  /** PEM certificate and key: serve HTTPS (and mark the session cookie Secure). */
  readonly tls?: { readonly cert: string; readonly key: string };
  /** The published trust anchor (JSON text) the page checks proofs against by default. */
  readonly anchorText?: string;
  /** Where the default anchor came from, as the page tells the user. */
  readonly anchorSource?: string;
  /** Session lifetime (default 12 hours). */
  readonly sessionTtlMs?: number;
}

const ASSETS: Readonly<Record<string, string>> = {
  '/': 'index.html',
  '/app.js': 'app.js',
  '/app.css': 'app.css',
};
const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};
const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');
/** Wrong access tokens accepted per client and minute before its sign-ins are refused for the rest of it. */
const MAX_FAILED_SIGN_INS = 20;
const INTEL_FILTERS = ['all', 'type', 'tlp', 'producer', 'org'] as const;
const PAYMENT_FILTERS = ['corridor', 'status', 'institution'] as const;

function statusOf(code: string): number {
  if (code === 'UNAUTHENTICATED') return 401;
  if (code.endsWith('_NOT_FOUND')) return 404;
  if (code === 'ACCESS_DENIED') return 403;
  if (['BAD_INPUT', 'USAGE', 'INVALID_ARGUMENT', 'PAGE_INVALID', 'TLP_UNKNOWN', 'BAD_TARGET'].includes(code)) return 400;
  if (code === 'RESULT_TOO_LARGE') return 413;
  return 502;
}

function sendError(reply: FastifyReply, err: unknown): FastifyReply {
  const e = toXborderError(err);
  return reply.code(statusOf(e.code)).send({ error: { code: e.code, message: e.message } });
}

function text(q: Record<string, unknown>, name: string): string | undefined {
  const v = q[name];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function pageSize(q: Record<string, unknown>): number {
  const v = text(q, 'pageSize');
  if (v === undefined) return 50;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 200) throw new XborderError('BAD_INPUT', 'pageSize must be 1-200');
  return n;
}

function intelQuery(q: Record<string, unknown>): ListQuery {
  const filter = text(q, 'filter') ?? 'all';
  if (!(INTEL_FILTERS as readonly string[]).includes(filter))
    throw new XborderError('BAD_INPUT', `filter must be one of ${INTEL_FILTERS.join(', ')}`);
  const value = text(q, 'value');
  if (filter !== 'all' && value === undefined) throw new XborderError('BAD_INPUT', `filter ${filter} needs a value`);
  const from = text(q, 'from');
  const to = text(q, 'to');
  const bookmark = text(q, 'bookmark');
  return {
    filter: filter as ListQuery['filter'],
    ...(filter !== 'all' && value !== undefined ? { value } : {}),
    ...(from !== undefined ? { from: new Date(from).toISOString() } : {}),
    ...(to !== undefined ? { to: new Date(to).toISOString() } : {}),
    pageSize: pageSize(q),
    ...(bookmark !== undefined ? { bookmark } : {}),
  };
}

function stixIdOf(value: string): string {
  if (!isStixId(value) || value !== value.toLowerCase()) throw new XborderError('BAD_INPUT', 'not a STIX id (lowercase type--uuid)');
  return value;
}

function uetrOf(value: string): string {
  if (!isUetr(value)) throw new XborderError('BAD_INPUT', 'not a UETR (lowercase UUID v4)');
  return value;
}

/** Hosts a browser may address the console by: the bound address or a loopback name, with the port. */
function allowedHosts(host: string, port: number): Set<string> {
  const names = new Set([host, '127.0.0.1', 'localhost', '[::1]']);
  return new Set([...names].map((n) => `${n.includes(':') && !n.startsWith('[') ? `[${n}]` : n}:${String(port)}`));
}

/** Builds the server; call `listen` to serve. */
export function createConsoleServer(options: ConsoleServerOptions): FastifyInstance & { hosts: (host: string, port: number) => void } {
  const sessions = new Sessions(options.accessToken, options.sessionTtlMs);
  const app = Fastify({
    logger: false,
    bodyLimit: 4096,
    // the event streams stay open: close them with the server
    forceCloseConnections: true,
    ...(options.tls ? { https: { cert: options.tls.cert, key: options.tls.key } } : {}),
  }) as unknown as FastifyInstance & { hosts: (host: string, port: number) => void };
  let hosts = new Set<string>();
  app.hosts = (host, port) => {
    hosts = allowedHosts(host, port);
  };
  const secure = options.tls !== undefined;
  const view = options.view;

  app.addHook('onRequest', async (req, reply) => {
    void reply.header('X-Content-Type-Options', 'nosniff');
    void reply.header('Referrer-Policy', 'no-referrer');
    void reply.header('Cross-Origin-Opener-Policy', 'same-origin');
    void reply.header('Cross-Origin-Resource-Policy', 'same-origin');
    if (!hosts.has(req.headers.host ?? ''))
      return reply.code(421).send({ error: { code: 'WRONG_HOST', message: 'address the console by the host it listens on' } });
    return undefined;
  });

  const chunks = fs.readdirSync(options.webDir).filter((f) => /^chunk-[A-Za-z0-9]+\.js$/.test(f));
  for (const [route, file] of [...Object.entries(ASSETS), ...chunks.map((c) => [`/${c}`, c] as const)]) {
    const body = fs.readFileSync(path.join(options.webDir, file));
    const type = TYPES[path.extname(file)] ?? 'application/octet-stream';
    app.get(route, async (_req, reply) =>
      reply.header('Content-Type', type).header('Content-Security-Policy', CSP).header('Cache-Control', 'no-cache').send(body),
    );
  }

  // wrong tokens are throttled per client (a right one never is): the token is 256 random bits, this
  // only keeps a guesser noisy and slow. Only the page itself may sign in: a JSON body (which a form
  // on another site cannot send without a preflight this server never answers) from the console's own
  // origin, so no other page can spend a client's attempts.
  const failures = new Map<string, number[]>();
  app.post('/api/session', async (req, reply) => {
    const now = Date.now();
    const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    if (type !== 'application/json')
      return reply.code(415).send({ error: { code: 'BAD_INPUT', message: 'sign in with a JSON body: {"token": "..."}' } });
    const origin = req.headers.origin;
    if (origin !== undefined && !hosts.has(origin.replace(/^https?:\/\//, '')))
      return reply.code(403).send({ error: { code: 'ACCESS_DENIED', message: 'sign in from the console page itself' } });
    const client = req.ip;
    const recent = (failures.get(client) ?? []).filter((t) => t > now - 60_000);
    if (recent.length >= MAX_FAILED_SIGN_INS)
      return reply
        .code(429)
        .header('Retry-After', '60')
        .send({ error: { code: 'TOO_MANY_ATTEMPTS', message: 'too many wrong tokens: wait a minute' } });
    const body = (typeof req.body === 'object' && req.body !== null ? req.body : {}) as Record<string, unknown>;
    const id = sessions.open(body.token);
    if (id === null) {
      if (failures.size > 10_000) failures.clear();
      failures.set(client, [...recent, now]);
      return reply.code(401).send({ error: { code: 'UNAUTHENTICATED', message: 'wrong access token' } });
    }
    const cookie = `${SESSION_COOKIE}=${id}; Path=/; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
    return reply.header('Set-Cookie', cookie).send({ ok: true });
  });

  const authed = (req: FastifyRequest): boolean => sessions.valid(cookieValue(req.headers.cookie, SESSION_COOKIE));
  void app.register((api, _options, done) => {
    api.addHook('onRequest', async (req, reply) => {
      void reply.header('Cache-Control', 'no-store');
      if (!authed(req))
        return reply.code(401).send({ error: { code: 'UNAUTHENTICATED', message: 'open a session with the access token' } });
      return undefined;
    });
    const guarded =
      (fn: (q: Record<string, unknown>, params: Record<string, string>) => unknown) =>
      async (req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
        try {
          return await reply.send(await fn(req.query as Record<string, unknown>, req.params as Record<string, string>));
        } catch (err) {
          return sendError(reply, err);
        }
      };
    api.get(
      '/api/me',
      guarded(() => ({ identity: view.client.profile.name, mspId: view.client.profile.mspId, role: view.client.profile.role })),
    );
    api.get(
      '/api/overview',
      guarded(() => view.overview()),
    );
    api.post('/api/logout', async (req, reply) => {
      sessions.close(cookieValue(req.headers.cookie, SESSION_COOKIE));
      return reply.header('Set-Cookie', `${SESSION_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict`).send({ ok: true });
    });
    api.get(
      '/api/intel',
      guarded((q) => view.intelPage(intelQuery(q))),
    );
    api.get(
      '/api/intel/:stixId',
      guarded((_q, p) => view.intelDetail(stixIdOf(p.stixId ?? ''))),
    );
    api.get(
      '/api/intel/:stixId/sightings',
      guarded((q, p) => {
        const bookmark = text(q, 'bookmark');
        return view.client.intel.sightings(stixIdOf(p.stixId ?? ''), {
          pageSize: pageSize(q),
          ...(bookmark !== undefined ? { bookmark } : {}),
        });
      }),
    );
    api.get(
      '/api/payments',
      guarded((q) => {
        const filter = text(q, 'filter') ?? 'corridor';
        if (!(PAYMENT_FILTERS as readonly string[]).includes(filter))
          throw new XborderError('BAD_INPUT', `filter must be one of ${PAYMENT_FILTERS.join(', ')}`);
        const value = text(q, 'value');
        if (value === undefined) throw new XborderError('BAD_INPUT', `filter ${filter} needs a value`);
        const fromDate = text(q, 'fromDate');
        const toDate = text(q, 'toDate');
        const bookmark = text(q, 'bookmark');
        return view.client.payments.list({
          filter: filter as (typeof PAYMENT_FILTERS)[number],
          value,
          ...(fromDate !== undefined ? { fromDate } : {}),
          ...(toDate !== undefined ? { toDate } : {}),
          pageSize: pageSize(q),
          ...(bookmark !== undefined ? { bookmark } : {}),
        });
      }),
    );
    api.get(
      '/api/reconciliation',
      guarded((q) => view.reconcile(text(q, 'date') ?? '', text(q, 'corridor') ?? '')),
    );
    api.get(
      '/api/payments/:uetr',
      guarded((_q, p) => view.paymentDetail(uetrOf(p.uetr ?? ''))),
    );
    api.get('/api/proof', async (req, reply) => {
      try {
        const target = text(req.query as Record<string, unknown>, 'target') ?? '';
        const { type, id } = parseTarget(target);
        if (type === 'intel') stixIdOf(id);
        else if (type === 'payment') uetrOf(id);
        else if (!/^[0-9a-f]{64}$/.test(id)) throw new XborderError('BAD_INPUT', 'not a transaction id (64 lowercase hex digits)');
        const proof = await view.proof(target);
        const name = `proof-${type}-${id.replace(/[^a-z0-9-]/g, '_').slice(0, 80)}.json`;
        return await reply
          .header('Content-Type', 'application/json; charset=utf-8')
          .header('Content-Disposition', `attachment; filename="${name}"`)
          .send(`${JSON.stringify(proof, null, 2)}\n`);
      } catch (err) {
        return sendError(reply, err);
      }
    });
    api.get(
      '/api/anchor',
      guarded(async () =>
        options.anchorText !== undefined
          ? { anchor: JSON.parse(options.anchorText) as unknown, source: options.anchorSource ?? 'published anchor file' }
          : { anchor: await view.anchor(), source: options.anchorSource ?? 'the serving peer\u2019s genesis block' },
      ),
    );
    api.get('/api/events', (req, reply) => {
      const lastId = Number(req.headers['last-event-id'] ?? (req.query as Record<string, unknown>).after ?? view.feed.last);
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'Content-Type': 'text/event-stream; charset=utf-8',
        'Cache-Control': 'no-store',
        Connection: 'keep-alive',
        'X-Content-Type-Options': 'nosniff',
      });
      res.write(': stream open\n\n');
      const send = (c: Change): void => {
        res.write(`id: ${String(c.seq)}\nevent: change\ndata: ${JSON.stringify(c)}\n\n`);
      };
      const missed = Number.isInteger(lastId) && lastId >= 0 ? view.feed.after(lastId) : [];
      if (missed === null) res.write(`event: reload\ndata: {}\n\n`);
      else for (const c of missed) send(c);
      const unsubscribe = view.feed.subscribe(send);
      const ping = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
      req.raw.on('close', () => {
        clearInterval(ping);
        unsubscribe();
      });
    });
    done();
  });

  app.setNotFoundHandler(async (_req, reply) => reply.code(404).send({ error: { code: 'NOT_FOUND', message: 'no such page' } }));
  return app;
}
