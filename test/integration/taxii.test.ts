/**
 * The TAXII 2.1 server on the real network: started with the CLI as hk-bank-a, driven by the OASIS
 * taxii2-client (Python), checked by the same conformance suite as the OASIS reference server
 * (medallion), and attacked: strict content of another producer, bad credentials, bad envelopes, a
 * cursor of another query. Refusals write nothing.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { expect } from 'chai';

import type { XborderClient } from '@xborder/sdk';

import { clientPool } from '../support/clients';
import { httpRequest } from '../support/http-client';
import { testNetwork } from '../support/network-hooks';
import { REPO_ROOT } from '../support/paths';
import { startProcess } from '../support/processes';
import type { Started } from '../support/processes';
import { AMBER, AMBER_STRICT, freshIndicator, GREEN } from '../support/stix-objects';
import { CONFORMANCE, TAXII } from '../support/taxii-conformance';
import { until } from '../support/until';
import type { TaxiiTarget } from '../support/taxii-conformance';

const CLI = path.join(REPO_ROOT, 'cli', 'dist', 'main.js');
const home = testNetwork.home ?? '';
const indicator = freshIndicator;

function xborder(args: string[], input?: string): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    env: { ...process.env, XB_HOME: home, XB_IDENTITY: '' },
    input,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Every latest, readable version the ledger lists for an identity, in ledger order: what TAXII must serve. */
async function ledgerView(client: XborderClient): Promise<string[]> {
  const ids: string[] = [];
  let bookmark = '';
  do {
    const page = await client.intel.listObjects({ filter: 'all', pageSize: 200, ...(bookmark ? { bookmark } : {}) });
    // an observable's record is listed under its handle; TAXII names it by its real id
    ids.push(
      ...page.items
        .filter((i) => i.latest && i.object !== null)
        .map((i) => (i.record.observable !== undefined && typeof i.object?.id === 'string' ? i.object.id : i.record.stixId)),
    );
    bookmark = page.bookmark;
  } while (bookmark !== '');
  return ids;
}

describe('TAXII 2.1 server on the real network', function () {
  this.timeout(300_000);
  const { as, closeAll } = clientPool();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'xb-taxii-'));
  const credentials = path.join(tmp, 'credentials.json');
  const state = path.join(tmp, 'state');
  const password = `pw-${randomUUID()}`;
  let ca = '';
  let server: Started | undefined;
  let medallion: Started | undefined;
  let discovery = '';
  let token = '';
  let venv = '';
  const objects: Record<string, Record<string, unknown>> = {};

  const taxii = (url: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}) =>
    httpRequest(url, { ...init, headers: { accept: TAXII, authorization: `Bearer ${token}`, ...(init.headers ?? {}) }, ca });
  const root = (): string => discovery.replace(/taxii2\/$/, 'xborder/');
  /** Every object (or manifest record) of a listing, following `next` (a page may end early: its time budget). */
  const everything = async (url: string): Promise<{ objects: Record<string, unknown>[]; body: string }> => {
    const objects: Record<string, unknown>[] = [];
    let body = '';
    let next = '';
    do {
      const page = await taxii(`${url}${url.includes('?') ? '&' : '?'}${next ? `next=${encodeURIComponent(next)}` : ''}`);
      expect(page.status, url).to.equal(200);
      body += page.body;
      objects.push(...((page.json().objects as Record<string, unknown>[] | undefined) ?? []));
      next = (page.json().next as string | undefined) ?? '';
    } while (next !== '');
    return { objects, body };
  };

  /**
   * Runs one of the Python TAXII tools (`taxii/test/python/<script>`) against the server as the Basic
   * user misp; `requests` prefers REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE over the client's verify= when
   * they are set, so they name the org CA.
   */
  const python = (script: string, args: readonly string[]) => {
    const caFile = path.join(home, 'orgs', 'hk', 'taxii', 'tls', 'ca.crt');
    return spawnSync(
      path.join(venv, 'bin', 'python'),
      [path.join(REPO_ROOT, 'taxii', 'test', 'python', script), discovery, caFile, ...args],
      {
        env: { ...process.env, TAXII_USER: 'misp', TAXII_PASSWORD: password, REQUESTS_CA_BUNDLE: caFile, CURL_CA_BUNDLE: '' },
        encoding: 'utf8',
        timeout: 240_000,
      },
    );
  };

  before(async () => {
    ca = fs.readFileSync(path.join(home, 'orgs', 'hk', 'taxii', 'tls', 'ca.crt'), 'utf8');
    venv = execFileSync('bash', [path.join(REPO_ROOT, 'taxii', 'scripts', 'python-env.sh')], { encoding: 'utf8' }).trim();
    const added = xborder(['--as', 'hk-bank-a', '--json', 'taxii', 'add-token', 'opencti', '--credentials', credentials]);
    expect(added.code, added.stderr).to.equal(0);
    token = (JSON.parse(added.stdout) as { token: string }).token;
    expect(xborder(['--as', 'hk-bank-a', 'taxii', 'add-user', 'misp', '--credentials', credentials], `${password}\n`).code).to.equal(0);
    // the file holds hashes only
    const stored = fs.readFileSync(credentials, 'utf8');
    expect(stored).to.not.include(token);
    expect(stored).to.not.include(password);

    const hk = as('hk-bank-a');
    const th = as('th-bank-a');
    objects.green = indicator(GREEN, 'taxii green');
    objects.amber = indicator(AMBER, 'taxii amber v1');
    objects.amberV2 = { ...objects.amber, modified: new Date(Date.now() + 1000).toISOString(), name: 'taxii amber v2' };
    objects.thAmber = indicator(AMBER, 'taxii th amber');
    objects.thStrict = indicator(AMBER_STRICT, 'taxii th strict');
    objects.hkStrict = indicator(AMBER_STRICT, 'taxii hk strict');
    for (const o of [objects.green, objects.amber, objects.amberV2, objects.hkStrict]) await hk.intel.submit(o);
    for (const o of [objects.thAmber, objects.thStrict]) await th.intel.submit(o);

    server = await startProcess(
      process.execPath,
      [
        CLI,
        '--as',
        'hk-bank-a',
        '--json',
        'taxii',
        'serve',
        '--port',
        '0',
        '--credentials',
        credentials,
        '--state',
        state,
        '--max-content-length',
        '65536',
        '--rate-limit',
        '100000',
      ],
      /"listening": "https:\/\//,
      { env: { ...process.env, XB_HOME: home, XB_IDENTITY: '' } },
    );
    discovery = /"listening": "([^"]+)"/.exec(server.readyLine)?.[1] ?? '';
    expect(discovery).to.match(/^https:\/\/127\.0\.0\.1:\d+\/taxii2\/$/);
  });

  after(async () => {
    await server?.stop();
    await medallion?.stop();
    closeAll();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('serves the OASIS taxii2-client: collections, every readable object once with as_pages, versions, manifest, and a posted envelope', async () => {
    const expected = await ledgerView(as('hk-bank-a'));
    const posted = [
      indicator(GREEN, 'posted over taxii 1'),
      indicator(AMBER, 'posted over taxii 2'),
      indicator('marking-definition--00000000-0000-4000-8000-00000000dead', 'unclassified marking'),
    ];
    const envelope = path.join(tmp, 'envelope.json');
    fs.writeFileSync(envelope, JSON.stringify({ objects: posted }));
    const r = python('taxii_client_check.py', [envelope, '7']);
    expect(r.status, r.stderr).to.equal(0);
    const seen = JSON.parse(r.stdout) as {
      collections: [string, boolean, boolean][];
      ids: string[];
      pages: number;
      versions: string[];
      by_id: string[];
      manifest: { id: string }[];
      status: {
        status: string;
        total_count: number;
        success_count: number;
        failure_count: number;
        failures: { id: string; message: string }[];
      };
      own_can_write: boolean;
    };
    expect(seen.collections).to.deep.equal([
      ['own', true, false],
      ['shared', true, true],
      ['tlp-amber', true, false],
      ['tlp-clear', true, false],
      ['tlp-green', true, false],
    ]);
    // exactly the ledger's view of hk-bank-a, each once (in commit order: the polling test checks it)
    expect([...seen.ids].sort()).to.deep.equal([...expected].sort());
    expect(new Set(seen.ids).size).to.equal(seen.ids.length);
    // at most 7 a page (a page may end early when its ledger reads take long)
    expect(seen.pages).to.be.at.least(Math.ceil(expected.length / 7));
    for (const o of [objects.green, objects.amber, objects.thAmber, objects.hkStrict]) expect(seen.ids).to.include(o?.id);
    expect(seen.ids, 'strict content of another producer').to.not.include(objects.thStrict?.id);
    expect(seen.by_id).to.deep.equal([seen.ids[0]]);
    expect(seen.versions.length).to.be.greaterThan(0);
    expect(seen.manifest.length).to.be.within(1, 7);
    expect(seen.status).to.deep.include({ status: 'complete', total_count: 3, success_count: 2, failure_count: 1 });
    expect(seen.status.failures[0]?.id).to.equal(posted[2]?.id);
    expect(seen.status.failures[0]?.message).to.match(/^MARKING_UNCLASSIFIED: /);
    // the posted objects are on the ledger, signed by hk-bank-a at the TLP of their markings
    const hk = as('hk-bank-a');
    expect(await hk.intel.get(posted[0]?.id as string)).to.include({ producer: 'hk-bank-a', tlp: 'GREEN' });
    expect(await hk.intel.get(posted[1]?.id as string)).to.include({ producer: 'hk-bank-a', tlp: 'AMBER' });
    expect((await hk.intel.history(posted[2]?.id as string).catch(() => [])).length).to.equal(0);
  });

  it('serves versions and filters from the ledger: the latest by default, every version on request', async () => {
    const shared = `${root()}collections/shared/`;
    const id = objects.amber?.id as string;
    const latest = (await taxii(`${shared}objects/${id}/`)).json<{ objects: { name: string }[] }>();
    expect(latest.objects.map((o) => o.name)).to.deep.equal(['taxii amber v2']);
    const all = (await taxii(`${shared}objects/${id}/?match[version]=all`)).json<{ objects: { name: string }[] }>();
    expect(all.objects.map((o) => o.name)).to.deep.equal(['taxii amber v1', 'taxii amber v2']);
    const versions = (await taxii(`${shared}objects/${id}/versions/`)).json<{ versions: string[] }>();
    expect(versions.versions).to.deep.equal([objects.amber?.modified, objects.amberV2?.modified]);
    // the own collection holds the institution's strict object; the AMBER collection does not hold GREEN
    const own = await taxii(`${root()}collections/own/objects/${objects.hkStrict?.id as string}/`);
    expect(own.status).to.equal(200);
    expect((await taxii(`${root()}collections/tlp-amber/objects/${objects.green?.id as string}/`)).status).to.equal(404);
  });

  it("names other members' co-signatures of a version in the manifest (a re-shared object), with their keys", async () => {
    const green = objects.green ?? {};
    const cosigned = await as('th-bank-a').intel.submit(green);
    expect(cosigned.cosignature).to.include({ institution: 'th-bank-a' });
    const url = `${root()}collections/shared/manifest/?match[id]=${String(green.id)}`;
    // the server's index takes the co-signature from the block that wrote it
    // (a match[id] listing may take several pages on a long ledger: followed with next, as clients do)
    const entry = await until('the co-signature in the manifest', async () => {
      const found = (await everything(url)).objects[0];
      return found?.x_xborder_cosigners !== undefined ? found : undefined;
    });
    expect(entry).to.include({ x_xborder_producer: 'hk-bank-a' });
    expect(entry.x_xborder_cosigners).to.deep.equal([{ institution: 'th-bank-a', signer_key: cosigned.cosignature?.signerFingerprint }]);
  });

  it('attack: strict content of another producer is not served by id, versions, listing or manifest', async () => {
    const id = objects.thStrict?.id as string;
    const shared = `${root()}collections/shared/`;
    expect((await taxii(`${shared}objects/${id}/`)).status).to.equal(404);
    expect((await taxii(`${shared}objects/${id}/versions/`)).status).to.equal(404);
    expect((await everything(`${shared}objects/?match[id]=${id}&match[version]=all`)).objects).to.deep.equal([]);
    expect((await everything(`${shared}manifest/?match[id]=${id}`)).objects).to.deep.equal([]);
    // and its text is nowhere in a full listing
    const { body } = await everything(`${shared}objects/?limit=1000`);
    expect(body).to.include('taxii th amber');
    expect(body).to.not.include('taxii th strict');
  });

  it('attack: bad credentials, plain HTTP, bad envelopes, oversize bodies and foreign cursors are refused with TAXII errors and write nothing', async () => {
    const hk = as('hk-bank-a');
    const before = await ledgerView(hk);
    const statusFiles = (): string[] => (fs.existsSync(path.join(state, 'status')) ? fs.readdirSync(path.join(state, 'status')) : []);
    const statusesBefore = statusFiles();
    const shared = `${root()}collections/shared/`;
    const post = (body: string, headers: Record<string, string> = {}, url = `${shared}objects/`) =>
      taxii(url, { method: 'POST', headers: { 'content-type': TAXII, ...headers }, body });
    const good = JSON.stringify({ objects: [indicator(GREEN, 'never written')] });
    const cases: [string, Promise<{ status: number; headers: Record<string, unknown>; json: () => Record<string, unknown> }>, number][] = [
      [
        'wrong password',
        httpRequest(discovery, { headers: { accept: TAXII, authorization: `Basic ${Buffer.from('misp:wrong').toString('base64')}` }, ca }),
        401,
      ],
      [
        'forged token',
        httpRequest(`${shared}objects/`, {
          method: 'POST',
          headers: { accept: TAXII, 'content-type': TAXII, authorization: `Bearer ${token.slice(0, -2)}xx` },
          body: good,
          ca,
        }),
        401,
      ],
      ['JSON media type', post(good, { 'content-type': 'application/json' }), 415],
      ['malformed envelope', post('{"objects": [{"type": "indicator"'), 400],
      ['envelope without objects', post('{"more": false}'), 400],
      [
        'oversize body',
        post(JSON.stringify({ objects: Array.from({ length: 200 }, (_, i) => indicator(GREEN, `big ${String(i)}`)) })),
        413,
      ],
      ['read-only collection', post(good, {}, `${root()}collections/own/objects/`), 403],
      ['unknown collection', post(good, {}, `${root()}collections/${randomUUID()}/objects/`), 404],
      ['delete', taxii(`${shared}objects/${objects.green?.id as string}/`, { method: 'DELETE' }), 403],
    ];
    const foreign = (await taxii(`${root()}collections/own/objects/?limit=1`)).json().next as string;
    expect(foreign).to.be.a('string');
    cases.push(['cursor of another collection', taxii(`${shared}objects/?next=${encodeURIComponent(foreign)}`), 400]);
    for (const [what, answer, status] of cases) {
      const a = await answer;
      expect(a.status, what).to.equal(status);
      expect(String(a.headers['content-type']), what).to.equal(TAXII);
      expect(a.json(), what).to.include({ http_status: String(status) });
    }
    // plain HTTP to the TLS port gets no TAXII answer at all
    const plain = await httpRequest(discovery.replace('https:', 'http:'), { headers: { accept: TAXII } }).catch((err: unknown) => err);
    expect(plain instanceof Error || (plain as { status: number }).status === 400).to.equal(true);
    expect(await ledgerView(hk)).to.deep.equal(before);
    expect(statusFiles()).to.deep.equal(statusesBefore);
  });

  it('takes clients added and removed on the running server at their next request; lists them without secrets', async () => {
    const collections = (authorization: string) => httpRequest(`${root()}collections/`, { headers: { accept: TAXII, authorization }, ca });
    const added = xborder(['--as', 'hk-bank-a', '--json', 'taxii', 'add-token', 'late-tool', '--credentials', credentials]);
    expect(added.code, added.stderr).to.equal(0);
    const late = (JSON.parse(added.stdout) as { token: string }).token;
    expect((await collections(`Bearer ${late}`)).status, 'a token added while serving').to.equal(200);
    const tempPassword = `pw-${randomUUID()}`;
    expect(
      xborder(['--as', 'hk-bank-a', 'taxii', 'add-user', 'temp-user', '--credentials', credentials], `${tempPassword}\n`).code,
    ).to.equal(0);
    const basic = `Basic ${Buffer.from(`temp-user:${tempPassword}`).toString('base64')}`;
    expect((await collections(basic)).status, 'a user added while serving').to.equal(200);
    const listed = xborder(['--as', 'hk-bank-a', '--json', 'taxii', 'clients', '--credentials', credentials]);
    expect(listed.code).to.equal(0);
    expect(JSON.parse(listed.stdout)).to.deep.include.members([
      { name: 'late-tool', kind: 'token' },
      { name: 'temp-user', kind: 'basic' },
    ]);
    expect(listed.stdout).to.not.include(late).and.not.include(tempPassword).and.not.include('scrypt');
    for (const name of ['late-tool', 'temp-user'])
      expect(xborder(['--as', 'hk-bank-a', 'taxii', 'remove', name, '--credentials', credentials]).code).to.equal(0);
    // refused at once: the remembered Basic login is forgotten with the change
    expect((await collections(`Bearer ${late}`)).status, 'a removed token').to.equal(401);
    expect((await collections(basic)).status, 'a removed user').to.equal(401);
    expect((await collections(`Bearer ${token}`)).status, 'the others are untouched').to.equal(200);
    const unknown = xborder(['--as', 'hk-bank-a', 'taxii', 'remove', 'nobody', '--credentials', credentials]);
    expect(unknown.code).to.not.equal(0);
    expect(unknown.stderr).to.match(/BAD_INPUT: no client named nobody/);
  });

  it('refuses to serve as an identity that is not a member institution (an auditor reads no content)', () => {
    const r = xborder([
      '--as',
      'audit-1',
      'taxii',
      'serve',
      '--port',
      '0',
      '--credentials',
      credentials,
      '--state',
      path.join(tmp, 'state-auditor'),
    ]);
    expect(r.code).to.not.equal(0);
    expect(r.stderr).to.match(/CONFIG: audit-1 is an auditor identity; a TAXII server acts as a member institution/);
  });

  it('authenticates tools by client certificate: an allowed certificate of the org CA is served; others get 401', async () => {
    const idDir = (name: string): string => path.join(home, 'identities', name, 'msp');
    const certOf = (name: string): { cert: string; key: string } => ({
      cert: fs.readFileSync(path.join(idDir(name), 'signcerts', 'cert.pem'), 'utf8'),
      key: fs.readFileSync(path.join(idDir(name), 'keystore', 'priv_sk'), 'utf8'),
    });
    const certCredentials = path.join(tmp, 'cert-credentials.json');
    const allowed = xborder([
      '--as',
      'hk-bank-a',
      'taxii',
      'add-certificate',
      'soc-gateway',
      path.join(idDir('hk-bank-b'), 'signcerts', 'cert.pem'),
      '--credentials',
      certCredentials,
    ]);
    expect(allowed.code, allowed.stderr).to.equal(0);
    // listed, but issued by another CA than --client-ca: the TLS layer does not verify it, so it is refused
    const foreign = xborder([
      '--as',
      'hk-bank-a',
      'taxii',
      'add-certificate',
      'foreign',
      path.join(idDir('th-bank-a'), 'signcerts', 'cert.pem'),
      '--credentials',
      certCredentials,
    ]);
    expect(foreign.code, foreign.stderr).to.equal(0);
    const mtls = await startProcess(
      process.execPath,
      [
        CLI,
        '--as',
        'hk-bank-a',
        '--json',
        'taxii',
        'serve',
        '--port',
        '0',
        '--credentials',
        certCredentials,
        '--state',
        path.join(tmp, 'state-mtls'),
        '--client-ca',
        path.join(home, 'orgs', 'hk', 'taxii', 'tls', 'ca.crt'),
      ],
      /"listening": "https:\/\//,
      { env: { ...process.env, XB_HOME: home, XB_IDENTITY: '' } },
    );
    try {
      const url = /"listening": "([^"]+)"/.exec(mtls.readyLine)?.[1] ?? '';
      const ask = (client?: { cert: string; key: string }) => httpRequest(url, { headers: { accept: TAXII }, ca, ...(client ?? {}) });
      expect((await ask(certOf('hk-bank-b'))).status, 'allowed certificate').to.equal(200);
      expect((await ask(certOf('hk-bank-a'))).status, 'same CA, not on the list').to.equal(401);
      expect((await ask(certOf('th-bank-a'))).status, 'listed, but of another CA').to.equal(401);
      expect((await ask()).status, 'no certificate').to.equal(401);
    } finally {
      await mtls.stop();
    }
  });

  it('round-trips observables and indicators with refs through POST and GET, TLP kept; no observable id or value is in a block; "seen" answers', async () => {
    const tag = randomUUID().slice(0, 8);
    const domain = `pay-${tag}.example`;
    const ipValue = `203.0.113.${String(1 + (parseInt(tag.slice(0, 2), 16) % 250))}`;
    const sha256 = randomUUID().replace(/-/g, '').repeat(2);
    const sco = (type: string, extra: Record<string, unknown>, marking = GREEN): Record<string, unknown> => ({
      type,
      spec_version: '2.1',
      id: `${type}--${randomUUID()}`,
      object_marking_refs: [marking],
      ...extra,
    });
    const domainObj = sco('domain-name', { value: domain });
    const ipObj = sco('ipv4-addr', { value: ipValue }, AMBER);
    const urlObj = sco('url', { value: `https://${domain}/otp` });
    const fileObj = sco('file', { name: 'invoice.pdf.exe', hashes: { 'SHA-256': sha256 } });
    const ind = indicator(GREEN, `phishing domain ${tag}`, { pattern: `[domain-name:value = '${domain}']` });
    const now = new Date().toISOString();
    const rel = {
      type: 'relationship',
      spec_version: '2.1',
      id: `relationship--${randomUUID()}`,
      created: now,
      modified: now,
      relationship_type: 'indicates',
      source_ref: ind.id,
      target_ref: domainObj.id,
      object_marking_refs: [GREEN],
    };
    const observed = {
      type: 'observed-data',
      spec_version: '2.1',
      id: `observed-data--${randomUUID()}`,
      created: now,
      modified: now,
      first_observed: now,
      last_observed: now,
      number_observed: 3,
      object_refs: [domainObj.id, ipObj.id, urlObj.id, fileObj.id],
      object_marking_refs: [AMBER],
    };
    const bundle = [domainObj, ipObj, urlObj, fileObj, ind, rel, observed];
    const posted = await taxii(`${root()}collections/shared/objects/`, {
      method: 'POST',
      headers: { 'content-type': TAXII },
      body: JSON.stringify({ objects: bundle }),
    });
    expect(posted.status).to.equal(202);
    let status = posted.json();
    for (let i = 0; i < 600 && status.status !== 'complete'; i++) {
      await new Promise((r) => setTimeout(r, 100)); // polling the status resource, as clients do
      status = (await taxii(`${root()}status/${String(status.id)}/`)).json();
    }
    expect(status).to.include({ status: 'complete', total_count: bundle.length, success_count: bundle.length, failure_count: 0 });

    // every object comes back as posted (markings and all), observables under their real ids
    const served = new Map<string, Record<string, unknown>>();
    for (const o of (await everything(`${root()}collections/shared/objects/?limit=1000&match[version]=all`)).objects)
      served.set(o.id as string, o);
    for (const o of bundle) expect(served.get(o.id as string), String(o.id)).to.deep.equal(o);
    const amber = (await everything(`${root()}collections/tlp-amber/objects/?limit=1000&match[type]=ipv4-addr`)).objects;
    expect(amber.map((o) => o.id)).to.include(ipObj.id);
    // observables by their own id too, from the server's index (which already holds what this
    // institution may read: the lookup asks nothing of the ledger)
    const byId = await taxii(`${root()}collections/shared/objects/${domainObj.id as string}/`);
    expect(byId.status).to.equal(200);
    expect(byId.json().objects).to.deep.equal([domainObj]);
    const versions = await taxii(`${root()}collections/shared/objects/${domainObj.id as string}/versions/`);
    expect(versions.status).to.equal(200);
    expect((versions.json().versions as string[]).length).to.equal(1);
    // another producer's strict observable would not be in the index; an unknown one is a plain 404
    expect((await taxii(`${root()}collections/shared/objects/domain-name--${randomUUID()}/`)).status).to.equal(404);
    // and through the CLI, for another bank entitled to read it (its own index), naming the handle
    const got = xborder(['--as', 'th-bank-a', '--json', 'intel', 'get', domainObj.id as string]);
    expect(got.code, got.stderr).to.equal(0);
    expect(JSON.parse(got.stdout)).to.include({ stixType: 'domain-name', producer: 'hk-bank-a' });
    expect((JSON.parse(got.stdout) as { stixId: string }).stixId).to.match(/^observable--/);
    expect(xborder(['--as', 'th-bank-a', 'intel', 'get', `domain-name--${randomUUID()}`]).stderr).to.match(
      /INTEL_NOT_FOUND: no observable/,
    );

    // nothing that names an observable is in any block of either peer or the orderer
    const chains = ['peer0.hk', 'peer0.th', 'orderer0'].map((n) => path.join(home, 'data', n));
    // the scan itself works: the indicator's id is public and is found in the block files
    const control = spawnSync('grep', ['-r', '-l', '-a', '-F', '--include=blockfile_*', ind.id as string, chains[0] ?? ''], {
      encoding: 'utf8',
    });
    expect(control.stdout.trim(), 'positive control').to.not.equal('');
    for (const secret of [domain, ipValue, sha256, domainObj.id, ipObj.id, urlObj.id, fileObj.id] as string[]) {
      for (const dir of chains) {
        const found = spawnSync('grep', ['-r', '-l', '-a', '-F', '--include=blockfile_*', secret, dir], { encoding: 'utf8' });
        expect(found.stdout.trim(), `${secret} in the blocks of ${dir}`).to.equal('');
      }
    }

    // "have we seen this?" through the CLI, as another bank: the value however spelled, not a near miss
    const ask = (type: string, value: string) => xborder(['--as', 'th-bank-a', '--json', 'intel', 'seen', type, value]);
    const hit = ask('domain-name', domain.toUpperCase());
    expect(hit.code, hit.stderr).to.equal(0);
    // the domain observable, and the indicator whose pattern names it
    expect(JSON.parse(hit.stdout)).to.deep.include({ count: 2, producers: ['hk-bank-a'] });
    expect(JSON.parse(ask('file', `sha256:${sha256}`).stdout)).to.deep.include({ count: 1 });
    // as analysts type them: a trailing dot, a /32, a URL with its default port and a fragment
    for (const [type, spelled, count] of [
      ['domain-name', `${domain.toUpperCase()}.`, 2],
      ['ipv4-addr', `${ipValue}/32`, 1],
      ['url', `https://${domain.toUpperCase()}:443/otp#after-login`, 1],
    ] as const) {
      const r = ask(type, spelled);
      expect(r.code, r.stderr).to.equal(0);
      expect(JSON.parse(r.stdout), spelled).to.deep.include({ count });
    }
    for (const [type, near] of [
      ['domain-name', `pay-${tag}.example.org`],
      ['ipv4-addr', `${ipValue}0`],
    ]) {
      const miss = ask(type ?? '', near ?? '');
      expect(miss.code, miss.stderr).to.equal(0);
      expect(JSON.parse(miss.stdout), near).to.deep.include({ count: 0, producers: [] });
    }
    const wrong = ask('indicator', 'x');
    expect(wrong.code).to.not.equal(0);
    expect(wrong.stdout + wrong.stderr).to.match(/INVALID_ARGUMENT/);
  });

  it("refuses spec-invalid objects a poster sends, so stix2's TAXIICollectionSource queries keep working for every reader", async () => {
    const now = new Date().toISOString();
    const base = (type: string, extra: Record<string, unknown>): Record<string, unknown> => ({
      type,
      spec_version: '2.1',
      id: `${type}--${randomUUID()}`,
      created: now,
      modified: now,
      object_marking_refs: [GREEN],
      ...extra,
    });
    const ind = indicator(GREEN, 'stix2 source check');
    const goodRel = base('relationship', { relationship_type: 'related-to', source_ref: ind.id, target_ref: `malware--${randomUUID()}` });
    const goodLoc = base('location', { country: 'HK' });
    const badRel = base('relationship', { relationship_type: 'related-to', source_ref: ind.id, target_ref: goodRel.id });
    const badLoc = base('location', { name: 'nowhere in particular' });
    const envelope = [ind, goodRel, goodLoc, badRel, badLoc];
    const posted = await taxii(`${root()}collections/shared/objects/`, {
      method: 'POST',
      headers: { 'content-type': TAXII },
      body: JSON.stringify({ objects: envelope }),
    });
    expect(posted.status).to.equal(202);
    let status = posted.json();
    for (let i = 0; i < 600 && status.status !== 'complete'; i++) {
      await new Promise((r) => setTimeout(r, 100)); // polling the status resource, as clients do
      status = (await taxii(`${root()}status/${String(status.id)}/`)).json();
    }
    expect(status).to.include({ status: 'complete', success_count: 3, failure_count: 2 });
    const failures = (status.failures as { id: string; message: string }[]).map((f) => [f.id, f.message.split(':')[0]]);
    expect(failures).to.have.deep.members([
      [badRel.id, 'INTEL_INVALID_OBJECT'],
      [badLoc.id, 'INTEL_INVALID_OBJECT'],
    ]);
    const r = python('stix2_source_check.py', ['shared', 'relationship', 'location', 'indicator']);
    expect(r.status, r.stderr).to.equal(0);
    const found = JSON.parse(r.stdout) as Record<string, string[]>;
    expect(found.relationship).to.include(goodRel.id).and.not.include(badRel.id);
    expect(found.location).to.include(goodLoc.id).and.not.include(badLoc.id);
    expect(found.indicator).to.include(ind.id);
  });

  it('passes the conformance suite, as does the OASIS reference server medallion', async () => {
    const port = 30000 + Math.floor(Math.random() * 20000);
    const dataDir = path.join(tmp, 'medallion');
    fs.mkdirSync(dataDir);
    const base = `http://127.0.0.1:${String(port)}`;
    const seed = Array.from({ length: 3 }, (_, i) =>
      indicator(GREEN, `medallion seed ${String(i)}`, {
        modified: `2026-11-0${String(i + 1)}T00:00:00.000Z`,
        created: `2026-11-0${String(i + 1)}T00:00:00.000Z`,
      }),
    );
    fs.writeFileSync(
      path.join(dataDir, 'data.json'),
      JSON.stringify({
        '/discovery': { title: 'medallion', default: `${base}/api1/`, api_roots: [`${base}/api1/`] },
        api1: {
          information: { title: 'api1', versions: [TAXII], max_content_length: 10485760 },
          status: [],
          collections: [
            {
              id: '91a7b528-80eb-42ed-a74d-c6fbd5a26116',
              title: 'rw',
              can_read: true,
              can_write: true,
              media_types: ['application/stix+json;version=2.1'],
              objects: seed,
              manifest: seed.map((o, i) => ({
                id: o.id,
                date_added: `2026-11-2${String(i)}T00:00:00.000000Z`,
                version: o.modified,
                media_type: 'application/stix+json;version=2.1',
              })),
            },
          ],
        },
      }),
    );
    const medallionPassword = randomUUID();
    fs.writeFileSync(
      path.join(dataDir, 'config.json'),
      JSON.stringify({
        backend: { module: 'medallion.backends.memory_backend', module_class: 'MemoryBackend', filename: path.join(dataDir, 'data.json') },
        users: { conformance: medallionPassword },
        taxii: { max_page_size: 100 },
      }),
    );
    medallion = await startProcess(
      path.join(venv, 'bin', 'medallion'),
      ['--host', '127.0.0.1', '--port', String(port), path.join(dataDir, 'config.json')],
      /Running on http/,
    );
    const targets: TaxiiTarget[] = [
      { name: 'xborder', discovery, authorization: `Bearer ${token}`, ca },
      {
        name: 'medallion',
        discovery: `${base}/taxii2/`,
        authorization: `Basic ${Buffer.from(`conformance:${medallionPassword}`).toString('base64')}`,
      },
    ];
    const results: string[] = [];
    for (const check of CONFORMANCE) {
      for (const t of targets) {
        try {
          await check.run(t);
          results.push(`pass ${t.name}: ${check.name}`);
        } catch (err) {
          results.push(`FAIL ${t.name}: ${check.name}: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
    }
    expect(
      results.filter((r) => r.startsWith('FAIL')),
      results.join('\n'),
    ).to.deep.equal([]);
  });
});
