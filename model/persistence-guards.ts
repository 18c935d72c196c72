/**
 * Pure predicates over the model's context. The machine names them in `setup({ guards })`.
 *
 * Invariants:
 * - No predicate reads a clock or a random source: time is `context.nowMs`.
 * - Thresholds are Redis 7.0's (redis-persistence-facts.md §2.5, §2.6, §3.4), compared as Redis
 *   7.0 compares them: in whole seconds of `server.unixtime` (secondsSince), though the model's
 *   clock counts milliseconds.
 */
import type { PersistenceContext, SavePoint } from './persistence-types.ts';

/** Redis's CONFIG_BGSAVE_RETRY_DELAY: a failed BGSAVE is retried after 5 s. */
export const bgsaveRetryDelayMs = 5_000;
/** everysec: a background fsync starts at most once per this interval. */
export const everysecIntervalMs = 1_000;
/** everysec: a write postponed behind a running fsync is forced after this long. */
export const postponeLimitMs = 2_000;

/**
 * Redis 7.0's clock for the AOF's everysec decisions: whole Unix seconds (`server.unixtime`),
 * not milliseconds (7.4 moved to ms, PR #13041). The model's time 0 is a whole second.
 */
export function unixSeconds(ms: number): number {
  return Math.floor(ms / 1_000);
}

/** Whole seconds since `sinceMs`, as Redis 7.0 subtracts two `unixtime` readings. */
export function secondsSince(sinceMs: number, nowMs: number): number {
  return unixSeconds(nowMs) - unixSeconds(sinceMs);
}

export function isAofLogging(context: PersistenceContext): boolean {
  if (context.aof.mode === 'on') return true;
  return context.aof.mode === 'waitRewrite' && context.rewrite.forkLength !== null;
}

export function hasAofBuffered(context: PersistenceContext): boolean {
  return isAofLogging(context) && context.aof.bufferedLength > context.aof.writtenLength;
}

/** MISCONF: writes are refused after a failed BGSAVE (with save points) or an AOF error. */
export function isWriteDenied(context: PersistenceContext): boolean {
  const { config, rdb, aof } = context;
  const rdbDenies = config.stopWritesOnBgsaveError && config.savePoints.length > 0 && rdb.lastBgsaveStatus === 'err';
  const aofDenies = aof.mode !== 'off' && (aof.lastWriteStatus === 'err' || aof.lastFsyncStatus === 'err');
  return rdbDenies || aofDenies;
}

/** everysec: the write must wait behind the running background fsync (for less than 2 s). */
export function isWritePostponed(context: PersistenceContext): boolean {
  const { aof, config } = context;
  if (config.appendfsync !== 'everysec') return false;
  if (!hasAofBuffered(context)) return false;
  if (aof.backgroundFsync === null) return false;
  if (aof.postponedSinceMs === null) return true;
  return secondsSince(aof.postponedSinceMs, context.nowMs) * 1_000 < postponeLimitMs;
}

/** `now_s > aof_last_fsync`: the second changed since the last fsync decision. */
export function isEverysecFsyncDue(context: PersistenceContext): boolean {
  return secondsSince(context.aof.lastFsyncMs, context.nowMs) * 1_000 >= everysecIntervalMs;
}

export function savePointDue(context: PersistenceContext): SavePoint | undefined {
  const { rdb, nowMs } = context;
  const retryAllowed = secondsSince(rdb.lastBgsaveTryMs, nowMs) * 1_000 > bgsaveRetryDelayMs || rdb.lastBgsaveStatus === 'ok';
  if (!retryAllowed) return undefined;
  return context.config.savePoints.find(
    (point) => rdb.dirty >= point.changes && secondsSince(rdb.lastSaveMs, nowMs) > point.seconds,
  );
}

export function isScheduledBgsaveDue(context: PersistenceContext): boolean {
  const { rdb, nowMs } = context;
  if (!rdb.bgsaveScheduled) return false;
  return secondsSince(rdb.lastBgsaveTryMs, nowMs) * 1_000 > bgsaveRetryDelayMs || rdb.lastBgsaveStatus === 'ok';
}
