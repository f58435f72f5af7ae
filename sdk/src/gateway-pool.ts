import type { Gateway } from '@hyperledger/fabric-gateway';

import { toXborderError } from './errors';
import type { PeerEndpoint } from './profile';

/** A gateway connection to one peer and how to let it go. */
export interface OpenedGateway {
  readonly gateway: Gateway;
  /** Closes the gateway and releases its connection. */
  close(): void;
}

/**
 * The gateway peers a client may use, its own organisation's, in order of preference. Gateways are
 * opened when first needed; when the current peer cannot be reached the pool moves to the next one
 * (and round again), so a client keeps working while one of its organisation's peers is down.
 */
export class GatewayPool {
  readonly #peers: readonly PeerEndpoint[];
  readonly #open: (peer: PeerEndpoint) => OpenedGateway;
  readonly #opened = new Map<number, OpenedGateway>();
  #index = 0;

  /**
   * @param peers - the candidates, preferred first (at least one)
   * @param open - opens a gateway to a peer
   */
  constructor(peers: readonly PeerEndpoint[], open: (peer: PeerEndpoint) => OpenedGateway) {
    if (peers.length === 0) throw new Error('a gateway pool needs at least one peer');
    this.#peers = peers;
    this.#open = open;
  }

  /** A pool of one gateway that is already open (no failover). */
  static of(gateway: Gateway): GatewayPool {
    const peer: PeerEndpoint = { name: 'gateway', mspId: '', endpoint: '', tlsRootCert: '' };
    return new GatewayPool([peer], () => ({ gateway, close: () => undefined }));
  }

  /** The gateway requests go to now. */
  get current(): Gateway {
    let opened = this.#opened.get(this.#index);
    if (!opened) {
      opened = this.#open(this.#peers[this.#index] as PeerEndpoint);
      this.#opened.set(this.#index, opened);
    }
    return opened.gateway;
  }

  /** The peer requests go to now. */
  get peer(): PeerEndpoint {
    return this.#peers[this.#index] as PeerEndpoint;
  }

  /**
   * After `err` from a request sent through `used`: when the gateway peer itself could not be reached
   * (UNAVAILABLE, or no answer in time), the next request goes to the next peer. A request that
   * failed on a gateway the pool already left does not move it again.
   */
  failover(err: unknown, used: Gateway | undefined): void {
    if (this.#peers.length < 2 || used === undefined || used !== this.#opened.get(this.#index)?.gateway) return;
    const code = toXborderError(err).code;
    if (code !== 'UNAVAILABLE' && code !== 'DEADLINE_EXCEEDED') return;
    this.#index = (this.#index + 1) % this.#peers.length;
  }

  /** Closes every gateway the pool opened. */
  close(): void {
    for (const opened of this.#opened.values()) opened.close();
    this.#opened.clear();
  }
}
