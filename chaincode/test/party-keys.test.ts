/**
 * The operators' party-commitment keys: only chaincode servers hold them, from an owner-only file;
 * one key per settlement day; rotation adds a key for a future day and never changes a past one.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { expect } from 'chai';

import { keyById, keyForDate, parsePartyKeys, partyKeys } from '@xborder/chaincode/internal/party-keys';
import { resolveConfig, rotatePartyKey, partyKeysFile } from '@xborder/network';

import { installPartyKeys } from '../../test/support/payment-fixture';

const hex = (n: number): string => 'ab'.repeat(n);

describe('party-commitment keys', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'xb-pk-'));
  after(() => {
    fs.rmSync(tmp, { recursive: true, force: true });
    installPartyKeys();
  });

  it('parses a key list and picks, per settlement date, the newest key that has started', () => {
    const keys = parsePartyKeys(
      JSON.stringify({
        keys: [
          { id: 'pk-2', from: '2026-12-02', secret: hex(32) },
          { id: 'pk-1', from: '2000-01-01', secret: hex(40) },
        ],
      }),
    );
    expect(keyForDate(keys, '2026-12-01').id).to.equal('pk-1');
    expect(keyForDate(keys, '2026-12-02').id).to.equal('pk-2');
    expect(keyForDate(keys, '2031-01-01').id).to.equal('pk-2');
    expect(keyById(keys, 'pk-1').secret).to.have.length(40);
    expect(() => keyForDate(keys, '1999-12-31')).to.throw(/^PARTY_KEY_UNAVAILABLE: /);
    expect(() => keyById(keys, 'pk-9')).to.throw(/^PARTY_KEY_UNAVAILABLE: /);
  });

  it('refuses malformed key files: short secrets, bad dates, duplicate ids or start days', () => {
    const bad = [
      '{}',
      JSON.stringify({ keys: [{ id: 'pk-1', from: '2000-01-01', secret: hex(16) }] }),
      JSON.stringify({ keys: [{ id: 'pk-1', from: '2000-02-30', secret: hex(32) }] }),
      JSON.stringify({ keys: [{ id: 'PK 1', from: '2000-01-01', secret: hex(32) }] }),
      JSON.stringify({
        keys: [
          { id: 'pk-1', from: '2000-01-01', secret: hex(32) },
          { id: 'pk-1', from: '2001-01-01', secret: hex(32) },
        ],
      }),
      JSON.stringify({
        keys: [
          { id: 'pk-1', from: '2000-01-01', secret: hex(32) },
          { id: 'pk-2', from: '2000-01-01', secret: hex(32) },
        ],
      }),
    ];
    for (const text of bad) expect(() => parsePartyKeys(text), text).to.throw();
  });

  it('refuses a key file other local users could read, and a missing one, with a code and no path or key', () => {
    const file = path.join(tmp, 'keys.json');
    fs.writeFileSync(file, JSON.stringify({ keys: [{ id: 'pk-1', from: '2000-01-01', secret: hex(32) }] }), { mode: 0o644 });
    fs.chmodSync(file, 0o644);
    const errors: string[] = [];
    const saved = console.error;
    console.error = (...args: unknown[]) => errors.push(args.join(' '));
    try {
      expect(() => partyKeys(file)).to.throw(/^PARTY_KEY_UNAVAILABLE: /);
      expect(errors.join('\n')).to.match(/readable by other users \(mode 644\)/);
      expect(() => partyKeys(path.join(tmp, 'missing.json'))).to.throw(/^PARTY_KEY_UNAVAILABLE: the operators/);
      expect(() => partyKeys('')).to.throw(/^PARTY_KEY_UNAVAILABLE: /);
    } finally {
      console.error = saved;
    }
    fs.chmodSync(file, 0o600);
    expect(partyKeys(file).map((k) => k.id)).to.deep.equal(['pk-1']);
  });

  it('rotates: a new key for a later day only, written owner-only, read by servers without a restart', () => {
    const config = resolveConfig({ home: path.join(tmp, 'net') });
    const file = partyKeysFile(config);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify({ keys: [{ id: 'pk-1', from: '2000-01-01', secret: hex(32) }] }), { mode: 0o600 });
    expect(partyKeys(file).map((k) => k.id)).to.deep.equal(['pk-1']);
    const now = new Date('2026-12-01T12:00:00Z');
    expect(() => rotatePartyKey(config, '2026-12-01', now)).to.throw(/must start after today/);
    expect(() => rotatePartyKey(config, '2026-13-01', now)).to.throw(/YYYY-MM-DD/);
    expect(rotatePartyKey(config, undefined, now)).to.deep.equal({ id: 'pk-2', from: '2026-12-02' });
    expect(() => rotatePartyKey(config, '2026-12-02', now)).to.throw(/a key already starts on 2026-12-02/);
    expect(fs.statSync(file).mode & 0o777).to.equal(0o600);
    const keys = partyKeys(file);
    expect(keys.map((k) => [k.id, k.from])).to.deep.equal([
      ['pk-1', '2000-01-01'],
      ['pk-2', '2026-12-02'],
    ]);
    expect(keys[1]?.secret.equals(keys[0]?.secret ?? Buffer.alloc(0))).to.equal(false);
  });
});
