import { createRequire } from 'node:module';

import {
  decodeCapabilities,
  decodeGetMultipleResult,
  encodeGetMultiple,
  encodeWriteBatch,
  MessageType,
  type PeerCapabilities,
  type StateWrite,
} from './peer-messages';

/**
 * Fabric 3.1 peers accept a transaction's writes in one WRITE_BATCH_STATE message and many reads in one
 * GET_STATE_MULTIPLE message, and say so in the READY message they send when a chaincode connects.
 * The Go shim uses both; the Node shim (fabric-shim 2.5.8) sends one message, and waits for one
 * answer, per getState/putState, and each of those round trips costs the chaincode server and the peer
 * far more than the write itself. This module speaks the two batch messages over the shim's own
 * stream, and only to a peer that announced them.
 *
 * It relies on fabric-shim internals (pinned version): ChaincodeMessageHandler's `chat`, `_stream` and
 * `_askPeerAndListen`, the stub's `handler`, `channel_id` and `txId`, and the shim's fabric-protos
 * ChaincodeMessage class. `chaincode/test/peer-batching.test.ts` checks they are there.
 */

interface ShimMessage {
  getType(): number;
  getPayload_asU8(): Uint8Array;
}

const CAPABILITIES = Symbol('xborder.peerCapabilities');

interface ShimHandler {
  _stream?: { on(event: 'data', listener: (msg: ShimMessage) => void): void };
  _askPeerAndListen(msg: unknown, method: string): Promise<unknown>;
  [CAPABILITIES]?: PeerCapabilities;
}

interface ShimStub {
  handler?: ShimHandler;
  channel_id?: unknown;
  txId?: unknown;
}

interface ShimChaincodeMessage {
  setType(type: number): void;
  setPayload(payload: Uint8Array): void;
  setTxid(txId: string): void;
  setChannelId(channelId: string): void;
}

const shimRequire = createRequire(require.resolve('fabric-shim'));
/** The shim's own message class: its gRPC stream serialiser accepts no other (instanceof check). */
export const ShimChaincodeMessage = (
  shimRequire('@hyperledger/fabric-protos') as { peer: { ChaincodeMessage: new () => ShimChaincodeMessage } }
).peer.ChaincodeMessage;
/** The shim's handler class, whose `chat` receives READY. */
export const ShimHandlerClass = (
  shimRequire('./lib/handler') as { ChaincodeMessageHandler: { prototype: { chat: (this: ShimHandler, starter: unknown) => unknown } } }
).ChaincodeMessageHandler;

let listening = false;

/**
 * Records each peer connection's READY announcement on its handler, so transactions can use the batch
 * messages the peer offers. Called once, explicitly, when the chaincode starts (chaincode/src/index.ts),
 * before it connects. `XB_PEER_BATCHING=off` keeps the shim's one-message-per-call behaviour.
 */
export function installPeerBatching(): void {
  if (listening || process.env['XB_PEER_BATCHING'] === 'off') return;
  listening = true;
  const proto = ShimHandlerClass.prototype;
  const chat = proto.chat;
  proto.chat = function (this: ShimHandler, starter: unknown): unknown {
    // registered before the shim's own listener, so READY is recorded before any transaction arrives
    this._stream?.on('data', (msg) => {
      if (msg.getType() === MessageType.READY) this[CAPABILITIES] = decodeCapabilities(msg.getPayload_asU8());
    });
    return chat.call(this, starter);
  };
}

/** The batch messages of the peer behind a transaction's stub. */
export class PeerBatchChannel {
  readonly #handler: ShimHandler;
  readonly #channelId: string;
  readonly #txId: string;
  readonly capabilities: PeerCapabilities;

  private constructor(handler: ShimHandler, channelId: string, txId: string, capabilities: PeerCapabilities) {
    this.#handler = handler;
    this.#channelId = channelId;
    this.#txId = txId;
    this.capabilities = capabilities;
  }

  /** Undefined when the peer announced neither message (or the stub is not the shim's, as in unit tests). */
  static of(stub: unknown): PeerBatchChannel | undefined {
    const s = stub as ShimStub;
    const handler = s.handler;
    const capabilities = handler?.[CAPABILITIES];
    if (!handler || !capabilities || typeof s.channel_id !== 'string' || typeof s.txId !== 'string') return undefined;
    if (!capabilities.writeBatch && !capabilities.getMultiple) return undefined;
    return new PeerBatchChannel(handler, s.channel_id, s.txId, capabilities);
  }

  async #ask(type: number, payload: Uint8Array, method: string): Promise<unknown> {
    const msg = new ShimChaincodeMessage();
    msg.setType(type);
    msg.setPayload(payload);
    msg.setTxid(this.#txId);
    msg.setChannelId(this.#channelId);
    return this.#handler._askPeerAndListen(msg, method);
  }

  /** Sends writes, in order, in as few WRITE_BATCH_STATE messages as the peer allows. */
  async writeBatch(writes: readonly StateWrite[]): Promise<void> {
    const max = this.capabilities.maxWriteBatch;
    for (let start = 0; start < writes.length; start += max) {
      await this.#ask(MessageType.WRITE_BATCH_STATE, encodeWriteBatch(writes.slice(start, start + max)), 'WriteBatchState');
    }
  }

  /** The values of many keys (empty for absent ones), in the order asked. */
  async getMultiple(keys: readonly string[], collection = ''): Promise<Uint8Array[]> {
    const max = this.capabilities.maxGetMultiple;
    const out: Uint8Array[] = [];
    for (let start = 0; start < keys.length; start += max) {
      const slice = keys.slice(start, start + max);
      const payload = (await this.#ask(
        MessageType.GET_STATE_MULTIPLE,
        encodeGetMultiple(slice, collection),
        'GetStateMultiple',
      )) as Uint8Array;
      const values = decodeGetMultipleResult(payload);
      for (let i = 0; i < slice.length; i++) out.push(values[i] ?? new Uint8Array(0));
    }
    return out;
  }
}
