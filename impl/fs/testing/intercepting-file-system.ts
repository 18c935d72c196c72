/**
 * Test support: a forwarding FileSystem that lets a subclass act on chosen calls before they are
 * forwarded: renames (named by their source path), unlinks, and each handle's fdatasync and
 * close. The base of the test doubles that hold one call at a gate (gated-file-system.ts) or make
 * one call reject (bug-raising-file-system.ts).
 *
 * Invariants:
 * - Each of those calls first awaits `intercept(operation, path)`; if that rejects, the call
 *   rejects with the same error and never reaches the inner file system. Otherwise it is
 *   forwarded unchanged, like every other call.
 */
import type { FileHandle, FileSystem } from '../file-system.ts';
import { ForwardingFileSystem, ForwardingHandle } from './forwarding-file-system.ts';

export type InterceptedOperation = 'rename' | 'unlink' | 'fdatasync' | 'close';

export abstract class InterceptingFileSystem<Inner extends FileSystem = FileSystem> extends ForwardingFileSystem {
  constructor(override readonly inner: Inner) {
    super(inner);
  }

  /** Runs before each intercepted call; `path` is a rename's source. */
  abstract intercept(operation: InterceptedOperation, path: string): Promise<void>;

  override async rename(source: string, target: string): Promise<void> {
    await this.intercept('rename', source);
    return super.rename(source, target);
  }

  override async unlink(path: string): Promise<void> {
    await this.intercept('unlink', path);
    return super.unlink(path);
  }

  protected override wrapHandle(handle: FileHandle): FileHandle {
    return new InterceptedHandle(handle, this);
  }
}

class InterceptedHandle extends ForwardingHandle {
  constructor(
    inner: FileHandle,
    readonly owner: InterceptingFileSystem,
  ) {
    super(inner);
  }

  override async fdatasync(): Promise<void> {
    await this.owner.intercept('fdatasync', this.path);
    return super.fdatasync();
  }

  override async close(): Promise<void> {
    await this.owner.intercept('close', this.path);
    return super.close();
  }
}
