/**
 * writeFileAtomically: the ONE copy of durakv's durability protocol for replacing a whole file
 * (RDB snapshot, AOF manifest): write temp → fsync temp → rename over target → fsync directory.
 * Redis does the same in rdbSave and writeAofManifestFile (+ fsyncFileDir since 7.0.3).
 * `writeFileAtomicallyFrom` is the same protocol fed by a stream of chunks (a snapshot written
 * while it is being produced); `writeFileAtomically` is that stream with one chunk.
 *
 * Invariants:
 * - The temp file is in the target's directory (rename stays in one directory, and one
 *   directory fsync persists it); the caller names it (Redis: temp-<pid>.rdb).
 * - The target is never truncated, deleted or written in place: at every crash point, and in
 *   every power-loss state of either profile, it holds its old bytes or the new ones (or, if it
 *   did not exist, nothing or the new ones), never a mix, never torn.
 * - Chunks are written in order at increasing offsets, one `write` per chunk, so the temp file
 *   is their concatenation. A chunk source that throws (e.g. a cancelled background save) is a
 *   failure before the rename like any other.
 * - A failure before the rename unlinks the temp (best effort) and rethrows the original error;
 *   a cleanup failure never hides it. A SimulatedCrash is rethrown untouched.
 * - Resolving means durable: data fsynced before the rename, the rename fsynced after it.
 * - A failure of the directory fsync (after the rename) rethrows: the new bytes are visible but
 *   their durability is unknown, so the caller must treat the save as failed (Redis 7.2+:
 *   "Failed to fsync directory while saving DB", return ERR). Nothing is unlinked then.
 */
import assert from 'node:assert/strict';
import type { FileHandle, FileSystem } from './file-system.ts';
import { parentPath } from './fs-path.ts';

export interface AtomicWrite {
  readonly path: string;
  readonly tempPath: string;
  readonly data: Uint8Array;
}

export interface AtomicStreamWrite {
  readonly path: string;
  readonly tempPath: string;
  /** The file's bytes, in order; pulled one chunk at a time, after the previous one is written. */
  readonly chunks: Iterable<Uint8Array> | AsyncIterable<Uint8Array>;
}

/** What a resolved streaming write did: the bytes written and how many `write` calls. */
export interface AtomicStreamReport {
  readonly bytesWritten: number;
  readonly writeCount: number;
}

export async function writeFileAtomically(fs: FileSystem, write: AtomicWrite): Promise<void> {
  await writeFileAtomicallyFrom(fs, { path: write.path, tempPath: write.tempPath, chunks: [write.data] });
}

export async function writeFileAtomicallyFrom(fs: FileSystem, write: AtomicStreamWrite): Promise<AtomicStreamReport> {
  const directory = parentPath(write.path);
  assert.equal(parentPath(write.tempPath), directory, 'the temp file lives in the target directory');
  assert.notEqual(write.tempPath, write.path, 'the temp file is not the target');
  let handle: FileHandle | null = null;
  let offset = 0;
  let writeCount = 0;
  try {
    handle = await fs.open(write.tempPath, 'create-truncate');
    for await (const chunk of write.chunks) {
      await handle.write(chunk, offset);
      offset += chunk.length;
      writeCount += 1;
    }
    await makeDurable(handle);
    const closing = handle;
    handle = null;
    await closing.close();
    await fs.rename(write.tempPath, write.path);
  } catch (error) {
    await discardTemp(fs, handle, write.tempPath);
    throw error;
  }
  await fs.fsyncDirectory(directory);
  return { bytesWritten: offset, writeCount };
}

/**
 * The step the whole protocol rests on: the temp file's data is durable before the rename makes
 * it visible. Its own function so that mutation testing has one mutant that removes it (the
 * canary of docs/mutation.md, which must always be killed).
 */
async function makeDurable(handle: FileHandle): Promise<void> {
  await handle.fsync();
}

/** Best-effort cleanup after a failure before the rename; its own failures are ignored. */
async function discardTemp(fs: FileSystem, handle: FileHandle | null, tempPath: string): Promise<void> {
  if (handle !== null) await handle.close().catch(() => undefined);
  await fs.unlink(tempPath).catch(() => undefined);
}
