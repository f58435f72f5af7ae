/** Where the tests find the repository and the data beside it, wherever their compiled files sit. */
import * as fs from 'node:fs';
import * as path from 'node:path';

function findRepoRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'tsconfig.base.json')) && fs.existsSync(path.join(dir, 'protocol'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no xborder repository above ${start}`);
  }
}

export const REPO_ROOT = findRepoRoot(__dirname);
/** Captured blocks, proofs and golden files the tests compare with. */
export const FIXTURES = path.join(REPO_ROOT, 'test', 'fixtures');
export const EXAMPLES = path.join(REPO_ROOT, 'examples');
/** Public test data beside the repository (OASIS STIX schemas, RFC 8785 vectors), read in place. */
export const SHARED_DATA = path.join(REPO_ROOT, '..', 'shared', 'data');
