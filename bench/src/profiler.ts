import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as inspector from 'node:inspector';
import * as path from 'node:path';

import { OPS_HOST, peerOrgs, resolveConfig } from '@xborder/network';
import type { NetworkOptions } from '@xborder/network';

import { renderSelfTimes } from './cpuprofile';

/**
 * CPU profiles of one measured window (`npm run bench -- --profile`): Go pprof from each peer and a V8
 * profile from each chaincode server (SIGUSR2 starts and stops it; see network/runtime). Files land in
 * `outDir` as `<label>-<process>.pprof` / `.cpuprofile`, each with a `.txt` summary of the top functions.
 */
export interface ProfileCapture {
  /** Ends the window; resolves with the files written. */
  stop(): Promise<string[]>;
}

function fetchToFile(url: string, file: string): Promise<void> {
  return new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        if (res.statusCode !== 200) {
          reject(new Error(`${url}: HTTP ${String(res.statusCode)}`));
          res.resume();
          return;
        }
        const out = fs.createWriteStream(file);
        res.pipe(out);
        out.on('finish', () => {
          resolve();
        });
        out.on('error', reject);
      })
      .on('error', reject);
  });
}

function chaincodePids(runDir: string): { name: string; pid: number }[] {
  return fs
    .readdirSync(runDir)
    .filter((f) => f.startsWith('cc-') && f.endsWith('.pid'))
    .map((f) => ({ name: f.slice(0, -4), pid: Number(fs.readFileSync(path.join(runDir, f), 'utf8').trim()) }));
}

async function waitForFile(dir: string, prefix: string, known: ReadonlySet<string>, timeoutMs: number): Promise<string | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const found = fs.existsSync(dir) ? fs.readdirSync(dir).find((f) => f.startsWith(`${prefix}-`) && !known.has(f)) : undefined;
    if (found) return path.join(dir, found);
    await new Promise((r) => setTimeout(r, 100));
  }
  return undefined;
}

/** A V8 profile of this process (the load generator and the SDK under it). */
function startClientProfile(): { stop(): Promise<object> } {
  const session = new inspector.Session();
  session.connect();
  const post = (method: string): Promise<unknown> =>
    new Promise((resolve, reject) => {
      session.post(method, (err, result) => {
        if (err) reject(err);
        else resolve(result);
      });
    });
  const started = post('Profiler.enable').then(() => post('Profiler.start'));
  return {
    async stop(): Promise<object> {
      await started;
      const result = (await post('Profiler.stop')) as { profile: object };
      session.disconnect();
      return result.profile;
    },
  };
}

export function startCapture(network: NetworkOptions, seconds: number, outDir: string, label: string): ProfileCapture {
  const config = resolveConfig(network);
  const runDir = path.join(config.home, 'run');
  const profileDir = path.join(config.home, 'profiles');
  fs.mkdirSync(outDir, { recursive: true });
  const known = new Set(fs.existsSync(profileDir) ? fs.readdirSync(profileDir) : []);
  const servers = chaincodePids(runDir);
  for (const s of servers) process.kill(s.pid, 'SIGUSR2');
  const client = startClientProfile();
  const peerBinary = path.join(config.fabricHome, 'bin', 'peer');
  const peers = peerOrgs(config).map((org) => {
    const file = path.join(outDir, `${label}-${org.peer.name}.pprof`);
    const url = `http://${OPS_HOST}:${String(org.peer.pprofPort)}/debug/pprof/profile?seconds=${String(seconds)}`;
    return { file, done: fetchToFile(url, file) };
  });
  return {
    async stop(): Promise<string[]> {
      const files: string[] = [];
      for (const s of servers) process.kill(s.pid, 'SIGUSR2');
      const clientFile = path.join(outDir, `${label}-client.cpuprofile`);
      fs.writeFileSync(clientFile, JSON.stringify(await client.stop()));
      fs.writeFileSync(`${clientFile}.txt`, renderSelfTimes(clientFile, 40));
      files.push(clientFile);
      for (const s of servers) {
        const written = await waitForFile(profileDir, s.name, known, 10_000);
        if (!written) continue;
        const file = path.join(outDir, `${label}-${s.name}.cpuprofile`);
        fs.renameSync(written, file);
        fs.writeFileSync(`${file}.txt`, renderSelfTimes(file, 40));
        files.push(file);
      }
      for (const p of peers) {
        await p.done;
        const top = execFileSync('go', ['tool', 'pprof', '-top', '-nodecount=40', peerBinary, p.file], {
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        fs.writeFileSync(`${p.file}.txt`, top);
        files.push(p.file);
      }
      return files;
    },
  };
}
