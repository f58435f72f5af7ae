/**
 * The auditor console's first view on a real ledger: the console reads its overview as an auditor,
 * then a real headless Chromium opens the page with the access token, cold (a new browser context
 * each time: no cache, no session), until the overview's charts are drawn.
 */
import { newAccessToken, startConsole } from '@xborder/console';
import type { XborderClient } from '@xborder/sdk';

import { launchChromium } from './browser';
import { percentile } from './load';

export interface ConsoleBench {
  readonly records: number;
  /** Intel versions in the overview's window. */
  readonly overviewIntel: number;
  /** Reading the overview from the ledger when the console starts. */
  readonly buildMs: number;
  readonly views: number;
  /** Navigation to charts drawn, token exchange included. */
  readonly firstViewMs: { p50: number; p95: number; max: number };
  /** `GET /api/overview` as the page asks for it. */
  readonly overviewApiMs: { p50: number; max: number };
  readonly overviewBytes: number;
  /** The browser build the views ran in (never pinned: the archive's current one). */
  readonly browser: string;
}

/** Opens the overview `views` times in fresh browser contexts and times each until the page says it is ready. */
export async function measureConsole(
  auditor: XborderClient,
  records: number,
  log: (line: string) => void,
  views = 20,
): Promise<ConsoleBench> {
  const token = newAccessToken();
  log('console: reading the overview');
  const running = await startConsole({ client: auditor, accessToken: token, port: 0 });
  let browser: Awaited<ReturnType<typeof launchChromium>> | undefined;
  try {
    browser = await launchChromium();
    const built = running.view.overview();
    const times: number[] = [];
    const api: number[] = [];
    let bytes = 0;
    for (let i = 0; i < views; i++) {
      const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
      const page = await context.newPage();
      const problems: string[] = [];
      page.on('pageerror', (e) => problems.push(e.message));
      const started = Date.now();
      await page.goto(`${running.url}#token=${token}`);
      try {
        await page.waitForSelector('body[data-ready="overview"]', { timeout: 30_000 });
      } catch (err) {
        const state = await page.evaluate(
          () => `${document.body.dataset.ready ?? 'not ready'}: ${document.querySelector('main')?.textContent.slice(0, 300) ?? ''}`,
        );
        throw new Error(
          `the overview did not open (${state}; ${problems.join('; ')}): ${err instanceof Error ? err.message : String(err)}`,
          {
            cause: err,
          },
        );
      }
      times.push(Date.now() - started);
      const entry = await page.evaluate(() => {
        const e = performance.getEntriesByType('resource').find((r) => r.name.endsWith('/api/overview')) as
          PerformanceResourceTiming | undefined;
        return e ? { ms: e.duration, bytes: e.decodedBodySize } : null;
      });
      if (entry) {
        api.push(entry.ms);
        bytes = entry.bytes;
      }
      await context.close();
    }
    const sorted = [...times].sort((a, b) => a - b);
    const apiSorted = [...api].sort((a, b) => a - b);
    return {
      records,
      overviewIntel: built.intel.total,
      buildMs: built.builtInMs,
      views,
      firstViewMs: { p50: percentile(sorted, 50), p95: percentile(sorted, 95), max: sorted.at(-1) ?? 0 },
      overviewApiMs: { p50: Math.round(percentile(apiSorted, 50)), max: Math.round(apiSorted.at(-1) ?? 0) },
      overviewBytes: bytes,
      browser: `Chromium ${browser.version()}`,
    };
  } finally {
    await browser?.close();
    await running.close();
  }
}
