import type { BenchResults } from './run';

/** The results as a markdown report (what BENCHMARKS.md quotes). */
export function renderMarkdown(r: BenchResults): string {
  const lines: string[] = [];
  lines.push(`Command: \`${r.command}\``);
  lines.push(
    `Machine: ${String(r.machine.cores)} cores (${r.machine.model}), ${String(r.machine.memoryGiB)} GiB, Node ${r.machine.node}; ${r.fabricVersion}`,
  );
  const orderers = { dev: '1 Raft orderer', ha: '3 Raft orderers', bft: '4 BFT orderers' }[r.options.networkProfile ?? 'dev'];
  lines.push(`Network: ${r.options.networkProfile ?? 'dev'} profile (${orderers}), peer0.hk and peer0.th`);
  lines.push(
    `Load: ${String(r.options.concurrency)} transactions in flight, ${String(r.options.warmup)} s warm-up, ${String(r.options.seconds)} s measured per scenario, commit status by ${r.options.commit === 'events' ? 'block events' : 'commit-status calls'}`,
  );
  lines.push('');
  lines.push('| scenario | blocks | in flight | tps | objects/s | ratio to baseline | p50 ms | p95 ms | p99 ms | max ms | MVCC | failed |');
  lines.push('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const s of r.load) {
    lines.push(
      `| ${s.scenario} | ${s.blocks} | ${String(s.concurrency)} | ${String(s.tps)} | ${String(s.objectsPerSecond)} | ${s.ratioToBaseline === null ? '-' : `${String(s.ratioToBaseline)}x`} | ${String(s.latencyMs.p50)} | ${String(s.latencyMs.p95)} | ${String(s.latencyMs.p99)} | ${String(s.latencyMs.max)} | ${String(s.mvccConflicts)} | ${String(s.failures)} |`,
    );
  }
  if (r.load.length > 0) {
    lines.push('');
    lines.push('CPU seconds per process during each scenario (measured window):');
    lines.push('');
    const names = [...new Set(r.load.flatMap((s) => s.processes.filter((p) => !p.name.startsWith('ca-')).map((p) => p.name)))].sort();
    lines.push(`| scenario | ${names.join(' | ')} |`);
    lines.push(`|---|${names.map(() => '---:').join('|')}|`);
    for (const s of r.load)
      lines.push(
        `| ${s.scenario} (${s.blocks}) | ${names.map((n) => String(s.processes.find((p) => p.name === n)?.cpuSeconds ?? '-')).join(' | ')} |`,
      );
    const last = r.load[r.load.length - 1];
    if (last) {
      lines.push('');
      lines.push(
        `Peak resident memory (MiB) at the end of the run: ${names.map((n) => `${n} ${String(Math.round(last.processes.find((p) => p.name === n)?.peakRssMiB ?? 0))}`).join(', ')}`,
      );
    }
  }
  for (const rd of r.reads) {
    lines.push('');
    lines.push(
      `Reads at ${String(rd.records)} intel records (evaluate, ms): get-by-id ${JSON.stringify(rd.getById)}, lookup-by-commitment ${JSON.stringify(rd.byCommitment)}, listing page of 100 ${JSON.stringify(rd.listPage100)}`,
    );
  }
  for (const rc of r.reconcile) lines.push(`Reconcile of a day with ${String(rc.payments)} payments (ms): ${JSON.stringify(rc.latency)}`);
  if (r.proof)
    lines.push(
      `Proof of one intel record (${String(r.proof.checks)} checks, outcome ${r.proof.outcome}), ms: built by the auditor ${JSON.stringify(r.proof.build)}, checked offline ${JSON.stringify(r.proof.check)}`,
    );
  if (r.checkpoints !== null)
    lines.push(
      `Continuous checkpointing: both operators' followers (interval ${String(r.options.checkpointing ?? '?')} s) recorded ${String(r.checkpoints)} checkpoints during the run`,
    );
  if (r.ingestion) {
    const i = r.ingestion;
    lines.push(
      `Client ingestion: ${String(i.objects)} objects in ${String(i.seconds)} s = ${String(i.objectsPerSecond)} objects/s end to end (client CPU ${String(i.clientCpuSeconds)} s); canonicalise + hash + sign alone: ${String(i.rawPrepareAndSignPerSecond)} objects/s`,
    );
  }
  if (r.console) {
    const c = r.console;
    lines.push(
      `console at ${String(c.records)} intel records (${String(c.overviewIntel)} in its window): overview read in ${String(c.buildMs)} ms at start; first view p50 ${String(c.firstViewMs.p50)} / p95 ${String(c.firstViewMs.p95)} / max ${String(c.firstViewMs.max)} ms over ${String(c.views)} cold views in ${c.browser}; GET /api/overview p50 ${String(c.overviewApiMs.p50)} ms, ${String(c.overviewBytes)} bytes`,
    );
  }
  if (r.taxii) {
    const t = r.taxii;
    lines.push(
      `TAXII at ${String(t.records)} intel records: ${String(t.readers)} clients paging ${String(t.pages)} pages of 100 with content = ${String(t.objectsPerSecond)} objects/s, per page (ms) ${JSON.stringify(t.pageMs)}; ${String(t.post.objects)} objects posted in one envelope ${JSON.stringify(t.post.taxiiObjectsPerSecond)} objects/s vs ingestStix ${JSON.stringify(t.post.ingestObjectsPerSecond)} (ratio ${String(t.post.ratio)}); ledger index from genesis: ${String(t.index.versions)} versions from ${String(t.index.blocks)} blocks in ${String(t.index.seconds)} s = ${String(t.index.versionsPerSecond)} versions/s`,
    );
  }
  if (r.errors.length > 0) {
    lines.push('');
    lines.push('FAILED (the figures above were measured before the failure):');
    for (const e of r.errors) lines.push(`- ${e}`);
  }
  return `${lines.join('\n')}\n`;
}

/** A bar chart of throughput (objects/s) and p95 latency per scenario, as SVG. */
export function renderSvg(r: BenchResults): string {
  const rows = r.load;
  const width = 760;
  const barH = 18;
  const gap = 10;
  const left = 230;
  const height = 60 + rows.length * (barH * 2 + gap);
  const maxRate = Math.max(1, ...rows.map((s) => s.objectsPerSecond));
  const maxLat = Math.max(1, ...rows.map((s) => s.latencyMs.p95));
  const scale = (v: number, max: number): number => Math.max(1, Math.round((v / max) * (width - left - 90)));
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${String(width)}" height="${String(height)}" font-family="sans-serif" font-size="12">`,
  ];
  parts.push(`<text x="10" y="20" font-size="14">xborder benchmarks: objects/s (blue) and p95 latency ms (orange)</text>`);
  rows.forEach((s, i) => {
    const y = 40 + i * (barH * 2 + gap);
    parts.push(`<text x="10" y="${String(y + barH)}">${s.scenario} (${s.blocks})</text>`);
    parts.push(
      `<rect x="${String(left)}" y="${String(y)}" width="${String(scale(s.objectsPerSecond, maxRate))}" height="${String(barH - 2)}" fill="#3b6fb6"/>`,
    );
    parts.push(
      `<text x="${String(left + scale(s.objectsPerSecond, maxRate) + 5)}" y="${String(y + 13)}">${String(s.objectsPerSecond)}/s</text>`,
    );
    parts.push(
      `<rect x="${String(left)}" y="${String(y + barH)}" width="${String(scale(s.latencyMs.p95, maxLat))}" height="${String(barH - 2)}" fill="#e08a2c"/>`,
    );
    parts.push(
      `<text x="${String(left + scale(s.latencyMs.p95, maxLat) + 5)}" y="${String(y + barH + 13)}">${String(s.latencyMs.p95)} ms</text>`,
    );
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
