/**
 * console/scripts/install-chromium.sh's version logic, without network access or root: the script runs
 * with a PATH of stand-ins for dpkg-query, apt-get, apt-cache and id that play a Debian machine whose
 * archive serves a given candidate; apt-get's stand-in records what it was asked and "installs" a
 * chromium that reports the installed build.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { expect } from 'chai';

const script = path.resolve(__dirname, '..', '..', '..', '..', 'console', 'scripts', 'install-chromium.sh');

interface FakeDebian {
  /** The installed package's version, if any. */
  installed?: string;
  /** What `apt-cache policy chromium` names as the candidate ('(none)' when the archive has none). */
  candidate: string;
  /** What the installed chromium reports, when it differs from the package version. */
  reports?: string;
  env?: Record<string, string>;
}

interface Outcome {
  status: number | null;
  stdout: string;
  stderr: string;
  /** Every apt-get call, one per line. */
  apt: string[];
  bin: string;
}

function tool(dir: string, name: string, body: string): void {
  fs.writeFileSync(path.join(dir, name), `#!/bin/bash\n${body}\n`, { mode: 0o755 });
}

/** A chromium stand-in that prints the version line the Debian build prints. */
function browser(dir: string, name: string, version: string): string {
  const file = path.join(dir, name);
  tool(dir, name, `echo "Chromium ${version} built on Debian GNU/Linux 12 (bookworm)"`);
  return file;
}

/** A system command's own path (the stand-ins' PATH holds nothing of the machine's). */
function system(name: string): string {
  const found = ['/usr/bin', '/bin'].map((d) => path.join(d, name)).find((p) => fs.existsSync(p));
  if (found === undefined) throw new Error(`${name} not found`);
  return found;
}

function run(fake: FakeDebian): Outcome {
  const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'xb-chromium-'));
  const log = path.join(bin, 'apt.log');
  // only these commands exist: nothing of the real machine (its own chromium, apt, sudo) can answer
  for (const real of ['sed', 'head', 'tail', 'mktemp', 'rm']) fs.symlinkSync(system(real), path.join(bin, real));
  tool(bin, 'id', 'echo 0');
  tool(bin, 'dpkg-query', fake.installed !== undefined ? `printf '%s' '${fake.installed}'` : 'exit 1');
  tool(
    bin,
    'apt-cache',
    `printf 'chromium:\\n  Installed: ${fake.installed ?? '(none)'}\\n  Candidate: ${fake.candidate}\\n  Version table:\\n'`,
  );
  const reports = fake.reports ?? fake.installed?.replace(/-.*/, '') ?? fake.candidate.replace(/-.*/, '');
  tool(
    bin,
    'apt-get',
    `echo "$*" >> '${log}'
case "$*" in
  *install*chromium=*) printf '#!/bin/bash\\necho "Chromium ${reports} built on Debian GNU/Linux 12 (bookworm)"\\n' > '${bin}/chromium'; '${system('chmod')}' 755 '${bin}/chromium' ;;
esac`,
  );
  if (fake.installed !== undefined) browser(bin, 'chromium', reports);
  const env: Record<string, string> = { PATH: bin, HOME: bin, ...fake.env };
  const result = spawnSync('/bin/bash', [script], { env, encoding: 'utf8', timeout: 20_000 });
  const apt = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n') : [];
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, apt, bin };
}

describe('install-chromium.sh: what the archive serves, within the supported range', () => {
  const made: string[] = [];
  const check = (fake: FakeDebian): Outcome => {
    const o = run(fake);
    made.push(o.bin);
    return o;
  };
  after(() => {
    for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("installs the archive's current candidate (no exact build pinned) and says which build it uses", () => {
    const o = check({ candidate: '156.0.9999.1-1~stub1' });
    expect(o.status, o.stderr).to.equal(0);
    expect(o.apt).to.include('install -y -qq --no-install-recommends chromium=156.0.9999.1-1~stub1');
    expect(o.stdout.trim().split('\n').at(-1)).to.equal(path.join(o.bin, 'chromium'));
    expect(o.stderr).to.include('installing chromium 156.0.9999.1-1~stub1');
    expect(o.stderr).to.include('using Chromium 156.0.9999.1');
  });

  it('accepts a newer major than the floor, the build after the one once pinned included', () => {
    for (const candidate of ['156.0.8078.200-1~stub1', '163.0.9000.1-1~stub1']) {
      const o = check({ candidate });
      expect(o.status, o.stderr).to.equal(0);
      expect(o.apt.at(-1)).to.equal(`install -y -qq --no-install-recommends chromium=${candidate}`);
    }
  });

  it('refuses a candidate below the floor with a clear message, and installs nothing', () => {
    const o = check({ candidate: '150.0.7871.100-1~stub1' });
    expect(o.status).to.equal(1);
    expect(o.stderr).to.include('the Debian archive offers chromium 150.0.7871.100-1~stub1, older than the supported floor (major 156)');
    expect(o.stderr).to.include('XB_CHROMIUM');
    expect(o.apt.filter((c) => c.startsWith('install'))).to.deep.equal([]);
    expect(o.stdout).to.equal('');
  });

  it('takes a lower floor when XB_CHROMIUM_MIN_MAJOR says so', () => {
    const o = check({ candidate: '150.0.7871.100-1~stub1', env: { XB_CHROMIUM_MIN_MAJOR: '150' } });
    expect(o.status, o.stderr).to.equal(0);
    expect(o.apt.at(-1)).to.equal('install -y -qq --no-install-recommends chromium=150.0.7871.100-1~stub1');
  });

  it('says so when the archive has no chromium at all', () => {
    const o = check({ candidate: '(none)' });
    expect(o.status).to.equal(1);
    expect(o.stderr).to.include('offers no chromium package');
  });

  it('keeps an installed build within range without touching apt, and replaces one below the floor', () => {
    const kept = check({ installed: '157.0.8100.5-1~stub1', candidate: '158.0.1.1-1~stub1' });
    expect(kept.status, kept.stderr).to.equal(0);
    expect(kept.apt).to.deep.equal([]);
    expect(kept.stderr).to.include('Debian package chromium 157.0.8100.5-1~stub1');
    const replaced = check({ installed: '120.0.6099.224-1~stub1', candidate: '156.0.9999.1-1~stub1', reports: '156.0.9999.1' });
    expect(replaced.status, replaced.stderr).to.equal(0);
    expect(replaced.apt.at(-1)).to.equal('install -y -qq --no-install-recommends chromium=156.0.9999.1-1~stub1');
  });

  it('checks the installed browser itself: a build reporting a major below the floor is refused', () => {
    const o = check({ candidate: '156.0.9999.1-1~stub1', reports: '140.0.1.1' });
    expect(o.status).to.equal(1);
    expect(o.stderr).to.match(/reports 'Chromium 140\.0\.1\.1 .*', older than the supported floor \(major 156\)/);
  });

  it('XB_CHROMIUM wins over apt, and is still checked against the floor', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xb-own-chromium-'));
    made.push(dir);
    const good = browser(dir, 'good', '160.0.1.2');
    const o = check({ candidate: '156.0.9999.1-1~stub1', env: { XB_CHROMIUM: good } });
    expect(o.status, o.stderr).to.equal(0);
    expect(o.stdout.trim()).to.equal(good);
    expect(o.apt).to.deep.equal([]);
    const old = check({ candidate: '156.0.9999.1-1~stub1', env: { XB_CHROMIUM: browser(dir, 'old', '101.0.1.1') } });
    expect(old.status).to.equal(1);
    expect(old.stderr).to.include('older than the supported floor');
    const missing = check({ candidate: '156.0.9999.1-1~stub1', env: { XB_CHROMIUM: path.join(dir, 'nothing') } });
    expect(missing.status).to.equal(1);
    expect(missing.stderr).to.include('is not an executable file');
  });
});
