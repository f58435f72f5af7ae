/**
 * Enrolment at a CA from the institution's machine, against a stand-in Fabric CA (HTTPS, the REST
 * answer format) made with openssl at run time: the request is a valid PKCS #10 for the id, the key
 * never leaves, and a CA that answers with a certificate for another key, or refuses, is not trusted.
 */
import { execFileSync } from 'node:child_process';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import * as fs from 'node:fs';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

import * as chai from 'chai';
import chaiAsPromised from 'chai-as-promised';

import { enrollAtCa, XborderError } from '@xborder/sdk';

chai.use(chaiAsPromised);
const { expect } = chai;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xb-enroll-'));
const file = (name: string): string => path.join(dir, name);
const openssl = (args: string[]): void => {
  execFileSync('openssl', args, { stdio: 'pipe' });
};

describe('enrolment at the operator CA (stand-in CA over HTTPS)', () => {
  let server: https.Server;
  let url = '';
  let caPem = '';
  let mode: 'sign' | 'other-key' | 'refuse' = 'sign';
  const received: { auth?: string; csr?: string } = {};

  before(async () => {
    openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', file('ca.key')]);
    openssl(['req', '-new', '-x509', '-key', file('ca.key'), '-out', file('ca.pem'), '-days', '2', '-subj', '/CN=test-ca']);
    openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', file('tls.key')]);
    fs.writeFileSync(file('san.ext'), 'subjectAltName=IP:127.0.0.1\n');
    openssl(['req', '-new', '-key', file('tls.key'), '-out', file('tls.csr'), '-subj', '/CN=127.0.0.1']);
    openssl([
      'x509',
      '-req',
      '-in',
      file('tls.csr'),
      '-CA',
      file('ca.pem'),
      '-CAkey',
      file('ca.key'),
      '-CAcreateserial',
      '-out',
      file('tls.pem'),
      '-days',
      '2',
      '-extfile',
      file('san.ext'),
    ]);
    openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', file('other.key')]);
    openssl(['req', '-new', '-key', file('other.key'), '-out', file('other.csr'), '-subj', '/CN=hk-bank-c']);
    openssl([
      'x509',
      '-req',
      '-in',
      file('other.csr'),
      '-CA',
      file('ca.pem'),
      '-CAkey',
      file('ca.key'),
      '-CAcreateserial',
      '-out',
      file('other.pem'),
      '-days',
      '2',
    ]);
    caPem = fs.readFileSync(file('ca.pem'), 'utf8');
    server = https.createServer({ key: fs.readFileSync(file('tls.key')), cert: fs.readFileSync(file('tls.pem')) }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.auth = req.headers.authorization;
        received.csr = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { certificate_request: string }).certificate_request;
        res.setHeader('content-type', 'application/json');
        if (mode === 'refuse') {
          res.end(JSON.stringify({ success: false, result: null, errors: [{ code: 20, message: 'Authentication failure' }] }));
          return;
        }
        let certPem = fs.readFileSync(file('other.pem'), 'utf8');
        if (mode === 'sign') {
          fs.writeFileSync(file('req.csr'), received.csr);
          // the request must be a valid PKCS #10 signed by its key, or openssl refuses it
          openssl(['req', '-in', file('req.csr'), '-verify', '-noout']);
          openssl([
            'x509',
            '-req',
            '-in',
            file('req.csr'),
            '-CA',
            file('ca.pem'),
            '-CAkey',
            file('ca.key'),
            '-CAcreateserial',
            '-out',
            file('issued.pem'),
            '-days',
            '2',
          ]);
          certPem = fs.readFileSync(file('issued.pem'), 'utf8');
        }
        res.end(
          JSON.stringify({
            success: true,
            result: { Cert: Buffer.from(certPem).toString('base64'), ServerInfo: { CAChain: Buffer.from(caPem).toString('base64') } },
            errors: [],
          }),
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `https://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
  });

  after(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('sends a valid request for the enrollment id with the secret, and keeps a key that matches the issued certificate', async () => {
    mode = 'sign';
    const e = await enrollAtCa({ caUrl: url, caCertPem: caPem, enrollmentId: 'hk-bank-c', secret: 's3cret' });
    expect(received.auth).to.equal(`Basic ${Buffer.from('hk-bank-c:s3cret').toString('base64')}`);
    expect(received.csr).to.match(/^-----BEGIN CERTIFICATE REQUEST-----/);
    expect(received.csr).to.not.include('PRIVATE KEY');
    const cert = new X509Certificate(e.certificatePem);
    expect(cert.subject).to.include('CN=hk-bank-c');
    expect(cert.checkPrivateKey(createPrivateKey(e.privateKeyPem))).to.equal(true);
    expect(e.caChainPem).to.equal(caPem);
  });

  it('refuses a certificate for another key (a CA that substitutes one), and a refusal, with CONFIG', async () => {
    mode = 'other-key';
    await expect(enrollAtCa({ caUrl: url, caCertPem: caPem, enrollmentId: 'hk-bank-c', secret: 's3cret' })).to.be.rejectedWith(
      XborderError,
      /the CA issued a certificate for another key/,
    );
    mode = 'refuse';
    await expect(enrollAtCa({ caUrl: url, caCertPem: caPem, enrollmentId: 'hk-bank-c', secret: 'wrong' })).to.be.rejectedWith(
      XborderError,
      /the CA refused the enrolment: Authentication failure/,
    );
    // a server whose certificate the given CA did not issue is not talked to at all
    const stranger = fs.readFileSync(file('other.pem'), 'utf8');
    await expect(enrollAtCa({ caUrl: url, caCertPem: stranger, enrollmentId: 'hk-bank-c', secret: 's3cret' })).to.be.rejectedWith(
      XborderError,
      /cannot be reached/,
    );
  });
});
