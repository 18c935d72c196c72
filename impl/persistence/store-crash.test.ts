/**
 * Goal: a crash at any point of a SAVE or a BGSAVE never costs the old dump and never leaves a
 * torn one: restarting on what the crash left (process crash: the page cache; power loss: every
 * sampled state of both profiles) loads either the old dump's dataset or the new snapshot's —
 * for a BGSAVE, the dataset at its start, never the writes made during it — and once SAVE has
 * replied OK or the BGSAVE has finished, only the new one.
 * Method: a crash sweep (facts §9 a–d): the same scenario is rebuilt for each crash point, the
 * CrashFileSystem armed to crash before file-system operation N, for every N from the first
 * operation of the save to one past its last. After each run, openStore runs on the process-
 * crash file system and on up to 40 power-loss states per profile (seeded), and the loaded
 * dataset is classified. Old and new datasets are several 512 B sectors long, so a torn write
 * would show.
 */
import { describe, expect, it } from 'vitest';
import type { CrashFileSystem } from '../fs/crash-file-system.ts';
import { crashProfileNames } from '../fs/crash-profiles.ts';
import { isSimulatedCrash } from '../fs/simulated-crash.ts';
import { ManualScheduler } from './manual-scheduler.ts';
import { openStore } from './store.ts';
import { type Harness, TestClock, canonical, directory, openHarness, processId, seededRandom, testConfig } from './testing/store-harness.ts';

/** Incompressible text (LZF would shrink a repeated character to a few bytes). */
function noise(seed: number, length: number): string {
  const random = seededRandom(seed);
  return Array.from({ length }, () => String.fromCharCode(97 + Math.floor(random() * 26))).join('');
}

const oldWrites: string[][] = [
  ['set', 'a', 'old'],
  ['rpush', 'list', 'l1', 'l2', 'l3'],
  ['hset', 'hash', 'f', 'v', 'g', 'w'],
  ['set', 'big', noise(1, 1500)],
  ['select', '1'],
  ['sadd', 'set', 'm1', 'm2'],
  ['set', 'expiring', 'e', 'px', '999999'],
  ...Array.from({ length: 6 }, (_, index) => ['set', `filler:${index}`, noise(10 + index, 400)]),
  ['select', '0'],
];

const newWrites: string[][] = [
  ['set', 'a', 'new'],
  ['del', 'list'],
  ['set', 'big', noise(2, 2600)],
  ['zadd', 'zset', '1', 'x', '2', 'y'],
  ['select', '2'],
  ['set', 'other-db', noise(3, 700)],
  ['select', '0'],
];

/** Writes made while a BGSAVE runs: none of them may ever be loaded. */
const duringWrites: string[][] = [
  ['set', 'a', 'DURING'],
  ['del', 'hash'],
  ['set', 'created-during', '1'],
  ['set', 'big', noise(4, 900)],
  ['select', '1'],
  ['flushdb'],
  ['select', '0'],
  ['set', 'late', 'x'],
];

interface Scenario {
  readonly h: Harness;
  readonly old: string | null;
  readonly next: string;
}

async function scenario(withOldDump: boolean): Promise<Scenario> {
  const h = await openHarness();
  for (const argv of oldWrites) await h.run(...argv);
  const old = withOldDump ? canonical(h.store.dataset()) : null;
  if (withOldDump) expect(await h.run('save')).toBe('+OK');
  for (const argv of newWrites) await h.run(...argv);
  return { h, old, next: canonical(h.store.dataset()) ?? '' };
}

async function loaded(fs: CrashFileSystem): Promise<string | null> {
  const store = await openStore({ fileSystem: fs, directory, config: testConfig, clock: new TestClock(), random: seededRandom(3), scheduler: new ManualScheduler(), processId });
  const dataset = store.dataset();
  return dataset.size === 0 ? null : canonical(dataset);
}

/** Every dataset a restart may load after `fs` crashed (process crash + power-loss states). */
async function restarts(fs: CrashFileSystem, seed: number): Promise<Array<string | null>> {
  const outcomes = [await loaded(fs.crash('process'))];
  for (const profile of crashProfileNames) {
    for (const state of fs.powerLossStates(profile, { max: 40, random: seededRandom(seed) }).states) outcomes.push(await loaded(fs.crash('power', { state })));
  }
  return outcomes;
}

type Run = (s: Scenario) => Promise<{ acknowledged: boolean; expectedNew: string }>;

const runSave: Run = async (s) => {
  const reply = await s.h.store.execute(['save']).catch((error: unknown) => {
    expect(isSimulatedCrash(error), String(error)).toBe(true);
    return null;
  });
  return { acknowledged: reply?.kind === 'simple', expectedNew: s.next };
};

const runBgsave: Run = async (s) => {
  const survived = (promise: Promise<unknown>): Promise<boolean> =>
    promise.then(
      () => true,
      (error: unknown) => {
        expect(isSimulatedCrash(error), String(error)).toBe(true);
        return false;
      },
    );
  expect(await s.h.run('bgsave')).toBe('+Background saving started');
  for (const argv of duringWrites) {
    await s.h.step();
    await survived(s.h.store.execute(argv));
  }
  await s.h.finish();
  // The store stays usable only if the background job finished without meeting the crash.
  const finished = await survived(s.h.store.execute(['ping']));
  if (finished) expect(s.h.store.info().rdbLastBgsaveStatus).toBe('ok');
  return { acknowledged: finished, expectedNew: s.next };
};

async function sweep(withOldDump: boolean, run: Run): Promise<{ points: number; restarts: number; seen: Set<string> }> {
  const reference = await scenario(withOldDump);
  const first = reference.h.fs.operationLog.nextSequence;
  await run(reference);
  const last = reference.h.fs.operationLog.entries.length;
  const seen = new Set<string>();
  let restarted = 0;
  for (let crashAt = first; crashAt <= last + 1; crashAt += 1) {
    const s = await scenario(withOldDump);
    s.h.fs.armCrash({ operation: crashAt });
    const { acknowledged, expectedNew } = await run(s);
    for (const outcome of await restarts(s.h.fs, crashAt)) {
      restarted += 1;
      const label = outcome === expectedNew ? 'new' : outcome === s.old ? (outcome === null ? 'missing' : 'old') : 'OTHER';
      expect(label, `crash before #${crashAt}: loaded ${outcome?.slice(0, 200)}`).not.toBe('OTHER');
      if (acknowledged) expect(label, `crash before #${crashAt} after the save was acknowledged`).toBe('new');
      seen.add(label);
    }
  }
  return { points: last + 2 - first, restarts: restarted, seen };
}

describe('crash during SAVE and BGSAVE', () => {
  it('SAVE: old or new dataset at every crash point and power-loss state, new once acknowledged (old dump existed; both profiles)', async () => {
    const { points, restarts: restarted, seen } = await sweep(true, runSave);
    // open, ≥ 4 writes (the file spans several slices), fsync, close, rename, fsyncDirectory.
    expect(points).toBeGreaterThanOrEqual(10);
    expect(restarted).toBeGreaterThan(3 * points);
    expect([...seen].sort()).toEqual(['new', 'old']);
  });

  it('SAVE: no dataset or the new one at every crash point and power-loss state (no dump before; both profiles)', async () => {
    const { seen } = await sweep(false, runSave);
    expect([...seen].sort()).toEqual(['missing', 'new']);
  });

  it('BGSAVE with writes between slices: old dataset or the one at its start, never a write made during it (both profiles)', async () => {
    const { points, restarts: restarted, seen } = await sweep(true, runBgsave);
    expect(points).toBeGreaterThanOrEqual(10);
    expect(restarted).toBeGreaterThan(3 * points);
    expect([...seen].sort()).toEqual(['new', 'old']);
  });

  it('the reference BGSAVE run itself finishes with the dataset of its start (sanity of the scenario)', async () => {
    const s = await scenario(true);
    const result = await runBgsave(s);
    expect(result.acknowledged).toBe(true);
    expect(await loaded(s.h.fs.crash('process'))).toBe(s.next);
    expect(s.next).not.toBe(canonical(s.h.store.dataset()));
  });
});

describe('crash sweep harness (negative control)', () => {
  it('notices a store that writes the dump in place: some crash point loads a torn or missing dump', async () => {
    const inPlace: Run = async (s) => {
      const path = `${directory}/dump.rdb`;
      const ignore = (): undefined => undefined;
      await s.h.store.execute(['save']).catch(ignore);
      const saved = await s.h.fs.readFile(path).catch(() => new Uint8Array(0));
      const handle = await s.h.fs.open(path, 'create-truncate').catch(() => null);
      const half = Math.max(1, saved.length >> 1);
      await handle?.write(saved.slice(0, half), 0).catch(ignore);
      await handle?.write(saved.slice(half), half).catch(ignore);
      await handle?.close().catch(ignore);
      return { acknowledged: false, expectedNew: s.next };
    };
    const failure = await sweep(true, inPlace).then(
      () => null,
      (error: unknown) => error,
    );
    expect(String(failure)).toMatch(/loaded|RdbDecodeError|truncated|corrupt/);
  });
});

