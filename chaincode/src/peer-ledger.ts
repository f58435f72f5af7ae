import { createPrivateKey } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

import * as grpc from '@grpc/grpc-js';
import { connect, signers } from '@hyperledger/fabric-gateway';
import type { Gateway } from '@hyperledger/fabric-gateway';
import { BinaryReader } from 'google-protobuf';

import { ChaincodeError } from '@xborder/protocol';

/**
 * What the endorsing peer's own ledger says about the channel, so that a claim about the chain (a
 * checkpoint) is endorsed only if every endorsing peer has reached that height.
 *
 * Nothing here runs inside a transaction: the peer holds a shared lock on its state for as long as a
 * transaction is simulated, a commit waits for it, and any new simulation (a query-system-chaincode
 * call included) waits behind the commit. A ledger read from inside an endorsement would therefore
 * stall the peer, which is why the peer refuses qscc through invokeChaincode. Instead the chaincode
 * server polls its own peer in the background, through the peer's Gateway service as a ledger-reader
 * identity of its own org that holds no xborder role, and endorsements consult that view in memory.
 * `XB_LEDGER_PROFILE` names the identity's connection profile (its first peer is the server's own);
 * `XB_LEDGER_POLL_MS` the polling period (default 500 ms). A height the polls skipped is read once in
 * the background when a checkpoint first names it (that endorsement is refused as not yet verified;
 * the client tries again). Without a profile, checkpoints cannot be endorsed here. BlockchainInfo is decoded by hand for the reason peer-messages.ts gives.
 */
export interface LedgerSnapshot {
  /** The peer's ledger height at the last poll. */
  readonly height: number;
  /** Header hashes (hex) the polls saw, by the height they end: block `h - 1`'s hash under `h`. */
  readonly hashes: ReadonlyMap<number, string>;
}

export interface LedgerView {
  snapshot(): LedgerSnapshot | undefined;
  /** Asks for the header hash under `height` to be read from the peer in the background. */
  want(height: number): void;
}

interface ReaderProfile {
  readonly mspId: string;
  readonly certificate: string;
  readonly privateKey: string;
  readonly channel: string;
  readonly peers: readonly { endpoint: string; tlsRootCert: string }[];
}

/** BlockchainInfo: height (1), current block hash (2), previous block hash (3). */
export function decodeChainInfo(bytes: Uint8Array): { height: number; current: string; previous: string } {
  const reader = new BinaryReader(bytes);
  let height = 0;
  let current = '';
  let previous = '';
  while (reader.nextField()) {
    if (reader.isEndGroup()) break;
    const field = reader.getFieldNumber();
    if (field === 1) height = reader.readUint64();
    else if (field === 2) current = Buffer.from(reader.readBytes()).toString('hex');
    else if (field === 3) previous = Buffer.from(reader.readBytes()).toString('hex');
    else reader.skipField();
  }
  return { height, current, previous };
}

const KEPT_HASHES = 4096;

/** The previous-hash field of a block's header (Block.header = 1, BlockHeader.previous_hash = 2). */
export function decodePreviousHash(bytes: Uint8Array): string {
  const reader = new BinaryReader(bytes);
  let previous = '';
  while (reader.nextField()) {
    if (reader.isEndGroup()) break;
    if (reader.getFieldNumber() !== 1) {
      reader.skipField();
      continue;
    }
    reader.readMessage(null, (_m: null, header: BinaryReader) => {
      while (header.nextField()) {
        if (header.isEndGroup()) break;
        if (header.getFieldNumber() === 2) previous = Buffer.from(header.readBytes()).toString('hex');
        else header.skipField();
      }
    });
  }
  return previous;
}

/** Polls the own peer's chain info in the background; never blocks a transaction. */
class PollingLedgerView implements LedgerView {
  readonly #hashes = new Map<number, string>();
  readonly #fetching = new Set<number>();
  readonly #profileFile: string;
  #height = 0;
  #gateway: Gateway | undefined;
  #channel = '';

  constructor(profileFile: string, periodMs: number) {
    this.#profileFile = profileFile;
    const timer = setInterval(() => {
      void this.#poll(profileFile);
    }, periodMs);
    timer.unref();
    void this.#poll(profileFile);
  }

  snapshot(): LedgerSnapshot | undefined {
    return this.#height > 0 ? { height: this.#height, hashes: this.#hashes } : undefined;
  }

  want(height: number): void {
    if (height < 1 || height >= this.#height || this.#hashes.has(height) || this.#fetching.has(height) || this.#fetching.size > 16) return;
    this.#fetching.add(height);
    void (async () => {
      try {
        const gateway = this.#connect(this.#profileFile);
        // block `height`'s header names the hash of block `height - 1`
        const block = await gateway
          .getNetwork(this.#channel)
          .getContract('qscc')
          .evaluate('GetBlockByNumber', { arguments: [this.#channel, String(height)] });
        this.#remember(height, decodePreviousHash(block));
      } catch (err) {
        console.warn(`ledger view: cannot read block ${String(height)}: ${err instanceof Error ? err.message : String(err)}`);
      } finally {
        this.#fetching.delete(height);
      }
    })();
  }

  #remember(height: number, hash: string): void {
    this.#hashes.set(height, hash);
    while (this.#hashes.size > KEPT_HASHES) {
      const oldest = this.#hashes.keys().next().value;
      if (oldest === undefined) break;
      this.#hashes.delete(oldest);
    }
  }

  #connect(profileFile: string): Gateway {
    if (this.#gateway) return this.#gateway;
    const dir = path.dirname(profileFile);
    const profile = JSON.parse(fs.readFileSync(profileFile, 'utf8')) as ReaderProfile;
    const peer = profile.peers[0];
    if (!peer) throw new Error('the ledger-reader profile lists no peer');
    const client = new grpc.Client(peer.endpoint, grpc.credentials.createSsl(fs.readFileSync(path.resolve(dir, peer.tlsRootCert))));
    this.#channel = profile.channel;
    this.#gateway = connect({
      client,
      identity: { mspId: profile.mspId, credentials: fs.readFileSync(path.resolve(dir, profile.certificate)) },
      signer: signers.newPrivateKeySigner(createPrivateKey(fs.readFileSync(path.resolve(dir, profile.privateKey)))),
      evaluateOptions: () => ({ deadline: Date.now() + 5_000 }),
    });
    return this.#gateway;
  }

  async #poll(profileFile: string): Promise<void> {
    try {
      const gateway = this.#connect(profileFile);
      const bytes = await gateway
        .getNetwork(this.#channel)
        .getContract('qscc')
        .evaluate('GetChainInfo', { arguments: [this.#channel] });
      const info = decodeChainInfo(bytes);
      if (info.height < this.#height) return;
      this.#height = info.height;
      this.#remember(info.height, info.current);
      if (info.height > 1) this.#remember(info.height - 1, info.previous);
    } catch (err) {
      console.warn(`ledger view: cannot read the peer's chain info: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}

let configured: LedgerView | null | undefined;

/** Replaces the ledger view (unit tests); `null` means none is configured. */
export function setLedgerView(view: LedgerView | null): void {
  configured = view;
}

/** Starts polling when the server has a ledger-reader profile (called once at start). */
export function startLedgerView(): void {
  if (configured !== undefined) return;
  const file = process.env.XB_LEDGER_PROFILE;
  const period = Number(process.env.XB_LEDGER_POLL_MS ?? '500');
  configured = file ? new PollingLedgerView(file, Number.isFinite(period) && period >= 50 ? period : 500) : null;
}

/**
 * Checks a claim that block `height - 1` has header hash `blockHash` against the endorsing peer's
 * view: refuses a height the peer has not reached, and a hash that differs from one the peer showed.
 * Deterministic for a given peer state; an endorser that lags refuses, and the client tries again.
 */
export function checkAgainstPeer(height: number, blockHash: string): void {
  startLedgerView();
  const snapshot = configured?.snapshot();
  if (!snapshot) throw new ChaincodeError('CHECKPOINT_UNVERIFIED', "this endorser has no view of its peer's ledger (XB_LEDGER_PROFILE)");
  if (height > snapshot.height)
    throw new ChaincodeError('CHECKPOINT_AHEAD', `height ${String(height)} is above this peer's ledger height ${String(snapshot.height)}`);
  const seen = snapshot.hashes.get(height);
  if (seen === undefined) {
    configured?.want(height);
    throw new ChaincodeError('CHECKPOINT_UNVERIFIED', `block ${String(height - 1)} is being read from this peer; try again`);
  }
  if (seen !== blockHash)
    throw new ChaincodeError('CHECKPOINT_MISMATCH', `block ${String(height - 1)} has header hash ${seen} on this peer`);
}
