/**
 * AofPersistence: Redis 7.0's multi-part AOF over one keyspace (aof.c; facts §3, §4): the state
 * (off / on / waiting for the first rewrite), the in-memory manifest and the live incr file,
 * BGREWRITEAOF and the automatic and scheduled rewrites, CONFIG SET appendonly yes|no, the
 * start-up open, the MISCONF condition and the INFO figures. The Store decides when these run
 * (it blocks other commands while a rewrite starts or the AOF is switched); this module decides
 * what they do, and AofWriter does the appends and fsyncs.
 *
 * Invariants:
 * - Every operation on the AOF's files (a turn's flush, a rewrite's start and finish, enabling,
 *   disabling, shutdown) runs in one serial queue, so they never interleave; the background
 *   fsync (everysec) and the rewrite's base writing run beside it, as bio and the child do.
 * - Effects are fed to the buffer while the state is on, or waiting with a rewrite running
 *   (then into temp-appendonly.aof.incr); never while off.
 * - The committed manifest names only files that exist and are durable under their names:
 *   a new incr or base, and a renamed temp incr, are followed by fsyncDirectory(appendonlydir)
 *   before the manifest that names them is written (the model's choice for the base, applied to
 *   every file). A manifest write is the commit point (aof-manifest-file.ts).
 * - Rewrite (AOF on), in order: (1) flush the buffer into the old incr, fdatasync it, create the
 *   new incr, fsync appendonlydir, commit a manifest with it; the cut is taken right after,
 *   before any command runs; (2) the base is written from that point-in-time snapshot in
 *   scheduler slices to appendonlydir/temp-rewriteaof-bg-<id>.aof, fsynced, (3) renamed to
 *   `<prefix>.<seq+1>.base.rdb|aof`, appendonlydir fsynced; (4) a manifest with the new base, the
 *   old base and every incr but the live one as history; (5) the history files unlinked and the
 *   manifest committed again. With the AOF off, (1) is skipped and every incr becomes history;
 *   while waiting for the first rewrite, (1) opens the temp incr instead (no manifest change)
 *   and (4) first renames it to the next incr and fsyncs appendonlydir.
 * - A file the committed manifest may name is never deleted: a failed rewrite removes only its
 *   temp base (and the new base when the manifest write failed before its rename); history
 *   files are deleted only after the manifest that demoted them is durable.
 * - One background job at a time (BackgroundJobs, shared with BGSAVE): BGREWRITEAOF during a
 *   BGSAVE or inside EXEC is scheduled; cron starts a scheduled rewrite when the slot is free and
 *   the limiter (aof-rewrite-limit.ts) allows, and an automatic one on growth.
 *
 * Decisions where Redis 7.0 was unclear or unsafe (each kept visible here):
 * - The everysec background fsync, the rewrite's slices and nothing else wait on the injected
 *   scheduler; no timers.
 * - A forced flush that fails at rewrite start fails the rewrite (Redis goes on and writes the
 *   old incr's bytes into the new incr: valkey#2627).
 * - The base suffix (.rdb/.aof) is fixed when the rewrite starts (valkey#886), and the temp base
 *   lives in appendonlydir (Redis: in dir, renamed across directories).
 * - After a rewrite the fsync horizon is NOT advanced (Redis #11973's bug).
 * - aof-timestamp-enabled writes `#TS:` annotations before commands (and at the top of a RESP
 *   base); loading skips them; nothing truncates by timestamp.
 * - no-appendfsync-on-rewrite is not supported (Redis's default, no).
 */
import assert from 'node:assert/strict';
import type { AofManifest, AofManifestEntry } from '../encoding/aof-manifest.ts';
import type { FileHandle, FileSystem } from '../fs/file-system.ts';
import { isFsError } from '../fs/fs-error.ts';
import { type Effect, type Keyspace, type Reply, errorReply, simpleReply } from '../keyspace/index.ts';
import type { AofLayout } from './aof-layout.ts';
import { ensureAofDirectory } from './aof-legacy-upgrade.ts';
import type { AofLoadReport } from './aof-loader.ts';
import { persistManifest, renamedBeforeFailure } from './aof-manifest-file.ts';
import { respBaseFormat } from './aof-resp-base-format.ts';
import { RewriteLimiter, autoRewriteGrowth } from './aof-rewrite-limit.ts';
import { AofWriter } from './aof-writer.ts';
import type { BackgroundJobs } from './background-jobs.ts';
import type { BackgroundScheduler } from './background-scheduler.ts';
import { misconfAofError } from './disk-error-refusal.ts';
import type { AofInfo } from './persistence-info.ts';
import { RdbBackgroundSave, type RdbBackgroundSaveResult } from './rdb-background-save.ts';
import { RdbSnapshot } from './rdb-snapshot.ts';
import { writeRdbSnapshot } from './rdb-snapshotter.ts';
import { type SnapshotFormat, rdbSnapshotFormat } from './snapshot-format.ts';
import type { StoreConfig } from './store-config.ts';
import type { Clock } from './store-options.ts';

export type AofState = 'off' | 'on' | 'wait-rewrite';

export const rewriteInProgressError = 'ERR Background append only file rewriting already in progress';
export const rewriteFailedError = "ERR Can't execute an AOF background rewriting. Please check the server logs for more information.";
export const rewriteStartedReply: Reply = simpleReply('Background append only file rewriting started');
export const rewriteScheduledReply: Reply = simpleReply('Background append only file rewriting scheduled');
/** startAppendOnly's failure, as CONFIG SET appendonly yes reports it. */
export const enableFailedReason = 'Unable to turn on AOF. Check server logs.';

export interface AofPersistenceOptions {
  readonly fileSystem: FileSystem;
  readonly layout: AofLayout;
  readonly clock: Clock;
  readonly scheduler: BackgroundScheduler;
  readonly processId: number;
  readonly keyspace: Keyspace;
  readonly jobs: BackgroundJobs;
  readonly config: () => StoreConfig;
  /** The manifest read at start-up (after a legacy upgrade), empty when there was none. */
  readonly manifest: AofManifest;
  /** The AOF load at start-up; null when the store started with appendonly no. */
  readonly load: AofLoadReport | null;
  readonly onFatal: (error: unknown) => void;
}

/** BGREWRITEAOF's decision before any I/O. */
export type RewriteDecision = { readonly kind: 'reply'; readonly reply: Reply } | { readonly kind: 'start' };

/** Why cron started a rewrite (CronReport). */
export type RewriteTrigger = 'scheduled' | 'auto';

interface RunningRewrite {
  readonly job: RdbBackgroundSave;
  readonly startedMs: number;
  readonly baseName: string;
}

const seconds = (ms: number): number => Math.floor(ms / 1000);

export class AofPersistence {
  readonly #options: AofPersistenceOptions;
  readonly #fs: FileSystem;
  readonly #layout: AofLayout;
  readonly #writer: AofWriter;
  readonly #limiter = new RewriteLimiter();
  #state: AofState;
  #manifest: AofManifest;
  /** Bytes of the base and the incrs before the live one (aof_current_size minus the live incr). */
  #sizeBeforeLive = 0;
  #baseSize = 0;
  #io: Promise<void> = Promise.resolve();
  #rewrite: RunningRewrite | null = null;
  #rewriteScheduled = false;
  #lastBgrewriteOk = true;
  #consecutiveFailures = 0;
  #rewrites = 0;
  #lastRewriteSeconds = -1;
  #lastCowBytes = 0;
  #rewriteIds = 0;

  private constructor(options: AofPersistenceOptions) {
    this.#options = options;
    this.#fs = options.fileSystem;
    this.#layout = options.layout;
    this.#manifest = options.manifest;
    this.#state = options.load === null ? 'off' : 'on';
    this.#writer = new AofWriter({
      clock: options.clock,
      scheduler: options.scheduler,
      policy: () => options.config().appendfsync,
      timestamps: () => options.config().aofTimestampEnabled,
      onFatal: options.onFatal,
    });
    if (options.load !== null) {
      this.#sizeBeforeLive = options.load.totalSize - options.load.lastIncrSize;
      this.#baseSize = options.load.baseSize;
    }
  }

  /**
   * After the load: aofOpenIfNeededOnServerStart (AOF on) then aofDelHistoryFiles. Fresh start
   * (no base, no incr), in order: mkdir appendonlydir + fsync dir; create the incr; the empty
   * base (temp, fsync, rename, fsync appendonlydir); the manifest. Rejects (the store does not
   * open) when any step fails, as Redis exits.
   */
  static async open(options: AofPersistenceOptions): Promise<AofPersistence> {
    const aof = new AofPersistence(options);
    if (aof.#state === 'on') await aof.#openAtStart(options.load?.lastIncrSize ?? 0);
    await aof.#deleteHistory();
    return aof;
  }

  /** Whether an AOF file is open for appends (the turn's flush has something to do). */
  get hasLiveFile(): boolean {
    return this.#writer.live !== null;
  }

  /** Whether effects go to the buffer now (feedAppendOnlyFile's condition). */
  get logging(): boolean {
    return this.#state === 'on' || (this.#state === 'wait-rewrite' && this.#rewrite !== null);
  }

  feed(effects: readonly Effect[]): void {
    if (this.logging) this.#writer.feed(effects);
  }

  /** beforeSleep's flushAppendOnlyFile(0): rejects with AofFatalError under always. */
  endOfTurn(): Promise<void> {
    return this.#serial(async () => {
      await this.#writer.flush(false);
    });
  }

  /** The AOF half of writeCommandsDeniedByDiskError: the MISCONF message, or null. */
  writesDeniedError(): string | null {
    if (this.#state === 'off') return null;
    const error = this.#writer.lastWriteError ?? this.#writer.backgroundFsyncError;
    if (error === null) return null;
    // Redis records ENOSPC for a short write whatever stopped it.
    return misconfAofError(error.bytesWritten > 0 ? 'ENOSPC' : error.code);
  }

  // ---- BGREWRITEAOF and cron ----

  /** bgrewriteaofCommand before any I/O; `inExec` is Redis's server.in_exec. */
  bgrewriteaofDecision(inExec: boolean): RewriteDecision {
    if (this.#rewrite !== null) return { kind: 'reply', reply: errorReply(rewriteInProgressError) };
    if (this.#options.jobs.active !== null || inExec) {
      this.#rewriteScheduled = true;
      this.#consecutiveFailures = 0;
      return { kind: 'reply', reply: rewriteScheduledReply };
    }
    return { kind: 'start' };
  }

  /** serverCron: a rewrite BGREWRITEAOF (or enabling) scheduled is due now (slot free, not limited). */
  cronScheduledRewriteDue(): boolean {
    if (this.#options.jobs.active !== null || !this.#rewriteScheduled) return false;
    return !this.#limiter.limited(this.#consecutiveFailures, seconds(this.#nowMs()));
  }

  /** serverCron: the AOF grew enough for an automatic rewrite (slot free, AOF on, not limited). */
  cronAutoRewriteDue(): boolean {
    if (this.#options.jobs.active !== null || this.#state !== 'on') return false;
    const config = this.#options.config();
    const growth = autoRewriteGrowth({
      currentSize: this.#currentSize(),
      baseSize: this.#baseSize,
      percentage: config.autoAofRewritePercentage,
      minSize: config.autoAofRewriteMinSize,
    });
    return growth !== undefined && !this.#limiter.limited(this.#consecutiveFailures, seconds(this.#nowMs()));
  }

  /** rewriteAppendOnlyFileBackground; resolves false when it could not start (status err). */
  startRewrite(): Promise<boolean> {
    return this.#serial(() => this.#startRewrite());
  }

  /** Stops a running rewrite (Redis: SIGUSR1 to the child); its temp base is removed. */
  cancelRewrite(): void {
    this.#rewrite?.job.cancel();
  }

  // ---- CONFIG SET appendonly ----

  /**
   * startAppendOnly's synchronous part: the state becomes wait-rewrite and earlier errors are
   * forgotten. Returns 'scheduled' when another job runs or inside EXEC, else 'start': the
   * caller then runs `enableNow` (which may fail: then the state is off again).
   */
  enable(inExec: boolean): 'scheduled' | 'start' {
    assert.equal(this.#state, 'off', 'enable from off');
    this.#state = 'wait-rewrite';
    this.#writer.clearErrors();
    const active = this.#options.jobs.active;
    if ((active !== null && active.kind !== 'aof-rewrite') || inExec) {
      this.#rewriteScheduled = true;
      return 'scheduled';
    }
    return 'start';
  }

  /** Kills a rewrite started with the AOF off (it does not feed the temp incr), then starts one. */
  async enableNow(): Promise<boolean> {
    if (this.#rewrite !== null) {
      this.cancelRewrite();
      await this.#options.jobs.settled();
    }
    if (this.#state !== 'wait-rewrite') return true;
    const started = await this.startRewrite();
    if (!started && this.#state === 'wait-rewrite') this.#state = 'off';
    return started;
  }

  /**
   * stopAppendOnly: from now on nothing is fed; the rewrite is killed; the returned promise
   * flushes and fsyncs the live file and closes it. The files and the manifest stay.
   */
  disable(): Promise<void> {
    assert.notEqual(this.#state, 'off', 'disable from on or wait-rewrite');
    this.#state = 'off';
    this.#rewriteScheduled = false;
    this.cancelRewrite();
    return this.#serial(() => this.#closeLive());
  }

  /** SHUTDOWN's part: flush and fsync the live file, then close it. */
  shutdown(): Promise<void> {
    return this.#serial(() => this.#closeLive());
  }

  info(): AofInfo {
    const rewrite = this.#rewrite;
    return {
      aofEnabled: this.#state !== 'off',
      aofRewriteInProgress: rewrite !== null,
      aofRewriteScheduled: this.#rewriteScheduled,
      aofLastRewriteTimeSec: this.#lastRewriteSeconds,
      aofCurrentRewriteTimeSec: rewrite === null ? -1 : seconds(this.#nowMs()) - seconds(rewrite.startedMs),
      aofLastBgrewriteStatus: this.#lastBgrewriteOk ? 'ok' : 'err',
      aofRewrites: this.#rewrites,
      aofRewritesConsecutiveFailures: this.#consecutiveFailures,
      aofLastWriteStatus: this.#writer.lastWriteError === null && this.#writer.backgroundFsyncError === null ? 'ok' : 'err',
      aofLastCowSize: this.#lastCowBytes,
      aofCurrentSize: this.#currentSize(),
      aofBaseSize: this.#baseSize,
      aofBufferLength: this.#writer.bufferLength,
      aofPendingBioFsync: this.#writer.pendingBackgroundFsync,
      aofDelayedFsync: this.#writer.delayedFsync,
    };
  }

  /**
   * A new, empty incr (or temp incr) file, its emptiness durable: a file of that name may be
   * left over (a runtime enable renames its temp incr in before the manifest commit that a crash
   * can interrupt), and a truncation that a power loss undoes would bring its writes back under
   * a name the next manifest lists. Deviation: Redis 7.0 opens it with O_TRUNC and no fsync.
   */
  async #openEmpty(name: string): Promise<FileHandle> {
    const handle = await this.#fs.open(this.#layout.filePath(name), 'create-truncate');
    try {
      await handle.fsync();
    } catch (error) {
      await handle.close().catch(() => undefined);
      throw error;
    }
    return handle;
  }

  // ---- start-up ----

  async #openAtStart(lastIncrSize: number): Promise<void> {
    await ensureAofDirectory(this.#fs, this.#layout);
    let manifest = this.#manifest;
    const fresh = manifest.base === null && manifest.incrs.length === 0;
    const last = manifest.incrs[manifest.incrs.length - 1];
    let live: { handle: FileHandle; entry: AofManifestEntry; size: number };
    if (last !== undefined) {
      live = { handle: await this.#fs.open(this.#layout.filePath(last.fileName), 'append'), entry: last, size: lastIncrSize };
      // Deviation (safer): Redis 7.0 takes the loaded incr as synced. After a process crash its
      // tail may still be only in the page cache, and with no new write nothing would fsync it:
      // durakv fdatasyncs it once here, so what the start loaded is durable before it serves.
      if (lastIncrSize > 0) await live.handle.fdatasync();
    } else {
      // getLastIncrAofName: a manifest without incr gets the next one (a new, empty file).
      const entry = this.#nextIncr(manifest);
      live = { handle: await this.#openEmpty(entry.fileName), entry, size: 0 };
      manifest = { ...manifest, incrs: [entry] };
      if (fresh) {
        // Redis writes a base only when there was neither base nor incr; its rename's directory
        // fsync also makes the new incr's name durable.
        const base: AofManifestEntry = { fileName: this.#layout.baseName(1, this.#options.config().aofUseRdbPreamble), seq: 1, type: 'base' };
        await this.#writeBaseNow(base.fileName);
        manifest = { ...manifest, base };
      } else {
        await this.#fs.fsyncDirectory(this.#layout.dirPath);
      }
      await persistManifest(this.#fs, this.#layout, manifest);
    }
    this.#manifest = manifest;
    this.#writer.attach({ handle: live.handle, fileName: this.#layout.filePath(live.entry.fileName) }, live.size);
  }

  /** rewriteAppendOnlyFile at start-up: the (empty) dataset as a base, synchronously. */
  async #writeBaseNow(fileName: string): Promise<void> {
    const snapshot = RdbSnapshot.begin({ keyspace: this.#options.keyspace, format: this.#baseFormat(), sliceKeys: this.#options.config().snapshotSliceKeys, mode: 'blocking' });
    const outcome = await writeRdbSnapshot({
      fileSystem: this.#fs,
      path: this.#layout.filePath(fileName),
      tempPath: this.#layout.filePath(`temp-rewriteaof-${this.#options.processId}.aof`),
      source: snapshot,
      pace: null,
      cancelled: () => false,
    });
    if (outcome.kind === 'failed') throw outcome.error;
    assert.equal(outcome.kind, 'saved');
  }

  // ---- rewrite ----

  async #startRewrite(): Promise<boolean> {
    assert.equal(this.#options.jobs.active, null, 'no other background job');
    assert.equal(this.#rewrite, null);
    try {
      await ensureAofDirectory(this.#fs, this.#layout);
      if (this.#state === 'on') {
        if (!(await this.#rotateIncr())) return this.#startFailed();
      } else if (this.#state === 'wait-rewrite') {
        const handle = await this.#openEmpty(this.#layout.tempIncrName);
        this.#writer.attach({ handle, fileName: this.#layout.filePath(this.#layout.tempIncrName) }, 0);
      }
    } catch (error) {
      if (!isFsError(error)) throw error;
      return this.#startFailed();
    }
    const config = this.#options.config();
    const baseSeq = (this.#manifest.base?.seq ?? 0) + 1;
    const baseName = this.#layout.baseName(baseSeq, config.aofUseRdbPreamble);
    this.#rewriteIds += 1;
    const startedMs = this.#nowMs();
    const job = RdbBackgroundSave.start({
      kind: 'aof-rewrite',
      keyspace: this.#options.keyspace,
      fileSystem: this.#fs,
      path: this.#layout.filePath(baseName),
      tempPath: this.#layout.filePath(`temp-rewriteaof-bg-${this.#options.processId + this.#rewriteIds}.aof`),
      format: this.#baseFormat(),
      sliceKeys: config.snapshotSliceKeys,
      scheduler: this.#options.scheduler,
    });
    this.#options.jobs.start(job);
    this.#rewrite = { job, startedMs, baseName };
    this.#rewriteScheduled = false;
    this.#rewrites += 1;
    job.done.then(
      (result) => this.#serial(() => this.#rewriteDone(job, result)).catch((error: unknown) => this.#options.onFatal(error)),
      (error: unknown) => {
        this.#options.onFatal(error);
        this.#rewrite = null;
        this.#options.jobs.finish(job);
      },
    );
    return true;
  }

  #startFailed(): boolean {
    this.#lastBgrewriteOk = false;
    return false;
  }

  /**
   * openNewIncrAofForAppend with the AOF on: flush and fdatasync the old incr (the model's
   * choice: nothing reaches the new incr before the old one is durable), create the new incr,
   * fsync appendonlydir, commit the manifest naming it, then switch the writer to it. False
   * (nothing switched) when a step fails; under always a failed flush or fsync is fatal.
   */
  async #rotateIncr(): Promise<boolean> {
    if ((await this.#writer.flush(true)) === 'write-failed') return false;
    const old = this.#writer.live;
    assert.ok(old !== null, 'the AOF on has a live incr');
    try {
      await this.#writer.syncNow();
    } catch (error) {
      if (isFsError(error) && this.#options.config().appendfsync === 'always') throw this.#writer.fatal(old, "Can't persist AOF for fsync error when the AOF fsync policy is 'always'", error);
      throw error;
    }
    const entry = this.#nextIncr(this.#manifest);
    const handle = await this.#openEmpty(entry.fileName);
    const manifest: AofManifest = { ...this.#manifest, incrs: [...this.#manifest.incrs, entry] };
    try {
      await this.#fs.fsyncDirectory(this.#layout.dirPath);
      await persistManifest(this.#fs, this.#layout, manifest);
    } catch (error) {
      await handle.close().catch(() => undefined);
      if (isFsError(error)) return false;
      throw error;
    }
    this.#manifest = manifest;
    const oldSize = this.#writer.incrSize;
    this.#writer.detach();
    this.#writer.attach({ handle, fileName: this.#layout.filePath(entry.fileName) }, 0);
    this.#sizeBeforeLive += oldSize;
    await old.handle.close().catch((error: unknown) => {
      if (!isFsError(error)) throw error;
    });
    return true;
  }

  /** backgroundRewriteDoneHandler, in the serial queue. */
  async #rewriteDone(job: RdbBackgroundSave, result: RdbBackgroundSaveResult): Promise<void> {
    const rewrite = this.#rewrite;
    assert.ok(rewrite !== null && rewrite.job === job, 'the finishing rewrite is the running one');
    this.#lastRewriteSeconds = seconds(this.#nowMs()) - seconds(rewrite.startedMs);
    try {
      // A job cancelled (killed) after it finished is handled as killed: Redis's done handler never runs then.
      const outcome = job.cancelled ? 'cancelled' : result.outcome.kind;
      if (outcome === 'saved' && result.outcome.kind === 'saved') {
        if (await this.#installBase(rewrite.baseName, result.outcome.bytesWritten)) {
          this.#lastCowBytes = result.progress.cowBytes;
          return;
        }
      }
      // A kill (appendonly no, close, enabling) is no failure (SIGUSR1).
      if (outcome !== 'cancelled') this.#failed();
      await this.#abandonTempIncr();
    } finally {
      this.#rewrite = null;
      this.#options.jobs.finish(job);
    }
  }

  #failed(): void {
    this.#lastBgrewriteOk = false;
    this.#consecutiveFailures += 1;
  }

  /** Steps (4)-(5) of the header; false (status err) when the manifest could not be committed. */
  async #installBase(baseName: string, baseSize: number): Promise<boolean> {
    const old = this.#manifest;
    const base: AofManifestEntry = { fileName: baseName, seq: (old.base?.seq ?? 0) + 1, type: 'base' };
    let incrs = old.incrs;
    let renamedIncr: string | null = null;
    try {
      if (this.#state === 'wait-rewrite') {
        const entry = this.#nextIncr(old);
        await this.#fs.rename(this.#layout.filePath(this.#layout.tempIncrName), this.#layout.filePath(entry.fileName));
        renamedIncr = entry.fileName;
        incrs = [...incrs, entry];
        await this.#fs.fsyncDirectory(this.#layout.dirPath);
      }
    } catch (error) {
      if (!isFsError(error)) throw error;
      await this.#unlinkQuietly(this.#layout.filePath(baseName));
      return false;
    }
    // markRewrittenIncrAofAsHistory: every incr but the live one (all of them with the AOF off).
    // A temp incr renamed above stays the incr even if CONFIG SET appendonly no came during the
    // rename: it holds the writes made during the rewrite, which the new base lacks.
    const keep = this.#state !== 'off' || renamedIncr !== null ? 1 : 0;
    const demoted = incrs.slice(0, incrs.length - keep).map((entry): AofManifestEntry => ({ ...entry, type: 'history' }));
    const oldBase: AofManifestEntry[] = old.base === null ? [] : [{ ...old.base, type: 'history' }];
    const manifest: AofManifest = { base, history: [...demoted, ...oldBase, ...old.history], incrs: incrs.slice(incrs.length - keep) };
    try {
      await persistManifest(this.#fs, this.#layout, manifest);
    } catch (error) {
      if (!isFsError(error)) throw error;
      if (!renamedBeforeFailure(error, this.#layout)) {
        await this.#unlinkQuietly(this.#layout.filePath(baseName));
        if (renamedIncr !== null) await this.#unlinkQuietly(this.#layout.filePath(renamedIncr));
      }
      return false;
    }
    this.#manifest = manifest;
    if (this.#state !== 'off') {
      this.#writer.forgetSelectedDb();
      this.#sizeBeforeLive = baseSize;
      this.#baseSize = this.#currentSize();
    }
    // A rewrite that CONFIG SET appendonly yes caught while it committed (started with the AOF
    // off, so it has no temp incr) does not turn the AOF on: enableNow starts the first rewrite.
    if (this.#state === 'wait-rewrite' && renamedIncr !== null) {
      this.#state = 'on';
      this.#writer.renameLive(this.#layout.filePath(renamedIncr));
    }
    this.#lastBgrewriteOk = true;
    this.#consecutiveFailures = 0;
    await this.#deleteHistory();
    return true;
  }

  /** A rewrite waiting for its first base failed: drop what the temp incr took, try again later. */
  async #abandonTempIncr(): Promise<void> {
    if (this.#state !== 'wait-rewrite') return;
    this.#writer.discardBuffer();
    const live = this.#writer.detach();
    await live?.handle.close().catch(() => undefined);
    await this.#unlinkQuietly(this.#layout.filePath(this.#layout.tempIncrName));
    this.#rewriteScheduled = true;
  }

  /** aofDelHistoryFiles: unlink each history file, then commit the manifest without them. */
  async #deleteHistory(): Promise<void> {
    if (this.#manifest.history.length === 0) return;
    for (const entry of this.#manifest.history) await this.#unlinkQuietly(this.#layout.filePath(entry.fileName));
    const manifest: AofManifest = { ...this.#manifest, history: [] };
    this.#manifest = manifest;
    await persistManifest(this.#fs, this.#layout, manifest).catch((error: unknown) => {
      if (!isFsError(error)) throw error;
    });
  }

  /** flushAppendOnlyFile(1), fsync, close (stopAppendOnly, shutdown); the buffer is dropped after. */
  async #closeLive(): Promise<void> {
    const live = this.#writer.live;
    if (live === null) return;
    await this.#writer.flush(true);
    await this.#writer.syncNow().catch((error: unknown) => {
      if (!isFsError(error)) throw error;
    });
    this.#writer.discardBuffer();
    this.#writer.detach();
    await live.handle.close().catch((error: unknown) => {
      if (!isFsError(error)) throw error;
    });
  }

  // ---- helpers ----

  #nextIncr(manifest: AofManifest): AofManifestEntry {
    const seq = (manifest.incrs[manifest.incrs.length - 1]?.seq ?? 0) + 1;
    return { fileName: this.#layout.incrName(seq), seq, type: 'incr' };
  }

  #baseFormat(): SnapshotFormat {
    const config = this.#options.config();
    if (config.aofUseRdbPreamble) {
      return rdbSnapshotFormat({ aof: true, ctimeSeconds: seconds(this.#nowMs()), usedMemory: 0, compression: config.rdbcompression, checksum: config.rdbchecksum });
    }
    return respBaseFormat(config.aofTimestampEnabled ? seconds(this.#nowMs()) : null);
  }

  #currentSize(): number {
    return this.#sizeBeforeLive + this.#writer.incrSize;
  }

  async #unlinkQuietly(path: string): Promise<void> {
    await this.#fs.unlink(path).catch((error: unknown) => {
      if (!isFsError(error)) throw error;
    });
  }

  #serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#io.then(work);
    this.#io = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  #nowMs(): number {
    const now = this.#options.clock.nowMs();
    assert.ok(Number.isSafeInteger(now), `the clock returned ${now}`);
    return now;
  }
}
