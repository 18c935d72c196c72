/**
 * Seeded bug: appendfsync everysec that never fsyncs (implementation side).
 *
 * What it breaks: everysec's promise that at most about two seconds of acknowledged writes are
 * lost. Every fsync/fdatasync of an AOF incr file (`appendonlydir/*.incr.aof`) resolves without
 * being performed: the background fsync job runs, but syncs nothing. The observer never sees an
 * fsync of the live AOF. Meant for a store running everysec (the 'fsync-everysec' workload):
 * the decorator does not follow CONFIG SET, it swallows the incr fsyncs of any policy.
 *
 * Caught by: 'divergence' (after all background slices the model's background fsync is still
 * running). The oracle cannot see it: the model never believed the unsynced writes durable.
 */
import type { FileHandle, FileSystem } from '../../impl/index.ts';
import { ForwardingFileSystem, ForwardingHandle } from '../../impl/fs/testing/forwarding-file-system.ts';
import { incrAofPattern } from './seeded-bug-paths.ts';

class NeverSyncedHandle extends ForwardingHandle {
  override fsync(): Promise<void> {
    return Promise.resolve();
  }

  override fdatasync(): Promise<void> {
    return Promise.resolve();
  }
}

class EverysecNeverFsyncs extends ForwardingFileSystem {
  protected override wrapHandle(handle: FileHandle): FileHandle {
    return incrAofPattern.test(handle.path) ? new NeverSyncedHandle(handle) : handle;
  }
}

/** An implementationSide decorator: fsync/fdatasync of an AOF incr file is skipped. */
export function everysecNeverFsyncs(): (fs: FileSystem) => FileSystem {
  return (fs) => new EverysecNeverFsyncs(fs);
}
