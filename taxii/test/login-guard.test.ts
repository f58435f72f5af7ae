/**
 * Password guessing against the TAXII server, performed on a real listening server: wrong Basic
 * logins are throttled per client and per user before any hash runs, the hashes run off the event
 * loop behind a bounded queue, an honest client is served within its usual time during a flood, and
 * an unknown user name takes as long to refuse as a wrong password.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { expect } from 'chai';

import {
  Authenticator,
  createTaxiiServer,
  DEFAULT_LOGIN_LIMITS,
  hashPassword,
  LoginGuard,
  newToken,
  TAXII_MEDIA_TYPE,
} from '@xborder/taxii';
import type { TaxiiServer } from '@xborder/taxii';

import { FakeSource } from './fake-source';

const basicOf = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('TAXII logins under attack', () => {
  const credentials = {
    basic: [
      { user: 'misp', scrypt: hashPassword('correct horse') },
      { user: 'siem', scrypt: hashPassword('battery staple') },
    ],
    tokens: [{ name: 'opencti', sha256: newToken().sha256 }],
  };

  it('counts failures per client and per user: past the limit it refuses before hashing, other clients and users go on', async () => {
    const auth = new Authenticator(credentials, { perClient: 3, perUser: 5 });
    for (let i = 0; i < 3; i++)
      expect(await auth.fromHeader(basicOf('misp', `wrong${String(i)}`), '10.0.0.1')).to.deep.equal({ principal: undefined });
    // the fourth from that client is refused unhashed, even with the right password
    expect(await auth.fromHeader(basicOf('misp', 'correct horse'), '10.0.0.1')).to.deep.equal({
      principal: undefined,
      refused: 'throttled',
    });
    // another client, the right password: served
    expect(await auth.fromHeader(basicOf('misp', 'correct horse'), '10.0.0.2')).to.deep.equal({ principal: 'misp' });
    // a spray across clients against one user stops at the user's limit
    for (let i = 3; i < 5; i++) await auth.fromHeader(basicOf('siem', 'wrong'), `10.0.1.${String(i)}`);
    for (let i = 0; i < 3; i++) await auth.fromHeader(basicOf('siem', 'wrong'), `10.0.2.${String(i)}`);
    expect((await auth.fromHeader(basicOf('siem', 'battery staple'), '10.0.3.1')).principal).to.equal(undefined);
    // a credential already known good is served from memory, whatever the throttle says
    expect(await auth.fromHeader(basicOf('misp', 'correct horse'), '10.0.0.1')).to.deep.equal({ principal: 'misp' });
  });

  it('forgets failures after the window', () => {
    const guard = new LoginGuard({ perClient: 2, perUser: 100, windowMs: 1000 });
    guard.failed('c', 'u', 0);
    guard.failed('c', 'u', 10);
    expect(guard.allowed('c', 'u', 20)).to.equal(false);
    expect(guard.allowed('c', 'u', 1011)).to.equal(true);
  });

  it('turns logins away with busy when the hash queue is full, and runs at most the allowed number at once', async () => {
    const guard = new LoginGuard({ concurrent: 2, queued: 3 });
    let running = 0;
    let most = 0;
    const release: (() => void)[] = [];
    const job = (): Promise<string> =>
      guard.run<string>(async () => {
        running++;
        most = Math.max(most, running);
        await new Promise<void>((r) => release.push(r));
        running--;
        return 'done';
      });
    const jobs = Array.from({ length: 5 }, job);
    expect(await guard.run(() => Promise.resolve('x'))).to.equal('busy');
    while (release.length > 0 || running > 0) {
      await new Promise((r) => setImmediate(r));
      release.shift()?.();
    }
    expect(await Promise.all(jobs)).to.deep.equal(['done', 'done', 'done', 'done', 'done']);
    expect(most).to.equal(2);
  });

  it('takes as long to refuse an unknown user as a wrong password (no user enumeration by timing)', async () => {
    const auth = new Authenticator(credentials, { perClient: 1000, perUser: 1000 });
    const time = async (user: string): Promise<number> => {
      const times: number[] = [];
      for (let i = 0; i < 6; i++) {
        const t0 = process.hrtime.bigint();
        await auth.fromHeader(basicOf(user, `guess${String(i)}`), 'timing');
        times.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
      return times.sort((a, b) => a - b)[3] ?? 0;
    };
    const known = await time('misp');
    const unknown = await time('nobody-here');
    expect(known).to.be.greaterThan(5);
    expect(unknown / known, `unknown ${unknown.toFixed(1)} ms vs known ${known.toFixed(1)} ms`).to.be.within(0.5, 2);
  });

  describe('a flood of wrong passwords on a listening server', () => {
    let server: TaxiiServer;
    let stateDir: string;
    let base = '';
    before(async () => {
      stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'taxii-flood-'));
      server = createTaxiiServer({ source: new FakeSource([]), stateDir, credentials });
      base = await server.app.listen({ host: '127.0.0.1', port: 0 });
    });
    after(async () => {
      await server.close();
      fs.rmSync(stateDir, { recursive: true, force: true });
    });

    it('keeps serving an honest client within its usual latency while 300 wrong logins arrive at once', async function () {
      this.timeout(60_000);
      const honest = async (): Promise<number> => {
        const t0 = Date.now();
        const r = await fetch(`${base}/taxii2/`, {
          headers: { authorization: basicOf('misp', 'correct horse'), accept: TAXII_MEDIA_TYPE },
        });
        expect(r.status).to.equal(200);
        await r.text();
        return Date.now() - t0;
      };
      await honest(); // the first login hashes once, then the credential is known
      const usual = Math.max(...[await honest(), await honest(), await honest()]);
      const flood = Array.from({ length: 300 }, (_, i) =>
        fetch(`${base}/taxii2/`, {
          headers: { authorization: basicOf(i % 2 ? 'misp' : 'nobody', `wrong-${String(i)}`), accept: TAXII_MEDIA_TYPE },
        }).then((r) => r.status),
      );
      const during: number[] = [];
      for (let i = 0; i < 5; i++) during.push(await honest());
      const statuses = await Promise.all(flood);
      process.stderr.write(`      honest client during the flood: ${during.join(', ')} ms (usual ${String(usual)} ms)\n`);
      // the flood got refusals, never a success; at most what the queue holds was hashed (queue 32 and
      // one running, plus failures still being counted), the rest turned away before any hash
      expect(statuses.every((s) => s === 401 || s === 429 || s === 503)).to.equal(true);
      expect(statuses.filter((s) => s === 401).length).to.be.at.most(
        DEFAULT_LOGIN_LIMITS.queued + DEFAULT_LOGIN_LIMITS.concurrent + DEFAULT_LOGIN_LIMITS.perClient,
      );
      // one request can wait behind the burst's arrival (300 requests parsed on one event loop, the
      // flooding client in this same process); after it the honest client is at its usual latency
      const sorted = [...during].sort((a, b) => a - b);
      expect(sorted[2], `median during the flood (usual ${String(usual)} ms)`).to.be.below(Math.max(50, usual * 5));
      expect(sorted[4], 'slowest during the flood').to.be.below(2_000);
      // and the flooding client stays throttled
      const again = await fetch(`${base}/taxii2/`, { headers: { authorization: basicOf('misp', 'nope'), accept: TAXII_MEDIA_TYPE } });
      expect(again.status).to.equal(429);
      expect(again.headers.get('retry-after')).to.equal('60');
    });
  });
});
