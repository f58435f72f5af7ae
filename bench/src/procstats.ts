import * as fs from 'node:fs';
import * as path from 'node:path';

/** CPU seconds and peak resident memory of one process, from /proc. */
export interface ProcSample {
  readonly name: string;
  readonly pid: number;
  readonly cpuSeconds: number;
  readonly peakRssMiB: number;
}

const CLOCK_TICKS = 100;

export function sampleProcess(name: string, pid: number): ProcSample | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${String(pid)}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    const status = fs.readFileSync(`/proc/${String(pid)}/status`, 'utf8');
    const hwm = /VmHWM:\s+(\d+) kB/.exec(status);
    return { name, pid, cpuSeconds: ticks / CLOCK_TICKS, peakRssMiB: hwm ? Number(hwm[1]) / 1024 : 0 };
  } catch {
    return undefined;
  }
}

/** Every process of the network (pid files in its run folder) plus this client process. */
export function sampleAll(runDir: string): ProcSample[] {
  const out: ProcSample[] = [];
  for (const f of fs.existsSync(runDir) ? fs.readdirSync(runDir) : []) {
    if (!f.endsWith('.pid')) continue;
    const pid = Number(fs.readFileSync(path.join(runDir, f), 'utf8').trim());
    const s = sampleProcess(f.slice(0, -4), pid);
    if (s) out.push(s);
  }
  const self = sampleProcess('client', process.pid);
  if (self) out.push(self);
  return out;
}

/** CPU seconds used per process between two samples (peak RSS from the later one). */
export function cpuDelta(before: readonly ProcSample[], after: readonly ProcSample[]): ProcSample[] {
  return after.map((a) => {
    const b = before.find((x) => x.name === a.name && x.pid === a.pid);
    return { ...a, cpuSeconds: Number((a.cpuSeconds - (b?.cpuSeconds ?? 0)).toFixed(2)) };
  });
}
