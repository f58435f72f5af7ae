import { createPrivateKey } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

import * as grpc from '@grpc/grpc-js';
import { connect, signers } from '@hyperledger/fabric-gateway';
import type { Gateway } from '@hyperledger/fabric-gateway';
import { BinaryReader } from 'google-protobuf';

import { ChaincodeError } from './shared/errors';

/**
 * What the endorsing peer's own ledger says about the channel. A claim about the chain (a checkpoint)
 * is endorsed only if every endorsing peer's chaincode server finds it in its own peer's blocks.
 *
 * The peer refuses query-system-chaincode calls from chaincode (qscc through invokeChaincode: "potential
 * for deadlocks"), so the chaincode server reads its peer the way a client does: through the peer's
 * Gateway service, as a ledger-reader identity of its own org that holds no xborder role (the
 * chaincode refuses it everything). `XB_LEDGER_PROFILE` names that identity's connection profile; its
 * first peer is the server's own. Without it, checkpoints cannot be endorsed here.
 * BlockchainInfo and Block.header are decoded by hand for the reason peer-messages.ts gives.
 */
export interface ChainInfo {
  readonly height: number;
  /** Header hash of the last block (hex). */
  readonly currentBlockHash: string;
}

export interface LedgerView {
  chainInfo(channel: string): Promise<ChainInfo>;
  /** Header hash (hex) of block `height - 1`. */
  headerHashBelow(channel: string, height: number): Promise<string>;
}

interface ReaderProfile {
  readonly mspId: string;
  readonly certificate: string;
  readonly privateKey: string;
  readonly peers: readonly { endpoint: string; tlsRootCert: string }[];
}

function decodeChainInfo(bytes: Uint8Array): ChainInfo {
  const reader = new BinaryReader(bytes);
  let height = 0;
  let currentBlockHash = '';
  while (reader.nextField()) {
    if (reader.isEndGroup()) break;
    if (reader.getFieldNumber() === 1) height = reader.readUint64();
    else if (reader.getFieldNumber() === 2) currentBlockHash = Buffer.from(reader.readBytes()).toString('hex');
    else reader.skipField();
  }
  return { height, currentBlockHash };
}

function decodePreviousHash(bytes: Uint8Array): string {
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

/** Reads the own peer through its Gateway service; one connection per chaincode server process. */
class GatewayLedgerView implements LedgerView {
  readonly #profileFile: string;
  #gateway: Gateway | undefined;

  constructor(profileFile: string) {
    this.#profileFile = profileFile;
  }

  #connect(): Gateway {
    if (this.#gateway) return this.#gateway;
    const dir = path.dirname(this.#profileFile);
    const profile = JSON.parse(fs.readFileSync(this.#profileFile, 'utf8')) as ReaderProfile;
    const peer = profile.peers[0];
    if (!peer) throw new Error('the ledger-reader profile lists no peer');
    const client = new grpc.Client(peer.endpoint, grpc.credentials.createSsl(fs.readFileSync(path.resolve(dir, peer.tlsRootCert))), {
      'grpc.max_receive_message_length': 100 * 1024 * 1024,
    });
    this.#gateway = connect({
      client,
      identity: { mspId: profile.mspId, credentials: fs.readFileSync(path.resolve(dir, profile.certificate)) },
      signer: signers.newPrivateKeySigner(createPrivateKey(fs.readFileSync(path.resolve(dir, profile.privateKey)))),
      evaluateOptions: () => ({ deadline: Date.now() + 10_000 }),
    });
    return this.#gateway;
  }

  async #qscc(channel: string, fn: string, ...args: string[]): Promise<Uint8Array> {
    return this.#connect()
      .getNetwork(channel)
      .getContract('qscc')
      .evaluate(fn, { arguments: [channel, ...args] });
  }

  async chainInfo(channel: string): Promise<ChainInfo> {
    return decodeChainInfo(await this.#qscc(channel, 'GetChainInfo'));
  }

  async headerHashBelow(channel: string, height: number): Promise<string> {
    return decodePreviousHash(await this.#qscc(channel, 'GetBlockByNumber', String(height)));
  }
}

let configured: LedgerView | null | undefined;

/** Replaces the ledger view (unit tests); `null` means none is configured. */
export function setLedgerView(view: LedgerView | null): void {
  configured = view;
}

function ledgerView(): LedgerView {
  if (configured === undefined) {
    const file = process.env.XB_LEDGER_PROFILE;
    configured = file ? new GatewayLedgerView(file) : null;
  }
  if (!configured) throw new ChaincodeError('CHECKPOINT_UNVERIFIED', 'this endorser has no ledger reader configured (XB_LEDGER_PROFILE)');
  return configured;
}

/**
 * The header hash of block `height - 1` on the endorsing peer; refuses a height the peer does not have
 * yet. The answer depends on the peer's ledger, not only on the transaction: an endorser that lags
 * refuses, and the client tries again.
 */
export async function peerHeaderHash(channel: string, height: number): Promise<string> {
  const view = ledgerView();
  let info: ChainInfo;
  try {
    info = await view.chainInfo(channel);
  } catch (err) {
    throw new ChaincodeError(
      'CHECKPOINT_UNVERIFIED',
      `cannot read this peer's ledger: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  if (height > info.height)
    throw new ChaincodeError('CHECKPOINT_AHEAD', `height ${String(height)} is above this peer's ledger height ${String(info.height)}`);
  if (height === info.height) return info.currentBlockHash;
  try {
    return await view.headerHashBelow(channel, height);
  } catch (err) {
    throw new ChaincodeError(
      'CHECKPOINT_UNVERIFIED',
      `cannot read block ${String(height)}: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}
