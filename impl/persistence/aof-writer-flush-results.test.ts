/**
 * Goal: what AofWriter reports to its caller, per facts §3.4/§3.6: flush says what it did
 * ('idle' when there was nothing to write, even when it queued a due fsync of an idle tail;
 * 'written'; 'postponed' while an everysec background fsync is pending, for under 2 s;
 * 'write-failed'), and it does so also with no live file; the AofFatalError offset is the last
 * synced byte for a failed fsync or fdatasync and the size before the write for a failed
 * append; a non-fs error from syncNow's fdatasync (a crash) propagates unchanged and is no
 * fsync failure (no MISCONF); calls are serialized (a second flush while one runs is refused).
 * Method: an AofWriter on a CrashFileSystem with a manual clock and scheduler; the file's bytes
 * and the operation log are read back.
 */
import { describe, expect, it } from 'vitest';
import type { FileHandle } from '../fs/file-system.ts';
import { FsError } from '../fs/fs-error.ts';
import { isSimulatedCrash } from '../fs/simulated-crash.ts';
import { byteStringOfText } from '../values/redis-value.ts';
import { AofWriter } from './aof-writer.ts';
import { ManualScheduler } from './manual-scheduler.ts';
import type { AppendFsync } from './store-config.ts';
import { resp } from './testing/aof-harness.ts';
import { TestClock, fileSystemWithDirectory, settle } from './testing/store-harness.ts';

const path = '/data/appendonly.aof.1.incr.aof';
const setEffect = (key: string) => [{ db: 0, argv: ['set', key, 'v'].map(byteStringOfText) }];

async function setup(policy: AppendFsync) {
  const fs = await fileSystemWithDirectory();
  const clock = new TestClock();
  const scheduler = new ManualScheduler();
  const writer = new AofWriter({ clock, scheduler, policy: () => policy, timestamps: () => false, onFatal: (error) => expect.fail(`onFatal(${String(error)})`) });
  const handle: FileHandle = await fs.open(path, 'create-truncate');
  writer.attach({ handle, fileName: path }, 0);
  const text = async (): Promise<string> => Buffer.from(await fs.readFile(path)).toString('latin1');
  const fdatasyncs = (): number => fs.operationLog.entries.filter((entry) => entry.path === path && entry.operation === 'fdatasync').length;
  return { fs, clock, scheduler, writer, handle, text, fdatasyncs };
}

describe('flush results', () => {
  it('everysec: idle with nothing buffered; written; postponed behind a pending fsync, again within 2 s; then written (forced, aof_delayed_fsync 1)', async () => {
    const s = await setup('everysec');
    expect(await s.writer.flush(false)).toBe('idle');
    s.clock.advance(1000);
    s.writer.feed(setEffect('a'));
    expect(await s.writer.flush(false)).toBe('written');
    expect(s.writer.pendingBackgroundFsync).toBe(1);
    s.writer.feed(setEffect('b'));
    expect(await s.writer.flush(false)).toBe('postponed');
    s.clock.advance(1000);
    expect(await s.writer.flush(false)).toBe('postponed');
    expect(await s.text()).toBe(resp('SELECT', '0') + resp('set', 'a', 'v'));
    s.clock.advance(1000);
    expect(await s.writer.flush(false)).toBe('written');
    expect(s.writer.delayedFsync).toBe(1);
    expect(await s.text()).toBe(resp('SELECT', '0') + resp('set', 'a', 'v') + resp('set', 'b', 'v'));
  });

  it('everysec: a flush with an empty buffer that queues the due fsync of an idle tail reports idle (nothing written)', async () => {
    const s = await setup('everysec');
    s.writer.feed(setEffect('a'));
    expect(await s.writer.flush(false)).toBe('written');
    expect(s.writer.pendingBackgroundFsync).toBe(0);
    s.clock.advance(1000);
    expect(await s.writer.flush(false)).toBe('idle');
    expect(s.writer.pendingBackgroundFsync).toBe(1);
    s.scheduler.runNext();
    await settle();
    expect(s.fdatasyncs()).toBe(1);
  });

  it('no: a failed append reports write-failed and keeps the bytes for the next flush, which writes them', async () => {
    const s = await setup('no');
    s.fs.injectFault({ when: { matches: (request) => request.operation === 'append' }, fault: { kind: 'error', code: 'ENOSPC' }, times: 'once' });
    s.writer.feed(setEffect('a'));
    expect(await s.writer.flush(false)).toBe('write-failed');
    expect(s.writer.lastWriteError?.code).toBe('ENOSPC');
    expect(await s.writer.flush(false)).toBe('written');
    expect(await s.text()).toBe(resp('SELECT', '0') + resp('set', 'a', 'v'));
  });

  it('with no live file (detached), a flush is idle and touches no file', async () => {
    const s = await setup('always');
    s.writer.detach();
    const since = s.fs.operationLog.entries.length;
    expect(await s.writer.flush(true)).toBe('idle');
    expect(s.fs.operationLog.entries.length).toBe(since);
  });

  it('a second flush while one runs is refused (AofPersistence serializes the writer’s calls)', async () => {
    const s = await setup('always');
    s.writer.feed(setEffect('a'));
    const first = s.writer.flush(false);
    await expect(s.writer.flush(false)).rejects.toThrow('AofWriter calls are serialized by AofPersistence');
    expect(await first).toBe('written');
  });
});

describe('fatal error offsets and fsync failures', () => {
  it.each([
    ['fsync', 'the last synced offset'],
    ['fdatasync', 'the last synced offset'],
    ['append', 'the size before the write'],
  ] as const)('a failed %s: the AofFatalError offset is %s', async (operation, _where) => {
    const s = await setup('no');
    s.writer.feed(setEffect('a'));
    expect(await s.writer.flush(false)).toBe('written');
    await s.writer.syncNow();
    const synced = s.writer.incrSize;
    s.writer.feed(setEffect('b'));
    expect(await s.writer.flush(false)).toBe('written');
    const live = s.writer.live ?? expect.fail('a live file');
    const error = s.writer.fatal(live, 'reason', new FsError('EIO', operation, path));
    expect(error).toMatchObject({ fileName: path, offset: operation === 'append' ? s.writer.incrSize : synced, reason: 'reason' });
    expect(synced).toBeLessThan(s.writer.incrSize);
  });

  it('syncNow: a crash in its fdatasync propagates unchanged and is not taken as an fsync failure (no MISCONF)', async () => {
    const s = await setup('no');
    s.writer.feed(setEffect('a'));
    await s.writer.flush(false);
    s.fs.armCrash({ matches: (request) => request.operation === 'fdatasync' });
    await expect(s.writer.syncNow()).rejects.toSatisfy(isSimulatedCrash);
    expect(s.writer.backgroundFsyncError).toBe(null);
  });
});
