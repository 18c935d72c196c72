/**
 * The FileSystem contract: one vitest suite of behaviours every implementation must show, run
 * unchanged against NodeFileSystem (a temp directory) and CrashFileSystem (no crash, no fault).
 *
 * Invariant: a behaviour that only one implementation can show (durability, crashes, faults)
 * does not belong here; it goes in that implementation's own tests.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FileSystem } from './file-system.ts';
import { type FsErrorCode, isFsError } from './fs-error.ts';
import { joinPath } from './fs-path.ts';

export interface FileSystemUnderTest {
  readonly fs: FileSystem;
  /** An existing, empty directory the tests own. */
  readonly root: string;
  cleanup(): Promise<void>;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const bytes = (text: string): Uint8Array => encoder.encode(text);
const text = (data: Uint8Array): string => decoder.decode(data);

async function expectFsError(promise: Promise<unknown>, code: FsErrorCode): Promise<void> {
  const error: unknown = await promise.then(
    () => new Error(`expected ${code}, but the call resolved`),
    (rejection: unknown) => rejection,
  );
  expect(isFsError(error) ? error.code : error).toBe(code);
}

export function describeFileSystemContract(name: string, create: () => Promise<FileSystemUnderTest>): void {
  describe(`FileSystem contract (${name})`, () => {
    let env: FileSystemUnderTest;
    let fs: FileSystem;
    const at = (...names: string[]): string => names.reduce((path, part) => joinPath(path, part), env.root);
    const writeWhole = async (path: string, contents: string): Promise<void> => {
      const handle = await fs.open(path, 'create-truncate');
      await handle.write(bytes(contents), 0);
      await handle.close();
    };

    beforeEach(async () => {
      env = await create();
      fs = env.fs;
    });
    afterEach(async () => {
      await env.cleanup();
    });

    it('reads back what was written at offsets, through the handle and readFile', async () => {
      const handle = await fs.open(at('f'), 'create');
      await handle.write(bytes('hello world'), 0);
      await handle.write(bytes('W'), 6);
      expect(text(await handle.read(0, 11))).toBe('hello World');
      expect(text(await handle.read(6, 100))).toBe('World');
      expect(await handle.read(50, 4)).toEqual(new Uint8Array(0));
      expect(await handle.size()).toBe(11);
      await handle.close();
      expect(text(await fs.readFile(at('f')))).toBe('hello World');
    });

    it('fills a gap with zeros when writing past the end', async () => {
      const handle = await fs.open(at('f'), 'create');
      await handle.write(bytes('ab'), 4);
      await handle.close();
      expect(await fs.readFile(at('f'))).toEqual(new Uint8Array([0, 0, 0, 0, 97, 98]));
    });

    it('keeps the written bytes when the caller reuses its buffer', async () => {
      const handle = await fs.open(at('f'), 'create');
      const buffer = bytes('abc');
      await handle.write(buffer, 0);
      buffer.fill(120);
      expect(text(await handle.read(0, 3))).toBe('abc');
      await handle.close();
    });

    it('appends at the end of file, on an append handle and on a read-write handle', async () => {
      const appender = await fs.open(at('log'), 'append');
      await appender.append(bytes('one,'));
      await appender.append(bytes('two,'));
      await appender.close();
      const other = await fs.open(at('log'), 'read-write');
      await other.append(bytes('three'));
      await other.close();
      expect(text(await fs.readFile(at('log')))).toBe('one,two,three');
    });

    it('rejects a positional write on an append handle (EINVAL) and a read on it (EBADF)', async () => {
      const appender = await fs.open(at('log'), 'append');
      await expectFsError(appender.write(bytes('x'), 0), 'EINVAL');
      await expectFsError(appender.read(0, 1), 'EBADF');
      await appender.close();
    });

    it('truncates down and extends with zeros', async () => {
      await writeWhole(at('f'), 'abcdef');
      const handle = await fs.open(at('f'), 'read-write');
      await handle.truncate(2);
      expect(text(await handle.read(0, 10))).toBe('ab');
      await handle.truncate(4);
      expect(await handle.read(0, 10)).toEqual(new Uint8Array([97, 98, 0, 0]));
      await handle.close();
      expect((await fs.stat(at('f'))).size).toBe(4);
    });

    it('opens by mode: create keeps, create-truncate empties, create-exclusive refuses (EEXIST), read needs a file (ENOENT)', async () => {
      await writeWhole(at('f'), 'abc');
      await (await fs.open(at('f'), 'create')).close();
      expect(text(await fs.readFile(at('f')))).toBe('abc');
      await (await fs.open(at('f'), 'create-truncate')).close();
      expect(await fs.readFile(at('f'))).toEqual(new Uint8Array(0));
      await expectFsError(fs.open(at('f'), 'create-exclusive'), 'EEXIST');
      await expectFsError(fs.open(at('missing'), 'read'), 'ENOENT');
      await expectFsError(fs.open(at('missing'), 'read-write'), 'ENOENT');
      await (await fs.open(at('new'), 'create-exclusive')).close();
      expect(await fs.exists(at('new'))).toBe(true);
    });

    it('rejects handle calls the mode forbids and calls after close (EBADF)', async () => {
      await writeWhole(at('f'), 'abc');
      const reader = await fs.open(at('f'), 'read');
      await expectFsError(reader.write(bytes('x'), 0), 'EBADF');
      await expectFsError(reader.append(bytes('x')), 'EBADF');
      await expectFsError(reader.truncate(0), 'EBADF');
      await reader.close();
      await expectFsError(reader.read(0, 1), 'EBADF');
      await expectFsError(reader.fsync(), 'EBADF');
      await expectFsError(reader.close(), 'EBADF');
    });

    it('renames over an existing file atomically: the target shows the new bytes, the source is gone', async () => {
      await writeWhole(at('target'), 'old');
      await writeWhole(at('temp'), 'new');
      const oldReader = await fs.open(at('target'), 'read');
      await fs.rename(at('temp'), at('target'));
      expect(text(await fs.readFile(at('target')))).toBe('new');
      expect(await fs.exists(at('temp'))).toBe(false);
      expect(text(await oldReader.read(0, 10))).toBe('old');
      await oldReader.close();
    });

    it('rejects rename of a missing source (ENOENT) and of a file over a directory (EISDIR)', async () => {
      await fs.mkdir(at('d'), { recursive: false });
      await writeWhole(at('f'), 'x');
      await expectFsError(fs.rename(at('missing'), at('f')), 'ENOENT');
      await expectFsError(fs.rename(at('f'), at('d')), 'EISDIR');
      await expectFsError(fs.rename(at('f'), at('nodir', 'f')), 'ENOENT');
    });

    it('unlinks a file; an open handle still reads it; missing (ENOENT) and directory (EISDIR) are refused', async () => {
      await writeWhole(at('f'), 'abc');
      const handle = await fs.open(at('f'), 'read');
      await fs.unlink(at('f'));
      expect(await fs.exists(at('f'))).toBe(false);
      expect(text(await handle.read(0, 3))).toBe('abc');
      await handle.close();
      await expectFsError(fs.unlink(at('f')), 'ENOENT');
      await fs.mkdir(at('d'), { recursive: false });
      await expectFsError(fs.unlink(at('d')), 'EISDIR');
    });

    it('lists directory entries sorted; ENOENT for a missing directory, ENOTDIR for a file', async () => {
      await writeWhole(at('b'), '');
      await writeWhole(at('a'), '');
      await fs.mkdir(at('c'), { recursive: false });
      expect(await fs.readdir(env.root)).toEqual(['a', 'b', 'c']);
      expect(await fs.readdir(at('c'))).toEqual([]);
      await expectFsError(fs.readdir(at('missing')), 'ENOENT');
      await expectFsError(fs.readdir(at('a')), 'ENOTDIR');
    });

    it('stats size and kind, and answers exists for files, directories and missing paths', async () => {
      await writeWhole(at('f'), 'abcd');
      await fs.mkdir(at('d'), { recursive: false });
      expect(await fs.stat(at('f'))).toEqual({ size: 4, isDirectory: false });
      expect((await fs.stat(at('d'))).isDirectory).toBe(true);
      await expectFsError(fs.stat(at('missing')), 'ENOENT');
      await expectFsError(fs.stat(at('f', 'below')), 'ENOTDIR');
      expect(await fs.exists(at('d'))).toBe(true);
      expect(await fs.exists(at('missing'))).toBe(false);
      expect(await fs.exists(at('f', 'below'))).toBe(false);
    });

    it('makes directories: EEXIST when present, ENOENT without parent, recursive creates parents and accepts present', async () => {
      await fs.mkdir(at('d'), { recursive: false });
      await expectFsError(fs.mkdir(at('d'), { recursive: false }), 'EEXIST');
      await expectFsError(fs.mkdir(at('x', 'y'), { recursive: false }), 'ENOENT');
      await fs.mkdir(at('x', 'y', 'z'), { recursive: true });
      await fs.mkdir(at('x', 'y'), { recursive: true });
      expect(await fs.readdir(at('x', 'y'))).toEqual(['z']);
      await writeWhole(at('f'), '');
      await expectFsError(fs.mkdir(at('f', 'g'), { recursive: true }), 'ENOTDIR');
      await expectFsError(fs.mkdir(at('f'), { recursive: true }), 'EEXIST');
    });

    it('names the path the caller passed in errors, also when a parent is missing', async () => {
      const error: unknown = await fs.open(at('nodir', 'f'), 'create').catch((rejection: unknown) => rejection);
      expect(isFsError(error, 'ENOENT')).toBe(true);
      expect(isFsError(error) ? [error.operation, error.path] : error).toEqual(['open', at('nodir', 'f')]);
    });

    it('refuses to open or read a directory as a file (EISDIR)', async () => {
      await fs.mkdir(at('d'), { recursive: false });
      await expectFsError(fs.open(at('d'), 'read'), 'EISDIR');
      await expectFsError(fs.open(at('d'), 'create'), 'EISDIR');
      await expectFsError(fs.readFile(at('d')), 'EISDIR');
      await expectFsError(fs.readFile(at('missing')), 'ENOENT');
    });

    it('fsyncs files and directories; fsyncDirectory refuses a file (ENOTDIR) and a missing path (ENOENT)', async () => {
      const handle = await fs.open(at('f'), 'create');
      await handle.append(bytes('x'));
      await handle.fsync();
      await handle.fdatasync();
      await handle.close();
      await fs.fsyncDirectory(env.root);
      await fs.mkdir(at('d'), { recursive: false });
      await fs.fsyncDirectory(at('d'));
      await expectFsError(fs.fsyncDirectory(at('f')), 'ENOTDIR');
      await expectFsError(fs.fsyncDirectory(at('missing')), 'ENOENT');
    });

    it('rejects paths that are not absolute and normalized (EINVAL), and negative offsets', async () => {
      await expectFsError(fs.readFile('relative/path'), 'EINVAL');
      await expectFsError(fs.stat(`${env.root}/a/../b`), 'EINVAL');
      await expectFsError(fs.open(`${env.root}/`, 'read'), 'EINVAL');
      const handle = await fs.open(at('f'), 'create');
      await expectFsError(handle.write(bytes('x'), -1), 'EINVAL');
      await expectFsError(handle.read(0.5, 1), 'EINVAL');
      await handle.close();
    });
  });
}
