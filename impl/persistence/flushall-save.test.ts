/**
 * Goal: FLUSHALL as Redis 7.0's flushAllDataAndResetRDB (facts §2.7; observed on
 * redis-server 7.0.15): with save points it saves the (empty) dataset synchronously and dirty
 * becomes 0 (tests/unit/other.tcl); with `save ""` nothing is saved and dirty keeps counting;
 * it cancels a running BGSAVE (Redis kills the child with SIGUSR1: temp removed, no error
 * status, dirty kept, rdb.tcl "Test FLUSHALL aborts bgsave"); inside EXEC the save is of the
 * instant of FLUSHALL (empty), and commands after it in the same EXEC stay dirty. FLUSHDB does
 * none of this.
 * Method: a Store on a CrashFileSystem with a ManualScheduler; dumps are decoded back.
 */
import { describe, expect, it } from 'vitest';
import { GatedFileSystem } from '../fs/testing/gated-file-system.ts';
import { ManualScheduler } from './manual-scheduler.ts';
import { openStore } from './store.ts';
import { TestClock, canonical, directory, dumpDataset, dumpPath, fileSystemWithDirectory, openHarness, processId, seededRandom, settle, testConfig } from './testing/store-harness.ts';

const savePoints = { save: [{ seconds: 900, changes: 1 }] };

describe('FLUSHALL and RDB', () => {
  it('saves the empty dataset synchronously and resets dirty when save points are set', async () => {
    const h = await openHarness({ config: savePoints });
    await h.run('mset', 'a', '1', 'b', '2');
    await h.run('save');
    await h.run('set', 'c', '3');
    h.clock.advance(3_000);
    expect(await h.run('flushall')).toBe('+OK');
    expect(canonical(await dumpDataset(h.fs))).toBe(canonical(new Map()));
    expect(h.store.info()).toMatchObject({ rdbChangesSinceLastSave: 0, rdbLastSaveTime: 1_700_000_003, rdbSaves: 1 });
  });

  it('saves nothing and keeps counting dirty with save ""', async () => {
    const h = await openHarness();
    await h.run('mset', 'a', '1', 'b', '2');
    expect(await h.run('flushall')).toBe('+OK');
    expect(await dumpDataset(h.fs)).toBeNull();
    expect(h.store.info().rdbChangesSinceLastSave).toBe(4);
  });

  it('cancels a running BGSAVE: temp file removed, status stays ok, dirty kept, store writable (save "")', async () => {
    const h = await openHarness();
    for (const name of ['a', 'b', 'c', 'd', 'e', 'f']) await h.run('set', name, 'v');
    await h.run('bgsave');
    await h.step();
    expect((await h.fs.readdir('/data')).some((name) => name.startsWith('temp-'))).toBe(true);
    expect(await h.run('flushall')).toBe('+OK');
    await h.finish();
    expect(await h.fs.readdir('/data')).toEqual([]);
    expect(h.store.info()).toMatchObject({ rdbLastBgsaveStatus: 'ok', rdbBgsaveInProgress: false, rdbChangesSinceLastSave: 12 });
    expect(await h.run('set', 'x', 'xx')).toBe('+OK');
  });

  it('cancels a running BGSAVE without waiting for a slice, then writes the empty dump (save points set)', async () => {
    const h = await openHarness({ config: savePoints });
    for (const name of ['a', 'b', 'c', 'd']) await h.run('set', name, 'v');
    await h.run('bgsave');
    await h.step();
    expect(await h.run('flushall')).toBe('+OK');
    expect(h.store.info().rdbBgsaveInProgress).toBe(false);
    expect(canonical(await dumpDataset(h.fs))).toBe(canonical(new Map()));
    expect(await h.fs.readdir('/data')).toEqual(['dump.rdb']);
    expect(h.store.info()).toMatchObject({ rdbChangesSinceLastSave: 0, rdbLastBgsaveStatus: 'ok' });
  });

  it('waits for a cancelled BGSAVE that is already renaming its file, so the dump ends empty, not the BGSAVE\'s', async () => {
    // The BGSAVE has written its whole file when FLUSHALL cancels it; its rename still happens
    // (a cancel cannot take it back). FLUSHALL's save must come after it, as in Redis, where the
    // killed child is gone before the parent's synchronous rdbSave renames its file.
    const crashFs = await fileSystemWithDirectory();
    const fs = new GatedFileSystem(crashFs);
    const held = fs.holdNext('rename', `${directory}/temp-${processId + 1}.rdb`);
    let reached = false;
    void held.reached.then(() => (reached = true));
    const scheduler = new ManualScheduler();
    const store = await openStore({ fileSystem: fs, directory, config: { ...testConfig, ...savePoints }, clock: new TestClock(), random: seededRandom(7), scheduler, processId });
    await store.execute(['mset', 'a', '1', 'b', '2']);
    await store.execute(['bgsave']);
    while (!reached) {
      expect(scheduler.runNext()).toBe(true);
      await settle();
    }
    const flushing = store.execute(['flushall']);
    await settle();
    held.release();
    expect(await flushing).toEqual({ kind: 'simple', value: 'OK' });
    expect(canonical(await dumpDataset(crashFs, dumpPath))).toBe(canonical(new Map()));
    expect(store.info()).toMatchObject({ rdbBgsaveInProgress: false, rdbLastBgsaveStatus: 'ok', rdbChangesSinceLastSave: 0 });
    expect(await crashFs.readdir(directory)).toEqual(['dump.rdb']);
  });

  it('inside EXEC saves the instant of FLUSHALL: later commands of the EXEC are not in the dump but stay dirty', async () => {
    const h = await openHarness({ config: savePoints });
    await h.run('set', 'k', 'v');
    await h.run('multi');
    for (const argv of [['set', 'a', '1'], ['flushall'], ['set', 'b', '2'], ['set', 'c', '3']]) await h.run(...argv);
    expect(await h.run('exec')).toEqual(['+OK', '+OK', '+OK', '+OK']);
    expect(canonical(await dumpDataset(h.fs))).toBe(canonical(new Map()));
    expect(h.store.info().rdbChangesSinceLastSave).toBe(2);
    expect(await h.run('dbsize')).toBe(2);
  });

  it('inside EXEC, two FLUSHALLs save twice; dirty ends as the changes after the second (found by the store-bgsave property, seed 1866148418)', async () => {
    const h = await openHarness({ config: savePoints });
    await h.run('set', 'k', 'v');
    await h.run('multi');
    for (const argv of [['set', 'a', '1'], ['flushall'], ['set', 'b', '2'], ['flushall'], ['set', 'c', '3']]) await h.run(...argv);
    expect(await h.run('exec')).toEqual(['+OK', '+OK', '+OK', '+OK', '+OK']);
    expect(canonical(await dumpDataset(h.fs))).toBe(canonical(new Map()));
    expect(h.store.info()).toMatchObject({ rdbChangesSinceLastSave: 1, rdbLastBgsaveStatus: 'ok' });
    expect(await h.run('set', 'd', '4')).toBe('+OK');
    expect(h.store.info().rdbChangesSinceLastSave).toBe(2);
  });

  it('keeps dirty when its save fails (ENOSPC), and does not set the error status', async () => {
    const h = await openHarness({ config: savePoints });
    await h.run('set', 'a', '1');
    h.fs.injectFault({ when: { matches: (request) => request.operation === 'write' }, fault: { kind: 'error', code: 'ENOSPC' }, times: 'once' });
    expect(await h.run('flushall')).toBe('+OK');
    expect(await dumpDataset(h.fs)).toBeNull();
    expect(h.store.info()).toMatchObject({ rdbChangesSinceLastSave: 2, rdbLastBgsaveStatus: 'ok' });
  });

  it('FLUSHDB neither saves nor cancels a BGSAVE, whose file keeps the flushed keys', async () => {
    const h = await openHarness({ config: savePoints });
    await h.run('mset', 'a', '1', 'b', '2', 'c', '3');
    const expected = canonical(h.store.dataset());
    await h.run('bgsave');
    expect(await h.run('flushdb')).toBe('+OK');
    await h.finish();
    expect(canonical(await dumpDataset(h.fs))).toBe(expected);
    expect(h.store.info()).toMatchObject({ rdbChangesSinceLastSave: 3, rdbSaves: 1 });
    expect(h.store.info().rdbLastCowSize).toBeGreaterThan(0);
  });

  it('checks its arguments before touching a running BGSAVE (FLUSHALL nonsense)', async () => {
    const h = await openHarness();
    await h.run('set', 'a', '1');
    await h.run('bgsave');
    expect(await h.run('flushall', 'nonsense')).toBe('-ERR syntax error');
    await h.finish();
    expect(canonical(await dumpDataset(h.fs))).toBe(canonical(h.store.dataset()));
  });
});
