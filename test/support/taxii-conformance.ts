/**
 * A black-box TAXII 2.1 conformance suite at the HTTP level, run against xborder's server and against
 * the OASIS reference server (medallion) to show both pass the same checks. Each check names the part
 * of the specification it reads. medallion 3.0.0 passes every check here; where it is weaker than
 * xborder's server (its `next` expires after 30 s and is refused when a follow-up changes the filters),
 * the specification allows it, so the suite does not check it: xborder's own tests do.
 */
import { expect } from 'chai';

import { httpRequest } from './http-client';
import type { HttpAnswer } from './http-client';

export const TAXII = 'application/taxii+json;version=2.1';

export interface TaxiiTarget {
  readonly name: string;
  /** The discovery URL (`https://host:port/taxii2/`). */
  readonly discovery: string;
  /** `Authorization` header value of a client that may read and write. */
  readonly authorization: string;
  readonly ca?: string;
}

type Json = Record<string, unknown>;

async function call(
  t: TaxiiTarget,
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<HttpAnswer> {
  return httpRequest(url, {
    method: options.method ?? 'GET',
    headers: { accept: TAXII, authorization: t.authorization, ...(options.headers ?? {}) },
    ...(options.body !== undefined ? { body: options.body } : {}),
    ...(t.ca !== undefined ? { ca: t.ca } : {}),
  });
}

function isTaxiiType(a: HttpAnswer): boolean {
  const type = (a.headers['content-type'] ?? '').replace(/\s/g, '').toLowerCase();
  return type.startsWith('application/taxii+json') && (!type.includes('version=') || type.includes('version=2.1'));
}

/** Where to find a readable and writable collection of the target. */
async function discover(t: TaxiiTarget): Promise<{ root: string; collection: string }> {
  const d = (await call(t, t.discovery)).json();
  const roots = d.api_roots as string[];
  const root = (d.default as string | undefined) ?? roots[0] ?? '';
  const list = (await call(t, `${root}collections/`)).json().collections as Json[];
  const rw = list.find((c) => c.can_read === true && c.can_write === true);
  if (!rw) throw new Error(`${t.name} has no read-write collection`);
  return { root, collection: `${root}collections/${String(rw.id)}/` };
}

export interface ConformanceCheck {
  readonly name: string;
  run(t: TaxiiTarget): Promise<void>;
}

function check(name: string, run: (t: TaxiiTarget) => Promise<void>): ConformanceCheck {
  return { name, run };
}

export const CONFORMANCE: readonly ConformanceCheck[] = [
  check('discovery (4.1): 200, TAXII media type, title and api_roots', async (t) => {
    const a = await call(t, t.discovery);
    expect(a.status).to.equal(200);
    expect(isTaxiiType(a), String(a.headers['content-type'])).to.equal(true);
    expect(a.json()).to.have.property('title').that.is.a('string');
    expect(a.json().api_roots).to.be.an('array').that.is.not.empty;
  }),
  check('API root (4.2): versions include TAXII 2.1, max_content_length is a number', async (t) => {
    const { root } = await discover(t);
    const a = await call(t, root);
    expect(a.status).to.equal(200);
    expect(a.json().versions).to.include(TAXII);
    expect(a.json().max_content_length).to.be.a('number');
  }),
  check('collections (5.1, 5.2): id, title, can_read, can_write for each; one by id', async (t) => {
    const { root } = await discover(t);
    const list = (await call(t, `${root}collections/`)).json().collections as Json[];
    for (const c of list) {
      expect(c).to.include.keys('id', 'title', 'can_read', 'can_write');
      const one = await call(t, `${root}collections/${String(c.id)}/`);
      expect(one.status).to.equal(200);
      expect(one.json().id).to.equal(c.id);
    }
  }),
  check('objects (5.4): an envelope with more; Date-Added headers when objects are returned', async (t) => {
    const { collection } = await discover(t);
    const a = await call(t, `${collection}objects/`);
    expect(a.status).to.equal(200);
    expect(isTaxiiType(a)).to.equal(true);
    const objects = (a.json().objects as Json[] | undefined) ?? [];
    expect(objects.length).to.be.greaterThan(0);
    expect(a.headers['x-taxii-date-added-first']).to.be.a('string');
    expect(a.headers['x-taxii-date-added-last']).to.be.a('string');
    expect(a.json().more).to.be.a('boolean');
  }),
  check('paging (3.4): limit=1 gives more with next; next gives the following object, never the same', async (t) => {
    const { collection } = await discover(t);
    const first = (await call(t, `${collection}objects/?limit=1`)).json();
    expect(first.more).to.equal(true);
    expect(first.next).to.be.a('string').that.is.not.empty;
    const second = await call(t, `${collection}objects/?limit=1&next=${encodeURIComponent(first.next as string)}`);
    expect(second.status).to.equal(200);
    const [a] = first.objects as Json[];
    const [b] = second.json().objects as Json[];
    expect(`${String(b?.id)}${String(b?.modified)}`).to.not.equal(`${String(a?.id)}${String(a?.modified)}`);
  }),
  check('manifest (5.3): id, date_added, version, media_type per record', async (t) => {
    const { collection } = await discover(t);
    const a = await call(t, `${collection}manifest/`);
    expect(a.status).to.equal(200);
    for (const m of a.json().objects as Json[]) expect(m).to.include.keys('id', 'date_added', 'version', 'media_type');
  }),
  check('object by id and its versions (5.5, 5.7)', async (t) => {
    const { collection } = await discover(t);
    const [o] = (await call(t, `${collection}objects/?limit=1`)).json().objects as Json[];
    const byId = await call(t, `${collection}objects/${String(o?.id)}/`);
    expect(byId.status).to.equal(200);
    expect((byId.json().objects as Json[]).map((x) => x.id)).to.include(o?.id);
    const versions = await call(t, `${collection}objects/${String(o?.id)}/versions/`);
    expect(versions.status).to.equal(200);
    expect(versions.json().versions).to.be.an('array').that.is.not.empty;
  }),
  check('add objects (5.4) and status (4.3): 202, counts that add up, lists as long as their counts', async (t) => {
    const { root, collection } = await discover(t);
    const now = new Date().toISOString();
    const id = `indicator--${globalThis.crypto.randomUUID()}`;
    const object = {
      type: 'indicator',
      spec_version: '2.1',
      id,
      created: now,
      modified: now,
      name: `conformance ${t.name}`,
      pattern: "[domain-name:value = 'conformance.example']",
      pattern_type: 'stix',
      valid_from: now,
      object_marking_refs: ['marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb'],
    };
    const a = await call(t, `${collection}objects/`, {
      method: 'POST',
      headers: { 'content-type': TAXII },
      body: JSON.stringify({ objects: [object] }),
    });
    expect(a.status).to.equal(202);
    const check = (s: Json): void => {
      for (const k of ['id', 'status', 'total_count', 'success_count', 'failure_count', 'pending_count']) expect(s).to.have.property(k);
      expect(Number(s.success_count) + Number(s.failure_count) + Number(s.pending_count)).to.equal(s.total_count);
      for (const [list, count] of [
        ['successes', 'success_count'],
        ['failures', 'failure_count'],
        ['pendings', 'pending_count'],
      ] as const)
        expect(((s[list] as unknown[] | undefined) ?? []).length).to.equal(s[count]);
    };
    check(a.json());
    for (let i = 0; i < 600; i++) {
      const s = await call(t, `${root}status/${String(a.json().id)}/`);
      expect(s.status).to.equal(200);
      check(s.json());
      if (s.json().status === 'complete') {
        expect(s.json().success_count).to.equal(1);
        return;
      }
      await new Promise((r) => setTimeout(r, 100)); // polling the status resource, as clients do
    }
    throw new Error('status never completed');
  }),
  check(
    'errors (3.6): unauthenticated 401, HTML-only Accept 406, unknown collection 404, bad media type 415, in the TAXII media type',
    async (t) => {
      const { root, collection } = await discover(t);
      const anon = await httpRequest(t.discovery, { headers: { accept: TAXII }, ...(t.ca !== undefined ? { ca: t.ca } : {}) });
      expect(anon.status).to.equal(401);
      const html = await call(t, `${root}collections/`, { headers: { accept: 'text/html' } });
      expect(html.status).to.equal(406);
      const missing = await call(t, `${root}collections/00000000-0000-4000-8000-000000000000/objects/`);
      expect(missing.status).to.equal(404);
      const wrongType = await call(t, `${collection}objects/`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x' });
      expect(wrongType.status).to.equal(415);
      for (const a of [html, missing, wrongType]) {
        expect(isTaxiiType(a), `${String(a.status)} ${String(a.headers['content-type'])}`).to.equal(true);
        expect(a.json()).to.have.property('title');
      }
    },
  ),
];
