/**
 * Seeded bug: a disk whose fsync of the temp RDB does nothing (disk side).
 *
 * What it breaks: fsync/fdatasync of a handle on `temp-<n>.rdb` resolves at once without
 * reaching the disk, so the dump's bytes stay in the page cache only. The implementation's call
 * sequence is the correct one (the observer sees the fsync, and the model believes the temp file
 * durable), but a power loss after the rename to dump.rdb may keep the rename and lose the data:
 * dump.rdb comes back empty or torn.
 *
 * Caught by: 'oracle' (a restart the model does not allow: a refused or wrong dump).
 */
import type { FileHandle, FileSystem } from '../../impl/index.ts';
import { ForwardingFileSystem, ForwardingHandle } from '../../impl/fs/testing/forwarding-file-system.ts';
import { tempRdbPattern } from './seeded-bug-paths.ts';

class NoOpFsyncHandle extends ForwardingHandle {
  override fsync(): Promise<void> {
    return Promise.resolve();
  }

  override fdatasync(): Promise<void> {
    return Promise.resolve();
  }
}

class TempRdbFsyncLies extends ForwardingFileSystem {
  protected override wrapHandle(handle: FileHandle): FileHandle {
    return tempRdbPattern.test(handle.path) ? new NoOpFsyncHandle(handle) : handle;
  }
}

/** A diskSide decorator: fsync/fdatasync of `temp-<n>.rdb` is a no-op. */
export function tempRdbFsyncLies(): (fs: FileSystem) => FileSystem {
  return (fs) => new TempRdbFsyncLies(fs);
}
