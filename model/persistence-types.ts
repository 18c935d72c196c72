/**
 * The vocabulary of the persistence model: logical writes, what the disk holds, the machine's
 * context and its events.
 *
 * Invariants (checked by persistence-invariants.ts after every step):
 * - A `Write` is one atomic unit of the history: a single command, or a whole MULTI/EXEC. Its `id`
 *   is unique for the life of a model run, across restarts.
 * - Every dataset a restart may produce is a prefix of some `WriteLog` the model has seen: the
 *   current history, or an older lineage that a file on disk still holds.
 * - `aof.durableLength <= aof.writtenLength <= aof.bufferedLength <= history.length`.
 * - `ackedLength <= history.length`.
 */

/** One effect on the abstract dataset. Keys are opaque strings; `db:key` is the caller's choice. */
export type LogicalOp =
  | { readonly op: 'set'; readonly key: string; readonly value: string; readonly expireAtMs: number | null }
  | { readonly op: 'del'; readonly key: string }
  | { readonly op: 'expire'; readonly key: string; readonly expireAtMs: number }
  | { readonly op: 'persist'; readonly key: string }
  | { readonly op: 'flushall' };

/** One atomic entry of the write history. */
export interface Write {
  readonly id: number;
  /** The model clock when the write was executed. */
  readonly atMs: number;
  readonly ops: readonly LogicalOp[];
}

/** A history, or a prefix of one, held by value. Shared, never mutated. */
export type WriteLog = readonly Write[];

export type FsyncPolicy = 'always' | 'everysec' | 'no';
export type CrashKind = 'process' | 'power';
export type AofMode = 'off' | 'on' | 'waitRewrite';
export type ChildStatus = 'ok' | 'err';

export interface SavePoint {
  readonly seconds: number;
  readonly changes: number;
}

export interface PersistenceConfig {
  readonly appendonly: boolean;
  readonly appendfsync: FsyncPolicy;
  readonly savePoints: readonly SavePoint[];
  readonly stopWritesOnBgsaveError: boolean;
  readonly aofLoadTruncated: boolean;
}

/**
 * What one committed AOF manifest makes loadable: the base plus the incr files, as one log.
 * `writtenLength` writes of `log` reached the kernel; `durableLength` of them are on the disk.
 */
export interface AofView {
  readonly id: number;
  readonly log: WriteLog;
  readonly writtenLength: number;
  readonly durableLength: number;
  /** After a failed fsync, pages from this length on may be lost for good (fsyncgate). */
  readonly poisonedFromLength: number | null;
}

/**
 * A name bound by rename: dump.rdb, or the AOF manifest. `latest` is what the directory holds in
 * the page cache. `possibleAfterPowerLoss` lists every value the name may hold after a power loss:
 * renames not yet made durable by a directory fsync may be undone. `certain` is false once a power
 * loss has happened and no load told which value survived: then even a process crash may see any.
 */
export interface FileBinding<T> {
  readonly latest: T;
  readonly possibleAfterPowerLoss: readonly T[];
  readonly certain: boolean;
}

/** A point-in-time snapshot on disk: the prefix of the history it holds. */
export type RdbSnapshot = WriteLog;

export interface AofState {
  readonly mode: AofMode;
  /** Writes up to here are in the AOF buffer or beyond (only while logging). */
  readonly bufferedLength: number;
  /** Writes up to here were written to the kernel (the live AOF file). */
  readonly writtenLength: number;
  /** Writes up to here are durable in the live AOF file. */
  readonly durableLength: number;
  readonly poisonedFromLength: number | null;
  /** The id of the committed view that the live file extends, while `mode` is on. */
  readonly liveViewId: number | null;
  readonly lastWriteStatus: ChildStatus;
  readonly lastFsyncStatus: ChildStatus;
  readonly lastFsyncMs: number;
  /** When the current write postponement started (everysec), else null. */
  readonly postponedSinceMs: number | null;
  /** When the last flush decided to postpone; used to check the 2 s bound. */
  readonly lastPostponeDecisionMs: number | null;
  readonly backgroundFsync: { readonly targetLength: number; readonly startedAtMs: number } | null;
  /** Incremented each time a postponed write is forced after 2 s (Redis's aof_delayed_fsync). */
  readonly delayedFsyncCount: number;
  /** The acked length when the fsync policy was last set; guarantees start from here. */
  readonly policySinceAckedLength: number;
}

export interface RdbState {
  readonly dirty: number;
  readonly dirtyAtFork: number;
  readonly lastSaveMs: number;
  readonly lastBgsaveTryMs: number;
  readonly lastBgsaveStatus: ChildStatus;
  readonly bgsaveScheduled: boolean;
}

export interface RewriteState {
  readonly scheduled: boolean;
  readonly lastStatus: ChildStatus;
  /** The history length at the rewrite child's fork: the base holds this prefix. */
  readonly forkLength: number | null;
}

export interface CrashRecord {
  readonly kind: CrashKind;
  readonly atMs: number;
  /** The context as it was when the crash happened, for the oracle. */
  readonly before: PersistenceContext;
}

export interface PersistenceContext {
  readonly config: PersistenceConfig;
  readonly nowMs: number;
  readonly nextWriteId: number;
  readonly nextViewId: number;
  readonly history: WriteLog;
  readonly ackedLength: number;
  /** The prefix a running BGSAVE or SAVE holds: fixed at the fork. */
  readonly rdbForkSnapshot: RdbSnapshot | null;
  readonly dump: FileBinding<RdbSnapshot | null>;
  readonly aofManifest: FileBinding<AofView | null>;
  readonly aof: AofState;
  readonly rdb: RdbState;
  readonly rewrite: RewriteState;
  readonly refusedWrites: number;
  readonly crash: CrashRecord | null;
  readonly lastRestart: RestartOutcome | null;
}

/** What a restart produced. */
export type RestartOutcome =
  | {
      readonly kind: 'loaded';
      readonly source: LoadSource;
      readonly log: WriteLog;
      readonly length: number;
    }
  | { readonly kind: 'refused'; readonly source: LoadSource; readonly reason: string };

export type LoadSource = 'aof' | 'rdb' | 'empty';

export type PersistenceEvent =
  | { type: 'WRITE'; ops: readonly LogicalOp[] }
  | { type: 'READ'; key: string }
  | { type: 'BEFORE_SLEEP' }
  | { type: 'TICK'; ms: number }
  | { type: 'CRON' }
  | { type: 'OS_WRITEBACK' }
  | { type: 'BG_FSYNC_DONE' }
  | { type: 'AOF_WRITE_FAILED' }
  | { type: 'AOF_FSYNC_FAILED' }
  | { type: 'SET_APPENDONLY'; enabled: boolean }
  | { type: 'SET_APPENDFSYNC'; policy: FsyncPolicy }
  | { type: 'SET_SAVE_POINTS'; points: readonly SavePoint[] }
  | { type: 'SET_STOP_WRITES_ON_BGSAVE_ERROR'; enabled: boolean }
  | { type: 'SET_AOF_LOAD_TRUNCATED'; enabled: boolean }
  | { type: 'SAVE' }
  | { type: 'BGSAVE'; schedule: boolean }
  | { type: 'BGREWRITEAOF' }
  | { type: 'AOF_AUTO_REWRITE' }
  | { type: 'RDB_TEMP_WRITTEN' }
  | { type: 'RDB_TEMP_FSYNCED' }
  | { type: 'RDB_RENAMED' }
  | { type: 'RDB_DIR_FSYNCED' }
  | { type: 'RDB_FAILED' }
  | { type: 'AOF_INCR_CREATED' }
  | { type: 'AOF_BASE_WRITTEN' }
  | { type: 'AOF_BASE_FSYNCED' }
  | { type: 'AOF_REWRITE_FAILED' }
  | { type: 'AOF_BASE_RENAMED' }
  | { type: 'AOF_BASE_DIR_FSYNCED' }
  | { type: 'AOF_HISTORY_DELETED' }
  | { type: 'MANIFEST_TEMP_WRITTEN' }
  | { type: 'MANIFEST_TEMP_FSYNCED' }
  | { type: 'MANIFEST_RENAMED' }
  | { type: 'MANIFEST_DIR_FSYNCED' }
  | { type: 'CRASH'; kind: CrashKind }
  | { type: 'RESTART'; outcome: RestartOutcome };

export type PersistenceEventType = PersistenceEvent['type'];
