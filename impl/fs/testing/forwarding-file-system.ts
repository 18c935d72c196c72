/**
 * Test support: a FileSystem (and FileHandle) that forwards every call to another one unchanged,
 * the base that a test double overrides one or two methods of (conformance's seeded bugs, the AOF
 * writer's held fdatasync).
 *
 * Invariants:
 * - Every call the subclass does not override reaches the inner file system with the same
 *   arguments, and its result or rejection comes back untouched.
 * - Handles are wrapped through `wrapHandle`, so a subclass can change what one handle does
 *   (its fsync, its append) without touching the others.
 */
import type { FileHandle, FileStat, FileSystem, OpenMode } from '../file-system.ts';

export class ForwardingHandle implements FileHandle {
  constructor(readonly inner: FileHandle) {}

  get path(): string {
    return this.inner.path;
  }

  get mode(): OpenMode {
    return this.inner.mode;
  }

  read(offset: number, length: number): Promise<Uint8Array> {
    return this.inner.read(offset, length);
  }

  write(data: Uint8Array, offset: number): Promise<void> {
    return this.inner.write(data, offset);
  }

  append(data: Uint8Array): Promise<void> {
    return this.inner.append(data);
  }

  truncate(size: number): Promise<void> {
    return this.inner.truncate(size);
  }

  size(): Promise<number> {
    return this.inner.size();
  }

  fsync(): Promise<void> {
    return this.inner.fsync();
  }

  fdatasync(): Promise<void> {
    return this.inner.fdatasync();
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

export class ForwardingFileSystem implements FileSystem {
  constructor(readonly inner: FileSystem) {}

  /** The handle the caller gets for `handle` (opened with `mode`); the default forwards as is. */
  protected wrapHandle(handle: FileHandle): FileHandle {
    return handle;
  }

  async open(path: string, mode: OpenMode): Promise<FileHandle> {
    return this.wrapHandle(await this.inner.open(path, mode));
  }

  rename(source: string, target: string): Promise<void> {
    return this.inner.rename(source, target);
  }

  unlink(path: string): Promise<void> {
    return this.inner.unlink(path);
  }

  mkdir(path: string, options: { readonly recursive: boolean }): Promise<void> {
    return this.inner.mkdir(path, options);
  }

  readdir(path: string): Promise<string[]> {
    return this.inner.readdir(path);
  }

  stat(path: string): Promise<FileStat> {
    return this.inner.stat(path);
  }

  exists(path: string): Promise<boolean> {
    return this.inner.exists(path);
  }

  readFile(path: string): Promise<Uint8Array> {
    return this.inner.readFile(path);
  }

  fsyncDirectory(path: string): Promise<void> {
    return this.inner.fsyncDirectory(path);
  }
}
