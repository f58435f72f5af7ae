/** The `xborder` command as npm links it (`npx xborder`): the committed launcher runs the built CLI. */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

import { expect } from 'chai';

import { REPO_ROOT } from '../../test/support/paths';

const LAUNCHER = path.join(REPO_ROOT, 'cli', 'bin', 'xborder.js');

describe('xborder launcher', () => {
  it('runs the CLI: help exits 0 with the usage, an unknown command exits 2', () => {
    const help = spawnSync(process.execPath, [LAUNCHER, '--help'], { encoding: 'utf8' });
    expect(help.status, help.stderr).to.equal(0);
    expect(help.stdout)
      .to.match(/^Usage: xborder/m)
      .and.to.match(/intel/);
    const unknown = spawnSync(process.execPath, [LAUNCHER, 'teleport'], { encoding: 'utf8' });
    expect(unknown.status).to.equal(2);
  });
});
