/**
 * Status resources of posted envelopes, kept as files in the server's state folder: the status, and
 * while it is pending the posted objects, so a restart resumes the work (ingestion is idempotent) and
 * a client can read the status for at least the retention period (7 days by default).
 */
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

import type { IngestResult } from './source';

export interface StatusDetail {
  readonly id: string;
  readonly version: string;
  readonly message?: string;
}

export interface TaxiiStatus {
  readonly id: string;
  readonly status: 'pending' | 'complete';
  readonly request_timestamp: string;
  readonly total_count: number;
  readonly success_count: number;
  readonly successes: StatusDetail[];
  readonly failure_count: number;
  readonly failures: StatusDetail[];
  readonly pending_count: number;
  readonly pendings: StatusDetail[];
}

const STATUS_ID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function idAndVersion(o: unknown): StatusDetail {
  const v = (typeof o === 'object' && o !== null ? o : {}) as { id?: unknown; modified?: unknown; created?: unknown };
  const version = typeof v.modified === 'string' ? v.modified : typeof v.created === 'string' ? v.created : '';
  return { id: typeof v.id === 'string' ? v.id : '', version };
}

export class StatusStore {
  readonly #dir: string;
  readonly #retentionMs: number;

  constructor(stateDir: string, retentionMs = 7 * 24 * 3600 * 1000) {
    this.#dir = path.join(stateDir, 'status');
    this.#retentionMs = retentionMs;
    fs.mkdirSync(this.#dir, { recursive: true, mode: 0o700 });
  }

  #file(id: string, kind: 'status' | 'objects'): string {
    return path.join(this.#dir, `${id}.${kind}.json`);
  }

  #write(file: string, value: unknown): void {
    const tmp = `${file}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(value), { mode: 0o600 });
    fs.renameSync(tmp, file);
  }

  /** Records a new pending status and the objects it is about. */
  create(objects: readonly unknown[], now = new Date()): TaxiiStatus {
    const id = randomUUID();
    const pendings = objects.map(idAndVersion);
    const status: TaxiiStatus = {
      id,
      status: 'pending',
      request_timestamp: now.toISOString(),
      total_count: objects.length,
      success_count: 0,
      successes: [],
      failure_count: 0,
      failures: [],
      pending_count: pendings.length,
      pendings,
    };
    this.#write(this.#file(id, 'objects'), objects);
    this.#write(this.#file(id, 'status'), status);
    return status;
  }

  /** Completes a status with one result per object, and drops the kept objects. */
  complete(id: string, results: readonly IngestResult[]): TaxiiStatus {
    const current = this.get(id);
    if (!current) throw new Error(`no status ${id}`);
    const detail = (r: IngestResult): StatusDetail => ({
      id: r.id,
      version: r.version,
      ...(r.message !== undefined ? { message: r.message } : {}),
    });
    const successes = results.filter((r) => r.ok).map(detail);
    const failures = results.filter((r) => !r.ok).map(detail);
    const status: TaxiiStatus = {
      ...current,
      status: 'complete',
      success_count: successes.length,
      successes,
      failure_count: failures.length,
      failures,
      pending_count: 0,
      pendings: [],
    };
    this.#write(this.#file(id, 'status'), status);
    fs.rmSync(this.#file(id, 'objects'), { force: true });
    return status;
  }

  /** Marks every object of a status failed (the ledger could not be reached, for example). */
  fail(id: string, message: string): TaxiiStatus {
    const current = this.get(id);
    if (!current) throw new Error(`no status ${id}`);
    return this.complete(
      id,
      current.pendings.map((p) => ({ ...p, ok: false, message })),
    );
  }

  get(id: string): TaxiiStatus | undefined {
    if (!STATUS_ID_RE.test(id)) return undefined;
    try {
      return JSON.parse(fs.readFileSync(this.#file(id, 'status'), 'utf8')) as TaxiiStatus;
    } catch {
      return undefined;
    }
  }

  /** Statuses still pending (after a restart) with their objects. */
  pending(): { status: TaxiiStatus; objects: unknown[] }[] {
    const out: { status: TaxiiStatus; objects: unknown[] }[] = [];
    for (const f of fs.readdirSync(this.#dir)) {
      if (!f.endsWith('.objects.json')) continue;
      const status = this.get(f.slice(0, -'.objects.json'.length));
      if (status?.status !== 'pending') continue;
      out.push({ status, objects: JSON.parse(fs.readFileSync(path.join(this.#dir, f), 'utf8')) as unknown[] });
    }
    return out;
  }

  /** Deletes completed statuses older than the retention period. */
  prune(now = Date.now()): number {
    let removed = 0;
    for (const f of fs.readdirSync(this.#dir)) {
      if (!f.endsWith('.status.json')) continue;
      const file = path.join(this.#dir, f);
      const status = JSON.parse(fs.readFileSync(file, 'utf8')) as TaxiiStatus;
      if (status.status === 'complete' && now - Date.parse(status.request_timestamp) > this.#retentionMs) {
        fs.rmSync(file);
        removed++;
      }
    }
    return removed;
  }
}
