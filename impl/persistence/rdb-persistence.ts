/**
 * RdbPersistence: Redis 7.0's RDB state and decisions over one keyspace (rdb.c, server.c):
 * SAVE, BGSAVE [SCHEDULE], FLUSHALL's synchronous save, save points and the scheduled BGSAVE in
 * cron, the MISCONF condition, and the INFO persistence figures. The Store decides when these
 * run (it blocks other commands during a synchronous save); this module decides what they do.
 *
 * Invariants (facts §2):
 * - SAVE and BGSAVE count in rdb_saves (FLUSHALL's save does not). A successful synchronous
 *   save sets dirty to what came after it (SAVE: 0), lastsave = now, status ok; a successful
 *   BGSAVE subtracts the dirty count at its start; a failed BGSAVE sets status err; a failed
 *   synchronous save changes nothing; a cancelled BGSAVE changes nothing.
 * - At most one background job (BackgroundJobs, shared with the AOF rewrite): SAVE and BGSAVE
 *   during a BGSAVE are refused; BGSAVE during a rewrite is refused or scheduled. Redis notices a
 *   finished child in serverCron; here the outcome is applied when the job settles.
 * - Temp names: temp-<processId>.rdb for synchronous saves; temp-<processId + n>.rdb for the
 *   n-th BGSAVE (a forked child has its own pid).
 * - Errors that are not save outcomes (a SimulatedCrash, a broken invariant) in a background
 *   job are handed to `onFatal`; the job slot is freed all the same.
 */
import assert from 'node:assert/strict';
import { RdbEncoder, type RdbEncoderOptions } from '../encoding/rdb-encoder.ts';
import type { FileSystem } from '../fs/file-system.ts';
import { joinPath } from '../fs/fs-path.ts';
import { type Keyspace, type Reply, errorReply, okReply, simpleReply } from '../keyspace/index.ts';
import type { BackgroundJobs } from './background-jobs.ts';
import type { BackgroundScheduler } from './background-scheduler.ts';
import { writesDenied } from './disk-error-refusal.ts';
import type { RdbInfo } from './persistence-info.ts';
import { RdbBackgroundSave, type RdbBackgroundSaveResult } from './rdb-background-save.ts';
import type { RdbLoadReport } from './rdb-loader.ts';
import { RdbSnapshot } from './rdb-snapshot.ts';
import { type ChunkSource, writeRdbSnapshot } from './rdb-snapshotter.ts';
import { type SavePoint, bgsaveRetryDelaySeconds, dueSavePoint } from './save-points.ts';
import { rdbSnapshotFormat } from './snapshot-format.ts';
import type { StoreConfig } from './store-config.ts';
import type { Clock } from './store-options.ts';

export const bgsaveInProgressError = 'ERR Background save already in progress';
export const anotherChildError =
  "ERR Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.";

export type BgsaveStart = { readonly reason: 'save-point'; readonly point: SavePoint } | { readonly reason: 'scheduled' };

/** FLUSHALL's pending synchronous save: of the empty dataset, after the cancelled BGSAVE settled. */
export interface FlushAllSave {
  readonly dirtyAtSave: number;
  /** How much saves had taken off dirty when this one was requested (see #dirtyTakenOff). */
  readonly takenOffAtRequest: number;
  readonly cancelled: Promise<void>;
}

export interface RdbPersistenceOptions {
  readonly fileSystem: FileSystem;
  readonly directory: string;
  readonly clock: Clock;
  readonly scheduler: BackgroundScheduler;
  readonly processId: number;
  readonly keyspace: Keyspace;
  /** The store's one background slot (shared with the AOF rewrite). */
  readonly jobs: BackgroundJobs;
  /** The current configuration (CONFIG SET replaces it). */
  readonly config: () => StoreConfig;
  readonly load: RdbLoadReport;
  readonly onFatal: (error: unknown) => void;
}

const seconds = (ms: number): number => Math.floor(ms / 1000);

export class RdbPersistence {
  readonly #options: RdbPersistenceOptions;
  readonly #keyspace: Keyspace;
  readonly #jobs: BackgroundJobs;
  #bgsave: { readonly job: RdbBackgroundSave; readonly startedMs: number } | null = null;
  #bgsaveCount = 0;
  #lastSaveSeconds: number;
  #lastBgsaveOk = true;
  #lastBgsaveTrySeconds = 0;
  #lastBgsaveDurationSeconds = -1;
  #rdbSaves = 0;
  #lastCowBytes = 0;
  #bgsaveScheduled = false;
  /**
   * The total every synchronous save has taken off `dirty`. A FLUSHALL's save runs after its turn,
   * so two FLUSHALLs in one EXEC queue two saves; the second's baseline must not count what the
   * first already took off (Redis saves inside each FLUSHALL, one after the other).
   */
  #dirtyTakenOff = 0;

  constructor(options: RdbPersistenceOptions) {
    this.#options = options;
    this.#keyspace = options.keyspace;
    this.#jobs = options.jobs;
    this.#lastSaveSeconds = seconds(this.#nowMs());
  }

  get bgsaveRunning(): boolean {
    return this.#bgsave !== null;
  }

  get lastSaveSeconds(): number {
    return this.#lastSaveSeconds;
  }

  /** stop-writes-on-bgsave-error: whether writes get MISCONF now. */
  writesDenied(): boolean {
    const config = this.#options.config();
    return writesDenied({ stopWritesOnBgsaveError: config.stopWritesOnBgsaveError, savePointCount: config.save.length, lastBgsaveOk: this.#lastBgsaveOk });
  }

  cancelBackground(): void {
    this.#bgsave?.job.cancel();
  }

  info(): RdbInfo {
    const running = this.#bgsave;
    const progress = running?.job.snapshot.progress();
    return {
      loading: false,
      rdbChangesSinceLastSave: this.#keyspace.dirty,
      rdbBgsaveInProgress: running !== null,
      rdbBgsaveScheduled: this.#bgsaveScheduled,
      rdbLastSaveTime: this.#lastSaveSeconds,
      rdbLastBgsaveStatus: this.#lastBgsaveOk ? 'ok' : 'err',
      rdbLastBgsaveTimeSec: this.#lastBgsaveDurationSeconds,
      rdbCurrentBgsaveTimeSec: running === null ? -1 : seconds(this.#nowMs()) - seconds(running.startedMs),
      rdbSaves: this.#rdbSaves,
      rdbLastCowSize: this.#lastCowBytes,
      currentCowSize: progress?.cowBytes ?? 0,
      currentSaveKeysProcessed: progress?.keysSerialized ?? 0,
      currentSaveKeysTotal: progress?.keysTotal ?? 0,
      rdbLastLoadKeysExpired: this.#options.load.keysExpired,
      rdbLastLoadKeysLoaded: this.#options.load.keysLoaded,
    };
  }

  // ---- synchronous saves (the Store blocks other commands while they run) ----

  /** SAVE outside MULTI (saveCommand). */
  async save(): Promise<Reply> {
    if (this.#bgsave !== null) return errorReply(bgsaveInProgressError);
    this.#rdbSaves += 1;
    const config = this.#options.config();
    const snapshot = RdbSnapshot.begin({ keyspace: this.#keyspace, format: rdbSnapshotFormat(this.#encoderOptions()), sliceKeys: config.snapshotSliceKeys, mode: 'blocking' });
    if (!(await this.#writeBlocking(snapshot))) return errorReply('ERR');
    this.#savedSynchronously(this.#keyspace.dirty, this.#dirtyTakenOff);
    return okReply;
  }

  /** Before FLUSHALL empties the keyspace: stop a running BGSAVE (killRDBChild). */
  beforeFlushAll(): void {
    this.cancelBackground();
  }

  /** After it: with save points, the synchronous save of the empty dataset that is now due. */
  afterFlushAll(): FlushAllSave | null {
    if (this.#options.config().save.length === 0) return null;
    const cancelled = this.#bgsave?.job.done.then(
      () => undefined,
      () => undefined,
    );
    return { dirtyAtSave: this.#keyspace.dirty, takenOffAtRequest: this.#dirtyTakenOff, cancelled: cancelled ?? Promise.resolve() };
  }

  /** FLUSHALL's rdbSave: the dataset right after FLUSHALL, which is empty. */
  async saveAfterFlushAll(request: FlushAllSave): Promise<void> {
    await request.cancelled;
    const encoder = new RdbEncoder(this.#encoderOptions());
    const chunks = [encoder.header(), encoder.end()];
    let next = 0;
    if (await this.#writeBlocking({ nextChunk: () => chunks[next++] ?? null })) this.#savedSynchronously(request.dirtyAtSave, request.takenOffAtRequest);
  }

  async #writeBlocking(source: ChunkSource): Promise<boolean> {
    const outcome = await writeRdbSnapshot({
      fileSystem: this.#options.fileSystem,
      path: this.#dumpPath(),
      tempPath: this.#tempPath(this.#options.processId),
      source,
      pace: null,
      cancelled: () => false,
    });
    return outcome.kind === 'saved';
  }

  /** rdbSave's success: dirty back to what came after the save, lastsave, status ok. */
  #savedSynchronously(dirtyAtSave: number, takenOffAtRequest: number): void {
    const baseline = dirtyAtSave - (this.#dirtyTakenOff - takenOffAtRequest);
    const dirty = this.#keyspace.dirty - baseline;
    assert.ok(baseline >= 0 && dirty >= 0, 'nothing but earlier saves reset dirty during the save');
    this.#keyspace.dirty = dirty;
    this.#dirtyTakenOff += baseline;
    this.#lastSaveSeconds = seconds(this.#nowMs());
    this.#lastBgsaveOk = true;
  }

  // ---- BGSAVE ----

  /** bgsaveCommand's decision; `inExec` is Redis's server.in_exec. */
  bgsaveCommand(schedule: boolean, inExec: boolean): Reply {
    if (this.#bgsave !== null) return errorReply(bgsaveInProgressError);
    if (this.#jobs.active !== null || inExec) {
      if (!schedule && !inExec) return errorReply(anotherChildError);
      this.#bgsaveScheduled = true;
      return simpleReply('Background saving scheduled');
    }
    this.#startBgsave();
    return simpleReply('Background saving started');
  }

  /** serverCron's save points (when no child runs): the first due one starts a BGSAVE. */
  cronSavePoint(): BgsaveStart | null {
    if (this.#jobs.active !== null) return null;
    const point = dueSavePoint(this.#options.config().save, {
      dirty: this.#keyspace.dirty,
      nowSeconds: seconds(this.#nowMs()),
      lastSaveSeconds: this.#lastSaveSeconds,
      lastBgsaveTrySeconds: this.#lastBgsaveTrySeconds,
      lastBgsaveOk: this.#lastBgsaveOk,
    });
    if (point === undefined) return null;
    this.#startBgsave();
    return { reason: 'save-point', point };
  }

  /** serverCron's last step: a scheduled BGSAVE, once no child runs and a retry is allowed. */
  cronScheduledBgsave(): BgsaveStart | null {
    const retryAllowed = seconds(this.#nowMs()) - this.#lastBgsaveTrySeconds > bgsaveRetryDelaySeconds || this.#lastBgsaveOk;
    if (this.#jobs.active !== null || !this.#bgsaveScheduled || !retryAllowed) return null;
    this.#startBgsave();
    this.#bgsaveScheduled = false;
    return { reason: 'scheduled' };
  }

  /** rdbSaveBackground: O(databases) here; the scan and writes run in scheduler slices. */
  #startBgsave(): void {
    assert.equal(this.#jobs.active, null, 'no other background job');
    const startedMs = this.#nowMs();
    const dirtyBefore = this.#keyspace.dirty;
    this.#rdbSaves += 1;
    this.#lastBgsaveTrySeconds = seconds(startedMs);
    this.#bgsaveCount += 1;
    const job = RdbBackgroundSave.start({
      kind: 'rdb-bgsave',
      keyspace: this.#keyspace,
      fileSystem: this.#options.fileSystem,
      path: this.#dumpPath(),
      tempPath: this.#tempPath(this.#options.processId + this.#bgsaveCount),
      format: rdbSnapshotFormat(this.#encoderOptions()),
      sliceKeys: this.#options.config().snapshotSliceKeys,
      scheduler: this.#options.scheduler,
    });
    this.#jobs.start(job);
    this.#bgsave = { job, startedMs };
    job.done.then(
      (result) => this.#bgsaveDone(job, startedMs, dirtyBefore, result),
      (error: unknown) => {
        this.#options.onFatal(error);
        this.#bgsave = null;
        this.#jobs.finish(job);
      },
    );
  }

  /** backgroundSaveDoneHandlerDisk. */
  #bgsaveDone(job: RdbBackgroundSave, startedMs: number, dirtyBefore: number, result: RdbBackgroundSaveResult): void {
    const nowMs = this.#nowMs();
    this.#lastBgsaveDurationSeconds = seconds(nowMs) - seconds(startedMs);
    switch (result.outcome.kind) {
      case 'saved': {
        const dirty = this.#keyspace.dirty - dirtyBefore;
        assert.ok(dirty >= 0, 'nothing reset dirty during the BGSAVE');
        this.#keyspace.dirty = dirty;
        this.#lastSaveSeconds = seconds(nowMs);
        this.#lastBgsaveOk = true;
        this.#lastCowBytes = result.progress.cowBytes;
        break;
      }
      case 'failed':
        this.#lastBgsaveOk = false;
        break;
      case 'cancelled':
        break;
      default: {
        const never: never = result.outcome;
        assert.fail(`unknown outcome ${JSON.stringify(never)}`);
      }
    }
    this.#bgsave = null;
    this.#jobs.finish(job);
  }

  // ---- paths and encoding ----

  #nowMs(): number {
    const now = this.#options.clock.nowMs();
    assert.ok(Number.isSafeInteger(now), `the clock returned ${now}`);
    return now;
  }

  #dumpPath(): string {
    return joinPath(this.#options.directory, this.#options.config().dbfilename);
  }

  #tempPath(id: number): string {
    return joinPath(this.#options.directory, `temp-${id}.rdb`);
  }

  #encoderOptions(): RdbEncoderOptions {
    const config = this.#options.config();
    return { aof: false, ctimeSeconds: seconds(this.#nowMs()), usedMemory: 0, compression: config.rdbcompression, checksum: config.rdbchecksum };
  }
}
