/**
 * A real headless Chromium for the console's tests and benchmark: the Debian `chromium` package (installed, pinned,
 * by console/scripts/install-chromium.sh, or XB_CHROMIUM), driven by playwright-core. No browser is
 * downloaded at run time.
 */
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

import { chromium } from 'playwright-core';
import type { Browser } from 'playwright-core';

/** Path of the Chromium executable, installing the package first if it is missing. */
export function chromiumPath(): string {
  const script = path.join(__dirname, '..', '..', 'console', 'scripts', 'install-chromium.sh');
  const out = execFileSync('bash', [script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: 10 * 60_000 });
  const exe = out.trim().split('\n').at(-1) ?? '';
  if (exe === '') throw new Error('install-chromium.sh printed no executable');
  return exe;
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    // Chromium's sandbox needs an unprivileged user; CI runs the tests as root
    args: process.getuid?.() === 0 ? ['--no-sandbox'] : [],
    timeout: 60_000,
  });
}
