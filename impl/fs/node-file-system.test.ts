/**
 * Goal: NodeFileSystem satisfies the FileSystem contract on a real disk, and maps host errors to
 * FsError codes.
 * Method: the shared contract suite runs in a fresh directory under os.tmpdir() per test; a few
 * adapter-only checks follow (error mapping of unknown host errors, fsync on a real directory).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeFileSystemContract } from './file-system-contract.ts';
import { FsError, fsErrorFromNode } from './fs-error.ts';
import { NodeFileSystem } from './node-file-system.ts';

async function temporaryRoot(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'durakv-fs-'));
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
});
