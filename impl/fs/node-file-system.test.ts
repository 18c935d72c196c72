/**
 * Goal: NodeFileSystem satisfies the FileSystem contract on a real disk, maps host errors to
 * FsError codes, and every FsError it reports names the operation that failed and the path it
 * failed on (what an operator reads in the log line).
 * Method: the shared contract suite runs in a fresh directory under os.tmpdir() per test; a few
 * adapter-only checks follow (error mapping of unknown host errors, fsync on a real directory,
 * the operation and path named by each refusal, readdir order, readFile's copy). Host failures
 * the kernel reports (ENOSPC, ESPIPE, EFBIG, ...) are in node-file-system-host-failures.test.ts.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeFileSystemContract } from './file-system-contract.ts';
import type { FsOperationName } from './file-system.ts';
import { type FsErrorCode, FsError, fsErrorFromNode } from './fs-error.ts';
import { NodeFileSystem } from './node-file-system.ts';

async function temporaryRoot(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'durakv-fs-'));
}

/** The FsError a call rejects with, as [code, operation, path] (fails the test if it resolves or throws something else). */
async function refusal(promise: Promise<unknown>): Promise<[FsErrorCode, FsOperationName, string]> {
  const error: unknown = await promise.then(
    () => new Error('expected an FsError, but the call resolved'),
    (rejection: unknown) => rejection,
  );
  expect(error).toBeInstanceOf(FsError);
  const { code, operation, path } = error as FsError;
  expect((error as FsError).message).toContain(`${code}: ${operation} '${path}'`);
  return [code, operation, path];
}

async function withRoot(body: (fs: NodeFileSystem, root: string) => Promise<void>): Promise<void> {
  const root = await temporaryRoot();
  try {
    await body(new NodeFileSystem(), root);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

describeFileSystemContract('node', async () => {
  const root = await temporaryRoot();
  return { fs: new NodeFileSystem(), root, cleanup: () => rm(root, { recursive: true, force: true }) };
});

describe('NodeFileSystem', () => {
  it('maps a known host errno to its FsError code and an unknown one to EIO, keeping the cause', () => {
    const known = fsErrorFromNode(Object.assign(new Error('x'), { code: 'ENOSPC' }), 'append', '/a');
    expect(known).toBeInstanceOf(FsError);
    expect([known.code, known.operation, known.path]).toEqual(['ENOSPC', 'append', '/a']);
    const unknown = fsErrorFromNode(Object.assign(new Error('y'), { code: 'ESTALE' }), 'read', '/b');
    expect(unknown.code).toBe('EIO');
    expect(unknown.message).toContain('ESTALE');
    expect(unknown.cause).toBeInstanceOf(Error);
  });

  it('fsyncs a real directory after a rename in it, and reports the rename path as source -> target', async () => {
    const root = await temporaryRoot();
    try {
      const fs = new NodeFileSystem();
      const handle = await fs.open(join(root, 'temp'), 'create-truncate');
      await handle.write(new Uint8Array([1, 2, 3]), 0);
      await handle.fsync();
      await handle.close();
      await fs.rename(join(root, 'temp'), join(root, 'target'));
      await fs.fsyncDirectory(root);
      expect(await fs.readFile(join(root, 'target'))).toEqual(new Uint8Array([1, 2, 3]));
      const error = await fs.rename(join(root, 'temp'), join(root, 'x')).catch((rejection: unknown) => rejection);
      expect(error).toBeInstanceOf(FsError);
      expect((error as FsError).path).toBe(`${join(root, 'temp')} -> ${join(root, 'x')}`);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('names the refused handle call and the file in EBADF after close: read, write, append, truncate, size, fsync, fdatasync, close', async () => {
    await withRoot(async (fs, root) => {
      const file = join(root, 'aof');
      const handle = await fs.open(file, 'create');
      await handle.close();
      const data = new Uint8Array([1]);
      expect(await refusal(handle.read(0, 1))).toEqual(['EBADF', 'read', file]);
      expect(await refusal(handle.write(data, 0))).toEqual(['EBADF', 'write', file]);
      expect(await refusal(handle.append(data))).toEqual(['EBADF', 'append', file]);
      expect(await refusal(handle.truncate(0))).toEqual(['EBADF', 'truncate', file]);
      expect(await refusal(handle.size())).toEqual(['EBADF', 'size', file]);
      expect(await refusal(handle.fsync())).toEqual(['EBADF', 'fsync', file]);
      expect(await refusal(handle.fdatasync())).toEqual(['EBADF', 'fdatasync', file]);
      expect(await refusal(handle.close())).toEqual(['EBADF', 'close', file]);
    });
  });

  it('names the call and the file in EINVAL for a negative offset, length or size, and for a positional write on an append handle', async () => {
    await withRoot(async (fs, root) => {
      const file = join(root, 'rdb');
      const handle = await fs.open(file, 'create');
      expect(await refusal(handle.read(-1, 1))).toEqual(['EINVAL', 'read', file]);
      expect(await refusal(handle.read(0, -1))).toEqual(['EINVAL', 'read', file]);
      expect(await refusal(handle.write(new Uint8Array([1]), -1))).toEqual(['EINVAL', 'write', file]);
      expect(await refusal(handle.truncate(-1))).toEqual(['EINVAL', 'truncate', file]);
      await handle.close();
      const appender = await fs.open(file, 'append');
      expect(await refusal(appender.write(new Uint8Array([1]), 0))).toEqual(['EINVAL', 'write', file]);
      await appender.close();
    });
  });

  it('names the operation in EINVAL for a relative path, on every FileSystem call (rename: either side)', async () => {
    const fs = new NodeFileSystem();
    const bad = 'relative/dump.rdb';
    expect(await refusal(fs.open(bad, 'read'))).toEqual(['EINVAL', 'open', bad]);
    expect(await refusal(fs.rename(bad, '/tmp/x'))).toEqual(['EINVAL', 'rename', bad]);
    expect(await refusal(fs.rename('/tmp/x', bad))).toEqual(['EINVAL', 'rename', bad]);
    expect(await refusal(fs.unlink(bad))).toEqual(['EINVAL', 'unlink', bad]);
    expect(await refusal(fs.mkdir(bad, { recursive: true }))).toEqual(['EINVAL', 'mkdir', bad]);
    expect(await refusal(fs.readdir(bad))).toEqual(['EINVAL', 'readdir', bad]);
    expect(await refusal(fs.stat(bad))).toEqual(['EINVAL', 'stat', bad]);
    expect(await refusal(fs.exists(bad))).toEqual(['EINVAL', 'exists', bad]);
    expect(await refusal(fs.readFile(bad))).toEqual(['EINVAL', 'readFile', bad]);
    expect(await refusal(fs.fsyncDirectory(bad))).toEqual(['EINVAL', 'fsyncDirectory', bad]);
  });

  it('names the operation and the path in host errors: ENOENT, EEXIST, ENOTDIR, EISDIR from open, rename, unlink, mkdir, readdir, stat, readFile, fsyncDirectory', async () => {
    await withRoot(async (fs, root) => {
      const missing = join(root, 'missing');
      const file = join(root, 'manifest');
      await writeFile(file, 'x');
      expect(await refusal(fs.open(root, 'read'))).toEqual(['EISDIR', 'open', root]);
      expect(await refusal(fs.rename(missing, file))).toEqual(['ENOENT', 'rename', `${missing} -> ${file}`]);
      expect(await refusal(fs.unlink(missing))).toEqual(['ENOENT', 'unlink', missing]);
      expect(await refusal(fs.mkdir(root, { recursive: false }))).toEqual(['EEXIST', 'mkdir', root]);
      expect(await refusal(fs.readdir(missing))).toEqual(['ENOENT', 'readdir', missing]);
      expect(await refusal(fs.stat(missing))).toEqual(['ENOENT', 'stat', missing]);
      expect(await refusal(fs.readFile(missing))).toEqual(['ENOENT', 'readFile', missing]);
      expect(await refusal(fs.fsyncDirectory(missing))).toEqual(['ENOENT', 'fsyncDirectory', missing]);
      expect(await refusal(fs.fsyncDirectory(file))).toEqual(['ENOTDIR', 'fsyncDirectory', file]);
    });
  });

  it('exists answers false only for ENOENT/ENOTDIR: a name too long (ENAMETOOLONG) rejects, naming exists and the path', async () => {
    await withRoot(async (fs, root) => {
      const tooLong = join(root, 'x'.repeat(300));
      expect(await refusal(fs.exists(tooLong))).toEqual(['ENAMETOOLONG', 'exists', tooLong]);
    });
  });

  it('lists entries in UTF-16 code-unit order like the crash FS, not the host byte order (U+1F600 before U+FF71)', async () => {
    await withRoot(async (fs, root) => {
      // UTF-8 bytes order U+FF71 (EF BD B1) before U+1F600 (F0 9F 98 80); UTF-16 code units the reverse (D83D < FF71).
      for (const name of ['\uFF71', '\u{1F600}', 'b', 'a']) await writeFile(join(root, name), '');
      expect(await fs.readdir(root)).toEqual(['a', 'b', '\u{1F600}', '\uFF71']);
    });
  });

  it.runIf(process.platform === 'linux')('readFile returns a standalone copy: its ArrayBuffer holds exactly the file bytes, also for a file read in chunks (procfs, stat size 0)', async () => {
    const contents = await new NodeFileSystem().readFile('/proc/self/status');
    expect(contents.byteLength).toBeGreaterThan(0);
    expect([contents.byteOffset, contents.buffer.byteLength]).toEqual([0, contents.byteLength]);
    expect(new TextDecoder().decode(new Uint8Array(contents.buffer))).toMatch(/^Name:/);
  });
});
