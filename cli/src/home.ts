import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The network home: `XB_HOME`, else the nearest `.xborder` folder at or above the working directory.
 */
export function defaultHome(env: Readonly<Record<string, string | undefined>> = process.env, cwd = process.cwd()): string {
  const fromEnv = env.XB_HOME;
  if (fromEnv !== undefined && fromEnv !== '') return path.resolve(fromEnv);
  let dir = path.resolve(cwd);
  for (;;) {
    const candidate = path.join(dir, '.xborder');
    if (fs.existsSync(path.join(candidate, 'identities'))) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) return path.join(path.resolve(cwd), '.xborder');
    dir = parent;
  }
}
