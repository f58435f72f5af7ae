/**
 * Console sign-in attacked from other pages and other clients (fastify inject, no network): a form on
 * another site posts text/plain, a page of another origin posts JSON, and a guesser exhausts its own
 * attempts; none of them may spend another client's sign-ins or open a session.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { expect } from 'chai';

import { createConsoleServer, LedgerView, newAccessToken } from '@xborder/console';

describe('console sign-in', () => {
  const token = newAccessToken();
  let webDir = '';
  let app: ReturnType<typeof createConsoleServer>;
  const post = (body: string, headers: Record<string, string>, remoteAddress = '127.0.0.1') =>
    app.inject({ method: 'POST', url: '/api/session', headers: { host: '127.0.0.1:9480', ...headers }, payload: body, remoteAddress });

  beforeEach(() => {
    webDir = fs.mkdtempSync(path.join(os.tmpdir(), 'xb-console-web-'));
    for (const f of ['index.html', 'app.js', 'app.css']) fs.writeFileSync(path.join(webDir, f), '');
    // sign-in never touches the ledger view: an instance without a ledger behind it
    const view = Object.create(LedgerView.prototype) as LedgerView;
    app = createConsoleServer({ view, accessToken: token, webDir });
    app.hosts('127.0.0.1', 9480);
  });
  afterEach(async () => {
    await app.close();
    fs.rmSync(webDir, { recursive: true, force: true });
  });

  it("refuses a cross-site form's text/plain post (415) and a JSON post from another origin (403), without counting them", async () => {
    for (let i = 0; i < 30; i++) {
      const form = await post(`token=${token}`, { 'content-type': 'text/plain' });
      expect(form.statusCode).to.equal(415);
      expect(form.headers['set-cookie']).to.equal(undefined);
      const foreign = await post(JSON.stringify({ token }), { 'content-type': 'application/json', origin: 'https://evil.example' });
      expect(foreign.statusCode).to.equal(403);
      expect(foreign.headers['set-cookie']).to.equal(undefined);
    }
    // nothing was spent: the page itself signs in at once
    const page = await post(JSON.stringify({ token }), { 'content-type': 'application/json', origin: 'http://127.0.0.1:9480' });
    expect(page.statusCode).to.equal(200);
    expect(String(page.headers['set-cookie'])).to.match(/^xb_console=/);
  });

  it('throttles wrong tokens per client: a guesser locks itself out, not the auditor', async () => {
    const json = { 'content-type': 'application/json' };
    for (let i = 0; i < 20; i++)
      expect((await post(JSON.stringify({ token: `wrong${String(i)}` }), json, '10.0.0.9')).statusCode).to.equal(401);
    const locked = await post(JSON.stringify({ token }), json, '10.0.0.9');
    expect(locked.statusCode).to.equal(429);
    expect(locked.headers['retry-after']).to.equal('60');
    expect((await post(JSON.stringify({ token }), json, '10.0.0.10')).statusCode).to.equal(200);
  });
});
