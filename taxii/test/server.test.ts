/** The TAXII server over an in-memory ledger: protocol details real clients depend on, and refusals. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { expect } from 'chai';
import type { LightMyRequestResponse } from 'fastify';

import { XborderError } from '@xborder/sdk';
import { createTaxiiServer, hashPassword, newToken, TAXII_MEDIA_TYPE } from '@xborder/taxii';
import type { TaxiiServer, TaxiiServerOptions } from '@xborder/taxii';

import { FakeSource, version } from './fake-source';

const ROOT = '/xborder';
const SHARED = '5b9e2f1c-8a54-4f6e-9c0e-3d1f6a7b2c01';
const token = newToken();
const credentials = {
  basic: [{ user: 'misp', scrypt: hashPassword('correct horse') }],
  tokens: [{ name: 'opencti', sha256: token.sha256 }],
};
const basic = `Basic ${Buffer.from('misp:correct horse').toString('base64')}`;
const bearer = `Bearer ${token.token}`;

type Json = Record<string, unknown>;
const json = (r: LightMyRequestResponse): Json => JSON.parse(r.body) as Json;

describe('TAXII server (in-memory ledger)', () => {
  let stateDir: string;
  const servers: TaxiiServer[] = [];
  const start = (source: FakeSource, options: Partial<TaxiiServerOptions> = {}): TaxiiServer => {
    const s = createTaxiiServer({ source, stateDir, credentials, ...options });
    servers.push(s);
    return s;
  };
  const get = (s: TaxiiServer, url: string, headers: Record<string, string> = {}) =>
    s.app.inject({ method: 'GET', url, headers: { authorization: bearer, accept: TAXII_MEDIA_TYPE, ...headers } });

  beforeEach(() => {
    stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'taxii-'));
  });
  afterEach(async () => {
    for (const s of servers.splice(0)) await s.close();
    fs.rmSync(stateDir, { recursive: true, force: true });
  });

  it('serves discovery, the API root and collections in the TAXII media type, with or without trailing slashes', async () => {
    const s = start(new FakeSource([]));
    // the Host header is never reflected into discovery (it would point other tools elsewhere)
    const discovery = await get(s, '/taxii2/', { host: 'attacker.example:9443' });
    expect(discovery.statusCode).to.equal(200);
    expect(discovery.headers['content-type']).to.equal(TAXII_MEDIA_TYPE);
    expect(discovery.body).to.not.include('attacker.example');
    const published = start(new FakeSource([]), { publicUrl: 'https://taxii.hk-bank-a.example:9443/' });
    const named = json(await get(published, '/taxii2/', { host: 'attacker.example:9443' }));
    expect(named).to.include({ default: 'https://taxii.hk-bank-a.example:9443/xborder/' });
    expect(named.api_roots).to.deep.equal(['https://taxii.hk-bank-a.example:9443/xborder/']);
    const root = json(await get(s, ROOT));
    expect(root).to.deep.include({ versions: [TAXII_MEDIA_TYPE], max_content_length: 10 * 1024 * 1024 });
    const collections = json(await get(s, `${ROOT}/collections`)).collections as Json[];
    expect(collections.map((c) => [c.alias, c.can_read, c.can_write])).to.deep.equal([
      ['shared', true, true],
      ['own', true, false],
      ['tlp-clear', true, false],
      ['tlp-green', true, false],
      ['tlp-amber', true, false],
    ]);
    expect(json(await get(s, `${ROOT}/collections/${SHARED}/`)).title).to.equal('shared');
    expect(json(await get(s, `${ROOT}/collections/shared`)).id).to.equal(SHARED);
  });

  it('refuses unauthenticated and wrongly authenticated requests with 401 and a TAXII error; accepts Basic (any case) and bearer', async () => {
    const s = start(new FakeSource([]));
    for (const authorization of [undefined, 'Basic bWlzcDp3cm9uZw==', `Bearer ${newToken().token}`, 'Digest abc', 'Basic']) {
      const r = await s.app.inject({
        method: 'GET',
        url: '/taxii2/',
        headers: { accept: TAXII_MEDIA_TYPE, ...(authorization ? { authorization } : {}) },
      });
      expect(r.statusCode, authorization).to.equal(401);
      expect(r.headers['content-type']).to.equal(TAXII_MEDIA_TYPE);
      expect(r.headers['www-authenticate']).to.match(/^Basic realm="xborder"/);
      expect(json(r)).to.include({ http_status: '401', title: 'Unauthorized' });
    }
    expect((await get(s, '/taxii2/', { authorization: basic })).statusCode).to.equal(200);
    expect((await get(s, '/taxii2/', { authorization: basic.replace('Basic', 'basic') })).statusCode).to.equal(200);
  });

  it('answers media types: bare taxii+json, with parameters, */* and no Accept are served; HTML and TAXII 2.0 get 406', async () => {
    const s = start(new FakeSource([]));
    for (const accept of [
      'application/taxii+json',
      'application/taxii+json;version=2.1',
      'application/taxii+json; version=2.1; q=0.9',
      '*/*',
      '',
    ]) {
      expect((await get(s, '/taxii2/', { accept })).statusCode, accept).to.equal(200);
    }
    for (const accept of ['text/html', 'application/taxii+json;version=2.0', 'application/stix+json;version=2.1']) {
      const r = await get(s, '/taxii2/', { accept });
      expect(r.statusCode, accept).to.equal(406);
      expect(json(r)).to.include({ http_status: '406' });
    }
  });

  describe('paging', () => {
    // 10,000 versions sharing five date_added values, as a bulk import leaves them
    const many = Array.from({ length: 10_000 }, (_, i) =>
      version(i, { dateAdded: `2026-11-20T10:00:0${String(Math.floor(i / 2000))}.000Z` }),
    );

    const pageThrough = async (s: TaxiiServer, first: string, follow: (next: string, lastAdded: string | undefined) => string) => {
      const seen: string[] = [];
      let url = first;
      for (let i = 0; i < 1000; i++) {
        const r = await get(s, url);
        expect(r.statusCode, url).to.equal(200);
        const body = json(r);
        const objects = (body.objects as Json[] | undefined) ?? [];
        seen.push(...objects.map((o) => o.id as string));
        if (objects.length > 0) {
          expect(r.headers['x-taxii-date-added-first']).to.be.a('string');
          expect(r.headers['x-taxii-date-added-last']).to.be.a('string');
        }
        if (body.more !== true) {
          expect(body.next).to.equal(undefined);
          return seen;
        }
        expect(body.next, 'next whenever more').to.be.a('string');
        url = follow(body.next as string, r.headers['x-taxii-date-added-last'] as string | undefined);
      }
      throw new Error('did not finish');
    };

    const everyIdOnce = (seen: string[]): void => {
      expect(seen.length).to.equal(10_000);
      expect(new Set(seen).size).to.equal(10_000);
      expect(seen).to.deep.equal(many.map((v) => v.stixId));
    };

    it('MISP: limit=50 with next, no object skipped or repeated', async () => {
      const s = start(new FakeSource(many));
      const base = `${ROOT}/collections/${SHARED}/objects/`;
      everyIdOnce(await pageThrough(s, `${base}?limit=50&next=`, (next) => `${base}?limit=50&next=${encodeURIComponent(next)}`));
    });

    it("OpenCTI's connector: added_after first, then only next", async () => {
      const s = start(new FakeSource(many));
      const base = `${ROOT}/collections/${SHARED}/objects/`;
      everyIdOnce(
        await pageThrough(s, `${base}?added_after=2026-01-01T00:00:00Z&limit=500`, (next) => `${base}?next=${encodeURIComponent(next)}`),
      );
    });

    it("OpenCTI's feeds and taxii2-client: next with the first added_after and filters repeated", async () => {
      const s = start(new FakeSource(many));
      const base = `${ROOT}/collections/${SHARED}/objects/`;
      const filters = 'added_after=2026-01-01T00:00:00Z&match[type]=indicator&limit=700';
      everyIdOnce(await pageThrough(s, `${base}?${filters}`, (next) => `${base}?${filters}&next=${encodeURIComponent(next)}`));
      // filters changed on a follow-up do not change the cursor's query either
      const first = json(await get(s, `${base}?limit=100`));
      const changed = json(
        await get(
          s,
          `${base}?limit=100&match[type]=malware&added_after=2026-11-20T10:00:04Z&next=${encodeURIComponent(first.next as string)}`,
        ),
      );
      expect((changed.objects as Json[])[0]?.id).to.equal(many[100]?.stixId);
    });

    it('treats added_after as strict and returns nothing after the last date_added', async () => {
      const s = start(new FakeSource(many));
      const base = `${ROOT}/collections/${SHARED}/objects/`;
      const after = json(await get(s, `${base}?added_after=2026-11-20T10:00:03.000Z&limit=1000`));
      expect((after.objects as Json[])[0]?.id).to.equal(many[8000]?.stixId);
      const micro = json(await get(s, `${base}?added_after=2026-11-20T10:00:03.999999Z&limit=1`));
      expect((micro.objects as Json[])[0]?.id).to.equal(many[8000]?.stixId);
      const none = await get(s, `${base}?added_after=2026-11-20T10:00:04.000Z`);
      expect(json(none)).to.deep.equal({ more: false });
      expect(none.headers['x-taxii-date-added-first']).to.equal(undefined);
    });

    it('keeps cursors valid across a restart, and refuses altered cursors and cursors of another collection or endpoint', async () => {
      const source = new FakeSource(many);
      const first = start(source);
      const base = `${ROOT}/collections/${SHARED}/objects/`;
      const next = json(await get(first, `${base}?limit=10`)).next as string;
      await first.close();
      const second = start(source);
      expect(((json(await get(second, `${base}?next=${encodeURIComponent(next)}`)).objects as Json[])[0] as Json).id).to.equal(
        many[10]?.stixId,
      );
      const [payload = '', mac = ''] = next.split('.');
      const altered = `${payload.slice(0, -1)}${payload.endsWith('A') ? 'B' : 'A'}.${mac}`;
      for (const [url, code] of [
        [`${base}?next=${encodeURIComponent(altered)}`, 'CURSOR_INVALID'],
        [`${base}?next=garbage`, 'CURSOR_INVALID'],
        [`${ROOT}/collections/own/objects/?next=${encodeURIComponent(next)}`, 'CURSOR_SCOPE'],
        [`${ROOT}/collections/${SHARED}/manifest/?next=${encodeURIComponent(next)}`, 'CURSOR_SCOPE'],
      ] as const) {
        const r = await get(second, url);
        expect(r.statusCode, url).to.equal(400);
        expect(json(r)).to.include({ http_status: '400', error_code: code });
      }
    });
  });

  it('filters by id, type, version (last, first, all, timestamps) and spec_version; hides what the institution may not read', async () => {
    const v1 = version(1, { latest: false, first: true, modified: '2026-11-01T00:00:00.000Z', dateAdded: '2026-11-20T10:00:00.000Z' });
    const v2 = version(1, { latest: true, first: false, modified: '2026-11-02T00:00:00.000Z', dateAdded: '2026-11-20T11:00:00.000Z' });
    const malware = version(2, { stixType: 'malware', dateAdded: '2026-11-20T12:00:00.000Z' });
    const strictOfOther = version(3, { tlp: 'AMBER+STRICT', producer: 'th-bank-a', object: null, dateAdded: '2026-11-20T13:00:00.000Z' });
    const s = start(new FakeSource([v1, v2, malware, strictOfOther]));
    const ids = async (query: string, endpoint = 'objects'): Promise<string[]> => {
      const r = json(await get(s, `${ROOT}/collections/shared/${endpoint}/?${query}`));
      return ((r.objects as Json[] | undefined) ?? []).map(
        (o) => `${String(o.id).slice(0, 12)}@${String(o.modified ?? o.version).slice(8, 10)}`,
      );
    };
    expect(await ids('')).to.deep.equal(['indicator--0@02', 'indicator--0@01']);
    expect(await ids('match[version]=all')).to.deep.equal(['indicator--0@01', 'indicator--0@02', 'indicator--0@01']);
    expect(await ids('match[version]=first')).to.deep.equal(['indicator--0@01', 'indicator--0@01']);
    expect(await ids('match[version]=2026-11-01T00:00:00Z')).to.deep.equal(['indicator--0@01', 'indicator--0@01']);
    expect(await ids('match[type]=malware')).to.have.length(1);
    expect(await ids(`match[id]=${v1.stixId}&match[version]=all`)).to.have.length(2);
    expect(await ids('match[spec_version]=2.0')).to.deep.equal([]);
    expect(await ids('match[version]=all', 'manifest')).to.have.length(3);
    // the strict object of another producer is in no listing, and not found by id
    const byId = await get(s, `${ROOT}/collections/shared/objects/${strictOfOther.stixId}/`);
    expect(byId.statusCode).to.equal(404);
    const versions = json(await get(s, `${ROOT}/collections/shared/objects/${v1.stixId}/versions/`));
    expect(versions.versions).to.deep.equal([v1.modified, v2.modified]);
    const latest = json(await get(s, `${ROOT}/collections/shared/objects/${v1.stixId}/`));
    expect((latest.objects as Json[]).map((o) => o.modified)).to.deep.equal([v2.modified]);
    const paged = json(await get(s, `${ROOT}/collections/shared/objects/${v1.stixId}/versions/?limit=1`));
    expect(paged).to.include({ more: true });
    const rest = json(
      await get(s, `${ROOT}/collections/shared/objects/${v1.stixId}/versions/?next=${encodeURIComponent(paged.next as string)}`),
    );
    expect(rest).to.deep.equal({ more: false, versions: [v2.modified] });
    // collections by TLP and producer
    expect(json(await get(s, `${ROOT}/collections/tlp-amber/objects/`))).to.deep.equal({ more: false });
    expect(((json(await get(s, `${ROOT}/collections/own/objects/`)).objects as Json[] | undefined) ?? []).length).to.equal(2);
    const wrongCollection = await get(s, `${ROOT}/collections/tlp-amber/objects/${v1.stixId}/`);
    expect(wrongCollection.statusCode).to.equal(404);
  });

  it('refuses bad filters, unknown collections and resources, and DELETE, each with its status and a TAXII error body', async () => {
    const s = start(new FakeSource([version(1)]));
    const cases: [string, string, number][] = [
      ['GET', `${ROOT}/collections/shared/objects/?limit=0`, 400],
      ['GET', `${ROOT}/collections/shared/objects/?limit=ten`, 400],
      ['GET', `${ROOT}/collections/shared/objects/?added_after=yesterday`, 400],
      ['GET', `${ROOT}/collections/shared/objects/?match[version]=newest`, 400],
      ['GET', `${ROOT}/collections/shared/objects/?limit=99999999`, 400],
      ['GET', `${ROOT}/collections/shared/manifest/?next=${'x'.repeat(9000)}`, 400],
      ['GET', `${ROOT}/collections/shared/objects/?added_after=2026-01-01T00:00:00Z&added_after=2026-02-01T00:00:00Z`, 400],
      ['GET', `${ROOT}/collections/nope/objects/`, 404],
      ['GET', `${ROOT}/collections/nope/`, 404],
      ['GET', `${ROOT}/status/00000000-0000-4000-8000-000000000000/`, 404],
      ['GET', `${ROOT}/status/../../etc/passwd`, 404],
      ['GET', '/admin', 404],
      ['DELETE', `${ROOT}/collections/shared/objects/${version(1).stixId}/`, 403],
    ];
    for (const [method, url, status] of cases) {
      const r = await s.app.inject({ method: method as 'GET', url, headers: { authorization: bearer, accept: TAXII_MEDIA_TYPE } });
      expect(r.statusCode, `${method} ${url}`).to.equal(status);
      expect(r.headers['content-type'], url).to.equal(TAXII_MEDIA_TYPE);
      expect(json(r), url).to.include({ http_status: String(status) });
      expect(json(r).title, url).to.be.a('string');
    }
  });

  describe('POST objects', () => {
    const envelope = (objects: unknown[]) => JSON.stringify({ objects });
    const post = (s: TaxiiServer, body: string, headers: Record<string, string> = {}, collection = 'shared') =>
      s.app.inject({
        method: 'POST',
        url: `${ROOT}/collections/${collection}/objects/`,
        payload: body,
        headers: { authorization: basic, accept: TAXII_MEDIA_TYPE, 'content-type': TAXII_MEDIA_TYPE, ...headers },
      });

    it('accepts an envelope with 202 and a pending status, then completes it with per-object successes and failures', async () => {
      const source = new FakeSource([]);
      const s = start(source);
      const good = version(7).object;
      const bad = { ...(version(8).object as Json), name: 'bad' } as Json;
      const r = await post(s, envelope([good, bad]));
      expect(r.statusCode).to.equal(202);
      const pending = json(r);
      expect(pending).to.include({ status: 'pending', total_count: 2, pending_count: 2, success_count: 0, failure_count: 0 });
      await s.idle();
      const done = json(await get(s, `${ROOT}/status/${String(pending.id)}/`));
      expect(done).to.include({ status: 'complete', total_count: 2, success_count: 1, failure_count: 1, pending_count: 0 });
      expect(done.failures).to.deep.equal([{ id: bad.id, version: bad.modified, message: 'INTEL_INVALID_OBJECT: refused' }]);
      expect(source.ingested).to.have.length(1);
      // kept across a restart
      await s.close();
      const again = start(source);
      expect(json(await get(again, `${ROOT}/status/${String(pending.id)}/`))).to.deep.equal(done);
    });

    it('resumes envelopes left pending by a stopped server', async () => {
      const stuck = new FakeSource([]);
      stuck.failIngest = true;
      const s = start(stuck);
      // a status left pending on disk, as a crash mid-way would leave it
      const statusDir = path.join(stateDir, 'status');
      const r = await post(s, envelope([version(9).object]));
      const id = String(json(r).id);
      await s.idle();
      expect(json(await get(s, `${ROOT}/status/${id}/`))).to.include({ status: 'complete', failure_count: 1 });
      const statusFile = path.join(statusDir, `${id}.status.json`);
      const objectsFile = path.join(statusDir, `${id}.objects.json`);
      const pendingStatus = {
        ...(JSON.parse(fs.readFileSync(statusFile, 'utf8')) as Json),
        status: 'pending',
        failure_count: 0,
        failures: [],
        pending_count: 1,
      };
      fs.writeFileSync(statusFile, JSON.stringify(pendingStatus));
      fs.writeFileSync(objectsFile, JSON.stringify([version(9).object]));
      await s.close();
      const healthy = new FakeSource([]);
      const restarted = start(healthy);
      await restarted.idle();
      expect(json(await get(restarted, `${ROOT}/status/${id}/`))).to.include({ status: 'complete', success_count: 1, failure_count: 0 });
      expect(healthy.ingested).to.have.length(1);
      expect(fs.existsSync(objectsFile)).to.equal(false);
    });

    it('refuses a wrong media type (415), an oversize body (413), a malformed envelope (400), a read-only collection (403), writing nothing', async () => {
      const source = new FakeSource([]);
      const s = start(source, { maxContentLength: 4096 });
      const cases: [string, Record<string, string>, string, number][] = [
        [envelope([version(1).object]), { 'content-type': 'application/json' }, 'shared', 415],
        [envelope([version(1).object]), { 'content-type': 'application/stix+json;version=2.1' }, 'shared', 415],
        [envelope([version(1).object]), { 'content-type': 'application/taxii+json;version=2.0' }, 'shared', 415],
        [envelope(Array.from({ length: 40 }, (_, i) => version(i).object)), {}, 'shared', 413],
        ['{"objects": [', {}, 'shared', 400],
        ['{"more": false}', {}, 'shared', 400],
        [envelope([{ name: 'no id or type' }]), {}, 'shared', 400],
        [envelope([version(1).object]), {}, 'own', 403],
        [envelope([version(1).object]), {}, 'nope', 404],
        // one meaning per envelope: a duplicate key, a prototype key, a lone surrogate, deep nesting
        [envelope([version(1).object]).replace('{"objects"', '{"objects":[],"objects"'), {}, 'shared', 400],
        [envelope([{ ...version(1).object, x_data: JSON.parse('{"__proto__": {"a": 1}}') as unknown }]), {}, 'shared', 400],
        [envelope([{ ...version(1).object, name: '\ud800' }]).replace('"name":"\ud800"', '"name":"\\ud800"'), {}, 'shared', 400],
        [`{"objects":[${'['.repeat(10_000)}${']'.repeat(10_000)}]}`, {}, 'shared', 413],
      ];
      for (const [body, headers, collection, status] of cases) {
        const r = await post(s, body, headers, collection);
        expect(r.statusCode, `${collection} ${JSON.stringify(headers)} ${body.slice(0, 30)}: ${r.body.slice(0, 200)}`).to.equal(status);
        expect(r.headers['content-type']).to.equal(TAXII_MEDIA_TYPE);
        expect(json(r)).to.include({ http_status: String(status) });
      }
      await s.idle();
      expect(source.ingested).to.deep.equal([]);
      expect(fs.readdirSync(path.join(stateDir, 'status'))).to.deep.equal([]);
      // invalid UTF-8 is refused, not turned into U+FFFD
      const bytes = Buffer.concat([
        Buffer.from('{"objects":[{"type":"indicator","name":"'),
        Buffer.from([0xff, 0xfe]),
        Buffer.from('"}]}'),
      ]);
      const r = await s.app.inject({
        method: 'POST',
        url: `${ROOT}/collections/${SHARED}/objects/`,
        headers: { authorization: bearer, accept: TAXII_MEDIA_TYPE, 'content-type': TAXII_MEDIA_TYPE },
        payload: bytes,
      });
      expect(r.statusCode).to.equal(400);
      expect(json(r).error_code).to.equal('JSON_TEXT_INVALID');
      await s.idle();
      expect(source.ingested).to.deep.equal([]);
    });
  });

  it("names each version's signer in the manifest: the producer and its key, as the ledger recorded them", async () => {
    const s = start(new FakeSource([version(1), version(2, { producer: 'th-bank-a', signerKey: 'cd'.repeat(32) })]));
    const manifest = json(await get(s, `${ROOT}/collections/${SHARED}/manifest/`)).objects as Json[];
    expect(manifest.map((m) => [m.x_xborder_producer, m.x_xborder_signer_key])).to.deep.equal([
      ['hk-bank-a', 'ab'.repeat(32)],
      ['th-bank-a', 'cd'.repeat(32)],
    ]);
    for (const m of manifest) expect(m).to.include.keys('id', 'date_added', 'version', 'media_type');
  });

  it('maps ledger errors to TAXII errors without internals: refused identity 403, unreachable ledger 503, anything else 500', async () => {
    const cases: [XborderError, number, RegExp][] = [
      [new XborderError('ACCESS_DENIED', 'auditors read no content'), 403, /ACCESS_DENIED/],
      [new XborderError('KEY_REVOKED', 'revoked'), 403, /KEY_REVOKED/],
      [new XborderError('GATEWAY_ERROR', 'connect ECONNREFUSED 127.0.0.1:27051', { grpcStatus: 'UNAVAILABLE' }), 503, /not reachable/],
      [new XborderError('GATEWAY_ERROR', 'secret internal detail /home/x', { grpcStatus: 'INTERNAL' }), 500, /\(GATEWAY_ERROR\)$/],
    ];
    for (const [err, status, description] of cases) {
      const source = new FakeSource([]);
      source.page = () => Promise.reject(err);
      const s = start(source);
      const r = await get(s, `${ROOT}/collections/shared/objects/`);
      expect(r.statusCode, err.code).to.equal(status);
      expect(json(r).description, err.code).to.match(description);
      expect(r.body).to.not.include('internal detail');
      expect(r.body).to.not.include('127.0.0.1');
      await s.close();
    }
  });

  it('limits requests per client (429 with a TAXII error) without slowing other clients', async () => {
    const s = start(new FakeSource([]), { rateLimitPerMinute: 5 });
    for (let i = 0; i < 5; i++) expect((await get(s, '/taxii2/')).statusCode).to.equal(200);
    const limited = await get(s, '/taxii2/');
    expect(limited.statusCode).to.equal(429);
    expect(json(limited)).to.include({ http_status: '429' });
    expect((await get(s, '/taxii2/', { authorization: basic })).statusCode).to.equal(200);
  });
});
