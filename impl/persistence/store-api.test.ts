/**
 * Goal: the library surface of the Store: sessions keep their own db and MULTI state; a turn
 * runs its commands in order and a SAVE in it blocks the rest until the file is written;
 * INFO persistence has Redis's field names; dataset() is a copy; close() cancels or finishes a
 * BGSAVE and then refuses commands; a fatal error (a simulated crash) makes every later call
 * reject with it; and the production adapters (NodeFileSystem, immediateScheduler) run a
 * BGSAVE to completion on a real disk with no stepping.
 * Method: Stores on a CrashFileSystem with a ManualScheduler, and one on a temporary directory.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NodeFileSystem } from '../fs/node-file-system.ts';
import { isSimulatedCrash } from '../fs/simulated-crash.ts';
import { byteStringOfText } from '../values/redis-value.ts';
import { immediateScheduler, systemClock } from './host-runtime.ts';
import { StoreClosedError, openStore } from './store.ts';
import { canonical, dumpDataset, grantUntilIdle, openHarness, seededRandom, show, testConfig } from './testing/store-harness.ts';

describe('Store sessions and turns', () => {
  it('keeps each session’s selected db and transaction apart', async () => {
    const h = await openHarness();
    const first = h.store.session();
    const second = h.store.session();
    await first.execute(['select', '3']);
    await first.execute(['multi']);
    await first.execute(['set', 'k', 'in-3']);
    expect(show(await second.execute(['set', 'k', 'in-0']))).toBe('+OK');
    expect([first.db, first.inTransaction, second.db, second.inTransaction]).toEqual([3, true, 0, false]);
    expect(show(await first.execute(['exec']))).toEqual(['+OK']);
    expect([...h.store.dataset().keys()]).toEqual([0, 3]);
  });

  it('runs a turn in order; a SAVE in it blocks the commands after it until the file is written', async () => {
    const h = await openHarness();
    const [a, b] = [h.store.session(), h.store.session()];
    const replies = await h.store.turn([
      { session: a, argv: ['set', 'x', '1'] },
      { session: b, argv: ['save'] },
      { session: a, argv: ['set', 'x', '2'] },
      { session: b, argv: ['get', 'x'] },
    ]);
    expect(replies.map(show)).toEqual(['+OK', '+OK', '+OK', '2']);
    expect((await dumpDataset(h.fs))?.get(0)?.get('x')?.value).toEqual({ type: 'string', value: '1' });
  });
});

describe('INFO and dataset()', () => {
  it('writes INFO persistence with Redis 7.0 field names, in order; INFO of an unknown section is empty', async () => {
    const h = await openHarness();
    await h.run('set', 'a', '1');
    const text = String(await h.run('info', 'persistence'));
    expect(text.startsWith('# Persistence\r\nloading:0\r\n')).toBe(true);
    const names = text.split('\r\n').filter((line) => line.includes(':')).map((line) => line.slice(0, line.indexOf(':')));
    expect(names).toEqual([
      'loading',
      'async_loading',
      'current_cow_size',
      'current_save_keys_processed',
      'current_save_keys_total',
      'rdb_changes_since_last_save',
      'rdb_bgsave_in_progress',
      'rdb_last_save_time',
      'rdb_last_bgsave_status',
      'rdb_last_bgsave_time_sec',
      'rdb_current_bgsave_time_sec',
      'rdb_saves',
      'rdb_last_cow_size',
      'rdb_last_load_keys_expired',
      'rdb_last_load_keys_loaded',
      'aof_enabled',
      'aof_rewrite_in_progress',
      'aof_rewrite_scheduled',
      'aof_last_rewrite_time_sec',
      'aof_current_rewrite_time_sec',
      'aof_last_bgrewrite_status',
      'aof_rewrites',
      'aof_rewrites_consecutive_failures',
      'aof_last_write_status',
      'aof_last_cow_size',
    ]);
    expect(text).toContain('\r\nrdb_changes_since_last_save:1\r\n');
    expect(await h.run('info')).toBe(text);
    expect(await h.run('info', 'foo')).toBe('');
  });

  it('returns a deep copy from dataset()', async () => {
    const h = await openHarness();
    await h.run('rpush', 'l', 'a');
    const copy = h.store.dataset();
    const value = copy.get(0)?.get('l')?.value;
    if (value?.type === 'list') value.items.push('sneaky');
    expect(await h.run('lrange', 'l', '0', '-1')).toEqual(['a']);
  });
});

describe('close()', () => {
  it('cancels a running BGSAVE (temp removed, no dump), then refuses commands with StoreClosedError', async () => {
    const h = await openHarness();
    for (const name of ['a', 'b', 'c', 'd', 'e']) await h.run('set', name, 'v');
    await h.run('bgsave');
    await h.step();
    await h.store.close({ background: 'cancel' });
    expect(await h.fs.readdir('/data')).toEqual([]);
    await expect(h.store.execute(['ping'])).rejects.toBeInstanceOf(StoreClosedError);
    await expect(h.store.cron()).rejects.toBeInstanceOf(StoreClosedError);
  });

  it('lets a running BGSAVE finish when asked, and waits for it', async () => {
    const h = await openHarness();
    for (const name of ['a', 'b', 'c', 'd', 'e']) await h.run('set', name, 'v');
    const expected = canonical(h.store.dataset());
    await h.run('bgsave');
    let closed = false;
    const closing = h.store.close({ background: 'finish' }).then(() => {
      closed = true;
    });
    await h.step();
    expect(closed).toBe(false);
    await grantUntilIdle(h.scheduler);
    await closing;
    expect(canonical(await dumpDataset(h.fs))).toBe(expected);
  });

  it('answers commands issued before it, including a SAVE in progress', async () => {
    const h = await openHarness();
    await h.run('set', 'a', '1');
    const saving = h.store.execute(['save']);
    const queued = h.store.execute(['set', 'b', '2']);
    const closing = h.store.close({ background: 'cancel' });
    const late = h.store.execute(['set', 'c', '3']);
    expect(show(await saving)).toBe('+OK');
    expect(show(await queued)).toBe('+OK');
    await closing;
    await expect(late).rejects.toBeInstanceOf(StoreClosedError);
  });
});

describe('fatal errors', () => {
  it('rejects every later call with the simulated crash that hit the background job', async () => {
    const h = await openHarness();
    await h.run('set', 'a', '1');
    h.fs.armCrash({ matches: (request) => request.operation === 'write' });
    await h.run('bgsave');
    await h.finish();
    const error = await h.store.execute(['get', 'a']).then(() => undefined, (rejection: unknown) => rejection);
    expect(isSimulatedCrash(error)).toBe(true);
    await expect(h.store.close({ background: 'cancel' })).rejects.toBe(error);
  });
});

describe('production adapters', () => {
  it('runs a BGSAVE to completion on a real disk with the immediate scheduler, then reloads it', async () => {
    const root = await mkdtemp(join(tmpdir(), 'durakv-store-'));
    try {
      const options = { fileSystem: new NodeFileSystem(), directory: root, config: { ...testConfig, snapshotSliceKeys: 3 }, clock: systemClock, random: seededRandom(1), scheduler: immediateScheduler, processId: process.pid };
      const store = await openStore(options);
      for (let index = 0; index < 20; index += 1) await store.execute(['set', `k${index}`, byteStringOfText(`v${index}`)]);
      expect(show(await store.execute(['bgsave']))).toBe('+Background saving started');
      await store.execute(['set', 'k0', 'changed']);
      await store.backgroundSettled();
      expect(store.info()).toMatchObject({ rdbLastBgsaveStatus: 'ok', rdbBgsaveInProgress: false });
      await store.close({ background: 'finish' });
      const reloaded = await openStore(options);
      expect(reloaded.info().rdbLastLoadKeysLoaded).toBe(20);
      expect(reloaded.dataset().get(0)?.get('k0')?.value).toEqual({ type: 'string', value: 'v0' });
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
