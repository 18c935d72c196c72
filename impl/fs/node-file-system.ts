/**
 * NodeFileSystem: the FileSystem port over node:fs/promises, for the real disk.
 *
 * Invariants:
 * - Durability calls are the real ones: `fsync` = fsync(2) (`FileHandle.sync`), `fdatasync` =
 *   fdatasync(2) (`FileHandle.datasync`), `fsyncDirectory` opens the directory O_RDONLY and
 *   fsyncs that descriptor (as Redis's fsyncFileDir does), `rename` = rename(2). Nothing is
 *   buffered in this process: a resolved write is in the kernel page cache.
 * - Every host error is mapped to an FsError (errno name kept when known, else EIO). Mode and
 *   argument checks (EBADF, EINVAL) are made here, before any syscall, so the codes match
 *   CrashFileSystem exactly on every platform.
 * - write/append loop until every byte is written; an error after a partial write rejects with
 *   `bytesWritten` = the bytes already written.
 * - For `rename`, `FsError.path` is 'source -> target'.
 */
import { constants } from 'node:fs';
import { type FileHandle as NodeHandle, mkdir, open, readFile, readdir, rename, stat, unlink } from 'node:fs/promises';
import {
  type FileHandle,
  type FileStat,
  type FileSystem,
  type FsOperationName,
  type OpenMode,
  modeCanRead,
  modeCanWrite,
} from './file-system.ts';
import { FsError, checkByteCount, fsErrorFromNode } from './fs-error.ts';
import { checkPath } from './fs-path.ts';

const { O_RDONLY, O_RDWR, O_WRONLY, O_CREAT, O_TRUNC, O_EXCL, O_APPEND } = constants;

const openFlags: Record<OpenMode, number> = {
  read: O_RDONLY,
  'read-write': O_RDWR,
  create: O_RDWR | O_CREAT,
  'create-truncate': O_RDWR | O_CREAT | O_TRUNC,
  'create-exclusive': O_RDWR | O_CREAT | O_EXCL,
  append: O_WRONLY | O_CREAT | O_APPEND,
};

const fileCreationMode = 0o644;

async function mapped<T>(operation: FsOperationName, path: string, body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (error) {
    throw fsErrorFromNode(error, operation, path);
  }
}

class NodeFileHandle implements FileHandle {
  #handle: NodeHandle | null;

  constructor(
    readonly path: string,
    readonly mode: OpenMode,
    handle: NodeHandle,
  ) {
    this.#handle = handle;
  }

  #use(operation: FsOperationName, allowed: boolean): NodeHandle {
    if (this.#handle === null || !allowed) throw new FsError('EBADF', operation, this.path);
    return this.#handle;
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    const handle = this.#use('read', modeCanRead(this.mode));
    checkByteCount(offset, 'read', this.path);
    checkByteCount(length, 'read', this.path);
    return mapped('read', this.path, async () => {
      const buffer = new Uint8Array(length);
      let total = 0;
      while (total < length) {
        const { bytesRead } = await handle.read(buffer, total, length - total, offset + total);
        if (bytesRead === 0) break;
        total += bytesRead;
      }
      return buffer.slice(0, total);
    });
  }

  async write(data: Uint8Array, offset: number): Promise<void> {
    const handle = this.#use('write', modeCanWrite(this.mode));
    checkByteCount(offset, 'write', this.path);
    if (this.mode === 'append') throw new FsError('EINVAL', 'write', this.path);
    await this.#writeAll(handle, 'write', data, offset);
  }

  async append(data: Uint8Array): Promise<void> {
    const handle = this.#use('append', modeCanWrite(this.mode));
    if (this.mode === 'append') return this.#writeAll(handle, 'append', data, null);
    const { size } = await mapped('append', this.path, () => handle.stat());
    return this.#writeAll(handle, 'append', data, size);
  }

  async #writeAll(handle: NodeHandle, operation: FsOperationName, data: Uint8Array, offset: number | null): Promise<void> {
    let written = 0;
    while (written < data.length) {
      try {
        const position = offset === null ? null : offset + written;
        const { bytesWritten } = await handle.write(data, written, data.length - written, position);
        written += bytesWritten;
      } catch (error) {
        const mappedError = fsErrorFromNode(error, operation, this.path);
        throw new FsError(mappedError.code, operation, this.path, { bytesWritten: written, cause: error });
      }
    }
  }

  async truncate(size: number): Promise<void> {
    const handle = this.#use('truncate', modeCanWrite(this.mode));
    checkByteCount(size, 'truncate', this.path);
    await mapped('truncate', this.path, () => handle.truncate(size));
  }

  async size(): Promise<number> {
    const handle = this.#use('size', true);
    const info = await mapped('size', this.path, () => handle.stat());
    return info.size;
  }

  async fsync(): Promise<void> {
    const handle = this.#use('fsync', true);
    await mapped('fsync', this.path, () => handle.sync());
  }

  async fdatasync(): Promise<void> {
    const handle = this.#use('fdatasync', true);
    await mapped('fdatasync', this.path, () => handle.datasync());
  }

  async close(): Promise<void> {
    const handle = this.#use('close', true);
    this.#handle = null;
    await mapped('close', this.path, () => handle.close());
  }
}

export class NodeFileSystem implements FileSystem {
  async open(path: string, mode: OpenMode): Promise<FileHandle> {
    checkPath(path, 'open');
    const handle = await mapped('open', path, () => open(path, openFlags[mode], fileCreationMode));
    try {
      // open(2) O_RDONLY succeeds on a directory; the port reports EISDIR like every other mode.
      const info = await mapped('open', path, () => handle.stat());
      if (info.isDirectory()) throw new FsError('EISDIR', 'open', path);
    } catch (error) {
      await handle.close();
      throw error;
    }
    return new NodeFileHandle(path, mode, handle);
  }

  async rename(source: string, target: string): Promise<void> {
    checkPath(source, 'rename');
    checkPath(target, 'rename');
    await mapped('rename', `${source} -> ${target}`, () => rename(source, target));
  }

  async unlink(path: string): Promise<void> {
    checkPath(path, 'unlink');
    await mapped('unlink', path, () => unlink(path));
  }

  async mkdir(path: string, options: { readonly recursive: boolean }): Promise<void> {
    checkPath(path, 'mkdir');
    await mapped('mkdir', path, () => mkdir(path, { recursive: options.recursive }));
  }

  async readdir(path: string): Promise<string[]> {
    checkPath(path, 'readdir');
    const names = await mapped('readdir', path, () => readdir(path));
    return names.sort();
  }

  async stat(path: string): Promise<FileStat> {
    checkPath(path, 'stat');
    const info = await mapped('stat', path, () => stat(path));
    return { size: info.size, isDirectory: info.isDirectory() };
  }

  async exists(path: string): Promise<boolean> {
    checkPath(path, 'exists');
    try {
      await stat(path);
      return true;
    } catch (error) {
      const mappedError = fsErrorFromNode(error, 'exists', path);
      if (mappedError.code === 'ENOENT' || mappedError.code === 'ENOTDIR') return false;
      throw mappedError;
    }
  }

  async readFile(path: string): Promise<Uint8Array> {
    checkPath(path, 'readFile');
    const contents = await mapped('readFile', path, () => readFile(path));
    return new Uint8Array(contents.buffer, contents.byteOffset, contents.byteLength).slice();
  }

  async fsyncDirectory(path: string): Promise<void> {
    checkPath(path, 'fsyncDirectory');
    const info = await mapped('fsyncDirectory', path, () => stat(path));
    if (!info.isDirectory()) throw new FsError('ENOTDIR', 'fsyncDirectory', path);
    const handle = await mapped('fsyncDirectory', path, () => open(path, O_RDONLY));
    try {
      await mapped('fsyncDirectory', path, () => handle.sync());
    } finally {
      await handle.close();
    }
  }
}
