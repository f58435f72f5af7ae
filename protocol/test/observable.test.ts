/** Cyber-observables: canonical values, keyed tags and handles, observable statements. */
import { createHash } from 'node:crypto';

import { expect } from 'chai';

import {
  canonicalObservableValue,
  isStixId,
  observableFacts,
  observableHandle,
  observableIdTag,
  observableTags,
  observableValueTag,
  parseObservableStatement,
  prepareIntel,
  seenQueryValue,
  seenQueryValues,
} from '@xborder/protocol';

const key = createHash('sha256').update('observable test key').digest();
const otherKey = createHash('sha256').update('another key').digest();
const GREEN = 'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb';
const RED = 'marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1';
const ip = {
  type: 'ipv4-addr',
  spec_version: '2.1',
  id: 'ipv4-addr--ff26c055-6336-5bc5-b98d-13d6226742dd',
  value: '198.51.100.3',
  object_marking_refs: [GREEN],
};

describe('cyber-observables without revealing them', () => {
  it('canonicalises values so spellings of one value are one observable, and near misses are not', () => {
    expect(canonicalObservableValue('domain-name', 'value', 'Evil.Example')).to.equal('evil.example');
    expect(canonicalObservableValue('domain-name', 'value', 'bücher.example')).to.equal('xn--bcher-kva.example');
    expect(canonicalObservableValue('ipv6-addr', 'value', '2001:DB8:0:0:0:0:0:1')).to.equal('2001:db8::1');
    expect(canonicalObservableValue('ipv6-addr', 'value', '2001:db8::/32')).to.equal('2001:db8::/32');
    expect(canonicalObservableValue('url', 'value', 'HTTPS://Pay.Example:443/otp')).to.equal('https://pay.example/otp');
    expect(canonicalObservableValue('email-addr', 'value', 'Fraud@Example.com')).to.equal('fraud@example.com');
    expect(canonicalObservableValue('ipv4-addr', 'value', '198.51.100.3')).to.not.equal(
      canonicalObservableValue('ipv4-addr', 'value', '198.51.100.30'),
    );
    expect(() => canonicalObservableValue('ipv6-addr', 'value', 'not-an-address')).to.throw(/^INTEL_INVALID_OBJECT: /);
    expect(() => canonicalObservableValue('file', 'SHA-256', 'zz')).to.throw(
      /^INTEL_INVALID_OBJECT: file hash SHA-256 must be hexadecimal/,
    );
  });

  it('reads values as analysts type them: one canonical form per value, earlier spellings asked for too', () => {
    const table: [string, string, string][] = [
      ['domain-name', 'Pay-QR.Example.', 'pay-qr.example'],
      ['domain-name', 'BÜCHER.example.', 'xn--bcher-kva.example'],
      ['ipv4-addr', '198.51.100.7/32', '198.51.100.7'],
      ['ipv4-addr', '198.51.100.0/24', '198.51.100.0/24'],
      ['ipv6-addr', '2001:DB8::1/128', '2001:db8::1'],
      ['ipv6-addr', '2001:db8:0:0::/64', '2001:db8::/64'],
      ['url', 'https://Pay.Example:443/otp#step-2', 'https://pay.example/otp'],
      ['url', 'https://pay.example/%6f%74p?q=%2f', 'https://pay.example/otp?q=%2F'],
      ['autonomous-system', 'AS174', '174'],
      ['autonomous-system', 'as174', '174'],
    ];
    for (const [type, typed, canonical] of table) {
      const kind = type === 'autonomous-system' ? 'number' : 'value';
      expect(canonicalObservableValue(type, kind, typed), `${type} ${typed}`).to.equal(canonical);
      expect(seenQueryValues(type, typed).values[0], `${type} ${typed}`).to.equal(canonical);
    }
    // records written before the forms were widened keep their spelling: questions ask for it too
    expect(seenQueryValues('ipv4-addr', '198.51.100.7').values).to.deep.equal(['198.51.100.7', '198.51.100.7/32']);
    expect(seenQueryValues('domain-name', 'pay.example').values).to.deep.equal(['pay.example', 'pay.example.']);
    expect(seenQueryValues('url', 'https://pay.example/otp#x').values).to.deep.equal([
      'https://pay.example/otp',
      'https://pay.example/otp#x',
    ]);
    // near misses stay misses
    expect(canonicalObservableValue('domain-name', 'value', 'pay.example.org')).to.not.equal('pay.example');
    expect(canonicalObservableValue('ipv4-addr', 'value', '198.51.100.7/31')).to.equal('198.51.100.7/31');
    expect(canonicalObservableValue('url', 'value', 'https://pay.example/otp/')).to.not.equal('https://pay.example/otp');
  });

  it('tags an id and each value with the operators key: deterministic, key-dependent, one tag per file hash algorithm', () => {
    const facts = observableFacts(ip);
    const a = observableTags(key, facts);
    expect(a).to.deep.equal(observableTags(key, facts));
    expect(observableTags(otherKey, facts).tags[0]).to.not.equal(a.tags[0]);
    expect(a.tags).to.deep.equal([observableValueTag(key, 'ipv4-addr', 'value', '198.51.100.3')]);
    expect(a.idTag).to.equal(observableIdTag(key, ip.id));
    // neither tag is a plain hash of the value or the id
    for (const plain of [ip.value, ip.id]) expect([a.idTag, ...a.tags]).to.not.include(createHash('sha256').update(plain).digest('hex'));
    const file = observableFacts({
      type: 'file',
      id: 'file--5a27d487-c542-5f97-a131-a8866b477b46',
      hashes: { 'SHA-256': 'AB'.repeat(32), MD5: 'cd'.repeat(16) },
      name: 'invoice.pdf.exe',
    });
    expect(file.values).to.deep.equal([
      { kind: 'SHA-256', value: 'ab'.repeat(32) },
      { kind: 'MD5', value: 'cd'.repeat(16) },
    ]);
    expect(observableTags(key, file).tags).to.have.length(2);
    // the `seen` question gives the same tag for the same value however it is spelled
    const asked = seenQueryValue('file', 'sha256:' + 'Ab'.repeat(32));
    expect(observableValueTag(key, 'file', asked.kind, asked.value)).to.equal(observableTags(key, file).tags[0]);
    const bare = seenQueryValue('file', 'cd'.repeat(16));
    expect(bare).to.deep.equal({ kind: 'MD5', value: 'cd'.repeat(16) });
    expect(seenQueryValue('domain-name', 'EVIL.example')).to.deep.equal({ kind: 'value', value: 'evil.example' });
    expect(() => seenQueryValue('file', 'abc')).to.throw(/^INVALID_ARGUMENT: a file is asked for by hash/);
    expect(() => seenQueryValue('indicator', 'x')).to.throw(/^INVALID_ARGUMENT: indicator is not a cyber-observable type/);
  });

  it('gives each producer its own handle that passes the STIX id pattern and reveals nothing', () => {
    const idTag = observableIdTag(key, ip.id);
    const a = observableHandle(key, idTag, 'hk-bank-a');
    expect(isStixId(a, 'observable')).to.equal(true);
    expect(a).to.not.equal(observableHandle(key, idTag, 'th-bank-a'));
    expect(a).to.equal(observableHandle(key, idTag, 'hk-bank-a'));
    expect(a).to.not.include(ip.id.slice(11, 19));
  });

  it('prepares an observable statement with no id and no value; refuses strict levels and malformed ids', () => {
    const prepared = prepareIntel(ip, { institution: 'hk-bank-a', mspId: 'HKMSP' });
    expect(prepared.id).to.equal(ip.id);
    expect(prepared.version).to.equal(null);
    const text = JSON.stringify(prepared.statement);
    expect(text).to.not.include(ip.value);
    expect(text).to.not.include(ip.id);
    expect(parseObservableStatement(prepared.statement)).to.include({ stixType: 'ipv4-addr', tlp: 'GREEN' });
    expect(() => parseObservableStatement({ ...prepared.statement, stixId: ip.id })).to.throw(/^INVALID_ARGUMENT: unknown fields: stixId/);
    expect(() => prepareIntel({ ...ip, object_marking_refs: [RED] }, { institution: 'hk-bank-a', mspId: 'HKMSP' })).to.throw(
      /^INTEL_UNSUPPORTED_OBJECT: RED observables are not recorded/,
    );
    expect(() =>
      prepareIntel({ ...ip, id: ip.id.toUpperCase().replace('IPV4-ADDR', 'ipv4-addr') }, { institution: 'hk-bank-a', mspId: 'HKMSP' }),
    ).to.throw(/^INTEL_INVALID_OBJECT: id must be/);
  });
});
