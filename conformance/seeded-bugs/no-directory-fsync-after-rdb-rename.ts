/**
 * Seeded bug: no directory fsync after the dump's rename (implementation side).
 *
 * What it breaks: the last step of Redis's rdbSave protocol (fsyncFileDir since 7.0.3). The
 * fsyncDirectory of the store directory that follows a rename of `temp-<n>.rdb` over the dump
 * resolves without being performed, so the new name is not known to be durable when the save
 * reports success: a power loss may bring back the previous dump (or none).
 * The observer never sees the directory fsync.
 *
 * Caught by: 'refinement' in a SAVE (the reply comes while the model still waits for
 * RDB_DIR_FSYNCED; no crash state can tell, since the model allows either dump until then).
 * NOT caught in a BGSAVE today: nothing compares the model's unfinished child with the
 * implementation's finished one (see the known gaps in seeded-bugs.test.ts).
 */
import type { FileSystem } from '../../impl/index.ts';
import { ForwardingFileSystem } from '../../impl/fs/testing/forwarding-file-system.ts';
import { tempRdbPattern } from './seeded-bug-paths.ts';

function directoryOf(path: string): string {
  const cut = path.lastIndexOf('/');
  return cut <= 0 ? '/' : path.slice(0, cut);
}

class NoDirectoryFsyncAfterRdbRename extends ForwardingFileSystem {
  /** The directory of a dump just renamed into place, until its next directory fsync. */
  #renamedIn: string | null = null;

  override async rename(source: string, target: string): Promise<void> {
    await this.inner.rename(source, target);
    this.#renamedIn = tempRdbPattern.test(source) ? directoryOf(target) : null;
  }

  override fsyncDirectory(path: string): Promise<void> {
    const skip = this.#renamedIn === path;
    this.#renamedIn = null;
    return skip ? Promise.resolve() : this.inner.fsyncDirectory(path);
  }
}

/** An implementationSide decorator: the directory fsync right after the dump's rename is skipped. */
export function noDirectoryFsyncAfterRdbRename(): (fs: FileSystem) => FileSystem {
  return (fs) => new NoDirectoryFsyncAfterRdbRename(fs);
}
