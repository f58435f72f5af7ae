/**
 * A full disk under one process: its data folder moved onto a small filesystem of its own (a tmpfs
 * with a size limit, mounted over the folder), which `fill()` then fills to the last byte and
 * `free()` empties again, as an operator would. `restore()` copies the data back onto the real disk
 * and unmounts. Needs root (mount).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const FILLER = 'xborder-disk-filler';

function sh(command: string, args: readonly string[]): string {
  return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Appends `chunk`-sized blocks of zeros to `file` until the filesystem has no room (ENOSPC). */
function writeUntilFull(file: string, chunk: number): void {
  const fd = fs.openSync(file, 'w');
  const zeros = Buffer.alloc(chunk);
  try {
    for (;;) fs.writeSync(fd, zeros);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
  } finally {
    fs.closeSync(fd);
  }
}

export class SmallDisk {
  readonly #dir: string;
  readonly #saved: string;

  private constructor(dir: string) {
    this.#dir = dir;
    this.#saved = `${dir}.on-disk`;
  }

  /**
   * Moves `dir` (its process stopped) onto a tmpfs of its current size plus `headroomMB`. The
   * original stays beside it (`<dir>.on-disk`) until `restore()`.
   */
  static mount(dir: string, headroomMB: number): SmallDisk {
    if (process.getuid?.() !== 0) throw new Error('a small disk needs root (mount)');
    const disk = new SmallDisk(dir);
    const usedMB = Math.ceil(Number(sh('du', ['-sm', dir]).split('\t')[0]) + headroomMB);
    fs.renameSync(dir, disk.#saved);
    fs.mkdirSync(dir);
    sh('mount', ['-t', 'tmpfs', '-o', `size=${String(usedMB)}m,mode=0700`, 'tmpfs', dir]);
    sh('cp', ['-a', `${disk.#saved}/.`, dir]);
    return disk;
  }

  /** Fills the filesystem to the last byte: megabytes until one no longer fits, then 4 KB blocks. */
  fill(): void {
    writeUntilFull(path.join(this.#dir, FILLER), 1024 * 1024);
    writeUntilFull(path.join(this.#dir, `${FILLER}-tail`), 4096);
  }

  /** Bytes still free on the small filesystem. */
  freeBytes(): number {
    const s = fs.statfsSync(this.#dir);
    return s.bavail * s.bsize;
  }

  /** Deletes the filler: the space is back. */
  free(): void {
    fs.rmSync(path.join(this.#dir, FILLER), { force: true });
    fs.rmSync(path.join(this.#dir, `${FILLER}-tail`), { force: true });
  }

  /** Copies the data (its process stopped) back onto the real disk and unmounts. */
  restore(): void {
    this.free();
    fs.rmSync(this.#saved, { recursive: true, force: true });
    fs.mkdirSync(this.#saved);
    sh('cp', ['-a', `${this.#dir}/.`, this.#saved]);
    sh('umount', [this.#dir]);
    fs.rmdirSync(this.#dir);
    fs.renameSync(this.#saved, this.#dir);
  }
}
