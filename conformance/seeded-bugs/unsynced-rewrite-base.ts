/**
 * Seeded bug: the manifest names the rewrite's new base before the base is durable.
 *
 * What it breaks: the rewrite's commit order (facts §4.5: the child fsyncs
 * `temp-rewriteaof-bg-<n>.aof`, the parent renames it to the next base, fsyncs appendonlydir,
 * then commits a manifest naming it and drops the history). Without the base's fsync, a power
 * loss after the manifest swap may bring back a manifest whose base is empty or torn, while the
 * incr files that held the same writes are deleted.
 *
 * Two placements of the same bug:
 * - `skipRewriteBaseFsync` (implementationSide): the implementation never fsyncs the temp base;
 *   the observer sees a rename of a base that was never fsynced.
 * - `rewriteBaseFsyncLies` (diskSide): the implementation fsyncs it, the disk ignores that; the
 *   observer (and the model) believe the base durable, only a power loss tells.
 *
 * Caught by: 'refinement' (implementation side: AOF_BASE_RENAMED while the model is in
 * writingBase) and 'oracle' (disk side: an empty or torn base after the swap).
 */
import type { FileHandle, FileSystem } from '../../impl/index.ts';
import { ForwardingFileSystem, ForwardingHandle } from '../../impl/fs/testing/forwarding-file-system.ts';
import { tempRewriteBasePattern } from './seeded-bug-paths.ts';

class NoOpFsyncHandle extends ForwardingHandle {
  override fsync(): Promise<void> {
    return Promise.resolve();
  }

  override fdatasync(): Promise<void> {
    return Promise.resolve();
  }
}

class UnsyncedRewriteBase extends ForwardingFileSystem {
  protected override wrapHandle(handle: FileHandle): FileHandle {
    return tempRewriteBasePattern.test(handle.path) ? new NoOpFsyncHandle(handle) : handle;
  }
}

/** An implementationSide decorator: the rewrite never fsyncs its temp base. */
export function skipRewriteBaseFsync(): (fs: FileSystem) => FileSystem {
  return (fs) => new UnsyncedRewriteBase(fs);
}

/** A diskSide decorator: fsync/fdatasync of the rewrite's temp base is a no-op. */
export function rewriteBaseFsyncLies(): (fs: FileSystem) => FileSystem {
  return (fs) => new UnsyncedRewriteBase(fs);
}
