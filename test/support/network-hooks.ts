/**
 * Mocha root hooks for the integration suite: the real network is started once per test run (in its
 * own home and on shifted ports, so a demo network can keep running) and stopped at the end, also
 * after failures. XB_TEST_REUSE=1 keeps a running test network between runs (no clean, no down).
 */
import * as path from 'node:path';

import { seedRegistry } from '@xborder/cli';
import { clean, down, status, up } from '@xborder/network';
import type { NetworkOptions } from '@xborder/network';
import { REPO_ROOT } from './paths';

const repoRoot = REPO_ROOT;

export const testNetwork: NetworkOptions = {
  home: process.env.XB_TEST_HOME ?? path.join(repoRoot, '.xborder-test'),
  portOffset: Number.parseInt(process.env.XB_TEST_PORT_OFFSET ?? '20000', 10),
  repoRoot,
  // so the benchmark smoke run can check the profiling harness too (pprof on loopback, a signal handler)
  profiling: true,
};

const reuse = process.env.XB_TEST_REUSE === '1';
const log = (line: string): void => {
  if (process.env.XB_TEST_VERBOSE === '1') process.stdout.write(`      [network ${new Date().toISOString().slice(11, 23)}] ${line}\n`);
};

process.env.XB_HOME = testNetwork.home;

async function healthy(): Promise<boolean> {
  try {
    const s = await status(testNetwork);
    return s.processes.length > 0 && s.processes.every((p) => p.healthy);
  } catch {
    return false;
  }
}

export const mochaHooks = {
  async beforeAll(this: Mocha.Context): Promise<void> {
    this.timeout(30 * 60_000);
    if (!reuse || !(await healthy())) await clean(testNetwork, log);
    await up(testNetwork, log);
    log('registering the seed institutions and their signing keys');
    await seedRegistry(path.join(repoRoot, 'examples', 'institutions.json'), testNetwork.home ?? '');
  },
  async afterAll(this: Mocha.Context): Promise<void> {
    this.timeout(120_000);
    if (!reuse) await down(testNetwork, log);
  },
};
