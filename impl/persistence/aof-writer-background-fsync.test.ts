/**
 * Goal: the everysec background fsync (bio's BIO_AOF_FSYNC) at the moments a Store cannot hold
 * still: while its fdatasync is IN PROGRESS. At most one background fsync is pending or running,
 * so one still running when its file is detached counts in aof_pending_bio_fsync and holds back
 * the next live file's writes until it ends; syncNow (rewrite start, appendonly no, shutdown)
 * waits for it before its own fdatasync, so the outcome that lasts is syncNow's; a failure of a
 * background fsync of a retired file reports MISCONF but does not make the new live file look
 * unsynced; EBADF and EINVAL from a background fsync are ignored, as bio does.
 * Method: an AofWriter on a CrashFileSystem with a manual clock and scheduler, whose file
 * handle holds an fdatasync open until the test releases it (with success or an FsError); the
 * handle records when each fdatasync starts and ends.
 */
import { describe, expect, it } from 'vitest';
import type { CrashFileSystem } from '../fs/crash-file-system.ts';
import type { FileHandle } from '../fs/file-system.ts';
import { FsError, type FsErrorCode } from '../fs/fs-error.ts';
import { ForwardingHandle } from '../fs/testing/forwarding-file-system.ts';
import { byteStringOfText } from '../values/redis-value.ts';
import { AofWriter } from './aof-writer.ts';
import { ManualScheduler } from './manual-scheduler.ts';
import type { AppendFsync } from './store-config.ts';
import { TestClock, fileSystemWithDirectory, settle } from './testing/store-harness.ts';

/** A file handle whose next fdatasync, once held, waits until released; it logs fdatasync starts and ends. */
class HoldingHandle extends ForwardingHandle {
  readonly events: string[] = [];
  #hold: { gate: Promise<FsError | null>; release: (error: FsError | null) => void } | null = null;

  constructor(
    inner: FileHandle,
    private readonly label: string,
  ) {
    super(inner);
  }

  /** The next fdatasync waits; `release` ends it (rejecting with `error` when given). */
  holdNextFdatasync(): { release: (error?: FsError) => Promise<void> } {
    let release: (error: FsError | null) => void = () => undefined;
    const gate = new Promise<FsError | null>((resolve) => (release = resolve));
    this.#hold = { gate, release };
    return {
      release: async (error) => {
        release(error ?? null);
        await settle();
      },
    };
  }

  override async fdatasync(): Promise<void> {
    const hold = this.#hold;
    this.#hold = null;
    this.events.push(`${this.label} fdatasync start`);
    const error = hold === null ? null : await hold.gate;
    if (error !== null) {
      this.events.push(`${this.label} fdatasync ${error.code}`);
      throw error;
    }
    await this.inner.fdatasync();
    this.events.push(`${this.label} fdatasync ok`);
  }
}

interface Setup {
  readonly fs: CrashFileSystem;
  readonly clock: TestClock;
  readonly scheduler: ManualScheduler;
  readonly writer: AofWriter;
  readonly fatal: unknown[];
  open(name: string, durableBytes?: number): Promise<HoldingHandle>;
}

async function setup(policy: AppendFsync = 'everysec'): Promise<Setup> {
  const fs = await fileSystemWithDirectory();
  const clock = new TestClock();
  const scheduler = new ManualScheduler();
  const fatal: unknown[] = [];
  const writer = new AofWriter({ clock, scheduler, policy: () => policy, timestamps: () => false, onFatal: (error) => fatal.push(error) });
  return {
    fs,
    clock,
    scheduler,
    writer,
    fatal,
    open: async (name, durableBytes = 0) => {
      const inner = await fs.open(`/data/${name}`, 'create-truncate');
      if (durableBytes > 0) {
        await inner.append(new Uint8Array(durableBytes).fill(0x41));
        await inner.fdatasync();
      }
      return new HoldingHandle(inner, name);
    },
  };
}

const setEffect = (key: string) => [{ db: 0, argv: ['set', key, 'v'].map(byteStringOfText) }];

/** everysec: a write one second on, which queues the background fsync; the scheduler then grants it and its fdatasync is held. */
async function runningBackgroundFsync(s: Setup, handle: HoldingHandle): Promise<{ release: (error?: FsError) => Promise<void> }> {
  s.clock.advance(1000);
  s.writer.feed(setEffect('a'));
  expect(await s.writer.flush(false)).toBe('written');
  expect(s.writer.pendingBackgroundFsync).toBe(1);
  const held = handle.holdNextFdatasync();
  expect(s.scheduler.runNext()).toBe(true);
  await settle();
  expect(handle.events).toEqual(['a.aof fdatasync start']);
  return held;
}

describe('a background fsync in progress', () => {
  it('still counts as pending (aof_pending_bio_fsync 1) after its file is detached, and postpones writes to the next live file until it ends', async () => {
    const s = await setup();
    const first = await s.open('a.aof');
    s.writer.attach({ handle: first, fileName: '/data/a.aof' }, 0);
    const held = await runningBackgroundFsync(s, first);
    expect(s.writer.detach()?.handle).toBe(first);
    expect(s.writer.pendingBackgroundFsync).toBe(1);
    const second = await s.open('b.aof');
    s.writer.attach({ handle: second, fileName: '/data/b.aof' }, 0);
    s.writer.feed(setEffect('b'));
    expect(await s.writer.flush(false)).toBe('postponed');
    expect((await s.fs.readFile('/data/b.aof')).length).toBe(0);
    await held.release();
    expect(first.events).toEqual(['a.aof fdatasync start', 'a.aof fdatasync ok']);
    expect(s.writer.pendingBackgroundFsync).toBe(0);
    expect(await s.writer.flush(false)).toBe('written');
    expect((await s.fs.readFile('/data/b.aof')).length).toBeGreaterThan(0);
  });

  it('syncNow waits for it before its own fdatasync; a background EIO is then cleared by syncNow’s success (no MISCONF left)', async () => {
    const s = await setup();
    const handle = await s.open('a.aof');
    s.writer.attach({ handle, fileName: '/data/a.aof' }, 0);
    const held = await runningBackgroundFsync(s, handle);
    const synced = s.writer.syncNow();
    await settle();
    expect(handle.events).toEqual(['a.aof fdatasync start']);
    await held.release(new FsError('EIO', 'fdatasync', '/data/a.aof'));
    await synced;
    expect(handle.events).toEqual(['a.aof fdatasync start', 'a.aof fdatasync EIO', 'a.aof fdatasync start', 'a.aof fdatasync ok']);
    expect(s.writer.backgroundFsyncError).toBe(null);
    expect(s.fatal).toEqual([]);
  });

  it('failing (EIO) after its file was retired reports MISCONF but leaves the new, durable live file synced: no fsync of it is queued a second later', async () => {
    const s = await setup();
    const first = await s.open('a.aof');
    s.writer.attach({ handle: first, fileName: '/data/a.aof' }, 0);
    const held = await runningBackgroundFsync(s, first);
    s.writer.detach();
    const second = await s.open('b.aof', 10);
    s.writer.attach({ handle: second, fileName: '/data/b.aof' }, 10);
    await held.release(new FsError('EIO', 'fdatasync', '/data/a.aof'));
    expect(s.writer.backgroundFsyncError?.code).toBe('EIO');
    s.clock.advance(1000);
    expect(await s.writer.flush(false)).toBe('idle');
    expect(s.writer.pendingBackgroundFsync).toBe(0);
    expect(s.scheduler.pending).toBe(0);
    expect(second.events).toEqual([]);
  });

  it('failing (EIO) while no file is live (detached, none attached) reports MISCONF and nothing escapes (no fatal error, no unhandled rejection)', async () => {
    const s = await setup();
    const handle = await s.open('a.aof');
    s.writer.attach({ handle, fileName: '/data/a.aof' }, 0);
    const held = await runningBackgroundFsync(s, handle);
    s.writer.detach();
    const escaped: unknown[] = [];
    const onUnhandled = (reason: unknown): void => void escaped.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      await held.release(new FsError('EIO', 'fdatasync', '/data/a.aof'));
      await settle();
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
    expect(escaped).toEqual([]);
    expect(s.writer.backgroundFsyncError?.code).toBe('EIO');
    expect(s.writer.pendingBackgroundFsync).toBe(0);
    expect(s.fatal).toEqual([]);
    expect(await s.writer.flush(false)).toBe('idle');
  });
});

describe('background fsync errors bio ignores', () => {
  it.each<[FsErrorCode, 'ignored' | 'reported as MISCONF and retried']>([
    ['EBADF', 'ignored'],
    ['EINVAL', 'ignored'],
    ['EIO', 'reported as MISCONF and retried'],
  ])('a background fsync failing with %s is %s', async (code, outcome) => {
    const reported = outcome !== 'ignored';
    const s = await setup();
    const handle = await s.open('a.aof');
    s.writer.attach({ handle, fileName: '/data/a.aof' }, 0);
    const held = await runningBackgroundFsync(s, handle);
    await held.release(new FsError(code, 'fdatasync', '/data/a.aof'));
    expect(s.writer.backgroundFsyncError?.code ?? null).toBe(reported ? code : null);
    expect(s.writer.pendingBackgroundFsync).toBe(0);
    // Ignored, the file counts as synced: nothing to retry a second later. Reported, it synced nothing: retried.
    s.clock.advance(1000);
    expect(await s.writer.flush(false)).toBe('idle');
    expect(s.writer.pendingBackgroundFsync).toBe(reported ? 1 : 0);
    expect(s.fatal).toEqual([]);
  });
});
