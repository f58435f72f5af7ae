import { createPublicKey, generateKeyPairSync, verify } from 'node:crypto';

import { signers } from '@hyperledger/fabric-gateway';
import { expect } from 'chai';

import { encodeDerSignature, newNodeSigner, parseDerSignature, toLowS } from '@xborder/sdk/signing';

const N = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551');

describe('node:crypto signer', () => {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const publicKey = createPublicKey(privateKey);

  it('produces DER ECDSA P-256 / SHA-256 signatures that verify, always low-S', async () => {
    const sign = newNodeSigner(privateKey);
    for (let i = 0; i < 200; i++) {
      const message = Buffer.from(`message ${String(i)}`);
      const sig = await sign(message);
      expect(sig[0]).to.equal(0x30);
      expect(verify('sha256', message, publicKey, sig)).to.equal(true);
      expect(parseDerSignature(sig).s <= N / 2n).to.equal(true);
    }
  });

  it('turns a high-S signature into its low-S twin, which still verifies', () => {
    const message = Buffer.from('twin');
    const sig = newNodeSigner(privateKey);
    return sig(message).then((low) => {
      const { r, s } = parseDerSignature(low);
      const high = encodeDerSignature(r, N - s);
      expect(verify('sha256', message, publicKey, high)).to.equal(true);
      expect(Buffer.from(toLowS(high)).equals(Buffer.from(low))).to.equal(true);
    });
  });

  it('round-trips DER integers that need a leading zero byte', () => {
    const r = BigInt(`0x80${'11'.repeat(31)}`);
    const s = 5n;
    expect(parseDerSignature(encodeDerSignature(r, s))).to.deep.equal({ r, s });
  });

  it('rejects keys that are not P-256 and malformed DER', () => {
    const { privateKey: rsa } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    expect(() => newNodeSigner(rsa)).to.throw(/P-256/);
    expect(() => parseDerSignature(new Uint8Array([0x30, 0x03, 0x02, 0x01]))).to.throw(/DER/);
  });

  it('is faster than the fabric-gateway default signer (figures printed, not asserted)', async () => {
    const count = 300;
    const fast = newNodeSigner(privateKey);
    const sdk = signers.newPrivateKeySigner(privateKey);
    const digest = new Uint8Array(32).fill(7);
    let t = process.hrtime.bigint();
    for (let i = 0; i < count; i++) await fast(digest);
    const fastUs = Number(process.hrtime.bigint() - t) / 1000 / count;
    t = process.hrtime.bigint();
    for (let i = 0; i < count; i++) await sdk(digest);
    const sdkUs = Number(process.hrtime.bigint() - t) / 1000 / count;
    process.stdout.write(`      node:crypto ${fastUs.toFixed(0)} us/signature, SDK default ${sdkUs.toFixed(0)} us/signature\n`);
    expect(fastUs).to.be.greaterThan(0);
  });
});
