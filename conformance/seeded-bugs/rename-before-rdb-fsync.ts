/**
 * Seeded bug: the dump is renamed into place before its temp file is fsynced (implementation
 * side).
 *
 * What it breaks: the order of Redis's rdbSave protocol (write temp → fsync temp → rename →
 * fsync directory). The fsync of `temp-<n>.rdb` (and the close that follows it) is held back;
 * the rename of `temp-<n>.rdb` to the dump goes first, and only then are the held fsync and
 * close performed. Until that fsync, a power loss that keeps the rename exposes a dump.rdb whose
 * data never reached the disk. The observer sees the buggy order: a rename of an unsynced temp.
 *
 * Caught by: 'refinement' (the model does not allow RDB_RENAMED before RDB_TEMP_FSYNCED).
 */
import type { FileHandle, FileSystem } from '../../impl/index.ts';
import { ForwardingFileSystem, ForwardingHandle } from '../../impl/fs/testing/forwarding-file-system.ts';
import { tempRdbPattern } from './seeded-bug-paths.ts';

class DeferredFsyncHandle extends ForwardingHandle {
  #fsyncHeld = false;
  #closeHeld = false;

  override fsync(): Promise<void> {
    this.#fsyncHeld = true;
    return Promise.resolve();
  }

  override fdatasync(): Promise<void> {
    return this.fsync();
  }

  override close(): Promise<void> {
    if (!this.#fsyncHeld) return this.inner.close();
    this.#closeHeld = true;
    return Promise.resolve();
  }

  /** Performs the held fsync, then the held close. */
  async release(): Promise<void> {
    if (this.#fsyncHeld) {
      this.#fsyncHeld = false;
      await this.inner.fsync();
    }
    if (this.#closeHeld) {
      this.#closeHeld = false;
      await this.inner.close();
    }
  }
}

class RenameBeforeRdbFsync extends ForwardingFileSystem {
  readonly #held = new Map<string, DeferredFsyncHandle>();

  protected override wrapHandle(handle: FileHandle): FileHandle {
    if (!tempRdbPattern.test(handle.path)) return handle;
    const deferred = new DeferredFsyncHandle(handle);
    this.#held.set(handle.path, deferred);
    return deferred;
  }

  override async rename(source: string, target: string): Promise<void> {
    await this.inner.rename(source, target);
    const deferred = this.#held.get(source);
    if (deferred === undefined) return;
    this.#held.delete(source);
    await deferred.release();
  }
}

/** An implementationSide decorator: the temp RDB is renamed to the dump before it is fsynced. */
export function renameBeforeRdbFsync(): (fs: FileSystem) => FileSystem {
  return (fs) => new RenameBeforeRdbFsync(fs);
}
