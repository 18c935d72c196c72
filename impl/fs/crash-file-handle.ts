/**
 * An open file of a CrashFileSystem: reads and writes the page cache and records effects.
 *
 * Invariants:
 * - The handle names an inode, not a path: rename/unlink of its path does not affect it.
 * - Every method is one numbered operation of the owning file system (`CrashOperationRunner`),
 *   so crash arming, fault injection and the operation log apply to handle calls too.
 * - Written bytes are copied when the call is made; the caller may reuse its buffer.
 * - A short-write fault records the written prefix as a normal (unsynced) write and rejects
 *   with `bytesWritten`; it never resolves with a short count.
 * - An fsync fault records a 'sync-failed' effect (fsyncgate) before rejecting.
 */
import type { InodeId } from './crash-disk-image.ts';
import type { InjectedFault } from './crash-faults.ts';
import type { CrashPageCache } from './crash-page-cache.ts';
import { type FileHandle, type FsOperationName, type OpenMode, modeCanRead, modeCanWrite } from './file-system.ts';
import { FsError, checkByteCount } from './fs-error.ts';
import type { FsOperationEffect } from './fs-operation-log.ts';
import { summarizeBytes } from './fs-operation-log.ts';

/** What a running operation may do besides its own work. */
export interface OperationContext {
  /** The fault armed for this call, if any; call it once the call's own checks have passed. */
  takeFault(): InjectedFault | null;
  /** Appends to the log entry's detail (e.g. the offset an append landed at). */
  addDetail(text: string): void;
  /** The label recorded effects carry, e.g. `#7 append /d/aof [0,34) 34 B "…"`. */
  label(): string;
}

export interface CrashOperationRunner {
  readonly cache: CrashPageCache;
  run<T>(operation: FsOperationName, path: string, detail: string, effect: FsOperationEffect, body: (context: OperationContext) => T): Promise<T>;
}

/** Throws the fault as an FsError when it is a plain error; returns short-write/fsync faults. */
export function throwIfErrorFault(fault: InjectedFault | null, operation: FsOperationName, path: string): InjectedFault | null {
  if (fault?.kind === 'error') throw new FsError(fault.code, operation, path);
  return fault;
}

export class CrashFileHandle implements FileHandle {
  #closed = false;

  constructor(
    private readonly runner: CrashOperationRunner,
    readonly path: string,
    readonly mode: OpenMode,
    private readonly inode: InodeId,
  ) {}

  #checkUsable(operation: FsOperationName, allowed: boolean): void {
    if (this.#closed || !allowed) throw new FsError('EBADF', operation, this.path);
  }

  read(offset: number, length: number): Promise<Uint8Array> {
    return this.runner.run('read', this.path, `[${offset},${offset + length})`, 'none', (context) => {
      this.#checkUsable('read', modeCanRead(this.mode));
      checkByteCount(offset, 'read', this.path);
      checkByteCount(length, 'read', this.path);
      throwIfErrorFault(context.takeFault(), 'read', this.path);
      const file = this.runner.cache.file(this.inode);
      return file.data.slice(Math.min(offset, file.size), Math.min(offset + length, file.size));
    });
  }

  write(data: Uint8Array, offset: number): Promise<void> {
    return this.runner.run('write', this.path, `[${offset},${offset + data.length}) ${summarizeBytes(data)}`, 'change', (context) => {
      this.#checkUsable('write', modeCanWrite(this.mode));
      checkByteCount(offset, 'write', this.path);
      if (this.mode === 'append') throw new FsError('EINVAL', 'write', this.path);
      this.#writeAt('write', data.slice(), offset, context);
    });
  }

  append(data: Uint8Array): Promise<void> {
    return this.runner.run('append', this.path, summarizeBytes(data), 'change', (context) => {
      this.#checkUsable('append', modeCanWrite(this.mode));
      const offset = this.runner.cache.file(this.inode).size;
      context.addDetail(`at [${offset},${offset + data.length})`);
      this.#writeAt('append', data.slice(), offset, context);
    });
  }

  #writeAt(operation: 'write' | 'append', bytes: Uint8Array, offset: number, context: OperationContext): void {
    const fault = throwIfErrorFault(context.takeFault(), operation, this.path);
    if (fault?.kind === 'short-write') {
      const written = Math.max(0, Math.min(fault.bytesWritten, bytes.length - 1));
      if (written > 0) this.runner.cache.record({ kind: 'write', inode: this.inode, offset, bytes: bytes.subarray(0, written) }, context.label());
      throw new FsError(fault.code, operation, this.path, { bytesWritten: written, cause: undefined });
    }
    if (bytes.length > 0) this.runner.cache.record({ kind: 'write', inode: this.inode, offset, bytes }, context.label());
  }

  truncate(size: number): Promise<void> {
    return this.runner.run('truncate', this.path, `to ${size}`, 'change', (context) => {
      this.#checkUsable('truncate', modeCanWrite(this.mode));
      checkByteCount(size, 'truncate', this.path);
      throwIfErrorFault(context.takeFault(), 'truncate', this.path);
      this.runner.cache.record({ kind: 'truncate', inode: this.inode, size }, context.label());
    });
  }

  size(): Promise<number> {
    return this.runner.run('size', this.path, '', 'none', (context) => {
      this.#checkUsable('size', true);
      throwIfErrorFault(context.takeFault(), 'size', this.path);
      return this.runner.cache.file(this.inode).size;
    });
  }

  fsync(): Promise<void> {
    return this.#sync('fsync');
  }

  fdatasync(): Promise<void> {
    return this.#sync('fdatasync');
  }

  #sync(operation: 'fsync' | 'fdatasync'): Promise<void> {
    return this.runner.run(operation, this.path, '', 'persist', (context) => {
      this.#checkUsable(operation, true);
      const fault = context.takeFault();
      if (fault === null) {
        this.runner.cache.record({ kind: 'sync-file', inode: this.inode }, context.label());
        return;
      }
      // fsyncgate: the kernel marked the dirty pages clean; they will never reach the disk.
      this.runner.cache.record({ kind: 'sync-failed', inode: this.inode }, context.label());
      throw new FsError(fault.kind === 'error' ? fault.code : 'EIO', operation, this.path);
    });
  }

  close(): Promise<void> {
    return this.runner.run('close', this.path, '', 'none', (context) => {
      this.#checkUsable('close', true);
      this.#closed = true;
      throwIfErrorFault(context.takeFault(), 'close', this.path);
    });
  }
}
