/**
 * Named bounds for the implementation's loops and buffers above the pure codecs (the codecs keep
 * their own in encoding/rdb-limits.ts). Every value is a count or a byte size, asserted at load.
 *
 * Invariants:
 * - A background snapshot slice visits at most `snapshotSliceKeysMax` keys, whatever the config
 *   asks, so one slice's pause of the foreground stays bounded.
 * - The RDB loader reads at most `rdbLoadChunkBytes` per read, so its memory is one chunk plus
 *   what the decoder holds for one unit; the AOF loader likewise with `aofLoadChunkBytes`.
 * - One cron tick examines at most `activeExpireKeysPerCron` keys with an expiry (Redis's
 *   ACTIVE_EXPIRE_CYCLE_KEYS_PER_LOOP = 20 per database, 16 databases).
 * - At most `savePointsMax` save points are accepted (Redis has no cap; a sane bound on a list
 *   the cron walks every tick).
 */
import assert from 'node:assert/strict';

export const snapshotSliceKeysMax = 1_000_000;
export const rdbLoadChunkBytes = 1024 * 1024;
export const aofLoadChunkBytes = 1024 * 1024;
export const activeExpireKeysPerCron = 20 * 16;
export const savePointsMax = 64;

for (const value of [snapshotSliceKeysMax, rdbLoadChunkBytes, aofLoadChunkBytes, activeExpireKeysPerCron, savePointsMax]) {
  assert.ok(Number.isSafeInteger(value) && value > 0, 'a limit is a positive count');
}
assert.ok(rdbLoadChunkBytes >= 64 * 1024, 'load chunks are large enough to amortise a read call');
