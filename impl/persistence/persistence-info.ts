/**
 * The store's persistence status as INFO persistence reports it (Redis 7.0 server.c:
 * genRedisInfoString, facts §5.4), as a typed record and as the INFO text.
 *
 * Invariants:
 * - Field names and order in the text follow Redis 7.0; only fields this store has are
 *   written (the AOF fields come with the AOF). Lines end in CRLF; the section starts with
 *   "# Persistence".
 * - Times are whole Unix seconds; durations are whole seconds, -1 when there is none.
 * - rdb_last_cow_size is the bytes the last successful BGSAVE serialized early (before a write
 *   to a key its scan had not reached; see rdb-snapshot.ts), Redis's copy-on-write analogue.
 */
export interface PersistenceInfo {
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
    'aof_enabled:0',
  ];
  return lines.map((line) => `${line}\r\n`).join('');
}

/** INFO [section ...]: which sections to write; this store has only persistence. */
export function infoWantsPersistence(sections: readonly string[]): boolean {
  if (sections.length === 0) return true;
  return sections.some((section) => ['persistence', 'default', 'all', 'everything'].includes(section.toLowerCase()));
}
