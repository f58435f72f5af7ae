import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { expect } from 'chai';

import { defaultHome } from '@xborder/cli';
import { connect, listIdentities, loadProfile, XborderError } from '@xborder/sdk';
import { parseTarget } from '@xborder/sdk/audit';

import { testIdentity } from '../../test/support/certs';

function writeIdentity(home: string, name: string): void {
  const id = testIdentity(name, 'HKMSP', 'submitter', name);
  const dir = path.join(home, 'identities', name);
  fs.mkdirSync(path.join(dir, 'msp', 'signcerts'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'msp', 'keystore'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'tls'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'msp', 'signcerts', 'cert.pem'), id.certPem);
  fs.writeFileSync(path.join(dir, 'msp', 'keystore', 'priv_sk'), id.keyPem);
  fs.writeFileSync(path.join(dir, 'tls', 'hk-ca.pem'), id.certPem);
  fs.writeFileSync(
    path.join(dir, 'profile.json'),
    JSON.stringify({
      version: 1,
      name,
      mspId: 'HKMSP',
      role: 'submitter',
      institution: name,
      channel: 'xborder',
      certificate: 'msp/signcerts/cert.pem',
      privateKey: 'msp/keystore/priv_sk',
      peers: [{ name: 'peer0.hk', mspId: 'HKMSP', endpoint: 'localhost:1', tlsRootCert: 'tls/hk-ca.pem' }],
    }),
  );
}

describe('SDK options', () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'xb-home-'));
  before(() => {
    writeIdentity(home, 'hk-bank-a');
  });
  after(() => {
    fs.rmSync(home, { recursive: true, force: true });
  });

  it('finds the network home from XB_HOME or the nearest .xborder folder', () => {
    expect(defaultHome({ XB_HOME: '/x/y' })).to.equal('/x/y');
    const nested = path.join(home, 'project', 'sub');
    fs.mkdirSync(path.join(home, 'project', '.xborder', 'identities'), { recursive: true });
    fs.mkdirSync(nested, { recursive: true });
    expect(defaultHome({}, nested)).to.equal(path.join(home, 'project', '.xborder'));
  });

  it('loads a profile by name, with the files it names, and lists identities', () => {
    const p = loadProfile('hk-bank-a', home);
    expect(p).to.include({ name: 'hk-bank-a', mspId: 'HKMSP', channel: 'xborder' });
    expect(p.certificate).to.match(/BEGIN CERTIFICATE/);
    expect(p.peers[0]?.tlsRootCert).to.match(/BEGIN CERTIFICATE/);
    expect(listIdentities(home)).to.deep.equal(['hk-bank-a']);
  });

  it('says what is wrong with a missing or broken profile', () => {
    expect(() => loadProfile('nobody', home)).to.throw(XborderError, /no identity "nobody".*known: hk-bank-a/);
    expect(() => loadProfile('../etc', home)).to.throw(XborderError, /invalid identity name/);
    const broken = path.join(home, 'identities', 'broken');
    fs.mkdirSync(broken, { recursive: true });
    fs.writeFileSync(path.join(broken, 'profile.json'), '{"name":"broken"}');
    expect(() => loadProfile('broken', home)).to.throw(XborderError, /profile\.json: \(top\) must have required property/);
    fs.writeFileSync(
      path.join(broken, 'profile.json'),
      JSON.stringify({
        name: 'b',
        mspId: 'HKMSP',
        role: 'submitter',
        institution: 'b',
        channel: 'c',
        certificate: 'x',
        privateKey: 'y',
        peers: [],
      }),
    );
    expect(() => loadProfile('broken', home)).to.throw(XborderError, /\/peers must NOT have fewer than 1 items/);
  });

  it('needs an identity with its home, and a known peer, to connect; reads no environment; connecting itself is lazy', () => {
    const saved = { id: process.env.XB_IDENTITY, home: process.env.XB_HOME };
    // the SDK never falls back to the environment: only the CLI resolves XB_IDENTITY and XB_HOME
    process.env.XB_IDENTITY = 'hk-bank-a';
    process.env.XB_HOME = home;
    try {
      expect(() => connect({ home })).to.throw(XborderError, /no identity given/);
      expect(() => connect({ identity: 'hk-bank-a' })).to.throw(XborderError, /needs the network home/);
      expect(() => connect({ identity: 'hk-bank-a', home, peer: 'peer9' })).to.throw(XborderError, /peer peer9 is not in the profile/);
      const client = connect({ identity: 'hk-bank-a', home, deadlines: { evaluateMs: 50 } });
      expect(client.profile.institution).to.equal('hk-bank-a');
      client.close();
      client.close();
    } finally {
      if (saved.id === undefined) delete process.env.XB_IDENTITY;
      else process.env.XB_IDENTITY = saved.id;
      if (saved.home === undefined) delete process.env.XB_HOME;
      else process.env.XB_HOME = saved.home;
    }
  });

  it('tells proof targets apart', () => {
    expect(parseTarget('intel:indicator--6ba7b810-9dad-41d1-80b4-00c04fd430c8@2026-11-25T00:00:00Z')).to.deep.equal({
      type: 'intel',
      id: 'indicator--6ba7b810-9dad-41d1-80b4-00c04fd430c8',
      modified: '2026-11-25T00:00:00Z',
    });
    expect(parseTarget('6f1c2d3e-4a5b-4c6d-8e7f-901234567890').type).to.equal('payment');
    expect(parseTarget('a'.repeat(64)).type).to.equal('transaction');
    expect(() => parseTarget('what')).to.throw(XborderError);
  });
});
