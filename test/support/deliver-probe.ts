/**
 * Reads a peer's deliver service as one identity, the way a member who cheats would: whole blocks with
 * their private data (`DeliverWithPrivateData`) and whole blocks, from block 0 to the current height.
 * Used in-process by the single-host tests and, as a command, inside another host's network namespace
 * by the two-hosts test:
 *
 *   node deliver-probe.js <home> <canary> <identity>...
 *
 * prints one JSON line: for each identity, each peer its profile names and each door, whether the peer
 * refused it and whether the canary came through.
 */
import type { Network } from '@hyperledger/fabric-gateway';
import { connect, loadProfile } from '@xborder/sdk';

export type Door = 'getBlockAndPrivateDataEvents' | 'getBlockEvents';
export const DOORS: readonly Door[] = ['getBlockAndPrivateDataEvents', 'getBlockEvents'];

/**
 * Reads a deliver stream from block 0 up to `height`: what it delivered (as text, to search for a
 * canary), or the error the peer answered with.
 */
export async function drain(network: Network, door: Door, height: bigint): Promise<{ bytes: string; refused?: string }> {
  const abort = new AbortController();
  const timer = setTimeout(() => {
    abort.abort();
  }, 30_000);
  const events = await network[door]({ startBlock: 0n });
  let bytes = '';
  try {
    for await (const event of events) {
      if (abort.signal.aborted) throw new Error(`${door}: no answer within 30 s`);
      bytes += Buffer.from(event.serializeBinary()).toString('latin1');
      const number =
        'getBlock' in event
          ? event.getBlock()?.getHeader()?.getNumber()
          : (event as { getHeader(): { getNumber(): number } | undefined }).getHeader()?.getNumber();
      if (number !== undefined && BigInt(number) >= height - 1n) break;
    }
    return { bytes };
  } catch (err) {
    return { bytes, refused: err instanceof Error ? err.message : String(err) };
  } finally {
    clearTimeout(timer);
    events.close();
  }
}

export interface ProbeResult {
  readonly identity: string;
  readonly peer: string;
  readonly door: Door;
  readonly refused: string | null;
  readonly leaked: boolean;
  readonly blocks: number;
}

/** Both doors at `peer` as `identity` of the network in `home`, searching for `canary`. */
export async function probe(home: string, identity: string, peer: string, canary: string): Promise<ProbeResult[]> {
  const client = connect({ identity, home, peer });
  try {
    const height = BigInt(await client.audit.height().catch(() => 1));
    const network = client.gateway.getNetwork(loadProfile(identity, home).channel);
    const results: ProbeResult[] = [];
    for (const door of DOORS) {
      const got = await drain(network, door, height);
      results.push({ identity, peer, door, refused: got.refused ?? null, leaked: got.bytes.includes(canary), blocks: got.bytes.length });
    }
    return results;
  } finally {
    client.close();
  }
}

/** Every peer each identity's profile names, both doors. */
async function probeAll(home: string, canary: string, identities: readonly string[]): Promise<ProbeResult[]> {
  const results: ProbeResult[] = [];
  for (const identity of identities)
    for (const peer of loadProfile(identity, home).peers) results.push(...(await probe(home, identity, peer.name, canary)));
  return results;
}

if (require.main === module) {
  const [home, canary, ...identities] = process.argv.slice(2);
  if (home === undefined || canary === undefined || identities.length === 0) {
    process.stderr.write('usage: deliver-probe <home> <canary> <identity>...\n');
    process.exit(2);
  }
  probeAll(home, canary, identities).then(
    (results) => {
      process.stdout.write(`${JSON.stringify(results)}\n`);
    },
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
