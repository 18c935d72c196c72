/**
 * What openStore needs, all of it explicit: the file system, the directory, the configuration,
 * and the runtime it must not take from the host behind the caller's back (clock, random
 * source, background scheduler, the stand-in for getpid()).
 *
 * Invariants:
 * - `directory` is an absolute FileSystem path; the dump is `directory/config.dbfilename`.
 * - The clock returns integral Unix milliseconds; `random` is uniform in [0, 1).
 * - Temp files are named from `processId` as Redis names them from its pid: SAVE (and
 *   FLUSHALL's save) write `temp-<processId>.rdb`; the n-th BGSAVE, like a forked child with its
 *   own pid, writes `temp-<processId + n>.rdb`; the n-th AOF rewrite writes
 *   `appendonlydir/temp-rewriteaof-bg-<processId + n>.aof`, and the base made at a fresh start
 *   `appendonlydir/temp-rewriteaof-<processId>.aof`.
 */
import type { FileSystem } from '../fs/file-system.ts';
import type { BackgroundScheduler } from './background-scheduler.ts';
import type { StoreConfig } from './store-config.ts';

export interface Clock {
  nowMs(): number;
}

export interface OpenStoreOptions {
  readonly fileSystem: FileSystem;
  readonly directory: string;
  readonly config: StoreConfig;
  readonly clock: Clock;
  readonly random: () => number;
  readonly scheduler: BackgroundScheduler;
  readonly processId: number;
}
