#!/usr/bin/env node
/**
 * Summarises a V8 `.cpuprofile` (from a chaincode server started with profiling, or `node --cpu-prof`):
 * self time per function, highest first. `node bench/dist/cpuprofile.js FILE [--top N]`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface SelfTime {
  readonly fn: string;
  readonly where: string;
  readonly ms: number;
  readonly share: number;
}

function shortUrl(url: string): string {
  if (url === '') return '';
  const clean = url.replace(/^file:\/\//, '');
  const nm = clean.lastIndexOf('node_modules/');
  return nm >= 0 ? clean.slice(nm + 'node_modules/'.length) : path.relative(process.cwd(), clean);
}

/** Self time per function (summed over every node of that function), highest first. */
export function selfTimes(profile: CpuProfile): { total: number; rows: SelfTime[] } {
  const byNode = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  // each sample's duration is the delta to the next sample
  for (let i = 0; i < samples.length; i++) {
    const id = samples[i] ?? 0;
    const us = deltas[i + 1] ?? 0;
    byNode.set(id, (byNode.get(id) ?? 0) + us);
  }
  const byFn = new Map<string, { fn: string; where: string; us: number }>();
  let total = 0;
  for (const node of profile.nodes) {
    const us = byNode.get(node.id) ?? 0;
    total += us;
    const fn = node.callFrame.functionName || '(anonymous)';
    const where = node.callFrame.url ? `${shortUrl(node.callFrame.url)}:${String(node.callFrame.lineNumber + 1)}` : '';
    const k = `${fn}\u0000${where}`;
    const row = byFn.get(k) ?? { fn, where, us: 0 };
    row.us += us;
    byFn.set(k, row);
  }
  const rows = [...byFn.values()]
    .sort((a, b) => b.us - a.us)
    .map((r) => ({ fn: r.fn, where: r.where, ms: Number((r.us / 1000).toFixed(1)), share: total > 0 ? r.us / total : 0 }));
  return { total: total / 1000, rows };
}

export function renderSelfTimes(file: string, top: number): string {
  const { total, rows } = selfTimes(JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile);
  const lines = [`${path.basename(file)}: ${total.toFixed(0)} ms sampled; self time per function`];
  for (const r of rows.slice(0, top)) {
    lines.push(`${r.ms.toFixed(1).padStart(9)} ms ${(r.share * 100).toFixed(1).padStart(5)}%  ${r.fn}  ${r.where}`);
  }
  return `${lines.join('\n')}\n`;
}

if (require.main === module) {
  const [file, flag, n] = process.argv.slice(2);
  if (file === undefined || file === '--help') {
    process.stderr.write('usage: node bench/dist/cpuprofile.js FILE.cpuprofile [--top N]\n');
    process.exit(file === undefined ? 2 : 0);
  }
  process.stdout.write(renderSelfTimes(file, flag === '--top' && n !== undefined ? Number(n) : 30));
}
