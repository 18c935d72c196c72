/**
 * A FileSystem decorator that tells an observer about every port call before it is forwarded:
 * the seam where the conformance suite watches what the implementation does to its files.
 *
 * Invariants:
 * - The observer's `before` runs, and is awaited, before the call reaches the file system
 *   below, so at that moment the disk holds exactly the effects of the earlier calls: a crash
 *   check made there is a "crash before this operation".
 * - Every call of the FileSystem and FileHandle interfaces is reported, reads included, with
 *   its `effect` (the same classes as the crash file system's operation log).
 * - The decorator changes nothing: arguments, results and errors pass through untouched.
 */
import type { FileHandle, FileStat, FileSystem, FsOperationName, OpenMode } from '../../impl/index.ts';

export type OperationEffect = 'none' | 'change' | 'persist';

export interface ObservedOperation {
  readonly operation: FsOperationName;
  readonly path: string;
  readonly effect: OperationEffect;
  /** rename's target. */
  readonly target?: string;
  /** open's mode. */
  readonly mode?: OpenMode;
  /** Bytes written by write/append, the new size for truncate. */
  readonly bytes?: number;
}

export interface FsObserver {
  before(operation: ObservedOperation): Promise<void> | void;
}

function openEffect(mode: OpenMode): OperationEffect {
  return mode === 'read' || mode === 'read-write' ? 'none' : 'change';
}

class ObservedHandle implements FileHandle {
  readonly #inner: FileHandle;
  readonly #observer: FsObserver;

  constructor(inner: FileHandle, observer: FsObserver) {
    this.#inner = inner;
    this.#observer = observer;
  }

  get path(): string {
    return this.#inner.path;
  }

  get mode(): OpenMode {
    return this.#inner.mode;
  }

  async #report(operation: FsOperationName, effect: OperationEffect, bytes?: number): Promise<void> {
    await this.#observer.before({ operation, path: this.#inner.path, effect, ...(bytes === undefined ? {} : { bytes }) });
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    await this.#report('read', 'none');
    return this.#inner.read(offset, length);
  }

  async write(data: Uint8Array, offset: number): Promise<void> {
    await this.#report('write', 'change', data.length);
    return this.#inner.write(data, offset);
  }

  async append(data: Uint8Array): Promise<void> {
    await this.#report('append', 'change', data.length);
    return this.#inner.append(data);
  }

  async truncate(size: number): Promise<void> {
    await this.#report('truncate', 'change', size);
    return this.#inner.truncate(size);
  }

  async size(): Promise<number> {
    await this.#report('size', 'none');
    return this.#inner.size();
  }

  async fsync(): Promise<void> {
    await this.#report('fsync', 'persist');
    return this.#inner.fsync();
  }

  async fdatasync(): Promise<void> {
    await this.#report('fdatasync', 'persist');
    return this.#inner.fdatasync();
  }

  async close(): Promise<void> {
    await this.#report('close', 'none');
    return this.#inner.close();
  }
}

export class ObservedFileSystem implements FileSystem {
  readonly #inner: FileSystem;
  readonly #observer: FsObserver;

  constructor(inner: FileSystem, observer: FsObserver) {
    this.#inner = inner;
    this.#observer = observer;
  }

  async open(path: string, mode: OpenMode): Promise<FileHandle> {
    await this.#observer.before({ operation: 'open', path, effect: openEffect(mode), mode });
    return new ObservedHandle(await this.#inner.open(path, mode), this.#observer);
  }

  async rename(source: string, target: string): Promise<void> {
    await this.#observer.before({ operation: 'rename', path: source, effect: 'change', target });
    return this.#inner.rename(source, target);
  }

  async unlink(path: string): Promise<void> {
    await this.#observer.before({ operation: 'unlink', path, effect: 'change' });
    return this.#inner.unlink(path);
  }

  async mkdir(path: string, options: { readonly recursive: boolean }): Promise<void> {
    await this.#observer.before({ operation: 'mkdir', path, effect: 'change' });
    return this.#inner.mkdir(path, options);
  }

  async readdir(path: string): Promise<string[]> {
    await this.#observer.before({ operation: 'readdir', path, effect: 'none' });
    return this.#inner.readdir(path);
  }

  async stat(path: string): Promise<FileStat> {
    await this.#observer.before({ operation: 'stat', path, effect: 'none' });
    return this.#inner.stat(path);
  }

  async exists(path: string): Promise<boolean> {
    await this.#observer.before({ operation: 'exists', path, effect: 'none' });
    return this.#inner.exists(path);
  }

  async readFile(path: string): Promise<Uint8Array> {
    await this.#observer.before({ operation: 'readFile', path, effect: 'none' });
    return this.#inner.readFile(path);
  }

  async fsyncDirectory(path: string): Promise<void> {
    await this.#observer.before({ operation: 'fsyncDirectory', path, effect: 'persist' });
    return this.#inner.fsyncDirectory(path);
  }
}
