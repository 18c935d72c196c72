/**
 * durakv's library API: the only barrel of impl/. A host (the CLI, a server, the conformance
 * suite, a benchmark) opens a Store on a FileSystem with an explicit configuration and runtime,
 * and talks to it in commands.
 *
 * - openStore({ fileSystem, directory, config, clock, random, scheduler, processId }) → Store:
 *   with appendonly yes loads the multi-part AOF in directory/appendonlydir (typed AofLoadError
 *   naming file, offset and reason when Redis 7.0 would refuse; a legacy appendonly.aof is
 *   upgraded), else directory/dbfilename (typed RdbDecodeError when corrupt or truncated).
 * - Store: execute(argv), session() for per-client state, turn([...]) for one event-loop turn
 *   (its replies resolve after the turn's AOF write, and fdatasync under appendfsync always),
 *   cron(), info(), dataset(), backgroundSettled(), close({ background }). Under appendfsync
 *   always a failed AOF write or fsync makes the store fail with AofFatalError.
 * - Runtime ports and their implementations: FileSystem (NodeFileSystem, CrashFileSystem),
 *   BackgroundScheduler (immediateScheduler, ManualScheduler), Clock (systemClock).
 *
 * Invariant: nothing here reads the host's clock, randomness or timers unless the host passes
 * the production adapters (systemClock, systemRandom, immediateScheduler) itself.
 */
export { Store, StoreClosedError, openStore, anotherChildError, bgsaveInProgressError, type CloseOptions, type CronReport, type TurnCall } from './persistence/store.ts';
export { type RewriteTrigger, rewriteFailedError, rewriteInProgressError } from './persistence/aof-persistence.ts';
export { AofLoadError, type AofLoadErrorKind } from './persistence/aof-load-error.ts';
export { AofFatalError } from './persistence/aof-fatal-error.ts';
export { StoreSession } from './persistence/store-session.ts';
export type { Clock, OpenStoreOptions } from './persistence/store-options.ts';
export { type AppendFsync, type StoreConfig, redisDefaults } from './persistence/store-config.ts';
export { type SavePoint, formatSavePoints, parseSavePoints } from './persistence/save-points.ts';
export { type PersistenceInfo, persistenceInfoText } from './persistence/persistence-info.ts';
export { misconfAofError, misconfRdbError } from './persistence/disk-error-refusal.ts';
export { notAllowedInTransactionError } from './persistence/store-commands.ts';
export type { BackgroundScheduler } from './persistence/background-scheduler.ts';
export { ManualScheduler } from './persistence/manual-scheduler.ts';
export { immediateScheduler, systemClock, systemRandom } from './persistence/host-runtime.ts';
export type { FileHandle, FileStat, FileSystem, FsOperationName, OpenMode } from './fs/file-system.ts';
export { FsError, type FsErrorCode, isFsError } from './fs/fs-error.ts';
export { NodeFileSystem } from './fs/node-file-system.ts';
export { CrashFileSystem } from './fs/crash-file-system.ts';
export { SimulatedCrash, isSimulatedCrash } from './fs/simulated-crash.ts';
export { RdbDecodeError, type RdbDecodeErrorKind } from './encoding/rdb-decode-error.ts';
export { AofDecodeError, type AofDecodeErrorKind } from './encoding/aof-decode-error.ts';
export { type Reply, encodeReply } from './keyspace/index.ts';
export type { ByteString, DatabaseContents, KeyEntry, RedisValue } from './values/redis-value.ts';
