/**
 * Goal: when the kernel refuses an I/O call, NodeFileSystem reports it (never swallows it, above
 * all an fsync failure), as an FsError naming the operation, the path and the host errno; a
 * write the kernel cuts short reports how many bytes reached the file; an O_APPEND handle
 * appends with plain write(2); no call leaves a descriptor open behind it.
 * Method: real host failures on Linux, no mocks: a FIFO (cannot seek, cannot be fsynced or
 * truncated), /dev/full (ENOSPC on every write), a procfs directory (cannot be fsynced), and a
 * lowered RLIMIT_FSIZE on this process (prlimit) for a kernel short write followed by EFBIG,
 * RLIMIT_NOFILE at 0 for EMFILE; each limit is restored before the test's assertions.
 * Open descriptors are listed through /proc/self/fd.
 */
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { constants } from 'node:fs';
import { mkdtemp, open, readFile, readdir, readlink, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FsError } from './fs-error.ts';
import { NodeFileSystem } from './node-file-system.ts';

async function rejection(promise: Promise<unknown>): Promise<FsError> {
  const error: unknown = await promise.then(
    () => new Error('expected an FsError, but the call resolved'),
    (failure: unknown) => failure,
  );
  expect(error).toBeInstanceOf(FsError);
  return error as FsError;
}

const summary = (error: FsError): [string, string, string, number] => [error.code, error.operation, error.path, error.bytesWritten];

/** The paths this process holds descriptors on, read from /proc/self/fd. */
async function openDescriptorTargets(): Promise<string[]> {
  const targets: string[] = [];
  for (const fd of await readdir('/proc/self/fd')) {
    const target = await readlink(`/proc/self/fd/${fd}`).catch(() => null);
    if (target !== null) targets.push(target);
  }
  return targets;
}

/** Runs `body` with this process's soft RLIMIT_FSIZE lowered to `bytes`, restoring it afterwards. */
async function withFileSizeLimit<T>(bytes: number, body: () => Promise<T>): Promise<T> {
  const pid = String(process.pid);
  const previous = execFileSync('prlimit', ['--pid', pid, '--fsize', '--raw', '--noheadings', '--output=SOFT']).toString().trim();
  execFileSync('prlimit', ['--pid', pid, `--fsize=${bytes}:`]);
  try {
    return await body();
  } finally {
    execFileSync('prlimit', ['--pid', pid, `--fsize=${previous}:`]);
  }
}

/**
 * Runs `body` with this process's soft RLIMIT_NOFILE at 0 (every new descriptor fails with EMFILE).
 * The helper that restores the limit is started first, because starting a process takes descriptors.
 */
async function withoutFreeDescriptors<T>(body: () => Promise<T>): Promise<T> {
  const pid = String(process.pid);
  const previous = execFileSync('prlimit', ['--pid', pid, '--nofile', '--raw', '--noheadings', '--output=SOFT']).toString().trim();
  const script = `prlimit --pid ${pid} --nofile=0:; echo "lowered $?"; read line; prlimit --pid ${pid} --nofile=${previous}:`;
  const helper = spawn('sh', ['-c', script], { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = once(helper, 'exit');
  try {
    const [lowered] = (await once(helper.stdout, 'data')) as [Buffer];
    expect(lowered.toString().trim()).toBe('lowered 0');
    return await body();
  } finally {
    helper.stdin.end('\n');
    await exited;
  }
}

describe.runIf(process.platform === 'linux')('NodeFileSystem on host failures (Linux)', () => {
  const fs = new NodeFileSystem();
  let root: string;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'durakv-host-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  function makeFifo(): string {
    const path = join(root, 'fifo');
    execFileSync('mkfifo', [path]);
    return path;
  }

  it('reports each refused call on a FIFO with its operation, path and host errno: read/write/append ESPIPE (EIO), truncate/fsync/fdatasync EINVAL', async () => {
    const fifo = makeFifo();
    const handle = await fs.open(fifo, 'read-write');
    try {
      const data = new Uint8Array([1, 2, 3]);
      const read = await rejection(handle.read(0, 1));
      expect(summary(read)).toEqual(['EIO', 'read', fifo, 0]);
      expect(read.message).toBe(`EIO: read '${fifo}' (host error ESPIPE)`);
      const write = await rejection(handle.write(data, 0));
      expect(summary(write)).toEqual(['EIO', 'write', fifo, 0]);
      expect(write.message).toBe(`EIO: write '${fifo}' (host error ESPIPE)`);
      const append = await rejection(handle.append(data));
      expect(summary(append)).toEqual(['EIO', 'append', fifo, 0]);
      expect(append.message).toBe(`EIO: append '${fifo}' (host error ESPIPE)`);
      expect(summary(await rejection(handle.truncate(0)))).toEqual(['EINVAL', 'truncate', fifo, 0]);
      expect(summary(await rejection(handle.fsync()))).toEqual(['EINVAL', 'fsync', fifo, 0]);
      expect(summary(await rejection(handle.fdatasync()))).toEqual(['EINVAL', 'fdatasync', fifo, 0]);
    } finally {
      await handle.close();
    }
  }, 10_000);

  it('appends on an append handle with write(2) at no position: a FIFO, which cannot seek, receives every appended byte in order', async () => {
    const fifo = makeFifo();
    const reader = await open(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
    try {
      const appender = await fs.open(fifo, 'append');
      await appender.append(new TextEncoder().encode('*1\r\n$4\r\nPING\r\n'));
      await appender.append(new TextEncoder().encode('*1\r\n$4\r\nPONG\r\n'));
      await appender.close();
      const buffer = new Uint8Array(64);
      const { bytesRead } = await reader.read(buffer, 0, buffer.length, null);
      expect(new TextDecoder().decode(buffer.subarray(0, bytesRead))).toBe('*1\r\n$4\r\nPING\r\n*1\r\n$4\r\nPONG\r\n');
    } finally {
      await reader.close();
    }
  });

  it('rejects a write and an append to a full device (/dev/full) with ENOSPC, naming the call and the path, 0 bytes written', async () => {
    const writer = await fs.open('/dev/full', 'read-write');
    const appender = await fs.open('/dev/full', 'append');
    try {
      const write = await rejection(writer.write(new Uint8Array(100), 0));
      expect(summary(write)).toEqual(['ENOSPC', 'write', '/dev/full', 0]);
      expect(write.message).toBe("ENOSPC: write '/dev/full' (host error ENOSPC)");
      const append = await rejection(appender.append(new Uint8Array(100)));
      expect(summary(append)).toEqual(['ENOSPC', 'append', '/dev/full', 0]);
      expect(append.message).toBe("ENOSPC: append '/dev/full' (host error ENOSPC)");
    } finally {
      await writer.close();
      await appender.close();
    }
  }, 10_000);

  it('rejects a write cut short by the file size limit (1024 bytes, write of 3000 at offset 100) with bytesWritten 924, and those 924 bytes are on disk', async () => {
    const file = join(root, 'temp-rewrite.aof');
    const data = Uint8Array.from({ length: 3000 }, (_, index) => index % 251);
    const handle = await fs.open(file, 'create-truncate');
    try {
      const error = await withFileSizeLimit(1024, () => rejection(handle.write(data, 100)));
      // RLIMIT_FSIZE: the first write(2) stops at byte 1024 (924 bytes), the next one fails with EFBIG.
      expect(summary(error)).toEqual(['EIO', 'write', file, 924]);
      expect(error.message).toBe(`EIO: write '${file}' after writing 924 bytes (host error EFBIG)`);
    } finally {
      await handle.close();
    }
    const onDisk = await readFile(file);
    expect(onDisk.length).toBe(1024);
    expect(new Uint8Array(onDisk.subarray(100))).toEqual(data.subarray(0, 924));
  }, 10_000);

  it('reports an fsync of a directory the host cannot sync (procfs: EINVAL) instead of claiming the entries durable', async () => {
    const error = await rejection(fs.fsyncDirectory('/proc'));
    expect(summary(error)).toEqual(['EINVAL', 'fsyncDirectory', '/proc', 0]);
  });

  it('rejects open and fsyncDirectory with EMFILE when the process is out of descriptors, naming the call and the path', async () => {
    const file = join(root, 'dump.rdb');
    const [openError, syncError] = await withoutFreeDescriptors(async () => [
      await rejection(fs.open(file, 'create')),
      await rejection(fs.fsyncDirectory(root)),
    ]);
    expect(summary(openError)).toEqual(['EMFILE', 'open', file, 0]);
    expect(summary(syncError)).toEqual(['EMFILE', 'fsyncDirectory', root, 0]);
  }, 10_000);

  it('leaves no descriptor open on the file after close, nor on the directory after fsyncDirectory', async () => {
    const file = join(root, 'appendonly.aof.1.incr.aof');
    const handle = await fs.open(file, 'create');
    expect(await openDescriptorTargets()).toContain(file);
    await handle.close();
    await fs.fsyncDirectory(root);
    const targets = await openDescriptorTargets();
    expect(targets).not.toContain(file);
    expect(targets).not.toContain(root);
  });
});
