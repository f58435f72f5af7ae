import * as grpc from '@grpc/grpc-js';

import type { PeerEndpoint } from './profile';

interface Entry {
  client: grpc.Client;
  refs: number;
}

const pool = new Map<string, Entry>();

/**
 * One gRPC connection per peer endpoint (and TLS root) in this process, shared by every identity that
 * connects through it; closed when the last user releases it.
 */
export function acquireConnection(peer: PeerEndpoint): { client: grpc.Client; release: () => void } {
  const key = `${peer.endpoint}\u0000${peer.tlsRootCert}`;
  let entry = pool.get(key);
  if (!entry) {
    const credentials = grpc.credentials.createSsl(Buffer.from(peer.tlsRootCert));
    entry = {
      client: new grpc.Client(peer.endpoint, credentials, {
        'grpc.keepalive_time_ms': 120_000,
        'grpc.max_receive_message_length': 100 * 1024 * 1024,
        // channelz keeps per-call statistics nobody reads here; off, it saves client CPU at high rates
        'grpc.enable_channelz': 0,
      }),
      refs: 0,
    };
    pool.set(key, entry);
  }
  entry.refs++;
  let released = false;
  const held = entry;
  return {
    client: held.client,
    release: () => {
      if (released) return;
      released = true;
      held.refs--;
      if (held.refs === 0) {
        held.client.close();
        pool.delete(key);
      }
    },
  };
}
