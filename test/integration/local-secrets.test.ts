/**
 * Another local user against the running network: every process's command line is world-readable
 * in /proc, so no secret may be on one; logs, keys and CA secrets must be readable by their owner only.
 * The attack runs as an unprivileged user (uid 65534) when the tests run as root.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { expect } from 'chai';

import { testNetwork } from '../support/network-hooks';

const OTHER_USER = 65534;

function walk(dir: string, out: string[] = []): string[] {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(full, out);
    else if (entry.isFile()) out.push(full);
  }
  return out;
}

/** What an attacker must not find: CA enrollment secrets, the party-commitment keys, private key bodies. */
function secretsOf(home: string): { where: string; value: string }[] {
  const out: { where: string; value: string }[] = [];
  for (const file of walk(home)) {
    const name = path.basename(file);
    if (name === 'secrets.json') {
      for (const [id, value] of Object.entries(JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, string>))
        out.push({ where: `${path.relative(home, file)}:${id}`, value });
    } else if (name === 'party-keys.json') {
      for (const k of (JSON.parse(fs.readFileSync(file, 'utf8')) as { keys: { id: string; secret: string }[] }).keys)
        out.push({ where: `${path.relative(home, file)}:${k.id}`, value: k.secret });
    } else if (name === 'priv_sk' || name.endsWith('.key') || name.endsWith('_sk')) {
      const body = fs
        .readFileSync(file, 'utf8')
        .split('\n')
        .filter((l) => l && !l.startsWith('-----'))
        .join('');
      if (body.length >= 32) out.push({ where: path.relative(home, file), value: body.slice(0, 48) });
    }
  }
  return out;
}

function asOtherUser(command: string, args: string[]): { code: number | null; stdout: string } {
  const r = spawnSync(command, args, { uid: OTHER_USER, gid: OTHER_USER, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout };
}

describe('local secrets against another user of the machine', () => {
  const home = testNetwork.home ?? '';
  const pids = (): { name: string; pid: number }[] =>
    fs
      .readdirSync(path.join(home, 'run'))
      .filter((f) => f.endsWith('.pid'))
      .map((f) => ({ name: f.replace(/\.pid$/, ''), pid: Number(fs.readFileSync(path.join(home, 'run', f), 'utf8').trim()) }));

  it('finds no secret on any process command line or in any log', () => {
    const secrets = secretsOf(home);
    expect(secrets.filter((s) => s.where.endsWith(':admin')).length, 'the CA bootstrap secrets are known to the test').to.be.at.least(4);
    const running = pids().filter(({ pid }) => fs.existsSync(`/proc/${String(pid)}/cmdline`));
    expect(running.map((p) => p.name)).to.include.members(['ca-hk', 'ca-th', 'peer0.hk', 'orderer0', 'cc-xborder-hk']);
    for (const { name, pid } of running) {
      const cmdline = fs
        .readFileSync(`/proc/${String(pid)}/cmdline`, 'utf8')
        .split('\0')
        .join(' ');
      for (const s of secrets) expect(cmdline.includes(s.value), `${name}'s command line holds ${s.where}`).to.equal(false);
    }
    const logs = walk(path.join(home, 'logs'));
    expect(logs.length).to.be.greaterThan(5);
    for (const log of logs) {
      const text = fs.readFileSync(log, 'utf8');
      for (const s of secrets) expect(text.includes(s.value), `${path.basename(log)} holds ${s.where}`).to.equal(false);
    }
  });

  it('keeps the network folder, keys, secrets and logs to their owner (0700 folders, 0600 files)', () => {
    expect(fs.statSync(home).mode & 0o777).to.equal(0o700);
    const sensitive = walk(home).filter((f) =>
      /(^priv_sk$|_sk$|\.key$|^secrets\.json$|^party-keys\.json$|\.log$|\.tgz$|\.db$)/.test(path.basename(f)),
    );
    expect(sensitive.length).to.be.greaterThan(20);
    // chaincode packages (they hold the chaincode client's TLS key) and the CAs' databases among them
    expect(sensitive.filter((f) => f.endsWith('.tgz')).length, 'chaincode packages').to.be.at.least(2);
    expect(sensitive.filter((f) => f.endsWith('.db')).length, 'CA databases').to.be.at.least(3);
    for (const f of sensitive) expect(fs.statSync(f).mode & 0o077, path.relative(home, f)).to.equal(0);
  });

  it('as another local user: reads command lines but no key, secret, log or environment', function () {
    if (process.getuid?.() !== 0) this.skip(); // switching users needs root
    const [ca] = pids().filter((p) => p.name === 'ca-hk');
    expect(ca).to.not.equal(undefined);
    const cmdline = asOtherUser('cat', [`/proc/${String(ca!.pid)}/cmdline`]);
    expect(cmdline.code, 'command lines are world-readable: that is why secrets must not be there').to.equal(0);
    for (const s of secretsOf(home)) expect(cmdline.stdout.includes(s.value)).to.equal(false);
    expect(asOtherUser('cat', [`/proc/${String(ca!.pid)}/environ`]).code, 'the environment is the owner’s').to.not.equal(0);
    // the files themselves: only meaningful where the other user can reach the network folder's parent
    if (asOtherUser('ls', [path.dirname(home)]).code !== 0) return;
    expect(asOtherUser('ls', [home]).code).to.not.equal(0);
    const key = walk(home).find((f) => path.basename(f) === 'priv_sk');
    expect(key).to.not.equal(undefined);
    expect(asOtherUser('cat', [key!]).code).to.not.equal(0);
    expect(asOtherUser('cat', [path.join(home, 'logs', 'ca-hk.log')]).code).to.not.equal(0);
  });
});
