/**
 * Seeded bug: replies acknowledged before the AOF write (implementation side).
 *
 * What it breaks: Redis writes the turn's AOF buffer in beforeSleep, before any reply of the
 * turn reaches a client (and, under always, fsyncs it first). Here an append to an AOF incr file
 * (`appendonlydir/*.incr.aof`) resolves at once, and the real append happens later, after a
 * setImmediate: the implementation goes on (fsyncs under always, replies) as if the bytes were
 * written. The observer sees the append only after the turn's replies resolved.
 *
 * Invariants of the decorator: the delayed appends of one handle reach the file in the order
 * they were made; a delayed append that fails (the run stopped, the handle was closed) fails
 * silently: nobody waits for it any more, which is the bug.
 *
 * Caught by: 'acknowledgement' (a reply resolved before the write its turn logged).
 */
import type { FileHandle, FileSystem } from '../../impl/index.ts';
import { ForwardingFileSystem, ForwardingHandle } from '../../impl/fs/testing/forwarding-file-system.ts';
import { incrAofPattern } from './seeded-bug-paths.ts';

class LateAppendHandle extends ForwardingHandle {
  #queue: Promise<void> = Promise.resolve();

  override append(data: Uint8Array): Promise<void> {
    const bytes = data.slice();
    this.#queue = this.#queue.then(() => new Promise<void>((resolve) => setImmediate(resolve))).then(() => this.inner.append(bytes)).catch(() => undefined);
    return Promise.resolve();
  }
}

class AcknowledgeBeforeAofWrite extends ForwardingFileSystem {
  protected override wrapHandle(handle: FileHandle): FileHandle {
    return incrAofPattern.test(handle.path) ? new LateAppendHandle(handle) : handle;
  }
}

/** An implementationSide decorator: appends to an AOF incr file resolve before they are made. */
export function acknowledgeBeforeAofWrite(): (fs: FileSystem) => FileSystem {
  return (fs) => new AcknowledgeBeforeAofWrite(fs);
}
