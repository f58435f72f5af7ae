/**
 * Certificates an attacker can make for itself (its own CA, its own orderer, its own admins), with any
 * validity period, built with pkijs at run time so old proofs can be re-signed as of their own dates.
 */
import { createPrivateKey, webcrypto } from 'node:crypto';
import type { KeyObject } from 'node:crypto';

import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

export interface ForgedIdentity {
  readonly certPem: string;
  readonly key: KeyObject;
  readonly cryptoKey: webcrypto.CryptoKey;
  readonly cert: pkijs.Certificate;
}

const ALG = { name: 'ECDSA', namedCurve: 'P-256' } as const;
let serial = 1;

function pem(der: ArrayBuffer): string {
  const b64 = Buffer.from(der)
    .toString('base64')
    .replace(/(.{64})/g, '$1\n');
  return `-----BEGIN CERTIFICATE-----\n${b64.trimEnd()}\n-----END CERTIFICATE-----\n`;
}

/**
 * A certificate for `cn` (NodeOU `ou`), issued by `issuer` or self-signed, valid from 2000 to 2049 (UTCTime),
 * with Fabric CA attributes when given.
 */
export async function forge(
  cn: string,
  options: { ou?: string; issuer?: ForgedIdentity; ca?: boolean; attrs?: Record<string, string> } = {},
): Promise<ForgedIdentity> {
  const keys = await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify']);
  const cert = new pkijs.Certificate();
  cert.version = 2;
  cert.serialNumber = new asn1js.Integer({ value: serial++ });
  const name = (target: pkijs.RelativeDistinguishedNames, common: string, ou?: string): void => {
    if (ou) target.typesAndValues.push(new pkijs.AttributeTypeAndValue({ type: '2.5.4.11', value: new asn1js.Utf8String({ value: ou }) }));
    target.typesAndValues.push(new pkijs.AttributeTypeAndValue({ type: '2.5.4.3', value: new asn1js.Utf8String({ value: common }) }));
  };
  name(cert.subject, cn, options.ou);
  if (options.issuer) cert.issuer = options.issuer.cert.subject;
  else name(cert.issuer, cn, options.ou);
  cert.notBefore.value = new Date('2000-01-01T00:00:00Z');
  cert.notAfter.value = new Date('2049-12-31T00:00:00Z');
  cert.extensions = [
    new pkijs.Extension({
      extnID: '2.5.29.19',
      critical: true,
      extnValue: new pkijs.BasicConstraints({ cA: options.ca === true }).toSchema().toBER(false),
    }),
  ];
  const usage = options.ca ? 0x06 : 0x80;
  cert.extensions.push(
    new pkijs.Extension({
      extnID: '2.5.29.15',
      critical: true,
      extnValue: new asn1js.BitString({ valueHex: new Uint8Array([usage]).buffer, unusedBits: 1 }).toBER(false),
    }),
  );
  if (options.attrs) {
    cert.extensions.push(
      new pkijs.Extension({
        extnID: '1.2.3.4.5.6.7.8.1',
        extnValue: new Uint8Array(Buffer.from(JSON.stringify({ attrs: options.attrs }))).buffer,
      }),
    );
  }
  await cert.subjectPublicKeyInfo.importKey(keys.publicKey);
  await cert.sign(options.issuer?.cryptoKey ?? keys.privateKey, 'SHA-256');
  const der = cert.toSchema(true).toBER(false);
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  return {
    certPem: pem(der),
    key: createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' }),
    cryptoKey: keys.privateKey,
    cert,
  };
}
