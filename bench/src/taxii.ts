/**
 * The TAXII server under load on a real ledger: pages of 100 objects with their content read by
 * several clients at once (objects/s, latency per page), and 1,000 objects posted in one envelope
 * against the same 1,000 objects submitted with `ingestStix` (what `intel submit` does), alternating.
 */
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as os from 'node:os';
import * as path from 'node:path';

import type { NetworkOptions } from '@xborder/network';
import { ingestStix } from '@xborder/sdk';
import type { XborderClient } from '@xborder/sdk';
import { IndexFollower } from '@xborder/ledger-index';
import { createTaxiiServer, IndexSource, newToken, TAXII_MEDIA_TYPE } from '@xborder/taxii';

import { percentile } from './load';
import { benchIndicator } from './scenarios';

export interface TaxiiBench {
  readonly records: number;
  readonly readers: number;
  readonly pages: number;
  readonly objectsPerSecond: number;
  readonly pageMs: { p50: number; p95: number; p99: number; max: number };
  readonly post: { objects: number; taxiiObjectsPerSecond: number[]; ingestObjectsPerSecond: number[]; ratio: number };
  /** The server's ledger index built from genesis before it answers: versions, blocks, seconds. */
  readonly index: { versions: number; blocks: number; seconds: number; versionsPerSecond: number };
}

interface Answer {
  status: number;
  body: string;
}

function call(agent: https.Agent, url: string, token: string, method = 'GET', body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      url,
      {
        method,
        agent,
        headers: {
          accept: TAXII_MEDIA_TYPE,
          authorization: `Bearer ${token}`,
          ...(body !== undefined ? { 'content-type': TAXII_MEDIA_TYPE } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Runs both measurements against a TAXII server of `client`'s institution started for them. */
export async function measureTaxii(
  network: NetworkOptions,
  client: XborderClient,
  records: number,
  log: (line: string) => void,
): Promise<TaxiiBench> {
  const home = network.home ?? '';
  const tls = path.join(home, 'orgs', 'hk', 'taxii', 'tls');
  const state = fs.mkdtempSync(path.join(os.tmpdir(), 'xb-bench-taxii-'));
  const { token, sha256 } = newToken();
  // the server lists from its ledger index, built here from genesis (what a first start does)
  const follower = await IndexFollower.open(client, path.join(state, 'index.sqlite'));
  const built = process.hrtime.bigint();
  log('taxii: building the ledger index from genesis');
  const blocks = await follower.catchUp();
  const buildSeconds = Number(process.hrtime.bigint() - built) / 1e9;
  const versions = follower.status.versions;
  log(`taxii: index of ${String(versions)} versions from ${String(blocks)} blocks in ${buildSeconds.toFixed(1)} s`);
  follower.start();
  const server = createTaxiiServer({
    source: new IndexSource(client, follower),
    stateDir: state,
    credentials: { tokens: [{ name: 'bench', sha256 }] },
    tls: { cert: fs.readFileSync(path.join(tls, 'server.crt'), 'utf8'), key: fs.readFileSync(path.join(tls, 'server.key'), 'utf8') },
    maxContentLength: 64 * 1024 * 1024,
    rateLimitPerMinute: 1_000_000,
  });
  const agent = new https.Agent({ ca: fs.readFileSync(path.join(tls, 'ca.crt'), 'utf8'), keepAlive: true, maxSockets: 16 });
  try {
    const base = `${await server.app.listen({ host: '127.0.0.1', port: 0 })}/xborder/collections/shared/`;
    const readers = 4;
    const pagesEach = 25;
    log(`taxii: ${String(readers)} clients each paging ${String(pagesEach)} pages of 100 objects at ${String(records)} records`);
    const latencies: number[] = [];
    const startedAt = Date.now();
    let objects = 0;
    const t0 = Date.now();
    await Promise.all(
      Array.from({ length: readers }, async (_, r) => {
        // each client starts at another point of the ledger's newest hour, as independent feeds would
        // (a ledger grown by earlier bench versions starts with records of an older format that
        // TAXII skips as unreadable; they are not what a feed of this version serves)
        let url = `${base}objects/?limit=100&added_after=${new Date(startedAt - 3_600_000 + r * 600_000).toISOString()}`;
        for (let p = 0; p < pagesEach; p++) {
          const s = process.hrtime.bigint();
          const a = await call(agent, url, token);
          latencies.push(Number(process.hrtime.bigint() - s) / 1e6);
          if (a.status !== 200) throw new Error(`GET objects: ${String(a.status)} ${a.body.slice(0, 200)}`);
          const page = JSON.parse(a.body) as { more: boolean; next?: string; objects?: unknown[] };
          objects += page.objects?.length ?? 0;
          if (!page.more || page.next === undefined) break;
          url = `${base}objects/?limit=100&next=${encodeURIComponent(page.next)}`;
        }
      }),
    );
    const seconds = (Date.now() - t0) / 1000;
    latencies.sort((a, b) => a - b);

    const postObjects = 1000;
    const taxiiRates: number[] = [];
    const ingestRates: number[] = [];
    for (let round = 0; round < 2; round++) {
      const direct = Array.from({ length: postObjects }, (_, i) => ({ source: 'bench', index: i, object: benchIndicator(i) }));
      log(`taxii: ${String(postObjects)} objects with ingestStix (round ${String(round + 1)})`);
      let s = Date.now();
      const report = await ingestStix(client.intel, direct);
      if (report.submitted !== postObjects) throw new Error(`ingest submitted ${String(report.submitted)}`);
      ingestRates.push(Number((postObjects / ((Date.now() - s) / 1000)).toFixed(1)));

      log(`taxii: ${String(postObjects)} objects posted in one envelope (round ${String(round + 1)})`);
      const envelope = JSON.stringify({ objects: Array.from({ length: postObjects }, (_, i) => benchIndicator(i)) });
      s = Date.now();
      const accepted = await call(agent, `${base}objects/`, token, 'POST', envelope);
      if (accepted.status !== 202) throw new Error(`POST objects: ${String(accepted.status)} ${accepted.body.slice(0, 200)}`);
      await server.idle();
      const status = JSON.parse(
        (
          await call(
            agent,
            `${base.replace(/collections\/shared\/$/, '')}status/${(JSON.parse(accepted.body) as { id: string }).id}/`,
            token,
          )
        ).body,
      ) as { status: string; success_count: number };
      if (status.status !== 'complete' || status.success_count !== postObjects)
        throw new Error(`status ${JSON.stringify(status).slice(0, 200)}`);
      taxiiRates.push(Number((postObjects / ((Date.now() - s) / 1000)).toFixed(1)));
    }
    const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
    return {
      records,
      readers,
      pages: latencies.length,
      objectsPerSecond: Number((objects / seconds).toFixed(1)),
      pageMs: {
        p50: Number(percentile(latencies, 50).toFixed(1)),
        p95: Number(percentile(latencies, 95).toFixed(1)),
        p99: Number(percentile(latencies, 99).toFixed(1)),
        max: Number(percentile(latencies, 100).toFixed(1)),
      },
      post: {
        objects: postObjects,
        taxiiObjectsPerSecond: taxiiRates,
        ingestObjectsPerSecond: ingestRates,
        ratio: Number((mean(taxiiRates) / mean(ingestRates)).toFixed(3)),
      },
      index: {
        versions,
        blocks,
        seconds: Number(buildSeconds.toFixed(1)),
        versionsPerSecond: Number((versions / buildSeconds).toFixed(1)),
      },
    };
  } finally {
    agent.destroy();
    await server.close();
    await follower.close();
    fs.rmSync(state, { recursive: true, force: true });
  }
}
