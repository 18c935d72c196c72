/**
 * The store's configuration: the persistence settings Redis 7.0 has for RDB snapshots and the
 * append-only file, plus the one durakv needs that Redis does not (how many keys a background
 * snapshot slice visits). There are no hidden defaults: openStore takes a whole StoreConfig;
 * `redisDefaults` documents Redis 7.0's compiled-in values (config.c; facts §3.7) for callers
 * that want them.
 *
 * Invariants (assertStoreConfig):
 * - dbfilename, appendfilename and appenddirname are plain file names (no '/', not empty, not
 *   '.' or '..').
 * - save points are valid (save-points.ts); [] is `save ""` (no automatic saves, no MISCONF).
 * - 1 <= snapshotSliceKeys <= snapshotSliceKeysMax.
 * - autoAofRewritePercentage is an int in 0..2^31-1 (0 disables auto rewrite);
 *   autoAofRewriteMinSize a byte count >= 0.
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
  /** appendonly: log every write to the AOF; at start, load only the AOF (dump.rdb is ignored). */
  readonly appendonly: boolean;
  /** appendfilename: the prefix of every AOF file name (immutable). */
  readonly appendfilename: string;
  /** appenddirname: the multi-part AOF's directory inside the store's directory (immutable). */
  readonly appenddirname: string;
  /** appendfsync: fdatasync before every reply, about once a second in the background, or never. */
  readonly appendfsync: AppendFsync;
  /** aof-load-truncated: cut a torn tail of the last AOF file and start, instead of refusing. */
  readonly aofLoadTruncated: boolean;
  /** aof-use-rdb-preamble: a rewrite writes its base as an RDB (`.base.rdb`) or as commands (`.base.aof`). */
  readonly aofUseRdbPreamble: boolean;
  /** auto-aof-rewrite-percentage: growth over the base size that starts a rewrite; 0 disables. */
  readonly autoAofRewritePercentage: number;
  /** auto-aof-rewrite-min-size: no automatic rewrite below this many bytes of AOF. */
  readonly autoAofRewriteMinSize: number;
  /** aof-timestamp-enabled: a `#TS:<unix s>` annotation before commands when the second changes (and atop a RESP base). */
  readonly aofTimestampEnabled: boolean;
}

export type AppendFsync = 'always' | 'everysec' | 'no';

export const appendFsyncPolicies: readonly AppendFsync[] = ['always', 'everysec', 'no'];

/** The largest auto-aof-rewrite-percentage (INT_MAX). */
export const autoAofRewritePercentageMax = 2_147_483_647;

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
  appendonly: false,
  appendfilename: 'appendonly.aof',
  appenddirname: 'appendonlydir',
  appendfsync: 'everysec',
  aofLoadTruncated: true,
  aofUseRdbPreamble: true,
  autoAofRewritePercentage: 100,
  autoAofRewriteMinSize: 64 * 1024 * 1024,
  aofTimestampEnabled: false,
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
  assert.ok(isPlainFileName(config.appendfilename), `appendfilename is a file name: ${JSON.stringify(config.appendfilename)}`);
  assert.ok(isPlainFileName(config.appenddirname), `appenddirname is a file name: ${JSON.stringify(config.appenddirname)}`);
  assert.ok(appendFsyncPolicies.includes(config.appendfsync), `appendfsync is always, everysec or no: ${config.appendfsync}`);
  const percentage = config.autoAofRewritePercentage;
  assert.ok(Number.isSafeInteger(percentage) && percentage >= 0 && percentage <= autoAofRewritePercentageMax, `auto-aof-rewrite-percentage ${percentage}`);
  assert.ok(Number.isSafeInteger(config.autoAofRewriteMinSize) && config.autoAofRewriteMinSize >= 0, `auto-aof-rewrite-min-size ${config.autoAofRewriteMinSize}`);
}
