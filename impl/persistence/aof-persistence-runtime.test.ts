/**
 * Goal: the AOF's life outside the rewrite's own steps, as Redis 7.0 (facts §4.6, §4.8, §5.3,
 * §5.4): the start-up open over an existing AOF (the last incr opened for append, fdatasynced
 * only when it holds bytes, the manifest untouched) and the INFO sizes it takes from the load;
 * a fresh start whose base cannot be written; the INFO rewrite times; the automatic rewrite's
 * conditions (AOF on, no other child); writes during a BGREWRITEAOF with the AOF off; CONFIG SET
 * appendonly yes during such a rewrite; a new incr that cannot be made durable; close (SHUTDOWN)
 * making the incr durable.
 * Method: Stores on a CrashFileSystem with a manual clock and scheduler; the operation log,
 * the files, INFO, power-loss states and restarts are checked against values derived from the
 * RESP format and Redis's rules.
 */
import { describe, expect, it } from 'vitest';
import type { CrashFileSystem } from '../fs/crash-file-system.ts';
import { crashProfileNames } from '../fs/crash-profiles.ts';
import { isFsError } from '../fs/fs-error.ts';
import { rewriteFailedError } from './aof-persistence.ts';
import { aofConfig, aofListing, aofPath, datasetOf, diskWith, fileText, manifestOf, manifestText, operationsSince, reopen, resp } from './testing/aof-harness.ts';
import { fileSystemWithDirectory, openHarness, seededRandom } from './testing/store-harness.ts';

/** The calls that change or persist something, the load's read-only opens and their closes left out. */
function writingOperationsSince(fs: CrashFileSystem, since: number): string[] {
  const reads = new Set<string>();
  return operationsSince(fs, since).filter((call) => {
    const read = /^open (.*) \(read\)$/.exec(call);
    if (read !== null) reads.add(`close ${read[1]}`);
    return read === null && !reads.delete(call);
  });
}

const manifestBaseAndTwoIncrs = manifestOf('file appendonly.aof.1.base.aof seq 1 type b', 'file appendonly.aof.1.incr.aof seq 1 type i', 'file appendonly.aof.2.incr.aof seq 2 type i');

describe('start-up over an existing AOF', () => {
  const base = resp('SELECT', '0') + resp('SET', 'a', '1');
  const incr1 = resp('SELECT', '0') + resp('SET', 'b', '2');
  const incr2 = resp('SELECT', '0') + resp('DEL', 'a');

  it('base + two incrs: aof_current_size is the three files, aof_base_size the base alone (Redis sets both from the load)', async () => {
    const fs = await diskWith({ 'appendonly.aof.manifest': manifestBaseAndTwoIncrs, 'appendonly.aof.1.base.aof': base, 'appendonly.aof.1.incr.aof': incr1, 'appendonly.aof.2.incr.aof': incr2 });
    const { store } = await reopen(fs, aofConfig('always'));
    // By hand: SELECT 0 is *2 $6 SELECT $1 0 = 4+4+8+4+3 = 23 B, SET a 1 = 4+4+5+4+3+4+3 = 27 B, DEL a = 4+4+5+4+3 = 20 B.
    expect([base.length, incr1.length, incr2.length]).toEqual([50, 50, 43]);
    expect((store ?? expect.fail('opened')).info()).toMatchObject({ aofCurrentSize: 143, aofBaseSize: 50, aofLastRewriteTimeSec: -1, aofCurrentRewriteTimeSec: -1 });
  });

  it('a non-empty last incr is opened for append and fdatasynced; nothing else is written, the manifest stays', async () => {
    const fs = await diskWith({ 'appendonly.aof.manifest': manifestBaseAndTwoIncrs, 'appendonly.aof.1.base.aof': base, 'appendonly.aof.1.incr.aof': incr1, 'appendonly.aof.2.incr.aof': incr2 });
    const since = fs.operationLog.entries.length;
    const { error } = await reopen(fs, aofConfig('always'));
    expect(error).toBe(null);
    expect(writingOperationsSince(fs, since)).toEqual(['open appendonlydir/appendonly.aof.2.incr.aof (append)', 'fdatasync appendonlydir/appendonly.aof.2.incr.aof']);
    expect(await manifestText(fs)).toBe(manifestBaseAndTwoIncrs);
  });

  it('an empty last incr is only opened for append: an empty file has nothing to fdatasync', async () => {
    const fs = await diskWith({ 'appendonly.aof.manifest': manifestBaseAndTwoIncrs, 'appendonly.aof.1.base.aof': base, 'appendonly.aof.1.incr.aof': incr1, 'appendonly.aof.2.incr.aof': '' });
    const since = fs.operationLog.entries.length;
    const { store } = await reopen(fs, aofConfig('always'));
    expect(writingOperationsSince(fs, since)).toEqual(['open appendonlydir/appendonly.aof.2.incr.aof (append)']);
    await (store ?? expect.fail('opened')).execute(['set', 'c', '3']);
    expect(await fileText(fs, aofPath('appendonly.aof.2.incr.aof'))).toBe(resp('SELECT', '0') + resp('set', 'c', '3'));
  });

  it('a fresh start whose empty base cannot be written (ENOSPC) refuses to open with that FsError', async () => {
    const fs = await fileSystemWithDirectory();
    fs.injectFault({ when: { matches: (request) => request.operation === 'write' && request.path.includes('temp-rewriteaof-') }, fault: { kind: 'error', code: 'ENOSPC' }, times: 'always' });
    const { store, error } = await reopen(fs, aofConfig('always'));
    expect(store).toBe(null);
    expect(isFsError(error, 'ENOSPC')).toBe(true);
  });
});

describe('INFO rewrite times', () => {
  it('a rewrite running 3.5 s shows aof_current_rewrite_time_sec 3, then -1 and aof_last_rewrite_time_sec 3 once done', async () => {
    // Redis: time(NULL) - aof_rewrite_time_start while an AOF child runs, else -1; startMs is a whole second.
    const h = await openHarness({ config: aofConfig('always') });
    expect(h.store.info()).toMatchObject({ aofCurrentRewriteTimeSec: -1, aofLastRewriteTimeSec: -1 });
    await h.run('set', 'k', 'v');
    await h.run('bgrewriteaof');
    expect(h.store.info().aofCurrentRewriteTimeSec).toBe(0);
    h.clock.advance(3_500);
    expect(h.store.info().aofCurrentRewriteTimeSec).toBe(3);
    await h.finish();
    expect(h.store.info()).toMatchObject({ aofCurrentRewriteTimeSec: -1, aofLastRewriteTimeSec: 3 });
  });
});

describe('the automatic rewrite’s conditions', () => {
  it('an AOF grown past the threshold is not rewritten while a BGSAVE runs; the first cron after it starts the rewrite', async () => {
    const h = await openHarness({ config: aofConfig('no', { autoAofRewriteMinSize: 10 }) });
    await h.run('set', 'k', 'x'.repeat(50));
    expect(await h.run('bgsave')).toBe('+Background saving started');
    expect(await h.store.cron()).toMatchObject({ aofRewriteStarted: null });
    expect(h.store.info()).toMatchObject({ rdbBgsaveInProgress: true, aofRewriteInProgress: false });
    await h.finish();
    expect(await h.store.cron()).toMatchObject({ aofRewriteStarted: 'auto' });
    await h.finish();
    expect(h.store.info()).toMatchObject({ aofRewrites: 1, aofLastBgrewriteStatus: 'ok' });
  });

  it('an AOF switched off by CONFIG SET appendonly no is not rewritten automatically, however much it grew', async () => {
    const h = await openHarness({ config: aofConfig('no', { autoAofRewriteMinSize: 10 }) });
    await h.run('set', 'k', 'x'.repeat(50));
    await h.run('config', 'set', 'appendonly', 'no');
    expect(await h.store.cron()).toMatchObject({ aofRewriteStarted: null });
    expect(h.store.info()).toMatchObject({ aofRewriteInProgress: false, aofRewrites: 0 });
  });
});

describe('BGREWRITEAOF with the AOF off (appendonly no from the start)', () => {
  it('writes during it are logged nowhere: the manifest names the base alone, which holds the dataset of the start', async () => {
    const h = await openHarness();
    await h.run('set', 'before', '1');
    expect(await h.run('bgrewriteaof')).toBe('+Background append only file rewriting started');
    expect(await h.run('set', 'during', '1')).toBe('+OK');
    await h.finish();
    expect(await manifestText(h.fs)).toBe(manifestOf('file appendonly.aof.1.base.rdb seq 1 type b'));
    expect(await aofListing(h.fs)).toEqual(['appendonly.aof.1.base.rdb', 'appendonly.aof.manifest']);
    const { store } = await reopen(h.fs.crash('process'), aofConfig('always'));
    expect(datasetOf(store ?? expect.fail('reopened'))).toContain('"before"');
    expect(datasetOf(store ?? expect.fail('reopened'))).not.toContain('"during"');
  });

  it('CONFIG SET appendonly yes kills it and starts a rewrite at once (not scheduled); writes then go to the temp incr, committed as incr 1', async () => {
    const h = await openHarness({ config: { appendfsync: 'always' } });
    for (let index = 0; index < 6; index += 1) await h.run('set', `k${index}`, 'v');
    await h.run('bgrewriteaof');
    await h.step();
    expect(await h.run('config', 'set', 'appendonly', 'yes')).toBe('+OK');
    // Redis's startAppendOnly schedules only for a non-AOF child or inside EXEC; an AOF child is killed.
    expect(h.store.info()).toMatchObject({ aofEnabled: true, aofRewriteInProgress: true, aofRewriteScheduled: false, aofRewrites: 2, aofLastBgrewriteStatus: 'ok' });
    await h.run('set', 'after', '1');
    expect(await fileText(h.fs, aofPath('temp-appendonly.aof.incr'))).toBe(resp('SELECT', '0') + resp('set', 'after', '1'));
    await h.finish();
    expect(await manifestText(h.fs)).toBe(manifestOf('file appendonly.aof.1.base.rdb seq 1 type b', 'file appendonly.aof.1.incr.aof seq 1 type i'));
    expect(await aofListing(h.fs)).toEqual(['appendonly.aof.1.base.rdb', 'appendonly.aof.1.incr.aof', 'appendonly.aof.manifest']);
    const { store } = await reopen(h.fs.crash('process'), aofConfig('always'));
    expect(datasetOf(store ?? expect.fail('reopened'))).toBe(datasetOf(h.store));
  });
});

describe('a new incr that cannot be made durable', () => {
  it('BGREWRITEAOF whose new incr 2 fails its fsync: -ERR, status err, the handle closed, incr 1 stays live and named alone', async () => {
    const h = await openHarness({ config: aofConfig('always') });
    await h.run('set', 'a', '1');
    const manifest = await manifestText(h.fs);
    h.fs.injectFault({ when: { matches: (request) => request.operation === 'fsync' && request.path.endsWith('appendonly.aof.2.incr.aof') }, fault: { kind: 'error', code: 'EIO' }, times: 'once' });
    const since = h.fs.operationLog.entries.length;
    expect(await h.run('bgrewriteaof')).toBe(`-${rewriteFailedError}`);
    expect(operationsSince(h.fs, since).slice(-3)).toEqual(['open appendonlydir/appendonly.aof.2.incr.aof (create-truncate)', 'fsync appendonlydir/appendonly.aof.2.incr.aof → failed EIO [fault: EIO]', 'close appendonlydir/appendonly.aof.2.incr.aof']);
    expect(h.store.info()).toMatchObject({ aofLastBgrewriteStatus: 'err', aofRewriteInProgress: false });
    expect(await manifestText(h.fs)).toBe(manifest);
    await h.run('set', 'b', '2');
    expect(await fileText(h.fs, aofPath('appendonly.aof.1.incr.aof'))).toBe(resp('SELECT', '0') + resp('set', 'a', '1') + resp('set', 'b', '2'));
  });
});

describe('close (SHUTDOWN)', () => {
  it('appendfsync no: close fdatasyncs and closes the incr, so every power-loss state after it keeps every write (strict-posix and ext4-ordered)', async () => {
    const h = await openHarness({ config: aofConfig('no') });
    await h.run('set', 'a', '1');
    await h.run('rpush', 'l', 'x', 'y');
    const expected = datasetOf(h.store);
    const since = h.fs.operationLog.entries.length;
    await h.store.close({ background: 'finish' });
    expect(operationsSince(h.fs, since)).toEqual(['fdatasync appendonlydir/appendonly.aof.1.incr.aof', 'close appendonlydir/appendonly.aof.1.incr.aof']);
    let states = 0;
    for (const profile of crashProfileNames) {
      for (const state of h.fs.powerLossStates(profile, { max: 8, random: seededRandom(9) }).states) {
        const { store, error } = await reopen(h.fs.crash('power', { state }), aofConfig('no'));
        expect(store === null ? String(error) : datasetOf(store), `${profile}: ${state.description}`).toBe(expected);
        states += 1;
      }
    }
    expect(states).toBeGreaterThan(0);
  });
});
