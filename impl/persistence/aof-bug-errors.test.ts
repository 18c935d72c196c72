/**
 * Goal: the AOF's file-system error handling takes only FsErrors for I/O failures. An error of
 * any other kind raised by a file-system call (a bug in an adapter or in durakv, never a disk
 * fault) stops the store with that very error: it is not swallowed like a failed close or
 * unlink, nor turned into a failed rewrite, at the rewrite's start (old incr's close, manifest
 * commit), at its finish (temp incr rename, manifest commit, history unlink and clean-up commit)
 * or at CONFIG SET appendonly no (the live file's fdatasync and close).
 * Method: a Store on a BugRaisingFileSystem over a CrashFileSystem, stepped by a ManualScheduler;
 * one call rejects with a TypeError; the command or the next command must reject with it.
 */
import { describe, expect, it } from 'vitest';
import type { CrashFileSystem } from '../fs/crash-file-system.ts';
import { BugRaisingFileSystem, type RaisingOperation } from '../fs/testing/bug-raising-file-system.ts';
import { ManualScheduler } from './manual-scheduler.ts';
import type { StoreConfig } from './store-config.ts';
import { type Store, openStore } from './store.ts';
import { aofConfig, aofPath, runOn } from './testing/aof-harness.ts';
import { TestClock, directory, fileSystemWithDirectory, grantUntilIdle, processId, seededRandom, settle, testConfig } from './testing/store-harness.ts';

const tempManifest = aofPath('temp-appendonly.aof.manifest');
const tempIncr = aofPath('temp-appendonly.aof.incr');
const firstIncr = aofPath('appendonly.aof.1.incr.aof');

interface Raising {
  readonly fs: BugRaisingFileSystem<CrashFileSystem>;
  readonly scheduler: ManualScheduler;
  readonly store: Store;
  readonly bug: TypeError;
}

/** A store holding a = 1, and the error the armed call will raise. */
async function raisingStore(config: Partial<StoreConfig>): Promise<Raising> {
  const fs = new BugRaisingFileSystem(await fileSystemWithDirectory());
  const scheduler = new ManualScheduler();
  const store = await openStore({ fileSystem: fs, directory, config: { ...testConfig, ...config }, clock: new TestClock(), random: seededRandom(7), scheduler, processId });
  expect(await runOn(store, 'set', 'a', '1')).toBe('+OK');
  return { fs, scheduler, store, bug: new TypeError('a bug surfacing through the file system, not an I/O failure') };
}

function arm(r: Raising, operation: RaisingOperation, path: string, skip = 0): void {
  r.fs.raiseOn(operation, path, r.bug, skip);
}

/** Grants slices until the background job asks for no more, then lets its finish run. */
async function runJobToItsEnd(scheduler: ManualScheduler): Promise<void> {
  await grantUntilIdle(scheduler);
  await settle();
}

/** The armed call happened, and the store refuses every command with the bug. */
async function expectStoppedBy(r: Raising): Promise<void> {
  expect(r.fs.spent).toBe(true);
  await expect(runOn(r.store, 'get', 'a')).rejects.toBe(r.bug);
}

describe('a non-FsError at the start of BGREWRITEAOF stops the store with it', () => {
  it('at the close of the old incr after the switch (EIO there would be ignored)', async () => {
    const r = await raisingStore(aofConfig('always'));
    arm(r, 'close', firstIncr);
    await expect(runOn(r.store, 'bgrewriteaof')).rejects.toBe(r.bug);
    await expectStoppedBy(r);
  });

  it('at the rename of the manifest naming the new incr (EIO there would fail the start)', async () => {
    const r = await raisingStore(aofConfig('always'));
    arm(r, 'rename', tempManifest);
    await expect(runOn(r.store, 'bgrewriteaof')).rejects.toBe(r.bug);
    await expectStoppedBy(r);
  });
});

describe('a non-FsError at the finish of a rewrite stops the store with it', () => {
  it('at the rename of the temp incr of the first rewrite (CONFIG SET appendonly yes)', async () => {
    const r = await raisingStore({ appendonly: false });
    arm(r, 'rename', tempIncr);
    expect(await runOn(r.store, 'config', 'set', 'appendonly', 'yes')).toBe('+OK');
    await runJobToItsEnd(r.scheduler);
    await expectStoppedBy(r);
  });

  it('at the rename of the manifest that installs the new base', async () => {
    const r = await raisingStore(aofConfig('always'));
    expect(await runOn(r.store, 'bgrewriteaof')).toBe('+Background append only file rewriting started');
    arm(r, 'rename', tempManifest);
    await runJobToItsEnd(r.scheduler);
    await expectStoppedBy(r);
  });

  it('at the unlink of a history file', async () => {
    const r = await raisingStore(aofConfig('always'));
    expect(await runOn(r.store, 'bgrewriteaof')).toBe('+Background append only file rewriting started');
    arm(r, 'unlink', firstIncr);
    await runJobToItsEnd(r.scheduler);
    await expectStoppedBy(r);
  });

  it('at the rename of the manifest that drops the history (the second commit of the finish)', async () => {
    const r = await raisingStore(aofConfig('always'));
    expect(await runOn(r.store, 'bgrewriteaof')).toBe('+Background append only file rewriting started');
    arm(r, 'rename', tempManifest, 1);
    await runJobToItsEnd(r.scheduler);
    await expectStoppedBy(r);
  });
});

describe('a non-FsError while CONFIG SET appendonly no closes the live incr stops the store with it', () => {
  it.each([
    ['fdatasync', 'everysec'],
    ['close', 'always'],
  ] as const)('at its %s (appendfsync %s)', async (operation, appendfsync) => {
    const r = await raisingStore(aofConfig(appendfsync));
    expect(await runOn(r.store, 'set', 'b', '2')).toBe('+OK');
    arm(r, operation, firstIncr);
    await expect(runOn(r.store, 'config', 'set', 'appendonly', 'no')).rejects.toBe(r.bug);
    await expectStoppedBy(r);
  });
});
