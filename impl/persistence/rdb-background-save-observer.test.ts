/**
 * Goal: a BGSAVE's snapshot observes the keyspace's writes exactly while it runs: a save that
 * fails or finishes stops copying entries on write, a cancelled save never clears the observer of
 * the save that replaced it (cancel is idempotent, and the cancelled job settling later leaves the
 * new one alone), and `cancelled` reports cancel().
 * Method: a Keyspace with keys in db 0 and an RdbBackgroundSave on a CrashFileSystem paced by a
 * ManualScheduler (one key per slice); writes between slices; the second save's file is compared
 * with the dataset at its start, and the failed save's copy-on-write counters before and after
 * further writes.
 */
import { describe, expect, it } from 'vitest';
import type { CrashFileSystem } from '../fs/crash-file-system.ts';
import { ClientSession, Keyspace } from '../keyspace/index.ts';
import type { DatabaseContents } from '../values/redis-value.ts';
import { ManualScheduler } from './manual-scheduler.ts';
import { RdbBackgroundSave } from './rdb-background-save.ts';
import { rdbSnapshotFormat } from './snapshot-format.ts';
import { TestClock, canonical, dumpDataset, dumpPath, fileSystemWithDirectory, grantUntilIdle, settle } from './testing/store-harness.ts';

const encoder = { aof: false, ctimeSeconds: 1_700_000_000, usedMemory: 0, compression: true };

interface World {
  readonly fs: CrashFileSystem;
  readonly keyspace: Keyspace;
  readonly client: ClientSession;
  readonly scheduler: ManualScheduler;
}

async function world(keys: number): Promise<World> {
  const fs = await fileSystemWithDirectory();
  const clock = new TestClock();
  const keyspace = new Keyspace({ now: () => clock.nowMs() });
  const client = new ClientSession({ keyspace, random: () => 0.3 });
  for (let index = 0; index < keys; index += 1) client.execute(['SET', `k${index}`, 'old']);
  return { fs, keyspace, client, scheduler: new ManualScheduler() };
}

function start(w: World, tempId: number): RdbBackgroundSave {
  return RdbBackgroundSave.start({ kind: 'rdb-bgsave', keyspace: w.keyspace, fileSystem: w.fs, path: dumpPath, tempPath: `/data/temp-${tempId}.rdb`, format: rdbSnapshotFormat(encoder), sliceKeys: 1, scheduler: w.scheduler });
}

function datasetOf(keyspace: Keyspace): Map<number, DatabaseContents> {
  const databases = new Map<number, DatabaseContents>();
  for (const db of keyspace.nonEmptyDatabases()) databases.set(db, keyspace.copyDatabase(db));
  return databases;
}

async function drain(scheduler: ManualScheduler): Promise<void> {
  await grantUntilIdle(scheduler);
}

describe('RdbBackgroundSave observer lifetime', () => {
  it('a BGSAVE failing with ENOSPC on its temp file stops observing: later writes copy nothing early', async () => {
    const w = await world(4);
    w.fs.injectFault({ when: { matches: (request) => (request.operation === 'write' || request.operation === 'append') && request.path.includes('temp-') }, fault: { kind: 'error', code: 'ENOSPC' }, times: 'always' });
    const job = start(w, 1);
    await drain(w.scheduler);
    const result = await job.done;
    expect(result.outcome.kind).toBe('failed');
    const before = job.snapshot.progress();
    for (let index = 0; index < 4; index += 1) w.client.execute(['SET', `k${index}`, 'new']);
    w.client.execute(['FLUSHALL']);
    expect(job.snapshot.progress()).toEqual(before);
  });

  it('cancel() is reported by `cancelled`, and the job settles cancelled with its snapshot not finished', async () => {
    const w = await world(3);
    const job = start(w, 1);
    expect(job.cancelled).toBe(false);
    job.cancel();
    expect(job.cancelled).toBe(true);
    await drain(w.scheduler);
    const result = await job.done;
    expect(result.outcome.kind).toBe('cancelled');
    expect(result.progress.finished).toBe(false);
    expect(result.progress.keysSerialized).toBe(0);
  });

  it.each([
    ['the cancelled job settles after the next BGSAVE started', false],
    ['cancel() is called again after the next BGSAVE started', true],
  ])('the next BGSAVE still writes the dataset at its own start when %s', async (_name, cancelAgain) => {
    const w = await world(6);
    const first = start(w, 1);
    first.cancel();
    const atSecondStart = canonical(datasetOf(w.keyspace));
    const second = start(w, 2);
    if (cancelAgain) first.cancel();
    expect((await first.done).outcome.kind).toBe('cancelled');
    for (let index = 0; index < 6; index += 1) {
      w.client.execute(['SET', `k${index}`, 'new']);
      w.scheduler.runNext();
      await settle();
    }
    await drain(w.scheduler);
    const saved = await second.done;
    expect(saved.outcome.kind).toBe('saved');
    expect(saved.progress.finished).toBe(true);
    expect(canonical(await dumpDataset(w.fs))).toBe(atSecondStart);
  });
});
