/**
 * RdbBackgroundSave: BGSAVE without fork, and the same for an AOF rewrite's base (`kind`
 * 'aof-rewrite', with an RDB-preamble or RESP `format`). Starting it records the cut
 * (O(databases), the whole pause) and installs the snapshot as the keyspace's mutation observer;
 * the scan and the writes then run in slices granted by the BackgroundScheduler while commands
 * keep being applied; the file goes to `tempPath`, is fsynced, renamed to `path` and the
 * directory fsynced (writeFileAtomicallyFrom).
 *
 * Invariants:
 * - The snapshot is the observer from start until the job settles or is cancelled, and only
 *   then: the observer slot is cleared before `done` resolves.
 * - `done` resolves with the outcome ('saved' | 'failed' | 'cancelled') and the snapshot's
 *   progress (cow bytes and counts); it rejects only for errors that are not outcomes (a
 *   SimulatedCrash, a broken invariant).
 * - Cancelling does not wait for the scheduler: a job waiting for its next slice wakes at
 *   once, removes its temp file and settles 'cancelled'.
 * - A job cancelled after its last chunk was pulled still renames its file; it reports
 *   'cancelled' all the same, so the store's bookkeeping never counts a cancelled save.
 */
import type { FileSystem } from '../fs/file-system.ts';
import type { Keyspace } from '../keyspace/index.ts';
import type { BackgroundJob, BackgroundJobKind } from './background-jobs.ts';
import type { BackgroundScheduler } from './background-scheduler.ts';
import { RdbSnapshot, type RdbSnapshotProgress } from './rdb-snapshot.ts';
import { type SnapshotOutcome, writeRdbSnapshot } from './rdb-snapshotter.ts';
import type { SnapshotFormat } from './snapshot-format.ts';

export interface RdbBackgroundSaveOptions {
  readonly kind: BackgroundJobKind;
  readonly keyspace: Keyspace;
  readonly fileSystem: FileSystem;
  readonly path: string;
  readonly tempPath: string;
  readonly format: SnapshotFormat;
  readonly sliceKeys: number;
  readonly scheduler: BackgroundScheduler;
}

export interface RdbBackgroundSaveResult {
  readonly outcome: SnapshotOutcome;
  readonly progress: RdbSnapshotProgress;
}

export class RdbBackgroundSave implements BackgroundJob {
  readonly kind: BackgroundJobKind;
  readonly snapshot: RdbSnapshot;
  readonly done: Promise<RdbBackgroundSaveResult>;
  readonly #keyspace: Keyspace;
  #cancelled = false;
  #wakeOnCancel: () => void = () => undefined;
  readonly #cancelSignal = new Promise<void>((resolve) => {
    this.#wakeOnCancel = resolve;
  });

  private constructor(options: RdbBackgroundSaveOptions) {
    this.kind = options.kind;
    this.#keyspace = options.keyspace;
    this.snapshot = RdbSnapshot.begin({ keyspace: options.keyspace, format: options.format, sliceKeys: options.sliceKeys, mode: 'background' });
    options.keyspace.setObserver(this.snapshot);
    this.done = this.#run(options);
  }

  /** Records the cut and starts the job; returns before any slice runs. */
  static start(options: RdbBackgroundSaveOptions): RdbBackgroundSave {
    return new RdbBackgroundSave(options);
  }

  get cancelled(): boolean {
    return this.#cancelled;
  }

  cancel(): void {
    if (this.#cancelled) return;
    this.#cancelled = true;
    this.#detach();
    this.#wakeOnCancel();
  }

  #detach(): void {
    this.#keyspace.setObserver(null);
  }

  async #run(options: RdbBackgroundSaveOptions): Promise<RdbBackgroundSaveResult> {
    try {
      const outcome = await writeRdbSnapshot({
        fileSystem: options.fileSystem,
        path: options.path,
        tempPath: options.tempPath,
        source: this.snapshot,
        pace: () => Promise.race([options.scheduler.nextSlice(), this.#cancelSignal]),
        cancelled: () => this.#cancelled,
      });
      return { outcome: this.#cancelled ? { kind: 'cancelled' } : outcome, progress: this.snapshot.progress() };
    } finally {
      if (!this.#cancelled) this.#detach();
    }
  }
}
