import type { Command } from 'commander';

import { connect } from '@xborder/sdk';
import { defaultHome } from './home';
import type { XborderClient } from '@xborder/sdk';
import { newOutput } from './output';
import type { Output } from './output';

/** Options every command accepts. */
export interface GlobalOptions {
  as?: string;
  json?: boolean;
  home?: string;
  peer?: string;
}

export function globals(cmd: Command): GlobalOptions {
  return cmd.optsWithGlobals<GlobalOptions>();
}

export function outputFor(cmd: Command): Output {
  return newOutput(globals(cmd).json === true);
}

export function homeOf(cmd: Command): string {
  return globals(cmd).home ?? defaultHome();
}

/** Connects as `--as` (or XB_IDENTITY, else the given default), runs `fn`, always closes. */
export async function withClient<T>(
  cmd: Command,
  fallbackIdentity: string | undefined,
  fn: (client: XborderClient) => Promise<T>,
): Promise<T> {
  const g = globals(cmd);
  const identity = g.as ?? process.env.XB_IDENTITY ?? fallbackIdentity;
  const client = connect({
    ...(identity !== undefined ? { identity } : {}),
    home: homeOf(cmd),
    ...(g.peer !== undefined ? { peer: g.peer } : {}),
  });
  try {
    return await fn(client);
  } finally {
    client.close();
  }
}
