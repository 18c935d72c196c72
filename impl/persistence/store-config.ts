/**
 * The store's configuration: the persistence settings Redis 7.0 has for RDB snapshots, plus the
 * one durakv needs that Redis does not (how many keys a background snapshot slice visits).
 * There are no hidden defaults: openStore takes a whole StoreConfig; `redisDefaults` documents
 * Redis 7.0's compiled-in values (config.c; facts §3.7) for callers that want them.
 *
 * Invariants (assertStoreConfig):
 * - dbfilename is a plain file name (no '/', not empty, not '.' or '..').
 * - save points are valid (save-points.ts); [] is `save ""` (no automatic saves, no MISCONF).
 * - 1 <= snapshotSliceKeys <= snapshotSliceKeysMax.
 */
import assert from 'node:assert/strict';
import { snapshotSliceKeysMax } from '../impl-limits.ts';
import { type SavePoint, assertSavePoints } from './save-points.ts';

export interface StoreConfig {
  /** dbfilename: the RDB file's name inside the store's directory. */
  readonly dbfilename: string;
  /** save: when cron starts a BGSAVE; [] disables (save ""). */
  readonly save: readonly SavePoint[];
  /** stop-writes-on-bgsave-error: refuse writes (MISCONF) after a failed BGSAVE. */
  readonly stopWritesOnBgsaveError: boolean;
  /** rdbcompression: LZF for strings longer than 20 bytes. */
  readonly rdbcompression: boolean;
  /** rdbchecksum: write the CRC-64 trailer and verify it on load. */
  readonly rdbchecksum: boolean;
  /** enable-protected-configs: whether CONFIG SET may change dbfilename. */
  readonly enableProtectedConfigs: boolean;
  /** durakv only: keys a background snapshot visits per slice before yielding. */
  readonly snapshotSliceKeys: number;
}

/** Redis 7.0's defaults (snapshotSliceKeys is durakv's own). */
export const redisDefaults: StoreConfig = {
  dbfilename: 'dump.rdb',
  save: [
    { seconds: 3600, changes: 1 },
    { seconds: 300, changes: 100 },
    { seconds: 60, changes: 10000 },
  ],
  stopWritesOnBgsaveError: true,
  rdbcompression: true,
  rdbchecksum: true,
  enableProtectedConfigs: false,
  snapshotSliceKeys: 1000,
};

/** Redis's isValidDBfilename (no path), plus what a FileSystem path component needs. */
export function isPlainFileName(name: string): boolean {
  return name !== '' && name !== '.' && name !== '..' && !name.includes('/') && !name.includes('\\') && !name.includes('\0');
}

export function assertStoreConfig(config: StoreConfig): void {
  assert.ok(isPlainFileName(config.dbfilename), `dbfilename is a file name: ${JSON.stringify(config.dbfilename)}`);
  assertSavePoints(config.save);
  assert.ok(Number.isSafeInteger(config.snapshotSliceKeys), 'snapshotSliceKeys is a count');
  assert.ok(config.snapshotSliceKeys >= 1 && config.snapshotSliceKeys <= snapshotSliceKeysMax, `1..${snapshotSliceKeysMax} keys per slice`);
}
