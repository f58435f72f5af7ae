import type { NetworkConfig, OrgConfig } from './config';
import { orgPeers } from './config';

/**
 * Roles carried in the `xborder.role` certificate attribute. `ledger-reader` is the identity an
 * operator's chaincode server reads its own peer's blocks with; the chaincode grants it nothing.
 */
export type XborderRole = 'submitter' | 'auditor' | 'admin' | 'ledger-reader';

/** A client identity enrolled from its org's CA at setup. */
export interface SeedIdentity {
  /** Local name, used with `--as <name>` and as the folder name. */
  readonly name: string;
  readonly org: OrgConfig;
  /** Fabric CA identity type; becomes the NodeOU (`client` or `admin`). */
  readonly type: 'client' | 'admin';
  readonly role: XborderRole;
  readonly institution: string;
}

/**
 * The identities of the local network: an admin per org, two banks per operator, one auditor.
 * Institution ids are short, lowercase and stable; the chaincode's registry refers to them.
 */
export function seedIdentities(config: NetworkConfig): SeedIdentity[] {
  const { hk, th, audit, orderer } = config.orgs;
  return [
    { name: 'hk-admin', org: hk, type: 'admin', role: 'admin', institution: 'hk-operator' },
    { name: 'hk-bank-a', org: hk, type: 'client', role: 'submitter', institution: 'hk-bank-a' },
    { name: 'hk-bank-b', org: hk, type: 'client', role: 'submitter', institution: 'hk-bank-b' },
    { name: 'hk-ledger-reader', org: hk, type: 'client', role: 'ledger-reader', institution: 'hk-operator' },
    { name: 'th-admin', org: th, type: 'admin', role: 'admin', institution: 'th-operator' },
    { name: 'th-ledger-reader', org: th, type: 'client', role: 'ledger-reader', institution: 'th-operator' },
    { name: 'th-bank-a', org: th, type: 'client', role: 'submitter', institution: 'th-bank-a' },
    { name: 'th-bank-b', org: th, type: 'client', role: 'submitter', institution: 'th-bank-b' },
    { name: 'audit-admin', org: audit, type: 'admin', role: 'admin', institution: 'audit-office' },
    { name: 'audit-1', org: audit, type: 'client', role: 'auditor', institution: 'audit-1' },
    ...(config.site === undefined
      ? [{ name: 'orderer-admin', org: orderer, type: 'admin' as const, role: 'admin' as const, institution: 'orderer-operator' }]
      : []),
  ];
}

/** The identity an operator's chaincode server reads its own peer's ledger with. */
export function ledgerReaderName(org: OrgConfig): string {
  return `${org.key}-ledger-reader`;
}

/** `--id.attrs` value: both attributes go into the enrollment certificate (`:ecert`). */
export function idAttrs(identity: Pick<SeedIdentity, 'role' | 'institution'>): string {
  if (!/^[a-z0-9][a-z0-9-]{1,62}$/.test(identity.institution)) {
    throw new Error(`invalid institution id ${identity.institution}`);
  }
  return `xborder.role=${identity.role}:ecert,xborder.institution=${identity.institution}:ecert`;
}

/**
 * The connection profile written next to each identity: what the SDK and CLI need to connect as it.
 * Paths are relative to the profile file.
 */
export interface ConnectionProfile {
  readonly version: 1;
  readonly name: string;
  readonly mspId: string;
  readonly role: XborderRole;
  readonly institution: string;
  readonly channel: string;
  readonly certificate: string;
  readonly privateKey: string;
  /** Peers this identity may use, the preferred gateway peer first. */
  readonly peers: readonly { name: string; mspId: string; endpoint: string; tlsRootCert: string }[];
}

export function connectionProfile(
  config: NetworkConfig,
  identity: SeedIdentity,
  known: ReadonlySet<string> = new Set(['hk', 'th']),
): ConnectionProfile {
  const hk = config.orgs.hk;
  const th = config.orgs.th;
  const peers = [hk, th].flatMap((org) =>
    known.has(org.key)
      ? orgPeers(org).map((peer) => ({
          name: peer.name,
          mspId: org.mspId,
          endpoint: `${peer.host}:${String(peer.port)}`,
          tlsRootCert: `tls/${org.key}-ca.pem`,
        }))
      : [],
  );
  // an institution's own operator's peer first; auditors start with HK
  const own = peers.filter((p) => p.mspId === identity.org.mspId);
  const others = peers.filter((p) => p.mspId !== identity.org.mspId);
  return {
    version: 1,
    name: identity.name,
    mspId: identity.org.mspId,
    role: identity.role,
    institution: identity.institution,
    channel: config.channel,
    certificate: 'msp/signcerts/cert.pem',
    privateKey: 'msp/keystore/priv_sk',
    peers: [...own, ...others],
  };
}
