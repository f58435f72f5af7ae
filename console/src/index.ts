/**
 * @xborder/console: the auditor console, a read-only web page over the ledger served on loopback as
 * one auditor identity. {@link startConsole} reads the overview, follows the ledger and serves the page.
 */
import * as path from 'node:path';

import type { XborderClient } from '@xborder/sdk';

import { LedgerView } from './ledger-view';
import { createConsoleServer } from './server';

export { ActivityIndex } from './activity';
export type { ActivitySnapshot, IntelDay, OpenDispute, PaymentDay } from './activity';
export { ChangeFeed } from './change-feed';
export type { Change } from './change-feed';
export { LedgerView } from './ledger-view';
export type { CosignedCheckpoint, Overview } from './api-types';
export { createConsoleServer } from './server';
export type { ConsoleServerOptions } from './server';
export { cookieValue, newAccessToken, SESSION_COOKIE, Sessions } from './sessions';

/** The built page (esbuild output of console/web). */
export const WEB_DIR = path.join(__dirname, 'web');

export interface ConsoleOptions {
  /** An auditor's connection; the console only evaluates. */
  readonly client: XborderClient;
  readonly accessToken: string;
  readonly host?: string;
  readonly port?: number;
  /** Days of activity in the overview (default 30). */
  readonly days?: number;
  readonly chaincode?: string;
  readonly tls?: { readonly cert: string; readonly key: string };
  readonly anchorText?: string;
  readonly anchorSource?: string;
  /** Follower problems (the console keeps serving and resumes). */
  readonly onError?: (message: string) => void;
}

export interface RunningConsole {
  /** The address to open (without the token). */
  readonly url: string;
  readonly view: LedgerView;
  /** Stops serving and following; does not close the client. */
  close(): Promise<void>;
}

/** Builds the overview, starts following and serves the console. */
export async function startConsole(options: ConsoleOptions): Promise<RunningConsole> {
  const view = new LedgerView(options.client, {
    days: options.days ?? 30,
    ...(options.chaincode !== undefined ? { chaincode: options.chaincode } : {}),
    ...(options.onError ? { onError: options.onError } : {}),
  });
  await view.start();
  const app = createConsoleServer({
    view,
    accessToken: options.accessToken,
    webDir: WEB_DIR,
    ...(options.tls ? { tls: options.tls } : {}),
    ...(options.anchorText !== undefined ? { anchorText: options.anchorText } : {}),
    ...(options.anchorSource !== undefined ? { anchorSource: options.anchorSource } : {}),
  });
  const host = options.host ?? '127.0.0.1';
  try {
    await app.listen({ host, port: options.port ?? 9480 });
  } catch (err) {
    await view.close();
    throw err;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : (options.port ?? 9480);
  app.hosts(host, port);
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `${options.tls ? 'https' : 'http'}://${shownHost}:${String(port)}/`,
    view,
    close: async () => {
      await app.close();
      await view.close();
    },
  };
}
