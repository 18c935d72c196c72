/**
 * Goal: a BGSAVE's file is the dataset at the instant it started, whatever runs between its
 * slices: writes, deletes, expiries (lazy and active), FLUSHDB and FLUSHALL of the keyspace
 * (every db at once), transactions; copy-on-write is reported exactly when an entry had to be
 * serialized early; and a second BGSAVE right after it (whose cut sees the entries the first one
 * restamped) holds the dataset of its own instant.
 * Method: fast-check builds a population and a run of steps (commands from two sessions over
 * three dbs, clock advances, active-expiry cycles, background slices) applied to a Keyspace with
 * an RdbBackgroundSave on a CrashFileSystem paced by a ManualScheduler; the expected dataset is
 * a deep copy taken at the start. FLUSHALL here is the keyspace's (the store's FLUSHALL cancels a
 * BGSAVE instead: store-bgsave.property.test.ts). Seeds are printed (DURAKV_SEED replays).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { propertyParameters } from '../../scripts/testing/property-seed.ts';
import { ClientSession, Keyspace } from '../keyspace/index.ts';
import type { DatabaseContents } from '../values/redis-value.ts';
import { ManualScheduler } from './manual-scheduler.ts';
import { RdbBackgroundSave } from './rdb-background-save.ts';
import { rdbSnapshotFormat } from './snapshot-format.ts';
import { type SnapshotStep, populationCommand, snapshotStep } from './testing/command-arbitrary.ts';
import { TestClock, canonical, dumpDataset, dumpPath, fileSystemWithDirectory, grantUntilIdle, settle } from './testing/store-harness.ts';

const encoder = { aof: false, ctimeSeconds: 1_700_000_000, usedMemory: 0, compression: true };

function datasetOf(keyspace: Keyspace): Map<number, DatabaseContents> {
  const databases = new Map<number, DatabaseContents>();
  for (const db of keyspace.nonEmptyDatabases()) databases.set(db, keyspace.copyDatabase(db));
  return databases;
}

async function backgroundSave(keyspace: Keyspace, scheduler: ManualScheduler, fs: Awaited<ReturnType<typeof fileSystemWithDirectory>>, tempId: number, sliceKeys: number) {
  return RdbBackgroundSave.start({ kind: 'rdb-bgsave', keyspace, fileSystem: fs, path: dumpPath, tempPath: `/data/temp-${tempId}.rdb`, format: rdbSnapshotFormat(encoder), sliceKeys, scheduler });
}

describe('RdbBackgroundSave (property)', () => {
  it('writes the dataset at its start whatever runs between slices, then a second BGSAVE writes its own instant', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(populationCommand, { minLength: 0, maxLength: 30, size: 'max' }),
        fc.array(snapshotStep, { minLength: 1, maxLength: 60, size: 'max' }),
        fc.integer({ min: 1, max: 4 }),
        async (population, steps, sliceKeys) => {
          const fs = await fileSystemWithDirectory();
          const clock = new TestClock();
          const keyspace = new Keyspace({ now: () => clock.nowMs() });
          const environment = { keyspace, random: () => 0.3 };
          const clients = [new ClientSession(environment), new ClientSession(environment)];
          for (const argv of population) clients[0]?.execute(argv);
          const scheduler = new ManualScheduler();
          const atCut = canonical(datasetOf(keyspace));
          const job = await backgroundSave(keyspace, scheduler, fs, 1, sliceKeys);
          for (const step of steps) await apply(step, { clients, clock, keyspace, scheduler });
          await grantUntilIdle(scheduler);
          const result = await job.done;
          expect(result.outcome.kind).toBe('saved');
          expect(canonical(await dumpDataset(fs))).toBe(atCut);
          expect(result.progress.cowBytes > 0).toBe(result.progress.keysSerializedEarly > 0);
          expect(result.progress.keysSerialized).toBe(result.progress.keysTotal);

          const second = canonical(datasetOf(keyspace));
          const again = await backgroundSave(keyspace, scheduler, fs, 2, sliceKeys);
          await grantUntilIdle(scheduler);
          expect((await again.done).progress.cowBytes).toBe(0);
          expect(canonical(await dumpDataset(fs))).toBe(second);
        },
      ),
      propertyParameters('bgsave writes the dataset at its start', 300),
    );
  });
});

interface World {
  readonly clients: ClientSession[];
  readonly clock: TestClock;
  readonly keyspace: Keyspace;
  readonly scheduler: ManualScheduler;
}

async function apply(step: SnapshotStep, world: World): Promise<void> {
  switch (step.kind) {
    case 'command':
      world.clients[step.client]?.execute(step.argv);
      return;
    case 'advance':
      world.clock.advance(step.ms);
      return;
    case 'activeExpire':
      world.keyspace.activeExpireCycle(3);
      return;
    case 'slice':
      world.scheduler.runNext();
      await settle();
      return;
    default: {
      const never: never = step;
      throw new Error(`unknown step ${JSON.stringify(never)}`);
    }
  }
}
