/**
 * loadRdbFile: start-up load of dump.rdb into an empty keyspace (Redis 7.0 rdbLoad as a master,
 * facts §5.1–5.2), streaming: the file is read through the FileSystem port in chunks and pushed
 * into the RDB decoder, never held whole.
 *
 * Invariants:
 * - A missing file (ENOENT on open) is not an error: the store starts empty ('missing').
 * - At most one read is in flight ahead of the decoder (the next chunk is read while this one is
 *   decoded); a failure waits for it before closing the file.
 * - Keys whose expiry is already past (expireAtMs < now, Redis's `expiretime < now`) are dropped
 *   and counted (rdb_last_load_keys_expired); the others are stored and counted
 *   (rdb_last_load_keys_loaded). Empty collections are skipped, as Redis does.
 * - A truncated, corrupt or unsupported file rejects with the decoder's RdbDecodeError, which
 *   names the file (its full path), the byte offset and the reason. Duplicate keys in a db are
 *   corrupt, whether or not the first copy had expired; the loader checks them against the
 *   keyspace itself (the decoder's own set of every key would cost as much as the keyspace).
 *   FUNCTION2 libraries are refused as unsupported (durakv has no function engine), rather
 *   than dropped. Other read failures reject with their FsError.
 * - The file is only ever opened 'read': loading never changes, renames or removes it.
 * - The keyspace must be empty before; on rejection it may hold a prefix of the file (the
 *   caller discards it).
 */
import assert from 'node:assert/strict';
import { RdbDecodeError } from '../encoding/rdb-decode-error.ts';
import { RdbDecoder } from '../encoding/rdb-decoder.ts';
import type { RdbItem, RdbKeyItem } from '../encoding/rdb-items.ts';
import { describeKey } from '../encoding/rdb-value-decoder.ts';
import type { FileHandle, FileSystem } from '../fs/file-system.ts';
import { isFsError } from '../fs/fs-error.ts';
import { rdbLoadChunkBytes } from '../impl-limits.ts';
import type { Keyspace } from '../keyspace/index.ts';
import { type ByteString, databaseCount } from '../values/redis-value.ts';

export interface RdbLoad {
  readonly fileSystem: FileSystem;
  readonly path: string;
  readonly keyspace: Keyspace;
  /** Unix ms against which expiries are judged (read once, at the start of the load). */
  readonly nowMs: number;
  readonly verifyChecksum: boolean;
}

export interface RdbLoadReport {
  readonly source: 'file' | 'missing';
  readonly keysLoaded: number;
  readonly keysExpired: number;
  readonly bytesRead: number;
}

async function openIfPresent(fs: FileSystem, path: string): Promise<FileHandle | null> {
  try {
    return await fs.open(path, 'read');
  } catch (error) {
    if (isFsError(error, 'ENOENT')) return null;
    throw error;
  }
}

export async function loadRdbFile(load: RdbLoad): Promise<RdbLoadReport> {
  for (let db = 0; db < databaseCount; db += 1) assert.equal(load.keyspace.size(db), 0, 'loading starts from an empty keyspace');
  const handle = await openIfPresent(load.fileSystem, load.path);
  if (handle === null) return { source: 'missing', keysLoaded: 0, keysExpired: 0, bytesRead: 0 };
  const counts = { keysLoaded: 0, keysExpired: 0 };
  let offset = 0;
  let ahead: Promise<Uint8Array> | null = null;
  load.keyspace.loading = true;
  try {
    const size = await handle.size();
    const decoder = new RdbDecoder({ fileName: load.path, totalBytes: size, verifyChecksum: load.verifyChecksum, checkDuplicateKeys: false });
    const dropped = new Map<number, Set<ByteString>>();
    const readFrom = (at: number): Promise<Uint8Array> | null => (at < size ? handle.read(at, Math.min(rdbLoadChunkBytes, size - at)) : null);
    ahead = readFrom(0);
    while (ahead !== null) {
      const chunk: Uint8Array = await ahead;
      offset += chunk.length;
      // One read in flight while this chunk is decoded.
      ahead = chunk.length === 0 ? null : readFrom(offset);
      for (const item of decoder.push(chunk)) applyItem(load, item, counts, dropped, decoder.bytesConsumed);
    }
    decoder.end();
  } finally {
    load.keyspace.loading = false;
    await ahead?.catch(() => undefined);
    await handle.close();
  }
  return { source: 'file', ...counts, bytesRead: offset };
}

type Counts = { keysLoaded: number; keysExpired: number };

/** Stores or drops one decoded item; `dropped` holds the keys dropped as expired, per db. */
function applyItem(load: RdbLoad, item: RdbItem, counts: Counts, dropped: Map<number, Set<ByteString>>, consumed: number): void {
  if (item.kind === 'function') {
    throw new RdbDecodeError('unsupported', load.path, consumed, 'FUNCTION2 library: durakv has no function engine (offset is where decoding stood)');
  }
  if (item.kind !== 'key') return;
  const { db, key } = item;
  const droppedInDb = dropped.get(db);
  if (droppedInDb?.has(key) === true) throw duplicateKey(load.path, item);
  if (item.expireAtMs !== null && item.expireAtMs < load.nowMs) {
    if (load.keyspace.peek(db, key) !== undefined) throw duplicateKey(load.path, item);
    if (droppedInDb === undefined) dropped.set(db, new Set([key]));
    else droppedInDb.add(key);
    counts.keysExpired += 1;
    return;
  }
  if (!load.keyspace.insertLoaded(db, key, item.value, item.expireAtMs)) throw duplicateKey(load.path, item);
  counts.keysLoaded += 1;
}

/** The decoder's own duplicate-key error, at the second copy's record. */
function duplicateKey(path: string, item: RdbKeyItem): RdbDecodeError {
  return new RdbDecodeError('corrupt', path, item.offset, `duplicate key ${describeKey(item.key)} in db ${item.db}`);
}
