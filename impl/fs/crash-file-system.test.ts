/**
 * Goal: CrashFileSystem, with no crash and no fault armed, behaves exactly like the real disk.
 * Method: the shared FileSystem contract suite, run on a fresh crash FS per test, once with the
 * tests' root at '/' and once in a subdirectory.
 */
import { CrashFileSystem } from './crash-file-system.ts';
import { describeFileSystemContract } from './file-system-contract.ts';

describeFileSystemContract('crash, root /', async () => ({ fs: CrashFileSystem.create(), root: '/', cleanup: async () => undefined }));

describeFileSystemContract('crash, root /data/db', async () => {
  const fs = CrashFileSystem.create();
  await fs.mkdir('/data/db', { recursive: true });
  return { fs, root: '/data/db', cleanup: async () => undefined };
});
