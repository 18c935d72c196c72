/**
 * Test support: a Store on a CrashFileSystem with a manual clock, a seeded random source and a
 * ManualScheduler, plus helpers to step background work, read the dump back and compare
 * datasets. Used by tests only.
 *
 * Invariants:
 * - Time moves only through `clock.advance`; background slices run only through `step`/`finish`
 *   (or `grantUntilIdle` on a bare scheduler), so each test's interleaving is fixed by the test.
 * - `finish` and `grantUntilIdle` grant at most maxTestSlices slices, then fail: a job that never
 *   ends (a bug, or a mutant under mutation testing) fails its test at once instead of spinning
 *   until a timeout. The tests need at most a dozen slices.
 * - `settle()` waits until every pending promise reaction has run (one macrotask turn; test
 *   support may use timers, the store never does), so after `step()` the slice and the writes
 *   it leads to are done and the job waits for its next grant, or has settled.
 * - `dumpDataset` decodes the dump exactly as start-up would (full check), or returns null when
 *   there is no dump.
 */
import assert from 'node:assert/strict';
import { decodeRdb } from '../../encoding/rdb-dataset.ts';
import { canonicalDataset } from '../../encoding/testing/dataset-canonical-form.ts';
import { CrashFileSystem } from '../../fs/crash-file-system.ts';
import type { FileSystem } from '../../fs/file-system.ts';
import type { Reply } from '../../keyspace/index.ts';
import { type ByteString, type DatabaseContents, byteStringOfText } from '../../values/redis-value.ts';
import { ManualScheduler } from '../manual-scheduler.ts';
import { type StoreConfig, redisDefaults } from '../store-config.ts';
import type { Clock } from '../store-options.ts';
import { type Store, openStore } from '../store.ts';

export const directory = '/data';
export const dumpPath = `${directory}/dump.rdb`;
export const startMs = 1_700_000_000_000;
export const processId = 4000;

export class TestClock implements Clock {
  constructor(public ms: number = startMs) {}
  nowMs(): number {
    return this.ms;
  }
  advance(ms: number): void {
    assert.ok(ms >= 0);
    this.ms += ms;
  }
}

/** Waits one macrotask turn: every promise reaction queued so far has run. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** The most slices one call of `finish` or `grantUntilIdle` grants (the tests need at most a dozen). */
export const maxTestSlices = 1_000;

function assertWithinSliceBudget(slices: number): void {
  assert.ok(slices <= maxTestSlices, `a background job finishes within ${maxTestSlices} slices (the tests need at most a dozen)`);
}

/** Grants slices until no request waits; returns how many were granted. */
export async function grantUntilIdle(scheduler: ManualScheduler): Promise<number> {
  let slices = 0;
  await settle();
  while (scheduler.runNext()) {
    slices += 1;
    assertWithinSliceBudget(slices);
    await settle();
  }
  return slices;
}

import { seededRandom } from '../../testing/seeded-random.ts';

export { seededRandom };

export const testConfig: StoreConfig = { ...redisDefaults, save: [], snapshotSliceKeys: 2 };

export interface Harness {
  readonly fs: CrashFileSystem;
  readonly clock: TestClock;
  readonly scheduler: ManualScheduler;
  readonly store: Store;
  /** Executes on the default session and renders the reply like the keyspace harness. */
  run(...argv: string[]): Promise<Shown>;
  /** Grants one background slice and waits for its effects. */
  step(): Promise<boolean>;
  /** Grants slices until no background job (BGSAVE or AOF rewrite) runs. */
  finish(): Promise<number>;
}

export type Shown = string | number | bigint | null | Shown[];

export function show(reply: Reply): Shown {
  switch (reply.kind) {
    case 'simple':
      return `+${reply.value}`;
    case 'error':
      return `-${reply.message}`;
    case 'integer':
      return reply.value;
    case 'bulk':
      return reply.value;
    case 'array':
      return reply.items === null ? null : reply.items.map(show);
    default: {
      const never: never = reply;
      return assert.fail(`unknown reply ${JSON.stringify(never)}`);
    }
  }
}

export async function fileSystemWithDirectory(): Promise<CrashFileSystem> {
  const fs = CrashFileSystem.create();
  await fs.mkdir(directory, { recursive: false });
  await fs.fsyncDirectory('/');
  return fs;
}

export async function openHarness(options: { fs?: CrashFileSystem; config?: Partial<StoreConfig>; clock?: TestClock } = {}): Promise<Harness> {
  const fs = options.fs ?? (await fileSystemWithDirectory());
  const clock = options.clock ?? new TestClock();
  const scheduler = new ManualScheduler();
  const store = await openStore({ fileSystem: fs, directory, config: { ...testConfig, ...options.config }, clock, random: seededRandom(7), scheduler, processId });
  const step = async (): Promise<boolean> => {
    const granted = scheduler.runNext();
    await settle();
    return granted;
  };
  return {
    fs,
    clock,
    scheduler,
    store,
    run: async (...argv) => show(await store.execute(argv.map(byteStringOfText))),
    step,
    finish: async () => {
      let slices = 0;
      await settle();
      while (store.info().rdbBgsaveInProgress || store.info().aofRewriteInProgress) {
        assert.ok(await step(), 'a running job waits for a slice');
        slices += 1;
        assertWithinSliceBudget(slices);
      }
      return slices;
    },
  };
}

export async function dumpDataset(fs: FileSystem, path: string = dumpPath): Promise<Map<number, DatabaseContents> | null> {
  if (!(await fs.exists(path))) return null;
  return decodeRdb(await fs.readFile(path), path).databases;
}

export function canonical(databases: Map<number, DatabaseContents> | null): string | null {
  return databases === null ? null : canonicalDataset(databases);
}

export function key(text: string): ByteString {
  return byteStringOfText(text);
}
