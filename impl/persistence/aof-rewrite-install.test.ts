/**
 * Goal: the edges of an AOF rewrite's start and finish (facts §4.5, §4.6) that the main rewrite
 * tests do not reach: the forced flush into the old incr under everysec, the fatal error of a
 * failed fsync at rotation, a failing close of the old incr, the INFO figures a rewrite sets
 * (aof_last_rewrite_time_sec; the sizes only with the AOF on), the base's aof-base aux field, a
 * rewrite with the AOF off (the AOF stays off), CONFIG SET appendonly yes killing a rewrite
 * started with the AOF off, a first rewrite whose temp incr cannot be renamed, a failed manifest
 * commit at the finish (before and after its rename), a failed history clean-up commit and the
 * order of the history lines, a live file whose close fails at CONFIG SET appendonly no or
 * close, and CONFIG SET appendonly no|yes run while the finish waits in the AOF's queue.
 * Method: Stores on a CrashFileSystem stepped by a ManualScheduler, with faults injected into
 * single calls, or a forwarding file system that holds one call until the test releases it;
 * replies, INFO, the files, the operation log and a restart are checked.
 */
import { describe, expect, it } from 'vitest';
import { decodeRdb } from '../encoding/rdb-dataset.ts';
import type { FsOperationRequest } from '../fs/crash-faults.ts';
import type { CrashFileSystem } from '../fs/crash-file-system.ts';
import { GatedFileSystem } from '../fs/testing/gated-file-system.ts';
import { byteStringOfText } from '../values/redis-value.ts';
import { AofFatalError } from './aof-fatal-error.ts';
import { ManualScheduler } from './manual-scheduler.ts';
import { type Store, openStore } from './store.ts';
import { aofConfig, aofListing, aofPath, datasetOf, expectRestartHolds, fileText, manifestOf, manifestText, operationsSince, reopen, resp, runOn } from './testing/aof-harness.ts';
import { type Harness, TestClock, directory, fileSystemWithDirectory, grantUntilIdle, openHarness, processId, seededRandom, show, testConfig } from './testing/store-harness.ts';

const tempManifest = 'temp-appendonly.aof.manifest';

function failOnce(h: Harness, matches: (request: FsOperationRequest) => boolean, code: 'EIO' | 'ENOSPC' = 'EIO'): void {
  h.fs.injectFault({ when: { matches }, fault: { kind: 'error', code }, times: 'once' });
}

/** A rename's request path is "<source> -> <target>". */
const renameOf = (name: string) => (request: FsOperationRequest) => request.operation === 'rename' && request.path.startsWith(`${aofPath(name)} -> `);

/** Matches `target` requests only from the first `trigger` request on (that request included). */
function onceSeen(trigger: (request: FsOperationRequest) => boolean, target: (request: FsOperationRequest) => boolean): (request: FsOperationRequest) => boolean {
  let seen = false;
  return (request) => {
    if (trigger(request)) seen = true;
    return seen && target(request);
  };
}

describe('rewrite start (rotation of the incr)', () => {
  it('everysec with a background fsync queued: the write of the same turn is forced into the OLD incr before the switch', async () => {
    const h = await openHarness({ config: aofConfig('everysec') });
    await h.run('set', 'a', '1');
    h.clock.advance(1_000);
    await h.store.cron();
    expect(h.store.info().aofPendingBioFsync).toBe(1);
    const [a, b] = [h.store.session(), h.store.session()];
    // A non-forced flush would be postponed behind the queued fsync; the rotation forces it.
    const replies = await h.store.turn([
      { session: a, argv: ['set', 'same-turn', '1'] },
      { session: b, argv: ['bgrewriteaof'] },
    ]);
    expect(replies.map(show)).toEqual(['+OK', '+Background append only file rewriting started']);
    expect(await fileText(h.fs, aofPath('appendonly.aof.1.incr.aof'))).toBe(resp('SELECT', '0') + resp('set', 'a', '1') + resp('set', 'same-turn', '1'));
    expect(await fileText(h.fs, aofPath('appendonly.aof.2.incr.aof'))).toBe('');
    await h.finish();
    await expectRestartHolds(h);
  });

  it('always: the old incr’s fdatasync failing at the start is fatal, naming the incr and Redis’s fsync reason', async () => {
    const h = await openHarness({ config: aofConfig('always') });
    await h.run('set', 'a', '1');
    h.fs.injectFault({ when: { matches: (request) => request.operation === 'fdatasync' && request.path.endsWith('1.incr.aof') }, fault: { kind: 'fsync-failure' }, times: 'once' });
    const error: unknown = await h.store.execute([byteStringOfText('bgrewriteaof')]).then(show, (rejection: unknown) => rejection);
    expect(error).toBeInstanceOf(AofFatalError);
    const fatal = error as AofFatalError;
    expect([fatal.fileName, fatal.reason]).toEqual([aofPath('appendonly.aof.1.incr.aof'), "Can't persist AOF for fsync error when the AOF fsync policy is 'always'"]);
  });

  it('a close of the old incr failing with EIO after the switch does not fail the rewrite: it runs and commits', async () => {
    const h = await openHarness({ config: aofConfig('always') });
    await h.run('set', 'a', '1');
    failOnce(h, (request) => request.operation === 'close' && request.path === aofPath('appendonly.aof.1.incr.aof'));
    expect(await h.run('bgrewriteaof')).toBe('+Background append only file rewriting started');
    await h.run('set', 'b', '2');
    expect(await fileText(h.fs, aofPath('appendonly.aof.2.incr.aof'))).toBe(resp('SELECT', '0') + resp('set', 'b', '2'));
    await h.finish();
    expect(h.store.info()).toMatchObject({ aofLastBgrewriteStatus: 'ok', aofRewritesConsecutiveFailures: 0 });
    expect(await manifestText(h.fs)).toBe(manifestOf('file appendonly.aof.2.base.rdb seq 2 type b', 'file appendonly.aof.2.incr.aof seq 2 type i'));
    await expectRestartHolds(h);
  });
});

describe('rewrite finish', () => {
  it('aof_last_rewrite_time_sec is the whole seconds the rewrite took (3 s here)', async () => {
    const h = await openHarness({ config: aofConfig('always') });
    for (let index = 0; index < 6; index += 1) await h.run('set', `k${index}`, 'v');
    expect(h.store.info().aofLastRewriteTimeSec).toBe(-1);
    await h.run('bgrewriteaof');
    await h.step();
    h.clock.advance(3_000);
    await h.finish();
    expect(h.store.info()).toMatchObject({ aofLastBgrewriteStatus: 'ok', aofLastRewriteTimeSec: 3 });
    await expectRestartHolds(h);
  });

  it('an RDB-preamble base carries the aux field aof-base = 1 (rdbSaveInfoAuxFields with RDBFLAGS_AOF_PREAMBLE) and the dataset of the cut', async () => {
    const h = await openHarness({ config: aofConfig('always') });
    await h.run('set', 'a', '1');
    await h.run('bgrewriteaof');
    await h.finish();
    const base = decodeRdb(await h.fs.readFile(aofPath('appendonly.aof.2.base.rdb')), 'base');
    expect(base.aux.get(byteStringOfText('aof-base'))).toBe(byteStringOfText('1'));
    expect([...base.databases.keys()]).toEqual([0]);
    expect([...(base.databases.get(0)?.keys() ?? [])]).toEqual([byteStringOfText('a')]);
  });

  it('BGREWRITEAOF with the AOF off leaves the AOF off and its sizes as they were (Redis updates them only with aof_fd != -1); later writes are not logged', async () => {
    const h = await openHarness({ config: aofConfig('always') });
    for (let index = 0; index < 4; index += 1) await h.run('set', `k${index}`, 'v');
    await h.run('config', 'set', 'appendonly', 'no');
    const sizes = { aofCurrentSize: h.store.info().aofCurrentSize, aofBaseSize: h.store.info().aofBaseSize };
    expect(await h.run('bgrewriteaof')).toBe('+Background append only file rewriting started');
    await h.finish();
    expect(h.store.info()).toMatchObject({ aofEnabled: false, aofLastBgrewriteStatus: 'ok', ...sizes });
    const atRewrite = datasetOf(h.store);
    const since = h.fs.operationLog.entries.length;
    expect(await h.run('set', 'after', '1')).toBe('+OK');
    expect(operationsSince(h.fs, since)).toEqual([]);
    expect(await manifestText(h.fs)).toBe(manifestOf('file appendonly.aof.2.base.rdb seq 2 type b'));
    const { store } = await reopen(h.fs.crash('process'), aofConfig('always'));
    expect(datasetOf(store ?? expect.fail('reopened'))).toBe(atRewrite);
  });
});

describe('CONFIG SET appendonly yes and the first rewrite', () => {
  it('during a BGREWRITEAOF started with the AOF off: that rewrite is killed and the first rewrite starts at once (not scheduled)', async () => {
    const h = await openHarness({ config: aofConfig('always') });
    for (let index = 0; index < 6; index += 1) await h.run('set', `k${index}`, 'v');
    await h.run('config', 'set', 'appendonly', 'no');
    await h.run('bgrewriteaof');
    await h.step();
    expect(await h.run('config', 'set', 'appendonly', 'yes')).toBe('+OK');
    expect(h.store.info()).toMatchObject({ aofEnabled: true, aofRewriteInProgress: true, aofRewriteScheduled: false, aofRewrites: 2 });
    expect(await h.run('set', 'during', '1')).toBe('+OK');
    expect(await fileText(h.fs, aofPath('temp-appendonly.aof.incr'))).toBe(resp('SELECT', '0') + resp('set', 'during', '1'));
    await h.finish();
    expect(h.store.info()).toMatchObject({ aofLastBgrewriteStatus: 'ok', aofRewritesConsecutiveFailures: 0, aofRewriteScheduled: false });
    // The killed rewrite's temp base (bg-4001) is gone; the second one (bg-4002) was renamed to base 2.
    expect(await aofListing(h.fs)).toEqual(['appendonly.aof.2.base.rdb', 'appendonly.aof.2.incr.aof', 'appendonly.aof.manifest']);
    await expectRestartHolds(h);
  });

  it('the temp incr’s rename failing at the finish: status err, the new base removed, the temp incr dropped, the rewrite rescheduled', async () => {
    const h = await openHarness({ config: { appendfsync: 'always' } });
    await h.run('set', 'a', '1');
    failOnce(h, renameOf('temp-appendonly.aof.incr'));
    expect(await h.run('config', 'set', 'appendonly', 'yes')).toBe('+OK');
    await h.run('set', 'b', '2');
    await h.finish();
    expect(h.store.info()).toMatchObject({ aofEnabled: true, aofLastBgrewriteStatus: 'err', aofRewritesConsecutiveFailures: 1, aofRewriteScheduled: true });
    expect(await aofListing(h.fs)).toEqual([]);
    expect(await h.store.cron()).toMatchObject({ aofRewriteStarted: 'scheduled' });
    await h.finish();
    expect(await manifestText(h.fs)).toBe(manifestOf('file appendonly.aof.1.base.rdb seq 1 type b', 'file appendonly.aof.1.incr.aof seq 1 type i'));
    await expectRestartHolds(h);
  });

  it('the manifest commit failing before its rename: the new base AND the renamed incr are removed; the retry commits base 1 + incr 1', async () => {
    const h = await openHarness({ config: { appendfsync: 'always' } });
    await h.run('set', 'a', '1');
    failOnce(h, renameOf(tempManifest));
    expect(await h.run('config', 'set', 'appendonly', 'yes')).toBe('+OK');
    await h.finish();
    expect(h.store.info()).toMatchObject({ aofEnabled: true, aofLastBgrewriteStatus: 'err', aofRewriteScheduled: true });
    expect((await aofListing(h.fs)).filter((name) => name.startsWith('appendonly.aof.'))).toEqual([]);
    expect(await h.store.cron()).toMatchObject({ aofRewriteStarted: 'scheduled' });
    await h.finish();
    expect(await manifestText(h.fs)).toBe(manifestOf('file appendonly.aof.1.base.rdb seq 1 type b', 'file appendonly.aof.1.incr.aof seq 1 type i'));
    await expectRestartHolds(h);
  });
});

describe('a failed manifest commit at the finish (AOF on)', () => {
  it('failing before the rename: status err, only the new base is unlinked, the store goes on; the next rewrite succeeds', async () => {
    const h = await openHarness({ config: aofConfig('always') });
    await h.run('set', 'a', '1');
    await h.run('bgrewriteaof');
    failOnce(h, renameOf(tempManifest));
    const since = h.fs.operationLog.entries.length;
    await h.finish();
    expect(operationsSince(h.fs, since).filter((call) => call.startsWith('unlink '))).toEqual(['unlink appendonlydir/temp-appendonly.aof.manifest', 'unlink appendonlydir/appendonly.aof.2.base.rdb']);
    expect(h.store.info()).toMatchObject({ aofLastBgrewriteStatus: 'err', aofRewritesConsecutiveFailures: 1 });
    expect(await manifestText(h.fs)).toBe(manifestOf('file appendonly.aof.1.base.rdb seq 1 type b', 'file appendonly.aof.1.incr.aof seq 1 type i', 'file appendonly.aof.2.incr.aof seq 2 type i'));
    expect(await h.run('set', 'b', '2')).toBe('+OK');
    expect(await h.run('bgrewriteaof')).toBe('+Background append only file rewriting started');
    await h.finish();
    expect(h.store.info()).toMatchObject({ aofLastBgrewriteStatus: 'ok', aofRewritesConsecutiveFailures: 0 });
    await expectRestartHolds(h);
  });

  it('failing at the directory fsync after the rename: the new base is kept, since the visible manifest names it; a restart loads it', async () => {
    const h = await openHarness({ config: aofConfig('always') });
    await h.run('set', 'a', '1');
    await h.run('bgrewriteaof');
    failOnce(h, onceSeen(renameOf(tempManifest), (request) => request.operation === 'fsyncDirectory'));
    await h.finish();
    expect(h.store.info()).toMatchObject({ aofLastBgrewriteStatus: 'err', aofRewritesConsecutiveFailures: 1 });
    expect(await aofListing(h.fs)).toContain('appendonly.aof.2.base.rdb');
    expect(await manifestText(h.fs)).toBe(manifestOf('file appendonly.aof.2.base.rdb seq 2 type b', 'file appendonly.aof.1.incr.aof seq 1 type h', 'file appendonly.aof.1.base.rdb seq 1 type h', 'file appendonly.aof.2.incr.aof seq 2 type i'));
    await h.run('set', 'b', '2');
    await expectRestartHolds(h);
  });
});

describe('history clean-up and closing the live file', () => {
  // Redis 7.0's getNewBaseFileNameAndMarkPreAsHistory pushes the old base at the head of the
  // history list, then markRewrittenIncrAofAsHistory walks the incrs from the tail (skipping the
  // live one) and pushes each at the head, so they end up oldest first; aofDelHistoryFiles
  // unlinks in list order. (#installBase once listed them newest first: 3, 2, 1.)
  it('three incrs demoted at once are listed and unlinked oldest first, then the old base (Redis: the old base, then each incr from the tail, pushed at the head of the history)', async () => {
    const h = await openHarness({ config: aofConfig('always') });
    await h.run('set', 'a', '1');
    let failing = true;
    h.fs.injectFault({ when: { matches: (request) => failing && request.operation === 'write' && request.path.includes('temp-rewriteaof-bg') }, fault: { kind: 'error', code: 'ENOSPC' }, times: 'always' });
    for (let attempt = 0; attempt < 2; attempt += 1) {
      await h.run('bgrewriteaof');
      await h.finish();
    }
    failing = false;
    await h.run('bgrewriteaof');
    // The history clean-up's commit fails, so the commit that demoted them stays on disk.
    failOnce(h, onceSeen((request) => request.operation === 'unlink' && request.path.endsWith('.incr.aof'), renameOf(tempManifest)));
    const since = h.fs.operationLog.entries.length;
    await h.finish();
    expect(operationsSince(h.fs, since).filter((call) => call.startsWith('unlink '))).toEqual([
      'unlink appendonlydir/appendonly.aof.1.incr.aof',
      'unlink appendonlydir/appendonly.aof.2.incr.aof',
      'unlink appendonlydir/appendonly.aof.3.incr.aof',
      'unlink appendonlydir/appendonly.aof.1.base.rdb',
      'unlink appendonlydir/temp-appendonly.aof.manifest',
    ]);
    expect(await manifestText(h.fs)).toBe(
      manifestOf(
        'file appendonly.aof.2.base.rdb seq 2 type b',
        'file appendonly.aof.1.incr.aof seq 1 type h',
        'file appendonly.aof.2.incr.aof seq 2 type h',
        'file appendonly.aof.3.incr.aof seq 3 type h',
        'file appendonly.aof.1.base.rdb seq 1 type h',
        'file appendonly.aof.4.incr.aof seq 4 type i',
      ),
    );
  });

  it('the history clean-up’s manifest commit failing is ignored (Redis): status ok, history files gone, the next start drops the h lines', async () => {
    const h = await openHarness({ config: aofConfig('always') });
    await h.run('set', 'a', '1');
    await h.run('bgrewriteaof');
    failOnce(h, onceSeen((request) => request.operation === 'unlink', renameOf(tempManifest)));
    await h.finish();
    expect(h.store.info()).toMatchObject({ aofLastBgrewriteStatus: 'ok', aofRewritesConsecutiveFailures: 0 });
    expect(await aofListing(h.fs)).toEqual(['appendonly.aof.2.base.rdb', 'appendonly.aof.2.incr.aof', 'appendonly.aof.manifest']);
    expect(await manifestText(h.fs)).toBe(manifestOf('file appendonly.aof.2.base.rdb seq 2 type b', 'file appendonly.aof.1.incr.aof seq 1 type h', 'file appendonly.aof.1.base.rdb seq 1 type h', 'file appendonly.aof.2.incr.aof seq 2 type i'));
    expect(await h.run('set', 'b', '2')).toBe('+OK');
    const disk = h.fs.crash('process');
    const { store, error } = await reopen(disk, aofConfig('always'));
    expect(error).toBe(null);
    expect(datasetOf(store ?? expect.fail('reopened'))).toBe(datasetOf(h.store));
    expect(await manifestText(disk)).toBe(manifestOf('file appendonly.aof.2.base.rdb seq 2 type b', 'file appendonly.aof.2.incr.aof seq 2 type i'));
  });

  it('CONFIG SET appendonly no with the live incr’s close failing (EIO): +OK, the AOF is off, the flushed data survives', async () => {
    const h = await openHarness({ config: aofConfig('always') });
    await h.run('set', 'a', '1');
    failOnce(h, (request) => request.operation === 'close' && request.path === aofPath('appendonly.aof.1.incr.aof'));
    expect(await h.run('config', 'set', 'appendonly', 'no')).toBe('+OK');
    expect(h.store.info().aofEnabled).toBe(false);
    expect(await h.run('set', 'b', '2')).toBe('+OK');
    const { store } = await reopen(h.fs.crash('process'), aofConfig('always'));
    const reloaded = datasetOf(store ?? expect.fail('reopened'));
    expect([reloaded.includes('"a"'), reloaded.includes('"b"')]).toEqual([true, false]);
  });

  it('close (SHUTDOWN) with the live incr’s close failing (EIO) still completes: the data was flushed and fsynced first', async () => {
    const h = await openHarness({ config: aofConfig('everysec') });
    await h.run('set', 'a', '1');
    failOnce(h, (request) => request.operation === 'close' && request.path === aofPath('appendonly.aof.1.incr.aof'));
    await expect(h.store.close({ background: 'cancel' })).resolves.toBe(undefined);
    const { store } = await reopen(h.fs.crash('process'), aofConfig('always'));
    expect(datasetOf(store ?? expect.fail('reopened'))).toBe(datasetOf(h.store));
  });
});

async function gatedStore(config = aofConfig('always')): Promise<{ fs: GatedFileSystem<CrashFileSystem>; scheduler: ManualScheduler; store: Store }> {
  const fs = new GatedFileSystem(await fileSystemWithDirectory());
  const scheduler = new ManualScheduler();
  const store = await openStore({ fileSystem: fs, directory, config: { ...testConfig, ...config }, clock: new TestClock(), random: seededRandom(7), scheduler, processId });
  for (let index = 0; index < 6; index += 1) await runOn(store, 'set', `k${index}`, 'v');
  return { fs, scheduler, store };
}

/** Grants slices until the running job asks for no more (its outcome may still wait in the AOF's queue). */
async function runJobToItsEnd(scheduler: ManualScheduler): Promise<void> {
  await grantUntilIdle(scheduler);
}

describe('commands that run while the rewrite’s finish waits in the AOF queue', () => {
  it('CONFIG SET appendonly no after the base was renamed but before the finish ran: handled as killed, the manifest is not switched', async () => {
    const { fs, scheduler, store } = await gatedStore();
    expect(await runOn(store, 'bgrewriteaof')).toBe('+Background append only file rewriting started');
    // The turn of this write holds the AOF queue at its fdatasync (appendfsync always).
    const held = fs.holdNext('fdatasync', aofPath('appendonly.aof.2.incr.aof'));
    const write = runOn(store, 'set', 'during', '1');
    await held.reached;
    await runJobToItsEnd(scheduler);
    expect(await fs.exists(aofPath('appendonly.aof.2.base.rdb'))).toBe(true);
    const off = runOn(store, 'config', 'set', 'appendonly', 'no');
    held.release();
    expect([await write, await off]).toEqual(['+OK', '+OK']);
    await store.backgroundSettled();
    expect(store.info()).toMatchObject({ aofEnabled: false, aofRewriteInProgress: false, aofLastBgrewriteStatus: 'ok', aofRewritesConsecutiveFailures: 0 });
    expect(await manifestText(fs.inner)).toBe(manifestOf('file appendonly.aof.1.base.rdb seq 1 type b', 'file appendonly.aof.1.incr.aof seq 1 type i', 'file appendonly.aof.2.incr.aof seq 2 type i'));
    const { store: reopened } = await reopen(fs.inner.crash('process'), aofConfig('always'));
    expect(datasetOf(reopened ?? expect.fail('reopened'))).toBe(datasetOf(store));
  });

  // Found by the mutation triage: enable() sets wait-rewrite while the AOF-off rewrite awaits its
  // manifest commit; #installBase used to see wait-rewrite and set the state to on without any live
  // incr (it renamed no temp incr), and enableNow, finding the state on, started nothing: the next
  // write tripped the writer's assertion.
  it('CONFIG SET appendonly yes while a rewrite started with the AOF off commits its manifest: the AOF ends up on with a live incr, later writes are logged', async () => {
    const { fs, scheduler, store } = await gatedStore();
    await runOn(store, 'config', 'set', 'appendonly', 'no');
    expect(await runOn(store, 'bgrewriteaof')).toBe('+Background append only file rewriting started');
    const held = fs.holdNext('rename', aofPath(tempManifest));
    await runJobToItsEnd(scheduler);
    await held.reached;
    const on = runOn(store, 'config', 'set', 'appendonly', 'yes');
    held.release();
    expect(await on).toBe('+OK');
    await runJobToItsEnd(scheduler);
    await store.backgroundSettled();
    expect(await runOn(store, 'set', 'after', '1')).toBe('+OK');
    expect(store.info()).toMatchObject({ aofEnabled: true, aofRewriteInProgress: false });
    const { store: reopened, error } = await reopen(fs.inner.crash('process'), aofConfig('always'));
    expect(error).toBe(null);
    expect(datasetOf(reopened ?? expect.fail('reopened'))).toBe(datasetOf(store));
  });

  it('CONFIG SET appendonly no while the first rewrite renames its temp incr: +OK, the AOF is off, and the writes made during the rewrite stay in the listed incr (they were lost: the renamed incr was demoted and deleted)', async () => {
    const { fs, scheduler, store } = await gatedStore();
    await runOn(store, 'config', 'set', 'appendonly', 'no');
    await runOn(store, 'set', 'before', '0');
    const on = runOn(store, 'config', 'set', 'appendonly', 'yes');
    expect(await on).toBe('+OK');
    expect(await runOn(store, 'set', 'during', '1')).toBe('+OK');
    const held = fs.holdNext('rename', aofPath('temp-appendonly.aof.incr'));
    await runJobToItsEnd(scheduler);
    await held.reached;
    const off = runOn(store, 'config', 'set', 'appendonly', 'no');
    held.release();
    expect(await off).toBe('+OK');
    await store.backgroundSettled();
    expect(await runOn(store, 'set', 'after', '2')).toBe('+OK');
    expect(store.info()).toMatchObject({ aofEnabled: false, aofRewriteInProgress: false });
    expect(await manifestText(fs.inner)).toBe(manifestOf('file appendonly.aof.2.base.rdb seq 2 type b', 'file appendonly.aof.2.incr.aof seq 2 type i'));
    const { store: reopened, error } = await reopen(fs.inner.crash('process'), aofConfig('always'));
    expect(error).toBe(null);
    // 'after' was written with the AOF off, so only the dataset up to the switch comes back.
    const restarted = reopened ?? expect.fail('reopened');
    expect([await runOn(restarted, 'get', 'before'), await runOn(restarted, 'get', 'during'), await runOn(restarted, 'exists', 'after')]).toEqual(['0', '1', 0]);
  });
});
