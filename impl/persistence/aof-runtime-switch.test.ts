/**
 * Goal: CONFIG SET appendonly at runtime as Redis 7.0 (facts §4.6; multi-part tests 28, 30, 33,
 * 35): yes → a rewrite starts at once (or is scheduled during a BGSAVE / inside EXEC, writes
 * then not logged until it starts); while it runs, writes go to temp-appendonly.aof.incr, which
 * the rewrite's commit renames to the next incr in the same manifest commit; a failed first
 * rewrite deletes the temp incr and reschedules; a start that cannot even begin answers
 * "Unable to turn on AOF" and leaves appendonly no. no → the buffer is flushed and fsynced,
 * logging stops, a running rewrite is killed, the files and manifest stay.
 * Method: Stores on a CrashFileSystem; the operation log, the files and a restart with
 * appendonly yes are checked.
 */
import { describe, expect, it } from 'vitest';
import { aofConfig, aofListing, aofPath, datasetOf, expectRestartHolds, fileText, manifestOf, manifestText, operationsSince, reopen, resp } from './testing/aof-harness.ts';
import { type Harness, openHarness } from './testing/store-harness.ts';

const tempIncr = aofPath('temp-appendonly.aof.incr');

async function withData(config = {}): Promise<Harness> {
  const h = await openHarness({ config: { appendfsync: 'always', ...config } });
  await h.run('set', 'a', '1');
  await h.run('rpush', 'l', 'x', 'y');
  return h;
}

describe('CONFIG SET appendonly yes', () => {
  it('starts a rewrite; writes go to the temp incr; the commit renames it to incr 1 and names base 1 + incr 1', async () => {
    const h = await withData();
    const since = h.fs.operationLog.entries.length;
    expect(await h.run('config', 'set', 'appendonly', 'yes')).toBe('+OK');
    expect(h.store.info()).toMatchObject({ aofEnabled: true, aofRewriteInProgress: true });
    expect(await manifestText(h.fs)).toBe(null);
    await h.run('set', 'b', '2');
    expect(await fileText(h.fs, tempIncr)).toBe(resp('SELECT', '0') + resp('set', 'b', '2'));
    await h.step();
    await h.run('del', 'a');
    await h.finish();
    expect(operationsSince(h.fs, since)).toEqual([
      'mkdir appendonlydir',
      'fsyncDirectory /data',
      'open appendonlydir/temp-appendonly.aof.incr (create-truncate)',
      'fsync appendonlydir/temp-appendonly.aof.incr',
      'open appendonlydir/temp-rewriteaof-bg-4001.aof (create-truncate)',
      'append appendonlydir/temp-appendonly.aof.incr',
      'fdatasync appendonlydir/temp-appendonly.aof.incr',
      expect.stringMatching(/^write appendonlydir\/temp-rewriteaof-bg-4001.aof \[0,/),
      'append appendonlydir/temp-appendonly.aof.incr',
      'fdatasync appendonlydir/temp-appendonly.aof.incr',
      expect.stringMatching(/^write appendonlydir\/temp-rewriteaof-bg-4001.aof/),
      'fsync appendonlydir/temp-rewriteaof-bg-4001.aof',
      'close appendonlydir/temp-rewriteaof-bg-4001.aof',
      'rename appendonlydir/temp-rewriteaof-bg-4001.aof -> appendonlydir/appendonly.aof.1.base.rdb',
      'fsyncDirectory appendonlydir',
      'rename appendonlydir/temp-appendonly.aof.incr -> appendonlydir/appendonly.aof.1.incr.aof',
      'fsyncDirectory appendonlydir',
      'open appendonlydir/temp-appendonly.aof.manifest (create-truncate)',
      'write appendonlydir/temp-appendonly.aof.manifest [0,88)',
      'fsync appendonlydir/temp-appendonly.aof.manifest',
      'close appendonlydir/temp-appendonly.aof.manifest',
      'rename appendonlydir/temp-appendonly.aof.manifest -> appendonlydir/appendonly.aof.manifest',
      'fsyncDirectory appendonlydir',
    ]);
    expect(await manifestText(h.fs)).toBe(manifestOf('file appendonly.aof.1.base.rdb seq 1 type b', 'file appendonly.aof.1.incr.aof seq 1 type i'));
    await h.run('set', 'c', '3');
    // Redis re-issues SELECT after a rewrite (aof_selected_db = -1 in the done handler).
    expect(await fileText(h.fs, aofPath('appendonly.aof.1.incr.aof'))).toBe(resp('SELECT', '0') + resp('set', 'b', '2') + resp('del', 'a') + resp('SELECT', '0') + resp('set', 'c', '3'));
    expect(h.store.info()).toMatchObject({ aofEnabled: true, aofRewriteInProgress: false, aofLastBgrewriteStatus: 'ok' });
    await expectRestartHolds(h);
  });

  it('during a BGSAVE: scheduled, and nothing is logged until the rewrite starts (multi-part test 33)', async () => {
    const h = await withData();
    await h.run('bgsave');
    expect(await h.run('config', 'set', 'appendonly', 'yes')).toBe('+OK');
    expect(h.store.info()).toMatchObject({ aofEnabled: true, aofRewriteScheduled: true, aofRewriteInProgress: false });
    await h.run('set', 'during-bgsave', '1');
    expect(await aofListing(h.fs)).toEqual([]);
    await h.finish();
    expect(await h.store.cron()).toMatchObject({ aofRewriteStarted: 'scheduled' });
    await h.run('set', 'during-rewrite', '1');
    await h.finish();
    expect(await fileText(h.fs, aofPath('appendonly.aof.1.incr.aof'))).toBe(resp('SELECT', '0') + resp('set', 'during-rewrite', '1'));
    await expectRestartHolds(h);
  });

  it('inside MULTI/EXEC: scheduled; the EXEC’s own writes are not logged (the rewrite’s cut holds them)', async () => {
    const h = await withData();
    await h.run('multi');
    await h.run('config', 'set', 'appendonly', 'yes');
    await h.run('set', 'in-exec', '1');
    expect(await h.run('exec')).toEqual(['+OK', '+OK']);
    expect(h.store.info()).toMatchObject({ aofEnabled: true, aofRewriteScheduled: true });
    expect(await h.store.cron()).toMatchObject({ aofRewriteStarted: 'scheduled' });
    await h.finish();
    await expectRestartHolds(h);
  });

  it('a failed first rewrite deletes the temp incr and reschedules; the retry commits incr 1 with only what followed it', async () => {
    const h = await withData();
    h.fs.injectFault({ when: { matches: (request) => request.operation === 'write' && request.path.includes('temp-rewriteaof-bg') }, fault: { kind: 'error', code: 'ENOSPC' }, times: 'once' });
    await h.run('config', 'set', 'appendonly', 'yes');
    await h.run('set', 'lost-from-temp', '1');
    await h.finish();
    expect(h.store.info()).toMatchObject({ aofEnabled: true, aofRewriteScheduled: true, aofLastBgrewriteStatus: 'err' });
    expect(await aofListing(h.fs)).toEqual([]);
    await h.run('set', 'not-logged', '1');
    expect(await h.store.cron()).toMatchObject({ aofRewriteStarted: 'scheduled' });
    await h.run('set', 'logged', '1');
    await h.finish();
    expect(await fileText(h.fs, aofPath('appendonly.aof.1.incr.aof'))).toBe(resp('SELECT', '0') + resp('set', 'logged', '1'));
    await expectRestartHolds(h);
  });

  it('a start that cannot begin (temp incr not creatable): "Unable to turn on AOF", appendonly stays no', async () => {
    const h = await withData();
    h.fs.injectFault({ when: { matches: (request) => request.operation === 'open' && request.path === tempIncr }, fault: { kind: 'error', code: 'EIO' }, times: 'once' });
    expect(await h.run('config', 'set', 'appendonly', 'yes')).toBe("-ERR CONFIG SET failed (possibly related to argument 'appendonly') - Unable to turn on AOF. Check server logs.");
    expect(await h.run('config', 'get', 'appendonly')).toEqual(['appendonly', 'no']);
    expect(h.store.info()).toMatchObject({ aofEnabled: false, aofRewriteInProgress: false, aofLastBgrewriteStatus: 'err' });
    expect(await h.run('config', 'set', 'appendonly', 'yes')).toBe('+OK');
    await h.finish();
    await expectRestartHolds(h);
  });
});

describe('CONFIG SET appendonly no', () => {
  it('flushes and fsyncs the incr, then logs nothing (no write, no fsync at the next second); files and manifest stay; a restart with appendonly yes loads the AOF as it was', async () => {
    const h = await openHarness({ config: aofConfig('no') });
    await h.run('set', 'a', '1');
    const listing = await aofListing(h.fs);
    const manifest = await manifestText(h.fs);
    const since = h.fs.operationLog.entries.length;
    expect(await h.run('config', 'set', 'appendonly', 'no')).toBe('+OK');
    expect(operationsSince(h.fs, since)).toEqual(['fdatasync appendonlydir/appendonly.aof.1.incr.aof', 'close appendonlydir/appendonly.aof.1.incr.aof']);
    const whileOff = h.fs.operationLog.entries.length;
    await h.run('set', 'b', '2');
    h.clock.advance(2_000);
    await h.store.cron();
    expect(operationsSince(h.fs, whileOff)).toEqual([]);
    expect(h.store.info()).toMatchObject({ aofEnabled: false, aofPendingBioFsync: 0 });
    expect(await aofListing(h.fs)).toEqual(listing);
    expect(await manifestText(h.fs)).toBe(manifest);
    const { store } = await reopen(h.fs.crash('process'), aofConfig('always'));
    expect(datasetOf(store ?? expect.fail('reopened'))).toContain('"a"');
    expect(datasetOf(store ?? expect.fail('reopened'))).not.toContain('"b"');
  });

  it('kills a running rewrite: its temp base is removed, no error status, the manifest keeps the rotation; a write while off touches no file', async () => {
    const h = await openHarness({ config: aofConfig('always') });
    for (let index = 0; index < 6; index += 1) await h.run('set', `k${index}`, 'v');
    await h.run('bgrewriteaof');
    await h.step();
    await h.run('config', 'set', 'appendonly', 'no');
    await h.finish();
    expect(h.store.info()).toMatchObject({ aofRewriteInProgress: false, aofLastBgrewriteStatus: 'ok', aofEnabled: false });
    const since = h.fs.operationLog.entries.length;
    await h.run('set', 'while-off', 'v');
    expect(operationsSince(h.fs, since)).toEqual([]);
    expect(await aofListing(h.fs)).toEqual(['appendonly.aof.1.base.rdb', 'appendonly.aof.1.incr.aof', 'appendonly.aof.2.incr.aof', 'appendonly.aof.manifest']);
    expect(await h.run('config', 'set', 'appendonly', 'yes')).toBe('+OK');
    await h.finish();
    expect(await manifestText(h.fs)).toBe(manifestOf('file appendonly.aof.2.base.rdb seq 2 type b', 'file appendonly.aof.3.incr.aof seq 3 type i'));
    await expectRestartHolds(h);
  });
});
