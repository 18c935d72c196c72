/**
 * The store's persistence status as INFO persistence reports it (Redis 7.0 server.c:
 * genRedisInfoString, facts §5.4), as a typed record and as the INFO text.
 *
 * Invariants:
 * - Field names and order in the text follow Redis 7.0.15 (checked against a live server);
 *   only fields this store has are written (no cow peak/age, fork percentage or module fork).
 *   Lines end in CRLF; the section starts with "# Persistence". The AOF block
 *   (aof_current_size ... aof_delayed_fsync) is written only while the AOF is not off, as Redis.
 * - aof_enabled is 1 while the AOF is on or waiting for its first rewrite (aof_state != OFF);
 *   aof_last_write_status is err while the last write OR the last background fsync failed.
 * - Times are whole Unix seconds; durations are whole seconds, -1 when there is none.
 * - rdb_last_cow_size is the bytes the last successful BGSAVE serialized early (before a write
 *   to a key its scan had not reached; see rdb-snapshot.ts), Redis's copy-on-write analogue.
 */
export type PersistenceInfo = RdbInfo & AofInfo;

/** The RDB half (RdbPersistence.info()). */
export interface RdbInfo {
  readonly loading: boolean;
  /** rdb_changes_since_last_save: Redis's `dirty`. */
  readonly rdbChangesSinceLastSave: number;
  readonly rdbBgsaveInProgress: boolean;
  readonly rdbBgsaveScheduled: boolean;
  readonly rdbLastSaveTime: number;
  readonly rdbLastBgsaveStatus: 'ok' | 'err';
  readonly rdbLastBgsaveTimeSec: number;
  readonly rdbCurrentBgsaveTimeSec: number;
  readonly rdbSaves: number;
  readonly rdbLastCowSize: number;
  /** Bytes serialized early so far by the running BGSAVE (current_cow_size). */
  readonly currentCowSize: number;
  readonly currentSaveKeysProcessed: number;
  readonly currentSaveKeysTotal: number;
  readonly rdbLastLoadKeysExpired: number;
  readonly rdbLastLoadKeysLoaded: number;
}

/** The AOF half (AofPersistence.info()); sizes in bytes, times in whole seconds, -1 for none. */
export interface AofInfo {
  readonly aofEnabled: boolean;
  readonly aofRewriteInProgress: boolean;
  readonly aofRewriteScheduled: boolean;
  readonly aofLastRewriteTimeSec: number;
  readonly aofCurrentRewriteTimeSec: number;
  readonly aofLastBgrewriteStatus: 'ok' | 'err';
  readonly aofRewrites: number;
  readonly aofRewritesConsecutiveFailures: number;
  readonly aofLastWriteStatus: 'ok' | 'err';
  /** Bytes the last successful rewrite's snapshot serialized early (cf. rdb_last_cow_size). */
  readonly aofLastCowSize: number;
  /** base + every incr (aof_current_size); Redis leaves out a base created at a fresh start. */
  readonly aofCurrentSize: number;
  /** aof_current_size right after the last rewrite or load (aof_rewrite_base_size). */
  readonly aofBaseSize: number;
  readonly aofBufferLength: number;
  readonly aofPendingBioFsync: number;
  readonly aofDelayedFsync: number;
}

const flag = (value: boolean): string => (value ? '1' : '0');

export function persistenceInfoText(info: PersistenceInfo): string {
  const lines = [
    '# Persistence',
    `loading:${flag(info.loading)}`,
    'async_loading:0',
    `current_cow_size:${info.currentCowSize}`,
    `current_save_keys_processed:${info.currentSaveKeysProcessed}`,
    `current_save_keys_total:${info.currentSaveKeysTotal}`,
    `rdb_changes_since_last_save:${info.rdbChangesSinceLastSave}`,
    `rdb_bgsave_in_progress:${flag(info.rdbBgsaveInProgress)}`,
    `rdb_last_save_time:${info.rdbLastSaveTime}`,
    `rdb_last_bgsave_status:${info.rdbLastBgsaveStatus}`,
    `rdb_last_bgsave_time_sec:${info.rdbLastBgsaveTimeSec}`,
    `rdb_current_bgsave_time_sec:${info.rdbCurrentBgsaveTimeSec}`,
    `rdb_saves:${info.rdbSaves}`,
    `rdb_last_cow_size:${info.rdbLastCowSize}`,
    `rdb_last_load_keys_expired:${info.rdbLastLoadKeysExpired}`,
    `rdb_last_load_keys_loaded:${info.rdbLastLoadKeysLoaded}`,
    `aof_enabled:${flag(info.aofEnabled)}`,
    `aof_rewrite_in_progress:${flag(info.aofRewriteInProgress)}`,
    `aof_rewrite_scheduled:${flag(info.aofRewriteScheduled)}`,
    `aof_last_rewrite_time_sec:${info.aofLastRewriteTimeSec}`,
    `aof_current_rewrite_time_sec:${info.aofCurrentRewriteTimeSec}`,
    `aof_last_bgrewrite_status:${info.aofLastBgrewriteStatus}`,
    `aof_rewrites:${info.aofRewrites}`,
    `aof_rewrites_consecutive_failures:${info.aofRewritesConsecutiveFailures}`,
    `aof_last_write_status:${info.aofLastWriteStatus}`,
    `aof_last_cow_size:${info.aofLastCowSize}`,
  ];
  if (info.aofEnabled) {
    lines.push(
      `aof_current_size:${info.aofCurrentSize}`,
      `aof_base_size:${info.aofBaseSize}`,
      `aof_pending_rewrite:${flag(info.aofRewriteScheduled)}`,
      `aof_buffer_length:${info.aofBufferLength}`,
      `aof_pending_bio_fsync:${info.aofPendingBioFsync}`,
      `aof_delayed_fsync:${info.aofDelayedFsync}`,
    );
  }
  return lines.map((line) => `${line}\r\n`).join('');
}

/** INFO [section ...]: which sections to write; this store has only persistence. */
export function infoWantsPersistence(sections: readonly string[]): boolean {
  if (sections.length === 0) return true;
  return sections.some((section) => ['persistence', 'default', 'all', 'everything'].includes(section.toLowerCase()));
}
