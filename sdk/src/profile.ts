import * as fs from 'node:fs';
import * as path from 'node:path';

import { XborderError } from './errors';
import { profileFile } from './schemas';

/** A peer a client may connect to. */
export interface PeerEndpoint {
  readonly name: string;
  readonly mspId: string;
  /** `host:port` */
  readonly endpoint: string;
  /** PEM of the CA that issued the peer's TLS certificate. */
  readonly tlsRootCert: string;
}

/** A local identity and where it connects: what `xbnet up` writes next to each enrolled identity. */
export interface ResolvedProfile {
  readonly name: string;
  readonly mspId: string;
  readonly role: string;
  readonly institution: string;
  readonly channel: string;
  /** PEM of the enrollment certificate. */
  readonly certificate: string;
  /** PEM of the private key. */
  readonly privateKey: string;
  readonly peers: readonly PeerEndpoint[];
}

/** Local identity names available in a network home. */
export function listIdentities(home: string): string[] {
  const dir = path.join(home, 'identities');
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((n) => fs.existsSync(path.join(dir, n, 'profile.json')))
    .sort();
}

/** Loads a connection profile file (paths inside it are relative to the file) and the files it names. */
export function loadProfileFile(file: string): ResolvedProfile {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new XborderError('CONFIG', `cannot read connection profile ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const profile = profileFile(raw, file);
  const dir = path.dirname(file);
  const read = (rel: string): string => {
    try {
      return fs.readFileSync(path.resolve(dir, rel), 'utf8');
    } catch {
      throw new XborderError('CONFIG', `${file}: cannot read ${rel}`);
    }
  };
  return {
    name: profile.name,
    mspId: profile.mspId,
    role: profile.role,
    institution: profile.institution,
    channel: profile.channel,
    certificate: read(profile.certificate),
    privateKey: read(profile.privateKey),
    peers: profile.peers.map((p) => ({ name: p.name, mspId: p.mspId, endpoint: p.endpoint, tlsRootCert: read(p.tlsRootCert) })),
  };
}

/** Loads the profile of a local identity by name (`hk-bank-a`) from a network home. */
export function loadProfile(name: string, home: string): ResolvedProfile {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) throw new XborderError('CONFIG', `invalid identity name "${name}"`);
  const file = path.join(home, 'identities', name, 'profile.json');
  if (!fs.existsSync(file)) {
    const known = listIdentities(home);
    throw new XborderError(
      'CONFIG',
      `no identity "${name}" in ${home}` +
        (known.length > 0 ? ` (known: ${known.join(', ')})` : ' (is the network set up? run npm run network:up)'),
    );
  }
  return loadProfileFile(file);
}
