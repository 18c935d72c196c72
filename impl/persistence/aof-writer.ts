/**
 * AofWriter: the AOF's write path over one live file (Redis 7.0 aof.c:feedAppendOnlyFile and
 * flushAppendOnlyFile; facts §3.1, §3.4, §3.6). Effects go into an in-memory buffer (aof_buf);
 * `flush` writes the whole buffer with ONE append and then fsyncs as appendfsync says.
 *
 * Invariants:
 * - `feed` emits `SELECT <db>` before an effect whose db differs from the last one written to
 *   the buffer (aof_selected_db), which starts at -1 for every new live file; with
 *   aof-timestamp-enabled, a `#TS:<unix s>` line before an effect when the second advanced.
 * - flush(force), per policy (the pseudo-code of facts §3.4, in whole seconds as 7.0):
 *   always: write, then fdatasync before returning (one per flush: the turn's group commit).
 *   everysec: write, then start a background fsync through the scheduler if a second passed
 *   since the last one and none is pending; while one is pending, a non-forced write is
 *   postponed for less than 2 s (aof_flush_postponed_start), then written anyway and counted in
 *   `delayedFsync`; an empty buffer still starts a due fsync of unsynced bytes (Redis #6053).
 *   no: write, never fsync.
 * - At most one background fsync is pending or running (bio's BIO_AOF_FSYNC). It fsyncs the
 *   handle that was live when it was queued, unless that handle was retired first (whoever
 *   retires it fsyncs it synchronously). EBADF/EINVAL from it are ignored, as bio does.
 * - Errors: a write failure (ENOSPC, EIO, short write) under always throws AofFatalError (the
 *   caller must never acknowledge the turn); under everysec/no it sets `lastWriteError`
 *   (MISCONF) and keeps the unwritten bytes for the next flush, which clears the error when it
 *   succeeds. A short write is truncated back to the size before it (FsError.bytesWritten says
 *   how much landed); if that truncate fails too, the written prefix counts as written and only
 *   the rest is retried (Redis: "Could not remove short write"). An fdatasync failure under
 *   always throws AofFatalError; a failed background fsync sets `backgroundFsyncError` (MISCONF)
 *   until a later fsync of the live file succeeds, and counts as having synced nothing, so the
 *   next due flush retries it even with no new bytes (Redis waits for new bytes to retry).
 * - Errors that are not FsErrors (a SimulatedCrash, a broken invariant) propagate unchanged; in
 *   the background fsync they go to `onFatal`.
 * - The writer is not reentrant: AofPersistence serializes every call that touches the file
 *   (asserted with a busy flag).
 */
import assert from 'node:assert/strict';
import { AofBufferWriter } from '../encoding/aof-command-encoder.ts';
import type { FileHandle } from '../fs/file-system.ts';
import { type FsError, isFsError } from '../fs/fs-error.ts';
import type { Effect } from '../keyspace/index.ts';
import { AofFatalError } from './aof-fatal-error.ts';
import type { BackgroundScheduler } from './background-scheduler.ts';
import type { AppendFsync } from './store-config.ts';
import type { Clock } from './store-options.ts';

/** everysec: a write waiting behind a running background fsync is forced after this long. */
export const postponeLimitSeconds = 2;

export interface AofWriterOptions {
  readonly clock: Clock;
  readonly scheduler: BackgroundScheduler;
  readonly policy: () => AppendFsync;
  readonly timestamps: () => boolean;
  /** Errors of the background fsync that are not outcomes (a SimulatedCrash). */
  readonly onFatal: (error: unknown) => void;
}

/** The file the writer appends to: an open 'append' handle and its name (for errors). */
export interface AofLiveFile {
  readonly handle: FileHandle;
  readonly fileName: string;
}

/** What one flush did (for the caller's bookkeeping and for tests). */
export type AofFlushResult = 'idle' | 'postponed' | 'written' | 'write-failed';

interface BackgroundFsync {
  readonly handle: FileHandle;
  running: boolean;
  done: Promise<void>;
}

const seconds = (ms: number): number => Math.floor(ms / 1000);
const empty = new Uint8Array(0);

export class AofWriter {
  readonly #options: AofWriterOptions;
  readonly #buffer = new AofBufferWriter();
  #live: AofLiveFile | null = null;
  /** Bytes taken from the buffer by a failed write: written first by the next flush. */
  #carry: Uint8Array = empty;
  #selectedDb = -1;
  #lastTimestampSeconds = 0;
  #incrSize = 0;
  #fsyncOffset = 0;
  #lastFsyncSeconds: number;
  #postponedSinceSeconds: number | null = null;
  #delayedFsync = 0;
  #lastWriteError: FsError | null = null;
  #backgroundFsyncError: FsError | null = null;
  #backgroundFsync: BackgroundFsync | null = null;
  #busy = false;

  constructor(options: AofWriterOptions) {
    this.#options = options;
    this.#lastFsyncSeconds = this.#nowSeconds();
  }

  get live(): AofLiveFile | null {
    return this.#live;
  }

  /** Bytes in the live file (aof_last_incr_size). */
  get incrSize(): number {
    return this.#incrSize;
  }

  /** aof_buffer_length: bytes fed and not yet written. */
  get bufferLength(): number {
    return this.#carry.length + this.#buffer.byteLength;
  }

  /** aof_pending_bio_fsync: 1 while a background fsync is pending or running. */
  get pendingBackgroundFsync(): number {
    return this.#backgroundFsync === null ? 0 : 1;
  }

  get delayedFsync(): number {
    return this.#delayedFsync;
  }

  get lastWriteError(): FsError | null {
    return this.#lastWriteError;
  }

  get backgroundFsyncError(): FsError | null {
    return this.#backgroundFsyncError;
  }

  /** startAppendOnly forgets earlier write and fsync errors ("AOF reopen, just ignore..."). */
  clearErrors(): void {
    this.#lastWriteError = null;
    this.#backgroundFsyncError = null;
    this.#lastFsyncSeconds = this.#nowSeconds();
  }

  /** Makes `file` (holding `size` bytes, all durable) the live file; the buffer must be empty. */
  attach(file: AofLiveFile, size: number): void {
    assert.equal(this.#live, null, 'detach the live file first');
    assert.equal(this.bufferLength, 0, 'nothing buffered for another file');
    assert.ok(Number.isSafeInteger(size) && size >= 0);
    this.#live = file;
    this.#incrSize = size;
    this.#fsyncOffset = size;
    this.#selectedDb = -1;
    this.#lastTimestampSeconds = 0;
    this.#postponedSinceSeconds = null;
  }

  /**
   * Stops writing to the live file and returns it, to be fsynced and closed by the caller; a
   * background fsync queued for it will skip it. The buffer must have been flushed or discarded.
   */
  detach(): AofLiveFile | null {
    assert.equal(this.bufferLength, 0, 'flush or discard the buffer before detaching');
    const live = this.#live;
    this.#live = null;
    this.#selectedDb = -1;
    this.#postponedSinceSeconds = null;
    // A background fsync still waiting for its slice would only skip the detached file: it is no
    // fsync in progress, and must not postpone writes to the next live file (found by the
    // conformance suite, random workload 20261614: writes after a rewrite start waited behind it).
    if (this.#backgroundFsync !== null && !this.#backgroundFsync.running && this.#backgroundFsync.handle === live?.handle) this.#backgroundFsync = null;
    return live;
  }

  /** The live file was renamed while open (the temp incr becoming an incr): errors name it so. */
  renameLive(fileName: string): void {
    assert.ok(this.#live !== null, 'a live file to rename');
    this.#live = { handle: this.#live.handle, fileName };
  }

  /** Forgets everything buffered (appendonly no, a failed first rewrite). */
  discardBuffer(): void {
    this.#buffer.reset();
    this.#carry = empty;
    this.#postponedSinceSeconds = null;
  }

  /** The next command needs a SELECT (Redis sets aof_selected_db = -1 after a rewrite). */
  forgetSelectedDb(): void {
    this.#selectedDb = -1;
  }

  /** feedAppendOnlyFile for the effects of one call, in order. */
  feed(effects: readonly Effect[]): void {
    if (effects.length === 0) return;
    assert.ok(this.#live !== null, 'effects are fed only while a live file takes them');
    for (const { db, argv } of effects) {
      if (this.#options.timestamps()) {
        const now = this.#nowSeconds();
        if (now > this.#lastTimestampSeconds) {
          this.#lastTimestampSeconds = now;
          this.#buffer.appendTimestampAnnotation(now);
        }
      }
      if (db !== this.#selectedDb) {
        this.#buffer.appendSelect(db);
        this.#selectedDb = db;
      }
      this.#buffer.append(argv);
    }
  }

  /** flushAppendOnlyFile(force); see the header for what each policy does. */
  async flush(force: boolean): Promise<AofFlushResult> {
    const live = this.#live;
    if (live === null) {
      assert.equal(this.bufferLength, 0, 'no buffered bytes without a live file');
      return 'idle';
    }
    return this.#exclusive(async () => {
      const policy = this.#options.policy();
      const nowSeconds = this.#nowSeconds();
      let result: AofFlushResult = 'idle';
      if (this.bufferLength === 0) {
        const unsynced = this.#fsyncOffset !== this.#incrSize;
        const everysecDue = policy === 'everysec' && unsynced && nowSeconds > this.#lastFsyncSeconds && this.#backgroundFsync === null;
        if (!everysecDue && !(policy === 'always' && unsynced)) return 'idle';
      } else {
        if (policy === 'everysec' && !force && this.#backgroundFsync !== null) {
          if (this.#postponedSinceSeconds === null) {
            this.#postponedSinceSeconds = nowSeconds;
            return 'postponed';
          }
          if (nowSeconds - this.#postponedSinceSeconds < postponeLimitSeconds) return 'postponed';
          this.#delayedFsync += 1;
        }
        if (!(await this.#write(live, policy))) return 'write-failed';
        result = 'written';
      }
      await this.#fsyncPerPolicy(live, policy, nowSeconds);
      return result;
    });
  }

  /** fdatasync of the live file now, in the foreground (rewrite start, appendonly no); rejects with its FsError. */
  async syncNow(): Promise<void> {
    const live = this.#live;
    assert.ok(live !== null, 'a live file to sync');
    await this.#exclusive(async () => {
      await this.#waitBackgroundFsync();
      try {
        await live.handle.fdatasync();
      } catch (error) {
        if (isFsError(error)) {
          // As a failed background fsync: MISCONF until an fsync succeeds; it synced nothing.
          this.#backgroundFsyncError = error;
          this.#fsyncOffset = 0;
        }
        throw error;
      }
      this.#fsyncOffset = this.#incrSize;
      this.#lastFsyncSeconds = this.#nowSeconds();
      this.#backgroundFsyncError = null;
    });
  }

  /** Resolves once no background fsync is running (one still waiting for the scheduler is left). */
  async #waitBackgroundFsync(): Promise<void> {
    const job = this.#backgroundFsync;
    if (job !== null && job.running) await job.done;
  }

  /** The AofFatalError for a failed write (at the size before it) or fsync (at the last synced offset). */
  fatal(live: AofLiveFile, reason: string, error: FsError): AofFatalError {
    const offset = error.operation === 'fsync' || error.operation === 'fdatasync' ? this.#fsyncOffset : this.#incrSize;
    return new AofFatalError(live.fileName, offset, reason, error);
  }

  async #write(live: AofLiveFile, policy: AppendFsync): Promise<boolean> {
    const data = this.#takeBuffered();
    try {
      await live.handle.append(data);
    } catch (error) {
      if (!isFsError(error)) throw error;
      this.#postponedSinceSeconds = null;
      await this.#writeFailed(live, policy, data, error);
      return false;
    }
    this.#postponedSinceSeconds = null;
    this.#lastWriteError = null;
    this.#incrSize += data.length;
    return true;
  }

  #takeBuffered(): Uint8Array {
    if (this.#carry.length === 0) return this.#buffer.take();
    const data = Buffer.concat([this.#carry, this.#buffer.take()]);
    this.#carry = empty;
    return data;
  }

  /** Facts §3.6: undo a short write if possible; exit under always; else MISCONF and retry later. */
  async #writeFailed(live: AofLiveFile, policy: AppendFsync, data: Uint8Array, error: FsError): Promise<void> {
    let landed = error.bytesWritten;
    if (landed > 0) {
      try {
        await live.handle.truncate(this.#incrSize);
        landed = 0;
      } catch (truncateError) {
        if (!isFsError(truncateError)) throw truncateError;
      }
    }
    if (policy === 'always') throw this.fatal(live, "Can't recover from AOF write error when the AOF fsync policy is 'always'", error);
    this.#lastWriteError = error;
    this.#incrSize += landed;
    this.#carry = data.subarray(landed);
  }

  async #fsyncPerPolicy(live: AofLiveFile, policy: AppendFsync, nowSeconds: number): Promise<void> {
    if (policy === 'always') {
      try {
        await live.handle.fdatasync();
      } catch (error) {
        if (isFsError(error)) throw this.fatal(live, "Can't persist AOF for fsync error when the AOF fsync policy is 'always'", error);
        throw error;
      }
      this.#fsyncOffset = this.#incrSize;
      this.#lastFsyncSeconds = nowSeconds;
    } else if (policy === 'everysec' && nowSeconds > this.#lastFsyncSeconds) {
      if (this.#backgroundFsync === null) {
        this.#startBackgroundFsync(live.handle);
        this.#fsyncOffset = this.#incrSize;
      }
      this.#lastFsyncSeconds = nowSeconds;
    }
  }

  /** bio's BIO_AOF_FSYNC job: runs when the scheduler grants it a slice. */
  #startBackgroundFsync(handle: FileHandle): void {
    const job: BackgroundFsync = { handle, running: false, done: Promise.resolve() };
    const run = async (): Promise<void> => {
      await this.#options.scheduler.nextSlice();
      try {
        if (this.#live?.handle !== handle) return;
        job.running = true;
        await handle.fdatasync();
        this.#backgroundFsyncError = null;
      } catch (error) {
        if (!isFsError(error)) this.#options.onFatal(error);
        else if (error.code !== 'EBADF' && error.code !== 'EINVAL') {
          this.#backgroundFsyncError = error;
          // It synced nothing: the next due flush queues another (Redis would wait for new bytes).
          if (this.#live?.handle === handle) this.#fsyncOffset = 0;
        }
      } finally {
        if (this.#backgroundFsync === job) this.#backgroundFsync = null;
      }
    };
    this.#backgroundFsync = job;
    job.done = run();
  }

  async #exclusive<T>(work: () => Promise<T>): Promise<T> {
    assert.ok(!this.#busy, 'AofWriter calls are serialized by AofPersistence');
    this.#busy = true;
    try {
      return await work();
    } finally {
      this.#busy = false;
    }
  }

  #nowSeconds(): number {
    const now = this.#options.clock.nowMs();
    assert.ok(Number.isSafeInteger(now), `the clock returned ${now}`);
    return seconds(now);
  }
}
