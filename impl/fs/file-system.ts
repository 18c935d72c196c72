/**
 * The FileSystem port: the single seam for all durable I/O in durakv.
 *
 * Every byte durakv persists (RDB files, AOF base/incr files, the AOF manifest, temp files) is
 * written through this interface, and nothing below `server/` touches `node:fs` directly. Two
 * implementations exist: `NodeFileSystem` (the real disk) and `CrashFileSystem` (in memory, with
 * a page cache, a durable layer, crash and fault injection). `describeFileSystemContract` checks
 * that both behave the same.
 *
 * Contract (what callers may rely on, on every implementation):
 * - Paths are absolute POSIX strings ('/a/b'); no '.'/'..' tricks, no trailing slash.
 * - Every method is async and reports failure by rejecting with an `FsError` (closed `code`
 *   union, the operation and the path). `CrashFileSystem` may also reject with `SimulatedCrash`,
 *   which is not an `FsError`: code under test must let it propagate.
 * - A resolved write/append/truncate is visible to every later read (read-after-write), but is
 *   durable against power loss only after `fsync`/`fdatasync` of the file. A create, rename,
 *   unlink or mkdir is durable only after `fsyncDirectory` of the directory holding the name.
 *   (`fsync` and `fdatasync` are the same here: the only attribute modelled is the size, which
 *   fdatasync persists too.)
 * - write/append either write every byte or reject; a rejection may follow a partial write, and
 *   then `FsError.bytesWritten` says how many leading bytes reached the file (short write).
 * - A handle follows its inode: rename or unlink of its path does not affect an open handle.
 * - After `close`, and for a mode that forbids the operation (write on 'read', read on
 *   'append'), handle methods reject with EBADF. A positional `write` on an 'append' handle
 *   rejects with EINVAL (O_APPEND would silently move it).
 * - `rename` atomically replaces an existing target file (POSIX rename(2)).
 * - No optional members: every implementation provides every method.
 */

/** How a file is opened; each mode is one fixed set of open(2) flags. */
export type OpenMode =
  /** O_RDONLY; ENOENT when missing, EISDIR on a directory. */
  | 'read'
  /** O_RDWR; ENOENT when missing. */
  | 'read-write'
  /** O_RDWR|O_CREAT: created empty when missing, contents kept otherwise. */
  | 'create'
  /** O_RDWR|O_CREAT|O_TRUNC: created when missing, emptied otherwise. */
  | 'create-truncate'
  /** O_RDWR|O_CREAT|O_EXCL: EEXIST when the name exists. */
  | 'create-exclusive'
  /** O_WRONLY|O_CREAT|O_APPEND: only `append` writes; reads reject with EBADF. */
  | 'append';

export function modeCanRead(mode: OpenMode): boolean {
  return mode !== 'append';
}

export function modeCanWrite(mode: OpenMode): boolean {
  return mode !== 'read';
}

export function modeCreates(mode: OpenMode): boolean {
  return mode === 'create' || mode === 'create-truncate' || mode === 'create-exclusive' || mode === 'append';
}

/** The names of port operations, used in errors and in the crash FS operation log. */
export type FsOperationName =
  | 'open'
  | 'read'
  | 'write'
  | 'append'
  | 'truncate'
  | 'size'
  | 'fsync'
  | 'fdatasync'
  | 'close'
  | 'rename'
  | 'unlink'
  | 'mkdir'
  | 'readdir'
  | 'stat'
  | 'exists'
  | 'readFile'
  | 'fsyncDirectory';

export interface FileStat {
  /** Bytes in the file. Meaningful for files only (directories report an implementation value). */
  readonly size: number;
  readonly isDirectory: boolean;
}

export interface FileHandle {
  /** The path the handle was opened with (it keeps following the inode after a rename). */
  readonly path: string;
  readonly mode: OpenMode;
  /** Up to `length` bytes from `offset`; fewer at end of file, empty past it. */
  read(offset: number, length: number): Promise<Uint8Array>;
  /** Writes all of `data` at `offset`, extending the file (with zeros for any gap). */
  write(data: Uint8Array, offset: number): Promise<void>;
  /** Writes all of `data` at the current end of file. */
  append(data: Uint8Array): Promise<void>;
  /** Sets the size: drops the tail, or extends with zeros. */
  truncate(size: number): Promise<void>;
  /** The current size in bytes (fstat). */
  size(): Promise<number>;
  /** Makes the file's data and size durable (not its directory entry). */
  fsync(): Promise<void>;
  /** Same durability as `fsync` for everything this port models. */
  fdatasync(): Promise<void>;
  close(): Promise<void>;
}

export interface FileSystem {
  open(path: string, mode: OpenMode): Promise<FileHandle>;
  /** rename(2): atomically binds `target` to the source inode, replacing a target file. */
  rename(source: string, target: string): Promise<void>;
  /** Removes a file's name (EISDIR on a directory). */
  unlink(path: string): Promise<void>;
  /** Creates a directory; `recursive` also creates parents and accepts an existing directory. */
  mkdir(path: string, options: { readonly recursive: boolean }): Promise<void>;
  /** Entry names, sorted by code unit. */
  readdir(path: string): Promise<string[]>;
  stat(path: string): Promise<FileStat>;
  /** True when the path names a file or directory; false for ENOENT/ENOTDIR along the way. */
  exists(path: string): Promise<boolean>;
  /** The whole contents of a file (a convenience: open, read all, close). */
  readFile(path: string): Promise<Uint8Array>;
  /** Makes the directory's entries (creates, renames, unlinks in it) durable. ENOTDIR on a file. */
  fsyncDirectory(path: string): Promise<void>;
}
