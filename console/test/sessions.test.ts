import { expect } from 'chai';
import * as sinon from 'sinon';

import { cookieValue, newAccessToken, Sessions } from '@xborder/console';

describe('console sessions', () => {
  afterEach(() => sinon.restore());

  it('opens a session only for the access token, and knows only the sessions it opened', () => {
    const token = newAccessToken();
    expect(token).to.match(/^[A-Za-z0-9_-]{43}$/);
    const sessions = new Sessions(token);
    for (const wrong of [undefined, 42, '', `${token}x`, token.slice(1), newAccessToken(), 'x'.repeat(300)])
      expect(sessions.open(wrong)).to.equal(null);
    const id = sessions.open(token);
    expect(id).to.be.a('string');
    expect(sessions.valid(id ?? '')).to.equal(true);
    expect(sessions.valid(token)).to.equal(false);
    expect(sessions.valid(undefined)).to.equal(false);
    sessions.close(id ?? '');
    expect(sessions.valid(id ?? '')).to.equal(false);
  });

  it('ends sessions after their lifetime', () => {
    const clock = sinon.useFakeTimers({ now: Date.parse('2026-12-01T00:00:00Z') });
    const token = newAccessToken();
    const sessions = new Sessions(token, 60_000);
    const id = sessions.open(token) ?? '';
    clock.tick(59_000);
    expect(sessions.valid(id)).to.equal(true);
    clock.tick(2_000);
    expect(sessions.valid(id)).to.equal(false);
  });

  it('reads one cookie out of a Cookie header', () => {
    expect(cookieValue('a=1; xb_console=abc; b=2', 'xb_console')).to.equal('abc');
    expect(cookieValue('xb_consolex=1', 'xb_console')).to.equal(undefined);
    expect(cookieValue(undefined, 'xb_console')).to.equal(undefined);
  });
});
