/**
 * writeRdbSnapshot: writes a snapshot's chunks to disk with the one atomic-replace protocol
 * (writeFileAtomicallyFrom: temp-<id>.rdb → fsync → rename over the dump → fsync the directory),
 * as Redis's rdbSave does, pacing the scan through the BackgroundScheduler for a BGSAVE.
 *
 * Invariants:
 * - Each chunk is produced only after the previous one was written (the snapshot never runs
 *   ahead of the disk), and in background mode only after the scheduler grants a slice, so
 *   foreground commands run between slices.
 * - A cancellation (FLUSHALL or close killing the BGSAVE, Redis's SIGUSR1) is noticed before
 *   the next slice and surfaces as SnapshotCancelled: the temp file is removed, the dump is not
 *   touched. Once the last chunk is written the save runs to its end.
 * - Outcomes: 'saved'; 'failed' with the FsError (temp removed, old dump intact unless the
 *   directory fsync after the rename failed); 'cancelled'. Anything else (SimulatedCrash, a
 *   broken invariant) is rethrown, never mapped to an outcome.
 */
import type { FileSystem } from '../fs/file-system.ts';
import { type FsError, isFsError } from '../fs/fs-error.ts';
import { writeFileAtomicallyFrom } from '../fs/write-file-atomically.ts';

export interface ChunkSource {
  /** The next bytes of the file, or null when it is complete. */
  nextChunk(): Uint8Array | null;
}

export interface SnapshotWrite {
  readonly fileSystem: FileSystem;
  readonly path: string;
  readonly tempPath: string;
  readonly source: ChunkSource;
  /** Awaited before each slice (the scheduler) in background mode; null for a blocking save. */
  readonly pace: (() => Promise<void>) | null;
  readonly cancelled: () => boolean;
}

export type SnapshotOutcome =
  | { readonly kind: 'saved'; readonly bytesWritten: number; readonly writeCount: number }
  | { readonly kind: 'failed'; readonly error: FsError }
  | { readonly kind: 'cancelled' };

export class SnapshotCancelled extends Error {
  override readonly name = 'SnapshotCancelled';
  constructor() {
    super('the snapshot was cancelled before it completed');
  }
}

async function* chunksOf(write: SnapshotWrite): AsyncGenerator<Uint8Array> {
  for (;;) {
    if (write.pace !== null) await write.pace();
    if (write.cancelled()) throw new SnapshotCancelled();
    const chunk = write.source.nextChunk();
    if (chunk === null) return;
    if (chunk.length > 0) yield chunk;
  }
}

export async function writeRdbSnapshot(write: SnapshotWrite): Promise<SnapshotOutcome> {
  try {
    const report = await writeFileAtomicallyFrom(write.fileSystem, { path: write.path, tempPath: write.tempPath, chunks: chunksOf(write) });
    return { kind: 'saved', bytesWritten: report.bytesWritten, writeCount: report.writeCount };
  } catch (error) {
    if (error instanceof SnapshotCancelled) return { kind: 'cancelled' };
    if (isFsError(error)) return { kind: 'failed', error };
    throw error;
  }
}
