import { EventEmitter } from 'node:events';

import { peer } from '@hyperledger/fabric-protos';
import { expect, use } from 'chai';
import chaiAsPromised from 'chai-as-promised';
import type { Context } from 'fabric-contract-api';
import { ChaincodeStub } from 'fabric-shim';

import {
  decodeCapabilities,
  decodeGetMultipleResult,
  encodeGetMultiple,
  encodeWriteBatch,
  MessageType,
} from '@xborder/chaincode/internal/peer-messages';
import { batchingFor, installPeerBatching } from '@xborder/chaincode/internal/peer-batching';
import { PeerBatchChannel, ShimChaincodeMessage, ShimHandlerClass } from '@xborder/chaincode/internal/peer-protocol';
import { getRecords } from '@xborder/chaincode/internal/state';

use(chaiAsPromised);

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
const text = (b: Uint8Array | string): string => (typeof b === 'string' ? b : new TextDecoder().decode(b));

interface SentMessage {
  getType(): number;
  getPayload_asU8(): Uint8Array;
  getTxid(): string;
  getChannelId(): string;
}

/** A chaincode stream with a scripted peer: records what the shim sends, answers with `reply`. */
class FakePeerStream extends EventEmitter {
  readonly sent: SentMessage[] = [];
  reply: (msg: SentMessage) => { type: number; payload: Uint8Array } | undefined = () => undefined;

  write(msg: SentMessage): void {
    this.sent.push(msg);
    const answer = this.reply(msg);
    if (answer) setImmediate(() => this.emit('data', shimMessage(answer.type, answer.payload, msg.getTxid(), msg.getChannelId())));
  }

  end(): void {
    // the shim ends the stream on errors; nothing to release here
  }
}

function shimMessage(type: number, payload: Uint8Array, txId = '', channelId = ''): unknown {
  const m = new ShimChaincodeMessage();
  m.setType(type);
  m.setPayload(payload);
  m.setTxid(txId);
  m.setChannelId(channelId);
  return m;
}

function readyPayload(p: { writeBatch: boolean; maxWrite: number; getMultiple: boolean; maxGet: number }): Uint8Array {
  const params = new peer.ChaincodeAdditionalParams();
  params.setUseWriteBatch(p.writeBatch);
  params.setMaxSizeWriteBatch(p.maxWrite);
  params.setUseGetMultipleKeys(p.getMultiple);
  params.setMaxSizeGetMultipleKeys(p.maxGet);
  return params.serializeBinary();
}

const RESPONSE = peer.ChaincodeMessage.Type.RESPONSE;
const REGISTERED = peer.ChaincodeMessage.Type.REGISTERED;

/** A real shim handler on a fake stream, past REGISTERED and READY (with the given announcement). */
function connectedHandler(ready: Uint8Array): { stream: FakePeerStream; handler: unknown } {
  installPeerBatching();
  const stream = new FakePeerStream();
  const HandlerClass = ShimHandlerClass as unknown as new (stream: unknown, chaincode: unknown) => { chat(m: unknown): void };
  const handler = new HandlerClass(stream, {});
  handler.chat(shimMessage(peer.ChaincodeMessage.Type.REGISTER, new Uint8Array(0)));
  stream.emit('data', shimMessage(REGISTERED, new Uint8Array(0)));
  stream.emit('data', shimMessage(MessageType.READY, ready));
  return { stream, handler };
}

function stubOn(handler: unknown, txId: string): ChaincodeStub {
  const input = new peer.ChaincodeInput();
  input.setArgsList([bytes('intel:SubmitIntel')]);
  const Stub = ChaincodeStub as unknown as new (h: unknown, ch: string, tx: string, input: unknown, sp: undefined) => ChaincodeStub;
  return new Stub(handler, 'xborder', txId, input, undefined);
}

describe('peer batch messages: encoding (checked against fabric-protos 0.3.7)', () => {
  it('encodes WriteBatchState with every write kind (put, delete, purge, metadata) in order', () => {
    const encoded = encodeWriteBatch([
      { kind: 'put', collection: '', key: 'intel\u0001a', value: bytes('{"a":1}') },
      { kind: 'put', collection: 'hkThShared', key: 'content\u0001a', value: bytes('secret') },
      { kind: 'delete', collection: '', key: 'old' },
      { kind: 'purge', collection: 'hkThShared', key: 'message\u0001u' },
      { kind: 'metadata', collection: '', key: 'k', metakey: 'VALIDATION_PARAMETER', value: bytes('policy') },
    ]);
    const recs = peer.WriteBatchState.deserializeBinary(encoded).getRecList();
    expect(recs.map((r) => [r.getKey(), text(r.getValue()), r.getCollection(), r.getType()])).to.deep.equal([
      ['intel\u0001a', '{"a":1}', '', peer.WriteRecord.Type.PUT_STATE],
      ['content\u0001a', 'secret', 'hkThShared', peer.WriteRecord.Type.PUT_STATE],
      ['old', '', '', peer.WriteRecord.Type.DEL_STATE],
      ['message\u0001u', '', 'hkThShared', peer.WriteRecord.Type.PURGE_PRIVATE_DATA],
      ['k', '', '', peer.WriteRecord.Type.PUT_STATE_METADATA],
    ]);
    const md = recs[4]?.getMetadata();
    expect([md?.getMetakey(), text(md?.getValue_asU8() ?? new Uint8Array(0))]).to.deep.equal(['VALIDATION_PARAMETER', 'policy']);
  });

  it('encodes GetStateMultiple and decodes GetStateMultipleResult, absent keys as empty values', () => {
    const req = peer.GetStateMultiple.deserializeBinary(encodeGetMultiple(['k1', 'k2', 'k3'], ''));
    expect(req.getKeysList()).to.deep.equal(['k1', 'k2', 'k3']);
    expect(req.getCollection()).to.equal('');
    expect(peer.GetStateMultiple.deserializeBinary(encodeGetMultiple(['x'], 'hkThShared')).getCollection()).to.equal('hkThShared');
    const res = new peer.GetStateMultipleResult();
    res.setValuesList([bytes('one'), new Uint8Array(0), bytes('three')]);
    expect(decodeGetMultipleResult(res.serializeBinary()).map(text)).to.deep.equal(['one', '', 'three']);
  });

  it('decodes the READY announcement; an empty one (older peers) announces nothing', () => {
    expect(decodeCapabilities(readyPayload({ writeBatch: true, maxWrite: 1000, getMultiple: true, maxGet: 500 }))).to.deep.equal({
      writeBatch: true,
      maxWriteBatch: 1000,
      getMultiple: true,
      maxGetMultiple: 500,
    });
    expect(decodeCapabilities(new Uint8Array(0))).to.deep.equal({
      writeBatch: false,
      maxWriteBatch: 0,
      getMultiple: false,
      maxGetMultiple: 0,
    });
    // a zero batch size would make no progress: treated as not offered
    expect(decodeCapabilities(readyPayload({ writeBatch: true, maxWrite: 0, getMultiple: false, maxGet: 0 })).writeBatch).to.equal(false);
  });

  it('uses the message numbers of fabric-protos', () => {
    expect(MessageType).to.deep.equal({
      READY: peer.ChaincodeMessage.Type.READY,
      WRITE_BATCH_STATE: peer.ChaincodeMessage.Type.WRITE_BATCH_STATE,
      GET_STATE_MULTIPLE: peer.ChaincodeMessage.Type.GET_STATE_MULTIPLE,
    });
  });
});

describe('peer batch messages over the real shim handler', () => {
  const allOn = readyPayload({ writeBatch: true, maxWrite: 2, getMultiple: true, maxGet: 2 });

  it('buffers a transaction’s writes and flushes them as WRITE_BATCH_STATE messages of at most the announced size', async () => {
    const { stream, handler } = connectedHandler(allOn);
    stream.reply = () => ({ type: RESPONSE, payload: new Uint8Array(0) });
    const stub = stubOn(handler, 'tx-write');
    const batch = batchingFor(stub);
    batch.startWriteBatch();
    await stub.putState('a', bytes('1'));
    await stub.putState('b', bytes('2'));
    await stub.putPrivateData('hkThShared', 'c', bytes('3'));
    await stub.deleteState('d');
    await stub.putState('a', bytes('1 again')); // last write wins and moves to the end
    expect(stream.sent.filter((m) => m.getType() !== peer.ChaincodeMessage.Type.REGISTER)).to.have.length(0);
    await batch.finishWriteBatch();
    const batches = stream.sent.filter((m) => m.getType() === MessageType.WRITE_BATCH_STATE);
    expect(batches).to.have.length(2);
    expect(batches.every((m) => m.getTxid() === 'tx-write' && m.getChannelId() === 'xborder')).to.equal(true);
    const recs = batches.flatMap((m) => peer.WriteBatchState.deserializeBinary(m.getPayload_asU8()).getRecList());
    expect(recs.map((r) => [r.getCollection(), r.getKey(), text(r.getValue()), r.getType()])).to.deep.equal([
      ['', 'b', '2', peer.WriteRecord.Type.PUT_STATE],
      ['hkThShared', 'c', '3', peer.WriteRecord.Type.PUT_STATE],
      ['', 'd', '', peer.WriteRecord.Type.DEL_STATE],
      ['', 'a', '1 again', peer.WriteRecord.Type.PUT_STATE],
    ]);
    expect(stream.sent.some((m) => m.getType() === peer.ChaincodeMessage.Type.PUT_STATE)).to.equal(false);
  });

  it('holds every write kind of the stub, none reaches the peer before the batch, and metadata and data of one key are kept apart', async () => {
    const { stream, handler } = connectedHandler(readyPayload({ writeBatch: true, maxWrite: 100, getMultiple: true, maxGet: 100 }));
    stream.reply = () => ({ type: RESPONSE, payload: new Uint8Array(0) });
    const stub = stubOn(handler, 'tx-kinds');
    const batch = batchingFor(stub);
    batch.startWriteBatch();
    await stub.putState('k', bytes('v'));
    await stub.setStateValidationParameter('k', bytes('ep1'));
    await stub.putPrivateData('hkThShared', 'p', bytes('secret'));
    await stub.purgePrivateData('hkThShared', 'p'); // a purge replaces the put of the same key
    await stub.deletePrivateData('hkThShared', 'q');
    await stub.setPrivateDataValidationParameter('hkThShared', 'q', bytes('ep2'));
    await stub.setStateValidationParameter('k', bytes('ep3')); // last metadata write wins
    expect(stream.sent.filter((m) => m.getType() !== peer.ChaincodeMessage.Type.REGISTER)).to.have.length(0);
    await batch.finishWriteBatch();
    const sent = stream.sent.filter((m) => m.getType() !== peer.ChaincodeMessage.Type.REGISTER);
    expect(sent.map((m) => m.getType())).to.deep.equal([MessageType.WRITE_BATCH_STATE]);
    const recs = peer.WriteBatchState.deserializeBinary(sent[0]!.getPayload_asU8()).getRecList();
    expect(
      recs.map((r) => [
        r.getCollection(),
        r.getKey(),
        r.getType(),
        text(r.getValue()) || text(r.getMetadata()?.getValue_asU8() ?? new Uint8Array(0)),
      ]),
    ).to.deep.equal([
      ['', 'k', peer.WriteRecord.Type.PUT_STATE, 'v'],
      ['hkThShared', 'p', peer.WriteRecord.Type.PURGE_PRIVATE_DATA, ''],
      ['hkThShared', 'q', peer.WriteRecord.Type.DEL_STATE, ''],
      ['hkThShared', 'q', peer.WriteRecord.Type.PUT_STATE_METADATA, 'ep2'],
      ['', 'k', peer.WriteRecord.Type.PUT_STATE_METADATA, 'ep3'],
    ]);
    // after the batch the stub writes directly again (through the shim's own method)
    stream.reply = (msg) =>
      msg.getType() === peer.ChaincodeMessage.Type.PUT_STATE ? { type: RESPONSE, payload: new Uint8Array(0) } : undefined;
    await stub.putState('after', bytes('1'));
    expect(stream.sent.some((m) => m.getType() === peer.ChaincodeMessage.Type.PUT_STATE)).to.equal(true);
  });

  it('rejects the flush when the peer refuses the batch (the transaction then fails as a whole)', async () => {
    const { stream, handler } = connectedHandler(allOn);
    stream.reply = () => ({ type: peer.ChaincodeMessage.Type.ERROR, payload: bytes('collection nope not defined') });
    const stub = stubOn(handler, 'tx-refused');
    const batch = batchingFor(stub);
    batch.startWriteBatch();
    await stub.putPrivateData('nope', 'k', bytes('v'));
    await expect(batch.finishWriteBatch()).to.be.rejectedWith('collection nope not defined');
  });

  it('keeps the shim’s checks on private-data writes', () => {
    const { handler } = connectedHandler(allOn);
    const stub = stubOn(handler, 'tx-checks');
    batchingFor(stub).startWriteBatch();
    expect(() => stub.putPrivateData('', 'k', bytes('v'))).to.throw('collection must be a valid string');
    expect(() => stub.putPrivateData('c', '', bytes('v'))).to.throw('key must be a valid string');
    expect(() => stub.purgePrivateData('', 'k')).to.throw('collection must be a valid string');
  });

  it('reads many keys with GET_STATE_MULTIPLE, in slices of the announced size', async () => {
    const { stream, handler } = connectedHandler(allOn);
    const ledger: Record<string, string> = { k1: '{"n":1}', k3: '{"n":3}' };
    stream.reply = (msg) => {
      if (msg.getType() !== MessageType.GET_STATE_MULTIPLE) return undefined;
      const keys = peer.GetStateMultiple.deserializeBinary(msg.getPayload_asU8()).getKeysList();
      const res = new peer.GetStateMultipleResult();
      res.setValuesList(keys.map((k) => bytes(ledger[k] ?? '')));
      return { type: RESPONSE, payload: res.serializeBinary() };
    };
    const stub = stubOn(handler, 'tx-read');
    const values = await getRecords<{ n: number }>({ stub } as unknown as Context, ['k1', 'k2', 'k3']);
    expect(values).to.deep.equal([{ n: 1 }, undefined, { n: 3 }]);
    expect(stream.sent.filter((m) => m.getType() === MessageType.GET_STATE_MULTIPLE)).to.have.length(2);
    expect(stream.sent.some((m) => m.getType() === peer.ChaincodeMessage.Type.GET_STATE)).to.equal(false);
  });

  it('leaves the stub alone when the peer announced nothing (Fabric before 3.1)', async () => {
    const { stream, handler } = connectedHandler(new Uint8Array(0));
    stream.reply = (msg) =>
      msg.getType() === peer.ChaincodeMessage.Type.PUT_STATE ? { type: RESPONSE, payload: new Uint8Array(0) } : undefined;
    const stub = stubOn(handler, 'tx-old-peer');
    expect(PeerBatchChannel.of(stub)).to.equal(undefined);
    batchingFor(stub).startWriteBatch();
    // nothing patched: the write methods are still the shim's own, from its prototype
    expect(Object.getOwnPropertyNames(stub).filter((n) => /State|PrivateData/.test(n))).to.deep.equal([]);
    await stub.putState('a', bytes('1'));
    expect(stream.sent.map((m) => m.getType())).to.include(peer.ChaincodeMessage.Type.PUT_STATE);
  });

  it('does nothing for stubs that are not the shim’s (unit-test fakes)', () => {
    expect(PeerBatchChannel.of({ getState: () => Promise.resolve(new Uint8Array(0)) })).to.equal(undefined);
  });
});
