/**
 * Goal: the AOF write path as Redis 7.0's feedAppendOnlyFile/flushAppendOnlyFile (facts §3):
 * the buffer is written with ONE append per event-loop turn before any reply of the turn
 * resolves; appendfsync always adds one fdatasync per turn (group commit) before the replies;
 * everysec fsyncs in the background at most once per second (through the scheduler), postpones
 * a write for less than 2 s while that fsync is pending (replies still go out) and counts a
 * forced write in aof_delayed_fsync; no never fsyncs. SELECT is written when the db changes and
 * at the top of every new incr; MULTI/EXEC wrap as propagated. Errors as Redis per policy:
 * always → the store fails (AofFatalError), the turn is never acknowledged; everysec/no →
 * MISCONF "Errors writing to the AOF file: <strerror>" until a write succeeds; a short write is
 * truncated back; a failed background fsync → MISCONF until an fsync succeeds. Also: SELECT
 * starts every new incr and follows a finished rewrite (so a restart loads keys into their db);
 * idle flushes fsync nothing already synced (a switch to always fsyncs the unsynced tail); at
 * most one background fsync is queued, and one queued for a retired file skips it; a forced or
 * closing flush writes a postponed buffer; a crash in the background fsync or in the truncate
 * of a short write stops the store; the AofFatalError names the live file, Redis's reason and
 * the offset before the failed write;
 * appendonly no/yes with failed I/O drops the unwritten buffer and forgets the old errors.
 * Method: Stores on a CrashFileSystem with a manual clock and scheduler; the operation log shows
 * every append and fsync, and the incr file's bytes are read back.
 */
import { describe, expect, it } from 'vitest';
import type { FsOperationEntry } from '../fs/fs-operation-log.ts';
import { isSimulatedCrash } from '../fs/simulated-crash.ts';
import { byteStringOfText } from '../values/redis-value.ts';
import { AofFatalError } from './aof-fatal-error.ts';
import { rewriteFailedError } from './aof-persistence.ts';
import { misconfAofError } from './disk-error-refusal.ts';
import { StoreClosedError } from './store.ts';
import type { AppendFsync } from './store-config.ts';
import { aofConfig, aofPath, datasetOf, fileText, reopen, resp } from './testing/aof-harness.ts';
import { type Harness, openHarness, settle, show } from './testing/store-harness.ts';

const incr1 = aofPath('appendonly.aof.1.incr.aof');
const incr2 = aofPath('appendonly.aof.2.incr.aof');

function incrCalls(h: Harness, since: number, path: string = incr1): FsOperationEntry[] {
  return h.fs.operationLog.entries.slice(since).filter((entry) => entry.path === path && ['append', 'write', 'fdatasync', 'fsync', 'truncate'].includes(entry.operation));
}

function names(entries: readonly FsOperationEntry[]): string[] {
  return entries.map((entry) => `${entry.operation}${entry.outcome === 'ok' ? '' : `:${entry.outcome}`}`);
}

async function aofHarness(policy: AppendFsync, more = {}): Promise<Harness> {
  return openHarness({ config: aofConfig(policy, more) });
}

describe('one write per turn, before the replies', () => {
  it.each<AppendFsync>(['always', 'everysec', 'no'])('appendfsync %s: a turn of 4 commands from 2 clients is one append; no reply resolves before it', async (policy) => {
    const h = await aofHarness(policy);
    const [a, b] = [h.store.session(), h.store.session()];
    const since = h.fs.operationLog.entries.length;
    const seenAtReply: number[] = [];
    const replies = [
      a.execute(['set', 'x', '1']),
      b.execute(['incr', 'n']),
      a.execute(['get', 'x']),
      b.execute(['rpush', 'l', 'v']),
    ].map((reply) => reply.then((value) => (seenAtReply.push(incrCalls(h, since).length), value)));
    expect((await Promise.all(replies)).map(show)).toEqual(['+OK', 1n, '1', 1]);
    const calls = incrCalls(h, since);
    expect(names(calls)).toEqual(policy === 'always' ? ['append', 'fdatasync'] : ['append']);
    expect(seenAtReply).toEqual([calls.length, calls.length, calls.length, calls.length]);
    expect(await fileText(h.fs, incr1)).toBe(resp('SELECT', '0') + resp('set', 'x', '1') + resp('incr', 'n') + resp('rpush', 'l', 'v'));
  });

  it('writes SELECT whenever the db differs from the last written, and wraps a multi-effect EXEC in MULTI/EXEC', async () => {
    const h = await aofHarness('always');
    await h.run('set', 'a', '1');
    await h.run('select', '3');
    await h.run('set', 'b', '2');
    await h.run('set', 'c', '3');
    await h.run('multi');
    await h.run('set', 'd', '4');
    await h.run('del', 'b');
    await h.run('exec');
    await h.run('get', 'nothing');
    expect(await fileText(h.fs, incr1)).toBe(
      resp('SELECT', '0') + resp('set', 'a', '1') + resp('SELECT', '3') + resp('set', 'b', '2') + resp('set', 'c', '3') + resp('MULTI') + resp('set', 'd', '4') + resp('del', 'b') + resp('EXEC'),
    );
  });

  it('writes nothing for a turn of reads or refused commands', async () => {
    const h = await aofHarness('always');
    const since = h.fs.operationLog.entries.length;
    await h.run('get', 'a');
    await h.run('set', 'a');
    await h.run('nosuchcommand');
    expect(incrCalls(h, since)).toEqual([]);
  });

  it('aof-timestamp-enabled: a #TS: annotation before the first command of each new second, loaded back transparently', async () => {
    const h = await aofHarness('always', { aofTimestampEnabled: true });
    await h.run('set', 'a', '1');
    await h.run('set', 'b', '2');
    h.clock.advance(1500);
    await h.run('set', 'c', '3');
    expect(await fileText(h.fs, incr1)).toBe(`#TS:1700000000\r\n${resp('SELECT', '0')}${resp('set', 'a', '1')}${resp('set', 'b', '2')}#TS:1700000001\r\n${resp('set', 'c', '3')}`);
    const again = await openHarness({ fs: h.fs.crash('process'), config: aofConfig('always') });
    expect([...(again.store.dataset().get(0)?.keys() ?? [])].sort()).toEqual(['a', 'b', 'c']);
  });
});

describe('appendfsync everysec', () => {
  it('queues a background fsync at most once per second; it runs when the scheduler grants it', async () => {
    const h = await aofHarness('everysec');
    const since = h.fs.operationLog.entries.length;
    await h.run('set', 'a', '1');
    expect(h.store.info().aofPendingBioFsync).toBe(0);
    h.clock.advance(1000);
    await h.run('set', 'b', '2');
    expect(h.store.info().aofPendingBioFsync).toBe(1);
    expect(names(incrCalls(h, since))).toEqual(['append', 'append']);
    await h.step();
    expect(names(incrCalls(h, since))).toEqual(['append', 'append', 'fdatasync']);
    expect(h.store.info().aofPendingBioFsync).toBe(0);
    await h.run('set', 'c', '3');
    h.clock.advance(999);
    await h.run('set', 'd', '4');
    expect(h.scheduler.pending).toBe(0);
    expect(names(incrCalls(h, since))).toEqual(['append', 'append', 'fdatasync', 'append', 'append']);
  });

  it('postpones a write while the background fsync is pending (replies still resolve), for under 2 s, then forces it and counts aof_delayed_fsync', async () => {
    const h = await aofHarness('everysec');
    h.clock.advance(1000);
    await h.run('set', 'a', '1');
    expect(h.store.info().aofPendingBioFsync).toBe(1);
    const since = h.fs.operationLog.entries.length;
    expect(await h.run('set', 'b', '2')).toBe('+OK');
    expect(h.store.info().aofBufferLength).toBe(resp('set', 'b', '2').length);
    h.clock.advance(1000);
    expect(await h.run('set', 'c', '3')).toBe('+OK');
    expect(incrCalls(h, since)).toEqual([]);
    h.clock.advance(1000);
    await h.run('set', 'd', '4');
    expect(names(incrCalls(h, since))).toEqual(['append']);
    expect(h.store.info()).toMatchObject({ aofDelayedFsync: 1, aofBufferLength: 0 });
    expect(await fileText(h.fs, incr1)).toBe(resp('SELECT', '0') + resp('set', 'a', '1') + resp('set', 'b', '2') + resp('set', 'c', '3') + resp('set', 'd', '4'));
  });

  it('writes a postponed buffer as soon as the background fsync is done (next turn or cron)', async () => {
    const h = await aofHarness('everysec');
    h.clock.advance(1000);
    await h.run('set', 'a', '1');
    await h.run('set', 'b', '2');
    expect(h.store.info().aofBufferLength).toBeGreaterThan(0);
    await h.step();
    await h.store.cron();
    expect(h.store.info()).toMatchObject({ aofBufferLength: 0, aofDelayedFsync: 0 });
  });

  it('fsyncs an idle tail once a second passes with no new writes (cron; Redis #5985/#6053)', async () => {
    const h = await aofHarness('everysec');
    await h.run('set', 'a', '1');
    const since = h.fs.operationLog.entries.length;
    await h.store.cron();
    expect(h.scheduler.pending).toBe(0);
    h.clock.advance(1000);
    await h.store.cron();
    await h.step();
    expect(names(incrCalls(h, since))).toEqual(['fdatasync']);
  });
});

describe('appendfsync always and no', () => {
  it('always: one fdatasync per turn, none for a turn that wrote nothing', async () => {
    const h = await aofHarness('always');
    const since = h.fs.operationLog.entries.length;
    await h.run('set', 'a', '1');
    await h.run('get', 'a');
    await h.run('set', 'b', '2');
    expect(names(incrCalls(h, since))).toEqual(['append', 'fdatasync', 'append', 'fdatasync']);
  });

  it('no: never fsyncs, whatever time passes', async () => {
    const h = await aofHarness('no');
    const since = h.fs.operationLog.entries.length;
    for (let index = 0; index < 5; index += 1) {
      await h.run('set', `k${index}`, 'v');
      h.clock.advance(1500);
      await h.store.cron();
    }
    expect(names(incrCalls(h, since))).toEqual(['append', 'append', 'append', 'append', 'append']);
    expect(h.scheduler.pending).toBe(0);
  });
});

describe('write and fsync errors', () => {
  function failNextAppend(h: Harness, fault: Parameters<Harness['fs']['injectFault']>[0]['fault']): void {
    h.fs.injectFault({ when: { matches: (request) => request.operation === 'append' && request.path === incr1 }, fault, times: 'once' });
  }

  it.each<AppendFsync>(['everysec', 'no'])('%s: a short write is truncated back; MISCONF (ENOSPC) while writes keep failing; the next good write clears it; nothing lost or doubled', async (policy) => {
    const h = await aofHarness(policy);
    await h.run('set', 'a', '1');
    let diskFull = true;
    h.fs.injectFault({
      when: { matches: (request) => diskFull && request.operation === 'append' && request.path === incr1 },
      fault: { kind: 'short-write', bytesWritten: 5, code: 'EIO' },
      times: 'always',
    });
    expect(await h.run('set', 'b', '2')).toBe('+OK');
    expect(await fileText(h.fs, incr1)).toBe(resp('SELECT', '0') + resp('set', 'a', '1'));
    expect(h.store.info()).toMatchObject({ aofLastWriteStatus: 'err', aofBufferLength: resp('set', 'b', '2').length });
    expect(await h.run('set', 'c', '3')).toBe(`-${misconfAofError('ENOSPC')}`);
    expect(await h.run('ping')).toBe(`-${misconfAofError('ENOSPC')}`);
    expect(await h.run('get', 'b')).toBe('2');
    diskFull = false;
    expect(await h.run('get', 'b')).toBe('2');
    expect(h.store.info().aofLastWriteStatus).toBe('ok');
    expect(await h.run('set', 'c', '3')).toBe('+OK');
    expect(await fileText(h.fs, incr1)).toBe(resp('SELECT', '0') + resp('set', 'a', '1') + resp('set', 'b', '2') + resp('set', 'c', '3'));
  });

  it('everysec: an EIO write error gives "MISCONF Errors writing to the AOF file: Input/output error"; cron retries it', async () => {
    const h = await aofHarness('everysec');
    failNextAppend(h, { kind: 'error', code: 'EIO' });
    failNextAppend(h, { kind: 'error', code: 'EIO' });
    await h.run('set', 'a', '1');
    expect(await h.run('set', 'b', '2')).toBe('-MISCONF Errors writing to the AOF file: Input/output error');
    expect(h.store.info().aofLastWriteStatus).toBe('err');
    await h.store.cron();
    expect(h.store.info().aofLastWriteStatus).toBe('ok');
    expect(await h.run('set', 'b', '2')).toBe('+OK');
    expect(await fileText(h.fs, incr1)).toBe(resp('SELECT', '0') + resp('set', 'a', '1') + resp('set', 'b', '2'));
  });

  it('no: a short write whose truncate fails too keeps the landed prefix and writes only the rest next time', async () => {
    const h = await aofHarness('no');
    failNextAppend(h, { kind: 'short-write', bytesWritten: 9, code: 'ENOSPC' });
    h.fs.injectFault({ when: { matches: (request) => request.operation === 'truncate' }, fault: { kind: 'error', code: 'EIO' }, times: 'once' });
    await h.run('set', 'a', '1');
    expect(h.store.info().aofCurrentSize).toBe(9);
    await h.run('get', 'a');
    expect(await fileText(h.fs, incr1)).toBe(resp('SELECT', '0') + resp('set', 'a', '1'));
  });

  it.each([
    ['a failed write', 'append', { kind: 'error', code: 'ENOSPC' }],
    ['a short write', 'append', { kind: 'short-write', bytesWritten: 3, code: 'ENOSPC' }],
    ['a failed fdatasync', 'fdatasync', { kind: 'fsync-failure' }],
  ] as const)('always: %s makes the store fail; the turn’s replies reject with AofFatalError (never acknowledged), so does every later call', async (_name, operation, fault) => {
    const h = await aofHarness('always');
    await h.run('set', 'a', '1');
    h.fs.injectFault({ when: { matches: (request) => request.operation === operation && request.path === incr1 }, fault, times: 'once' });
    const replies = await Promise.allSettled([h.store.session().execute(['set', 'b', '2']), h.store.session().execute(['get', 'a'])]);
    expect(replies.map((reply) => reply.status)).toEqual(['rejected', 'rejected']);
    const error = (replies[0] as PromiseRejectedResult).reason;
    expect(error).toBeInstanceOf(AofFatalError);
    expect(error).toMatchObject({ fileName: incr1, offset: resp('SELECT', '0').length + resp('set', 'a', '1').length });
    await expect(h.store.execute(['get', 'a'])).rejects.toBe(error);
    await expect(h.store.close({ background: 'cancel' })).rejects.toBe(error);
    await expect(h.store.execute(['get', 'a'])).rejects.toBeInstanceOf(StoreClosedError);
  });

  it('everysec: a failed background fsync gives MISCONF (EIO) until a later one succeeds, which is retried with no new writes', async () => {
    const h = await aofHarness('everysec');
    h.clock.advance(1000);
    h.fs.injectFault({ when: { matches: (request) => request.operation === 'fdatasync' && request.path === incr1 }, fault: { kind: 'fsync-failure' }, times: 'once' });
    await h.run('set', 'a', '1');
    await h.step();
    expect(h.store.info().aofLastWriteStatus).toBe('err');
    expect(await h.run('set', 'b', '2')).toBe('-MISCONF Errors writing to the AOF file: Input/output error');
    h.clock.advance(1000);
    await h.store.cron();
    expect(h.store.info().aofPendingBioFsync).toBe(1);
    await h.step();
    expect(h.store.info().aofLastWriteStatus).toBe('ok');
    expect(await h.run('set', 'b', '2')).toBe('+OK');
  });
});

describe('turn ordering', () => {
  it('a turn issued while the previous one is flushing gets its own flush, after it, in order', async () => {
    const h = await aofHarness('always');
    const first = h.store.execute(['set', 'k', '1']);
    await Promise.resolve();
    const second = h.store.execute(['set', 'k', '2']);
    await Promise.all([first, second]);
    await settle();
    expect(await fileText(h.fs, incr1)).toBe(resp('SELECT', '0') + resp('set', 'k', '1') + resp('set', 'k', '2'));
    expect(show(await h.store.execute(['get', 'k'].map(byteStringOfText)))).toBe('2');
  });
});

describe('SELECT at the top of each live file and after a rewrite', () => {
  it('a fresh AOF whose first write is in db 1 starts its incr with SELECT 1; a restart loads the key into db 1', async () => {
    const h = await aofHarness('always');
    await h.run('select', '1');
    await h.run('set', 'k', 'v');
    expect(await fileText(h.fs, incr1)).toBe(resp('SELECT', '1') + resp('set', 'k', 'v'));
    const { store } = await reopen(h.fs.crash('process'), aofConfig('always'));
    expect([...(store ?? expect.fail('reopened')).dataset().keys()]).toEqual([1]);
  });

  it('the first write in db 1 after a finished BGREWRITEAOF is preceded by SELECT 1 in the new incr; a restart loads it into db 1', async () => {
    const h = await aofHarness('always');
    await h.run('set', 'a', '1');
    expect(await h.run('bgrewriteaof')).toBe('+Background append only file rewriting started');
    await h.finish();
    await h.run('select', '1');
    await h.run('set', 'k', 'v');
    expect(await fileText(h.fs, incr2)).toBe(resp('SELECT', '1') + resp('set', 'k', 'v'));
    const { store } = await reopen(h.fs.crash('process'), aofConfig('always'));
    expect(datasetOf(store ?? expect.fail('reopened'))).toBe(datasetOf(h.store));
    expect([...(store ?? expect.fail('reopened')).dataset().keys()].sort()).toEqual([0, 1]);
  });
});

describe('idle flushes', () => {
  it('always: cron ticks with nothing new written fdatasync nothing, however much time passes', async () => {
    const h = await aofHarness('always');
    await h.run('set', 'a', '1');
    const since = h.fs.operationLog.entries.length;
    for (let tick = 0; tick < 3; tick += 1) {
      h.clock.advance(1500);
      await h.store.cron();
      await h.run('get', 'a');
    }
    expect(incrCalls(h, since)).toEqual([]);
  });

  it('everysec: once the written bytes are fsynced, cron ticks queue no further background fsync, however much time passes', async () => {
    const h = await aofHarness('everysec');
    h.clock.advance(1000);
    await h.run('set', 'a', '1');
    await h.step();
    const since = h.fs.operationLog.entries.length;
    for (let tick = 0; tick < 3; tick += 1) {
      h.clock.advance(1500);
      await h.store.cron();
      expect(h.store.info().aofPendingBioFsync).toBe(0);
      await h.step();
    }
    expect(incrCalls(h, since)).toEqual([]);
  });

  it('CONFIG SET appendfsync always after writes under no: the bytes written before it are fdatasynced by the end of that turn', async () => {
    const h = await aofHarness('no');
    await h.run('set', 'a', '1');
    const since = h.fs.operationLog.entries.length;
    expect(await h.run('config', 'set', 'appendfsync', 'always')).toBe('+OK');
    expect(names(incrCalls(h, since))).toEqual(['fdatasync']);
  });
});

describe('everysec: one background fsync at a time', () => {
  it('a write forced out behind a pending fsync queues no second one; once it finishes, the next flush queues one for the forced bytes in the same second', async () => {
    const h = await aofHarness('everysec');
    h.clock.advance(1000);
    await h.run('set', 'a', '1');
    await h.run('set', 'b', '2');
    h.clock.advance(2000);
    await h.run('set', 'c', '3');
    expect(h.store.info()).toMatchObject({ aofDelayedFsync: 1, aofBufferLength: 0, aofPendingBioFsync: 1 });
    expect(h.scheduler.pending).toBe(1);
    h.clock.advance(1000);
    await h.store.cron();
    const since = h.fs.operationLog.entries.length;
    await h.step();
    expect(names(incrCalls(h, since))).toEqual(['fdatasync']);
    await h.store.cron();
    expect(h.store.info().aofPendingBioFsync).toBe(1);
    await h.step();
    expect(names(incrCalls(h, since))).toEqual(['fdatasync', 'fdatasync']);
  });

  it('CONFIG SET appendfsync always while an everysec fsync is queued: the next write is appended and fdatasynced before its reply, not postponed', async () => {
    const h = await aofHarness('everysec');
    h.clock.advance(1000);
    await h.run('set', 'a', '1');
    expect(h.store.info().aofPendingBioFsync).toBe(1);
    expect(await h.run('config', 'set', 'appendfsync', 'always')).toBe('+OK');
    const since = h.fs.operationLog.entries.length;
    expect(await h.run('set', 'b', '2')).toBe('+OK');
    expect(names(incrCalls(h, since))).toEqual(['append', 'fdatasync']);
    expect(await fileText(h.fs, incr1)).toBe(resp('SELECT', '0') + resp('set', 'a', '1') + resp('set', 'b', '2'));
  });

  it('CONFIG SET appendonly no while a write is postponed behind a queued fsync: the write reaches incr 1 and is fdatasynced before it closes', async () => {
    const h = await aofHarness('everysec');
    h.clock.advance(1000);
    await h.run('set', 'a', '1');
    await h.run('set', 'b', '2');
    expect(h.store.info().aofBufferLength).toBe(resp('set', 'b', '2').length);
    const since = h.fs.operationLog.entries.length;
    expect(await h.run('config', 'set', 'appendonly', 'no')).toBe('+OK');
    expect(names(incrCalls(h, since))).toEqual(['append', 'fdatasync']);
    expect(await fileText(h.fs, incr1)).toBe(resp('SELECT', '0') + resp('set', 'a', '1') + resp('set', 'b', '2'));
    const { store } = await reopen(h.fs.crash('power', { profile: 'strict-posix', random: () => 0 }), aofConfig('everysec'));
    expect(datasetOf(store ?? expect.fail('reopened'))).toBe(datasetOf(h.store));
  });

  it('CONFIG SET appendonly no while an fsync is queued: the queued fsync skips the closed file and the store keeps serving', async () => {
    const h = await aofHarness('everysec');
    h.clock.advance(1000);
    await h.run('set', 'a', '1');
    expect(await h.run('config', 'set', 'appendonly', 'no')).toBe('+OK');
    const since = h.fs.operationLog.entries.length;
    await h.step();
    expect(incrCalls(h, since)).toEqual([]);
    expect(await h.run('set', 'b', '2')).toBe('+OK');
    expect(h.store.info().aofPendingBioFsync).toBe(0);
  });

  it('BGREWRITEAOF while an fsync is queued for incr 1: the rotation fsyncs incr 1, the queued job skips it, and the fsync queued for incr 2 stays pending', async () => {
    const h = await aofHarness('everysec');
    h.clock.advance(1000);
    await h.run('set', 'a', '1');
    expect(await h.run('bgrewriteaof')).toBe('+Background append only file rewriting started');
    h.clock.advance(1000);
    await h.run('set', 'b', '2');
    expect(h.store.info().aofPendingBioFsync).toBe(1);
    const since = h.fs.operationLog.entries.length;
    await h.step();
    expect(incrCalls(h, since)).toEqual([]);
    expect(h.store.info().aofPendingBioFsync).toBe(1);
    await h.finish();
    await h.step();
    expect(names(incrCalls(h, since, incr2))).toEqual(['fdatasync']);
    expect(h.store.info().aofPendingBioFsync).toBe(0);
  });

  it('a crash during the background fsync stops the store: later commands reject with the crash, not MISCONF', async () => {
    const h = await aofHarness('everysec');
    h.clock.advance(1000);
    await h.run('set', 'a', '1');
    h.fs.armCrash({ matches: (request) => request.operation === 'fdatasync' && request.path === incr1 });
    await h.step();
    const reply = h.store.execute(['get', 'a'].map(byteStringOfText));
    await expect(reply).rejects.toSatisfy(isSimulatedCrash);
  });
});

describe('write failures: recovery and reports', () => {
  it('everysec: a write that fails with nothing written (EIO) is retried whole, with no truncate (only a short write is cut back)', async () => {
    const h = await aofHarness('everysec');
    const since = h.fs.operationLog.entries.length;
    h.fs.injectFault({ when: { matches: (request) => request.operation === 'append' && request.path === incr1 }, fault: { kind: 'error', code: 'EIO' }, times: 'once' });
    await h.run('set', 'a', '1');
    await h.store.cron();
    expect(names(incrCalls(h, since))).toEqual(['append:failed', 'append']);
    expect(await fileText(h.fs, incr1)).toBe(resp('SELECT', '0') + resp('set', 'a', '1'));
  });

  it('everysec: a crash at the truncate that undoes a short write propagates: the turn is never acknowledged and the store stops', async () => {
    const h = await aofHarness('everysec');
    h.fs.injectFault({ when: { matches: (request) => request.operation === 'append' && request.path === incr1 }, fault: { kind: 'short-write', bytesWritten: 4, code: 'ENOSPC' }, times: 'once' });
    h.fs.armCrash({ matches: (request) => request.operation === 'truncate' && request.path === incr1 });
    await expect(h.store.execute(['set', 'a', '1'].map(byteStringOfText))).rejects.toSatisfy(isSimulatedCrash);
    await expect(h.store.execute(['get', 'a'].map(byteStringOfText))).rejects.toSatisfy(isSimulatedCrash);
  });

  it.each([
    ['a failed write', 'append', { kind: 'error', code: 'EIO' }, "Can't recover from AOF write error when the AOF fsync policy is 'always'"],
    ['a failed fdatasync', 'fdatasync', { kind: 'fsync-failure' }, "Can't persist AOF for fsync error when the AOF fsync policy is 'always'"],
  ] as const)('always: %s gives an AofFatalError with Redis’s reason, naming the incr', async (_name, operation, fault, reason) => {
    const h = await aofHarness('always');
    await h.run('set', 'a', '1');
    h.fs.injectFault({ when: { matches: (request) => request.operation === operation && request.path === incr1 }, fault, times: 'once' });
    const error: unknown = await h.store.execute(['set', 'b', '2'].map(byteStringOfText)).then(() => expect.fail('acknowledged'), (rejected: unknown) => rejected);
    expect(error).toBeInstanceOf(AofFatalError);
    expect(error).toMatchObject({ fileName: incr1, reason });
    expect((error as Error).message).toContain(reason);
  });

  it('always, switched from no in the turn of a failing write: the AofFatalError offset is the size before the write, not the last fsync', async () => {
    const h = await aofHarness('no');
    await h.run('set', 'a', '1');
    const sizeBefore = resp('SELECT', '0').length + resp('set', 'a', '1').length;
    h.fs.injectFault({ when: { matches: (request) => request.operation === 'append' && request.path === incr1 }, fault: { kind: 'error', code: 'ENOSPC' }, times: 'once' });
    const replies = await Promise.allSettled([h.store.session().execute(['config', 'set', 'appendfsync', 'always'].map(byteStringOfText)), h.store.session().execute(['set', 'b', '2'].map(byteStringOfText))]);
    const error = (replies[1] as PromiseRejectedResult).reason;
    expect(error).toBeInstanceOf(AofFatalError);
    expect(error).toMatchObject({ fileName: incr1, offset: sizeBefore });
  });

  it('everysec: BGREWRITEAOF while the incr’s writes fail: the rewrite does not start (status err), nothing switches, the write lands in incr 1 once the disk recovers', async () => {
    const h = await aofHarness('everysec');
    await h.run('set', 'a', '1');
    let diskFull = true;
    h.fs.injectFault({ when: { matches: (request) => diskFull && request.operation === 'append' && request.path === incr1 }, fault: { kind: 'error', code: 'ENOSPC' }, times: 'always' });
    await h.run('set', 'b', '2');
    const [, rewrite] = await h.store.turn([
      { session: h.store.session(), argv: ['get', 'a'].map(byteStringOfText) },
      { session: h.store.session(), argv: ['bgrewriteaof'].map(byteStringOfText) },
    ]);
    expect(show(rewrite ?? expect.fail('a reply'))).toBe(`-${rewriteFailedError}`);
    expect(h.store.info()).toMatchObject({ aofRewriteInProgress: false, aofLastBgrewriteStatus: 'err', aofLastWriteStatus: 'err' });
    expect(await h.fs.exists(incr2)).toBe(false);
    diskFull = false;
    await h.store.cron();
    expect(await fileText(h.fs, incr1)).toBe(resp('SELECT', '0') + resp('set', 'a', '1') + resp('set', 'b', '2'));
  });
});

describe('CONFIG SET appendonly no and yes with failed I/O', () => {
  it('everysec: appendonly no while the incr’s writes fail drops the unwritten bytes, closes the file and keeps serving; appendonly yes then forgets the write error (no MISCONF)', async () => {
    const h = await aofHarness('everysec');
    await h.run('set', 'a', '1');
    let diskFull = true;
    h.fs.injectFault({ when: { matches: (request) => diskFull && request.operation === 'append' && request.path === incr1 }, fault: { kind: 'error', code: 'ENOSPC' }, times: 'always' });
    await h.run('set', 'b', '2');
    expect(h.store.info().aofLastWriteStatus).toBe('err');
    expect(await h.run('config', 'set', 'appendonly', 'no')).toBe('+OK');
    expect(h.store.info()).toMatchObject({ aofEnabled: false, aofBufferLength: 0 });
    expect(await h.run('set', 'c', '3')).toBe('+OK');
    diskFull = false;
    expect(await h.run('config', 'set', 'appendonly', 'yes')).toBe('+OK');
    expect(h.store.info().aofLastWriteStatus).toBe('ok');
    expect(await h.run('set', 'd', '4')).toBe('+OK');
    await h.finish();
    expect(await fileText(h.fs, incr2)).toBe(resp('SELECT', '0') + resp('set', 'd', '4'));
    const { store } = await reopen(h.fs.crash('process'), aofConfig('everysec'));
    expect(datasetOf(store ?? expect.fail('reopened'))).toBe(datasetOf(h.store));
  });

  it.each<AppendFsync>(['always', 'everysec'])('%s: appendonly no whose final fdatasync fails: the store keeps serving and later cron ticks touch no AOF file', async (policy) => {
    const h = await aofHarness(policy);
    await h.run('set', 'a', '1');
    h.fs.injectFault({ when: { matches: (request) => request.operation === 'fdatasync' && request.path === incr1 }, fault: { kind: 'fsync-failure' }, times: 'once' });
    expect(await h.run('config', 'set', 'appendonly', 'no')).toBe('+OK');
    const since = h.fs.operationLog.entries.length;
    h.clock.advance(1500);
    await h.store.cron();
    await h.step();
    expect(await h.run('set', 'b', '2')).toBe('+OK');
    expect(incrCalls(h, since)).toEqual([]);
    expect(h.scheduler.pending).toBe(0);
  });

  it('always: appendonly yes at runtime, after the first rewrite commits, a failed write’s AofFatalError names incr 1 (the renamed temp incr)', async () => {
    const h = await openHarness({ config: { appendfsync: 'always' } });
    await h.run('set', 'a', '1');
    expect(await h.run('config', 'set', 'appendonly', 'yes')).toBe('+OK');
    await h.finish();
    expect(await h.fs.exists(incr1)).toBe(true);
    // The handle keeps the path it was opened with (the temp incr's): the fault matches any append.
    h.fs.injectFault({ when: { matches: (request) => request.operation === 'append' }, fault: { kind: 'error', code: 'EIO' }, times: 'once' });
    await expect(h.store.execute(['set', 'b', '2'].map(byteStringOfText))).rejects.toMatchObject({ name: 'AofFatalError', fileName: incr1 });
  });
});
