/**
 * Test support for the AOF crash tests: runs writes one turn at a time on a store over a
 * CrashFileSystem and records, per write, the dataset after it, whether it was acknowledged,
 * and the append that carried it (from the operation log). From that record it derives the
 * horizons a restart must respect, straight from what reached the file system:
 * - written: writes whose append completed (a process crash keeps them all);
 * - synced: the longest run of writes from the first whose append was followed by a
 *   successful fsync/fdatasync of the same file (a power loss keeps at least those).
 * Files are matched by path, with `aliases` for a file renamed while open (the temp incr).
 *
 * Invariants:
 * - state(0) is the dataset before the first tracked write; state(i) after write i, also for a
 *   write whose reply was lost to the crash (it ran in memory before the flush).
 * - An acknowledged write that logged nothing and changed nothing (SELECT) counts as written
 *   and synced: it has no bytes to lose.
 */
import type { CrashFileSystem } from '../../fs/crash-file-system.ts';
import { isSimulatedCrash } from '../../fs/simulated-crash.ts';
import { byteStringOfText } from '../../values/redis-value.ts';
import type { Store } from '../store.ts';
import { datasetOf } from './aof-harness.ts';

interface TrackedWrite {
  readonly acknowledged: boolean;
  /** The append that carried it; 'none' for an acknowledged write with nothing to log (SELECT). */
  readonly append: { readonly sequence: number; readonly path: string } | 'none' | null;
}

export class WriteTracker {
  readonly states: string[];
  readonly #writes: TrackedWrite[] = [];
  readonly #fs: CrashFileSystem;
  readonly #store: Store;
  readonly #aliases: ReadonlyMap<string, string>;
  #crashed = false;

  constructor(fs: CrashFileSystem, store: Store, aliases: ReadonlyMap<string, string> = new Map()) {
    this.#fs = fs;
    this.#store = store;
    this.#aliases = aliases;
    this.states = [datasetOf(store)];
  }

  get crashed(): boolean {
    return this.#crashed;
  }

  get attempted(): number {
    return this.#writes.length;
  }

  get acknowledged(): number {
    return this.#writes.filter((write) => write.acknowledged).length;
  }

  /** One write as its own turn; false once the store has crashed (nothing more is issued). */
  async write(...argv: string[]): Promise<boolean> {
    if (this.#crashed) return false;
    const before = this.#fs.operationLog.entries.length;
    const acknowledged = await this.#store.execute(argv.map(byteStringOfText)).then(
      () => true,
      (error: unknown) => {
        if (!isSimulatedCrash(error)) throw error;
        return false;
      },
    );
    const append = this.#fs.operationLog.entries.slice(before).find((entry) => entry.operation === 'append' && entry.outcome === 'ok');
    const after = datasetOf(this.#store);
    const unchanged = acknowledged && after === this.states[this.states.length - 1];
    this.#writes.push({ acknowledged, append: append !== undefined ? { sequence: append.sequence, path: this.#file(append.path) } : unchanged ? 'none' : null });
    this.states.push(after);
    if (!acknowledged) this.#crashed = true;
    return acknowledged;
  }

  /** Marks the store as crashed when a background step met the crash. */
  noteCrash(): void {
    this.#crashed = true;
  }

  /** Writes whose bytes reached the page cache. */
  written(): number {
    let count = 0;
    while (count < this.#writes.length && this.#writes[count]?.append !== null) count += 1;
    return count;
  }

  #covered(append: TrackedWrite['append'], syncs: readonly { readonly sequence: number; readonly path: string }[]): boolean {
    if (append === 'none') return true;
    return append !== null && syncs.some((sync) => sync.sequence > append.sequence && this.#file(sync.path) === append.path);
  }

  /** Writes (from the first) whose bytes an fsync of their file covered. */
  synced(): number {
    const syncs = this.#fs.operationLog.entries.filter((entry) => (entry.operation === 'fsync' || entry.operation === 'fdatasync') && entry.outcome === 'ok');
    let count = 0;
    for (const write of this.#writes) {
      if (!this.#covered(write.append, syncs)) break;
      count += 1;
    }
    return count;
  }

  #file(path: string): string {
    return this.#aliases.get(path) ?? path;
  }
}
