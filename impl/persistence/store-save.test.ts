/**
 * Goal: SAVE, BGSAVE [SCHEDULE], LASTSAVE and their bookkeeping behave as Redis 7.0
 * (facts §2.1–2.4; replies checked on redis-server 7.0.15): replies and errors, one background
 * job at a time, SAVE refused inside MULTI (NO_MULTI) and BGSAVE scheduled inside EXEC, dirty
 * reset by SAVE and reduced by the dirty at a BGSAVE's start, rdb_saves, lastsave, the INFO
 * figures of a running BGSAVE, and the temp file names. The dump written decodes to the dataset
 * of the save's instant, with the AUX fields of a dump.rdb.
 * Method: a Store on a CrashFileSystem with a manual clock and a ManualScheduler; background
 * slices are granted explicitly; the dump is decoded back.
 */
import { describe, expect, it } from 'vitest';
import { decodeRdb } from '../encoding/rdb-dataset.ts';
import { anotherChildError, bgsaveInProgressError } from './store.ts';
import { notAllowedInTransactionError } from './store-commands.ts';
import { canonical, dumpDataset, openHarness, processId } from './testing/store-harness.ts';

describe('SAVE', () => {
  it('writes the dataset durably, replies OK, resets dirty and counts in rdb_saves', async () => {
    const h = await openHarness();
    await h.run('set', 'a', '1');
    await h.run('rpush', 'l', 'x', 'y');
    h.clock.advance(5_000);
    const expected = canonical(h.store.dataset());
    expect(h.store.info().rdbChangesSinceLastSave).toBe(3);
    expect(await h.run('save')).toBe('+OK');
    expect(canonical(await dumpDataset(h.fs))).toBe(expected);
    expect(h.store.info()).toMatchObject({ rdbChangesSinceLastSave: 0, rdbSaves: 1, rdbLastSaveTime: 1_700_000_005, rdbLastBgsaveStatus: 'ok' });
    expect(await h.run('lastsave')).toBe(1_700_000_005);
    expect(await h.fs.readdir('/data')).toEqual(['dump.rdb']);
  });

  it(`writes temp-<processId>.rdb then renames it over the dump (processId=${processId})`, async () => {
    const h = await openHarness();
    await h.run('set', 'a', '1');
    const before = h.fs.operationLog.entries.length;
    await h.run('save');
    const operations = h.fs.operationLog.entries.slice(before).map((entry) => `${entry.operation} ${entry.path}`);
    expect(operations[0]).toBe(`open /data/temp-${processId}.rdb`);
    expect(operations.slice(-2)).toEqual([`rename /data/temp-${processId}.rdb -> /data/dump.rdb`, 'fsyncDirectory /data']);
  });

  it('is refused while a BGSAVE runs, and inside MULTI (the transaction then aborts)', async () => {
    const h = await openHarness();
    await h.run('set', 'a', '1');
    expect(await h.run('bgsave')).toBe('+Background saving started');
    expect(await h.run('save')).toBe(`-${bgsaveInProgressError}`);
    await h.finish();
    await h.run('multi');
    expect(await h.run('save')).toBe(`-${notAllowedInTransactionError}`);
    expect(await h.run('set', 'b', '2')).toBe('+QUEUED');
    expect(await h.run('exec')).toBe('-EXECABORT Transaction discarded because of previous errors.');
    expect(await h.run('save', 'now')).toBe("-ERR wrong number of arguments for 'save' command");
    expect(h.store.info().rdbSaves).toBe(1);
  });

  it('blocks other clients until the file is written: a command issued during SAVE runs after it', async () => {
    const h = await openHarness();
    const other = h.store.session();
    await h.run('set', 'a', 'before');
    const saving = h.store.execute(['save']);
    const writing = other.execute(['set', 'a', 'during']);
    expect(h.store.dataset().get(0)?.get('a')?.value).toEqual({ type: 'string', value: 'before' });
    expect(await saving).toEqual({ kind: 'simple', value: 'OK' });
    expect(await writing).toEqual({ kind: 'simple', value: 'OK' });
    expect((await dumpDataset(h.fs))?.get(0)?.get('a')?.value).toEqual({ type: 'string', value: 'before' });
    expect(h.store.info().rdbChangesSinceLastSave).toBe(1);
  });

  it('refused during a BGSAVE, does not block other clients: a write issued right after it applies at once', async () => {
    const h = await openHarness();
    const other = h.store.session();
    await h.run('set', 'a', 'before');
    await h.run('bgsave');
    const refused = h.store.execute(['save']);
    const writing = other.execute(['set', 'a', 'during']);
    // Compare the SAVE that runs (test above): there the SET waits until the file is written.
    expect(h.store.dataset().get(0)?.get('a')?.value).toEqual({ type: 'string', value: 'during' });
    expect(await refused).toEqual({ kind: 'error', message: bgsaveInProgressError });
    expect(await writing).toEqual({ kind: 'simple', value: 'OK' });
  });

  it('writes a dump.rdb, not an AOF base: AUX aof-base is 0 and ctime is the second of the SAVE', async () => {
    const h = await openHarness();
    await h.run('set', 'a', '1');
    h.clock.advance(7_500);
    await h.run('save');
    // rdbSaveInfoAuxFields: aof-base = 1 only for an AOF base or preamble (facts §1.8, §1.10).
    const { aux } = decodeRdb(await h.fs.readFile('/data/dump.rdb'), '/data/dump.rdb');
    expect(aux.get('aof-base')).toBe('0');
    expect(aux.get('ctime')).toBe('1700000007');
  });
});

describe('SAVE and the AOF', () => {
  it('the turn of a SAVE writes the postponed AOF bytes after the SAVE has renamed its file, not during it (everysec)', async () => {
    // Found by the conformance suite (random workload seed 183): the turn's AOF flush used to run
    // alongside the SAVE's file work; Redis writes aof_buf in beforeSleep, after SAVE returns.
    const h = await openHarness({ config: { appendonly: true, appendfsync: 'everysec' } });
    await h.run('set', 'a', '1');
    h.clock.advance(1_000);
    await h.store.cron();
    expect(h.store.info().aofPendingBioFsync).toBe(1);
    await h.run('set', 'b', '2');
    await h.step();
    expect(h.store.info().aofPendingBioFsync).toBe(0);
    const before = h.fs.operationLog.entries.length;
    expect(await h.run('save')).toBe('+OK');
    const operations = h.fs.operationLog.entries.slice(before).filter((entry) => entry.effect !== 'none').map((entry) => `${entry.operation} ${entry.path}`);
    expect(operations.slice(-3), operations.join('\n')).toEqual([`rename /data/temp-${processId}.rdb -> /data/dump.rdb`, 'fsyncDirectory /data', 'append /data/appendonlydir/appendonly.aof.1.incr.aof']);
  });
});

describe('BGSAVE', () => {
  it('replies at once, runs in slices, and writes the dataset of its start (writes between slices ignored)', async () => {
    const h = await openHarness();
    for (const name of ['a', 'b', 'c', 'd', 'e']) await h.run('set', name, 'old');
    const expected = canonical(h.store.dataset());
    expect(await h.run('bgsave')).toBe('+Background saving started');
    expect(h.store.info()).toMatchObject({ rdbBgsaveInProgress: true, currentSaveKeysTotal: 5, currentSaveKeysProcessed: 0 });
    await h.step();
    await h.run('set', 'e', 'new');
    await h.run('del', 'd');
    await h.run('set', 'f', 'created');
    expect(await h.finish()).toBeGreaterThan(1);
    expect(canonical(await dumpDataset(h.fs))).toBe(expected);
    expect(h.store.info()).toMatchObject({ rdbBgsaveInProgress: false, rdbLastBgsaveStatus: 'ok', rdbSaves: 1 });
    expect(h.store.info().rdbLastCowSize).toBeGreaterThan(0);
  });

  it('reports rdb_last_cow_size 0 when nothing is written during the BGSAVE', async () => {
    const h = await openHarness();
    for (const name of ['a', 'b', 'c']) await h.run('set', name, 'v');
    await h.run('bgsave');
    await h.finish();
    expect(h.store.info().rdbLastCowSize).toBe(0);
  });

  it('reports rdb_last_bgsave_time_sec and rdb_current_bgsave_time_sec -1 and the current_* figures 0 when no BGSAVE ever ran', async () => {
    const h = await openHarness();
    await h.run('set', 'a', '1');
    // Redis initServer: rdb_save_time_last = -1; rdb_current_bgsave_time_sec is -1 with no RDB child.
    expect(h.store.info()).toMatchObject({ rdbLastBgsaveTimeSec: -1, rdbCurrentBgsaveTimeSec: -1, currentCowSize: 0, currentSaveKeysProcessed: 0, currentSaveKeysTotal: 0 });
    const text = String(await h.run('info', 'persistence'));
    expect(text).toContain('\r\nrdb_last_bgsave_time_sec:-1\r\nrdb_current_bgsave_time_sec:-1\r\n');
    expect(text).toContain('\r\ncurrent_cow_size:0\r\ncurrent_save_keys_processed:0\r\n');
  });

  it('reports the running BGSAVE in INFO: whole seconds since its start, keys written, copy-on-write bytes; back to -1 and 0 when it ends', async () => {
    const h = await openHarness();
    for (const name of ['a', 'b', 'c', 'd']) await h.run('set', name, 'v');
    h.clock.advance(900);
    await h.run('bgsave');
    await h.step();
    // Slice 1 (2 keys a slice) wrote a and b; SET d then serializes d's old value early:
    // type 0x00, len 1 "d", len 1 "v" = 5 copy-on-write bytes, a third key processed.
    await h.run('set', 'd', 'new');
    // time(NULL) - rdb_save_time_start in whole seconds: started at second 0 (0.9 s), now at second 2 (2.1 s).
    h.clock.advance(1_200);
    expect(h.store.info()).toMatchObject({ rdbBgsaveInProgress: true, rdbCurrentBgsaveTimeSec: 2, currentSaveKeysProcessed: 3, currentSaveKeysTotal: 4, currentCowSize: 5 });
    await h.finish();
    expect(h.store.info()).toMatchObject({ rdbLastBgsaveTimeSec: 2, rdbCurrentBgsaveTimeSec: -1, rdbLastCowSize: 5, currentCowSize: 0, currentSaveKeysProcessed: 0, currentSaveKeysTotal: 0 });
  });

  it('subtracts the dirty count at its start on success (dirty 3 at start, 2 more during)', async () => {
    const h = await openHarness();
    await h.run('mset', 'a', '1', 'b', '2', 'c', '3');
    await h.run('bgsave');
    await h.run('set', 'd', '4');
    await h.run('set', 'e', '5');
    h.clock.advance(2_000);
    await h.finish();
    expect(h.store.info()).toMatchObject({ rdbChangesSinceLastSave: 2, rdbLastSaveTime: 1_700_000_002, rdbLastBgsaveTimeSec: 2 });
  });

  it('refuses a second BGSAVE (with or without SCHEDULE) while one runs, and checks its argument', async () => {
    const h = await openHarness();
    await h.run('set', 'a', '1');
    await h.run('bgsave');
    expect(await h.run('bgsave')).toBe(`-${bgsaveInProgressError}`);
    expect(await h.run('bgsave', 'schedule')).toBe(`-${bgsaveInProgressError}`);
    expect(await h.run('bgsave', 'now')).toBe('-ERR syntax error');
    expect(await h.run('bgsave', 'schedule', 'x')).toBe('-ERR syntax error');
    await h.finish();
    expect(await h.run('BGSAVE', 'SCHEDULE')).toBe('+Background saving started');
    await h.finish();
    expect(h.store.info().rdbSaves).toBe(2);
    expect(anotherChildError).toMatch(/^ERR Another child process is active \(AOF\?\)/);
  });

  it('is scheduled inside EXEC and started by the next cron tick', async () => {
    const h = await openHarness();
    await h.run('set', 'a', '1');
    await h.run('multi');
    expect(await h.run('bgsave')).toBe('+QUEUED');
    expect(await h.run('exec')).toEqual(['+Background saving scheduled']);
    expect(h.store.info()).toMatchObject({ rdbBgsaveInProgress: false, rdbBgsaveScheduled: true });
    expect((await h.store.cron()).bgsaveStarted).toEqual({ reason: 'scheduled' });
    expect(h.store.info()).toMatchObject({ rdbBgsaveInProgress: true, rdbBgsaveScheduled: false });
    await h.finish();
    expect(canonical(await dumpDataset(h.fs))).toBe(canonical(h.store.dataset()));
  });

  it('BGSAVE SCHEDULE during an AOF rewrite: cron leaves it scheduled while the rewrite runs, the first tick after it starts the BGSAVE', async () => {
    const h = await openHarness({ config: { appendonly: true } });
    for (const name of ['a', 'b', 'c', 'd', 'e']) await h.run('set', name, 'v');
    expect(await h.run('bgrewriteaof')).toBe('+Background append only file rewriting started');
    expect(await h.run('bgsave', 'schedule')).toBe('+Background saving scheduled');
    await h.step();
    // serverCron starts a scheduled BGSAVE only when no child is active (facts §2.4).
    expect((await h.store.cron()).bgsaveStarted).toBeNull();
    expect(h.store.info()).toMatchObject({ aofRewriteInProgress: true, rdbBgsaveScheduled: true, rdbBgsaveInProgress: false });
    await h.finish();
    expect((await h.store.cron()).bgsaveStarted).toEqual({ reason: 'scheduled' });
    await h.finish();
    expect(canonical(await dumpDataset(h.fs))).toBe(canonical(h.store.dataset()));
  });

  it('names the n-th BGSAVE temp-<processId + n>.rdb, like a forked child, and leaves no temp behind', async () => {
    const h = await openHarness();
    await h.run('set', 'a', '1');
    for (const n of [1, 2]) {
      await h.run('bgsave');
      const opened = h.fs.operationLog.entries.filter((entry) => entry.operation === 'open').at(-1);
      expect(opened?.path).toBe(`/data/temp-${processId + n}.rdb`);
      await h.finish();
    }
    expect(await h.fs.readdir('/data')).toEqual(['dump.rdb']);
  });

  it('keeps LASTSAVE at start-up time until a save succeeds, and checks its arity', async () => {
    const h = await openHarness();
    h.clock.advance(9_000);
    expect(await h.run('lastsave')).toBe(1_700_000_000);
    expect(await h.run('lastsave', 'x')).toBe("-ERR wrong number of arguments for 'lastsave' command");
  });
});
