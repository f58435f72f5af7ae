/**
 * `xborder member enroll`: the institution's side of onboarding. With the one-time secret its operator
 * registered at the org's CA (read from standard input or XB_ENROLLMENT_SECRET, never a flag), it
 * generates its key on this machine, enrolls, and writes a local identity (owner-only key) with a
 * connection profile built from one its operator gave it. Its operator then registers the printed
 * certificate as the institution's signing key (`xborder registry register-key`).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import type { Command } from 'commander';

import { enrollAtCa, profileFile, reenrollAtCa, XborderError } from '@xborder/sdk';
import { certificateFingerprint } from '@xborder/protocol';

import { homeOf, outputFor } from './context';
import { readAllStdin } from './inputs';

interface EnrollOptions {
  caUrl: string;
  caCert: string;
  profileFrom: string;
  name?: string;
  renew?: string;
}

/** The peers, channel and org of an operator's profile, with their TLS roots (its key and certificate are not read). */
function operatorProfile(file: string): {
  mspId: string;
  channel: string;
  peers: { name: string; mspId: string; endpoint: string; tlsRootCertPem: string }[];
} {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new XborderError('CONFIG', `cannot read connection profile ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const p = profileFile(raw, file);
  const dir = path.dirname(file);
  return {
    mspId: p.mspId,
    channel: p.channel,
    peers: p.peers.map((peer) => ({ ...peer, tlsRootCertPem: fs.readFileSync(path.resolve(dir, peer.tlsRootCert), 'utf8') })),
  };
}

export function registerMember(program: Command): void {
  const member = program.command('member').description('onboarding of member institutions (the institution\u2019s side)');

  member
    .command('enroll')
    .description('enroll this institution at its operator\u2019s CA with a key generated here; the secret comes on stdin')
    .argument('<institution>', 'the institution id the operator registered')
    .requiredOption('--ca-url <url>', 'the operator CA, e.g. https://ca.hk.example:7054')
    .requiredOption('--ca-cert <file>', 'the CA certificate (PEM) the operator gave')
    .requiredOption('--profile-from <file>', 'a connection profile of the operator (peers and TLS roots; its identity is not used)')
    .option('--name <identity>', 'local identity name (default: the institution id)')
    .option(
      '--renew <identity>',
      'a new key for an enrolled local identity (key rotation): authenticates with its certificate and key, no secret (the secret enrolls once)',
    )
    .action(async (institution: string, opts: EnrollOptions, cmd: Command) => {
      const name = opts.name ?? institution;
      const dir = path.join(homeOf(cmd), 'identities', name);
      if (fs.existsSync(path.join(dir, 'profile.json'))) throw new XborderError('BAD_INPUT', `identity ${name} exists already in ${dir}`);
      const template = operatorProfile(opts.profileFrom);
      const caCertPem = fs.readFileSync(opts.caCert, 'utf8');
      let enrolment;
      if (opts.renew !== undefined) {
        const current = path.join(homeOf(cmd), 'identities', opts.renew, 'msp');
        if (!fs.existsSync(path.join(current, 'signcerts', 'cert.pem')))
          throw new XborderError('BAD_INPUT', `no enrolled identity ${opts.renew} in ${homeOf(cmd)} to renew`);
        enrolment = await reenrollAtCa({
          caUrl: opts.caUrl,
          caCertPem,
          certificatePem: fs.readFileSync(path.join(current, 'signcerts', 'cert.pem'), 'utf8'),
          privateKeyPem: fs.readFileSync(path.join(current, 'keystore', 'priv_sk'), 'utf8'),
        });
      } else {
        const secret = (process.env.XB_ENROLLMENT_SECRET ?? (await readAllStdin()).toString('utf8')).trim();
        if (secret === '') throw new XborderError('BAD_INPUT', 'give the enrollment secret on standard input (or XB_ENROLLMENT_SECRET)');
        enrolment = await enrollAtCa({ caUrl: opts.caUrl, caCertPem, enrollmentId: institution, secret });
      }
      fs.mkdirSync(path.join(dir, 'msp', 'signcerts'), { recursive: true, mode: 0o700 });
      fs.mkdirSync(path.join(dir, 'msp', 'keystore'), { recursive: true, mode: 0o700 });
      fs.mkdirSync(path.join(dir, 'msp', 'cacerts'), { recursive: true, mode: 0o700 });
      fs.mkdirSync(path.join(dir, 'tls'), { recursive: true, mode: 0o700 });
      fs.writeFileSync(path.join(dir, 'msp', 'keystore', 'priv_sk'), enrolment.privateKeyPem, { mode: 0o600, flag: 'wx' });
      fs.writeFileSync(path.join(dir, 'msp', 'signcerts', 'cert.pem'), enrolment.certificatePem);
      fs.writeFileSync(path.join(dir, 'msp', 'cacerts', 'ca.pem'), enrolment.caChainPem);
      const peers = template.peers.map((p, i) => {
        const file = `tls/peer-${String(i)}-ca.pem`;
        fs.writeFileSync(path.join(dir, file), p.tlsRootCertPem);
        return { name: p.name, mspId: p.mspId, endpoint: p.endpoint, tlsRootCert: file };
      });
      const profile = {
        version: 1,
        name,
        mspId: template.mspId,
        role: 'submitter',
        institution,
        channel: template.channel,
        certificate: 'msp/signcerts/cert.pem',
        privateKey: 'msp/keystore/priv_sk',
        peers,
      };
      fs.writeFileSync(path.join(dir, 'profile.json'), `${JSON.stringify(profile, null, 2)}\n`, { mode: 0o600 });
      const fingerprint = certificateFingerprint(enrolment.certificatePem);
      outputFor(cmd).result(
        { identity: name, institution, folder: dir, certificate: path.join(dir, 'msp', 'signcerts', 'cert.pem'), fingerprint },
        (print) => {
          print(
            `enrolled ${institution} as local identity ${name}; the private key was generated here and is in ${dir}/msp/keystore (owner-only)`,
          );
          print(
            `give your operator the certificate ${path.join(dir, 'msp', 'signcerts', 'cert.pem')} (fingerprint ${fingerprint}) to register as your signing key`,
          );
        },
      );
    });
}
