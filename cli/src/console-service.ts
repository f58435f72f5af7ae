/**
 * The auditor console as a service of the single-machine network: started by `npm start` after the
 * demo, next to the network's own processes (pid and log files in the network home), so `npm run
 * network:down` stops it with them. Its address with the access token goes to an owner-only file.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { loadConfig, paths, processManager } from '@xborder/network';

/** The console's base port; the network's port offset is added, as to every port of the network. */
export const CONSOLE_BASE_PORT = 9480;

export interface ConsoleService {
  readonly url: string;
  /** Owner-only file holding the address with the access token. */
  readonly accessFile: string;
  readonly state: 'started' | 'running';
}

/** Starts (or finds running) the console of `identity` for the network in `home`; resolves once it listens. */
export async function startConsoleService(home: string, identity = 'audit-1'): Promise<ConsoleService> {
  const config = loadConfig({ home });
  const saved = JSON.parse(fs.readFileSync(paths(config).state, 'utf8')) as { portOffset?: number };
  const port = CONSOLE_BASE_PORT + (saved.portOffset ?? 0);
  const accessFile = path.join(config.home, 'console', `${identity}.url`);
  const state = await processManager(config).start({
    name: `console-${identity}`,
    command: process.execPath,
    args: [
      path.join(config.repoRoot, 'cli', 'dist', 'main.js'),
      'console',
      '--as',
      identity,
      '--port',
      String(port),
      '--access-file',
      accessFile,
    ],
    env: { XB_HOME: config.home },
    ports: [{ host: '127.0.0.1', port }],
    readiness: { kind: 'tcp', host: '127.0.0.1', port },
  });
  return { url: `http://127.0.0.1:${String(port)}/`, accessFile, state };
}
