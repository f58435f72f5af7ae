import { createPrivateKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';

import { connect as gatewayConnect, hash, signers } from '@hyperledger/fabric-gateway';

import { AuditClient } from './audit/client';
import type { Gateway } from '@hyperledger/fabric-gateway';

import { acquireConnection } from './connection';
import { XborderError } from './errors';
import { GatewayPool } from './gateway-pool';
import type { OpenedGateway } from './gateway-pool';
import { IntelClient } from './intel';
import { PaymentsClient } from './payments';
import { ProbeClient } from './probe';
import { loadProfile, loadProfileFile } from './profile';
import type { PeerEndpoint, ResolvedProfile } from './profile';
import { RegistryClient } from './registry';
import { newNodeSigner } from './signer';
import type { RetryPolicy } from './retry';
import { Transactor } from './transactor';

/** Per-call deadlines, in milliseconds. */
export interface Deadlines {
  readonly evaluateMs: number;
  readonly endorseMs: number;
  readonly submitMs: number;
  readonly commitStatusMs: number;
  /**
   * Longest wait for a commit status before the same signed transaction is sent to the orderers
   * again (an orderer may have lost it); up to six times.
   */
  readonly resendMs: number;
  /**
   * Shortest such wait. Between the two, the wait is twice the slowest tenth of recent commit
   * latencies (doubling after three resends of one transaction); equal values make it fixed.
   */
  readonly resendMinMs: number;
}

/** The chaincode the network deploys. */
export const DEFAULT_CHAINCODE = 'xborder';

export const DEFAULT_DEADLINES: Deadlines = {
  evaluateMs: 10_000,
  endorseMs: 30_000,
  submitMs: 10_000,
  commitStatusMs: 60_000,
  resendMs: 10_000,
  resendMinMs: 500,
};

/**
 * How to connect: one of `identity` (with `home`), `profileFile` or `profile`; the rest has defaults.
 * The SDK reads no environment variables: the caller (the CLI, a service) resolves its configuration.
 */
export interface ConnectOptions {
  /** Name of a local identity (`hk-bank-a`) in the network home `home`. */
  readonly identity?: string;
  /** Path of a connection profile file. */
  readonly profileFile?: string;
  /** A profile given in code. */
  readonly profile?: ResolvedProfile;
  /** Network home with `identities/`; required with `identity`. */
  readonly home?: string;
  /** Name of the peer to use as gateway (default: the profile's first, i.e. the caller's own operator). */
  readonly peer?: string;
  /** Chaincode name (default `xborder`). */
  readonly chaincode?: string;
  readonly deadlines?: Partial<Deadlines>;
  /** `node` (default): node:crypto signer; `sdk`: the fabric-gateway default private key signer. */
  readonly signer?: 'node' | 'sdk';
  /** How safe calls are retried when a peer or orderer cannot be reached (default: up to 6 attempts within 20 s, see `DEFAULT_RETRY`). */
  readonly retry?: RetryPolicy;
}

/** A connected client. Close it when done (or use `await using`). */
export interface XborderClient extends AsyncDisposable {
  /** The identity this client acts as. */
  readonly profile: ResolvedProfile;
  /** Transport for the typed facades; use directly only for contracts without a facade. */
  readonly transactor: Transactor;
  /** Network diagnostics: identity echo and a probe put/get. */
  readonly probe: ProbeClient;
  /** Member institutions and their signing keys. */
  readonly registry: RegistryClient;
  /** Hashed, signed STIX 2.1 records, sightings and revocations. */
  readonly intel: IntelClient;
  /** FPS x PromptPay payment attestations, confirmations and reconciliation. */
  readonly payments: PaymentsClient;
  /** Proofs of records and checks of the block chain (read only). */
  readonly audit: AuditClient;
  /** The underlying fabric-gateway connection. */
  readonly gateway: Gateway;
  /** The identity's private key, for signing statements outside the facades (never leaves the process). */
  readonly signingKey: KeyObject;
  /** Closes the gateway and releases the shared gRPC connection when no other client uses it; safe to call twice. */
  close(): void;
}

function resolveProfile(options: Readonly<ConnectOptions>): ResolvedProfile {
  if (options.profile) return options.profile;
  if (options.profileFile !== undefined) return loadProfileFile(options.profileFile);
  const name = options.identity;
  if (name === undefined || name === '')
    throw new XborderError('CONFIG', 'no identity given: pass identity (with home), profileFile or profile');
  if (options.home === undefined || options.home === '')
    throw new XborderError('CONFIG', `identity ${name} needs the network home that holds it`);
  return loadProfile(name, options.home);
}

/**
 * Connects to the xborder network as one identity.
 *
 * @example
 * ```ts
 * const client = connect({ identity: 'hk-bank-a' });
 * try {
 *   const me = await client.probe.whoAmI();
 * } finally {
 *   client.close();
 * }
 * ```
 * @param options - identity and home, a profile file or a profile; peer, chaincode, deadlines, signer
 * @returns a client; nothing connects until the first call
 * @throws {@link XborderError} CONFIG when no identity is given, its profile cannot be read, or the peer is unknown
 */
export function connect(options: Readonly<ConnectOptions> = {}): XborderClient {
  const profile = resolveProfile(options);
  const peer = options.peer !== undefined ? profile.peers.find((p) => p.name === options.peer) : profile.peers[0];
  if (!peer) throw new XborderError('CONFIG', `peer ${options.peer ?? '(first)'} is not in the profile of ${profile.name}`);
  const deadlines = { ...DEFAULT_DEADLINES, ...options.deadlines };
  const key = createPrivateKey(profile.privateKey);
  const useNode = (options.signer ?? 'node') === 'node';
  const open = (endpoint: PeerEndpoint): OpenedGateway => {
    const connection = acquireConnection(endpoint);
    const opened = gatewayConnect({
      client: connection.client,
      identity: { mspId: profile.mspId, credentials: Buffer.from(profile.certificate) },
      signer: useNode ? newNodeSigner(key) : signers.newPrivateKeySigner(key),
      hash: useNode ? hash.none : hash.sha256,
      evaluateOptions: () => ({ deadline: Date.now() + deadlines.evaluateMs }),
      endorseOptions: () => ({ deadline: Date.now() + deadlines.endorseMs }),
      submitOptions: () => ({ deadline: Date.now() + deadlines.submitMs }),
      commitStatusOptions: () => ({ deadline: Date.now() + deadlines.commitStatusMs }),
    });
    return {
      gateway: opened,
      close: () => {
        opened.close();
        connection.release();
      },
    };
  };
  // the chosen peer first, then the other peers of the same organisation to fail over to
  const pool = new GatewayPool([peer, ...profile.peers.filter((p) => p.mspId === peer.mspId && p.name !== peer.name)], open);
  const gateway = pool.current;
  const chaincode = options.chaincode ?? DEFAULT_CHAINCODE;
  const transactor = new Transactor(pool, profile.channel, chaincode, options.retry, deadlines.resendMs, deadlines.resendMinMs);
  let closed = false;
  const close = (): void => {
    if (closed) return;
    closed = true;
    pool.close();
  };
  const identity = { institution: profile.institution, mspId: profile.mspId };
  const registry = new RegistryClient(transactor);
  const intel = new IntelClient(transactor, identity, key);
  const payments = new PaymentsClient(transactor, identity, key);
  return {
    profile,
    transactor,
    gateway,
    signingKey: key,
    probe: new ProbeClient(transactor),
    registry,
    intel,
    payments,
    audit: new AuditClient(gateway, profile.channel, chaincode, { intel, payments, registry, transactor }, { mspId: profile.mspId, key }),
    close,
    [Symbol.asyncDispose]: () => {
      close();
      return Promise.resolve();
    },
  };
}
