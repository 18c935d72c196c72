/**
 * Goal: a crash before EVERY file-system operation of an AOF rewrite (BGREWRITEAOF with the AOF
 * on) and of a runtime enable (CONFIG SET appendonly yes and its first rewrite), followed by a
 * restart with appendonly yes on what the crash left, comes back with the data the fsync
 * horizons promise and never refuses to start where Redis would not:
 * - appendfsync always: every acknowledged write (and maybe the one in flight);
 * - everysec / no: at least the writes an fsync of their file covered (power loss), at least
 *   every write that reached the page cache (process crash); never a write that was not issued;
 *   always one prefix of the write history;
 * - runtime enable (the model's view: the AOF exists once its first manifest is committed):
 *   before the manifest rename, an empty start; after its directory fsync, the data as above;
 *   in between, either (power loss) or the data (process crash);
 * - a refusal only after a power loss under strict-posix while unsynced appends existed (a hole
 *   of zeros is "Bad file format" for Redis too), and only as a 'format' error.
 * Method: the scenario is rebuilt for each crash point N (CrashFileSystem.armCrash before
 * operation N, from the first operation of the command to one past the last); writes run one
 * turn at a time between background slices (WriteTracker records each write's append and the
 * dataset after it). Each crashed disk is restarted as a process crash and as up to 8 sampled
 * power-loss states per profile (strict-posix and ext4-ordered, seeded by N).
 */
import { describe, expect, it } from 'vitest';
import type { CrashFileSystem } from '../fs/crash-file-system.ts';
import { type CrashProfileName, crashProfileNames } from '../fs/crash-profiles.ts';
import { isSimulatedCrash } from '../fs/simulated-crash.ts';
import { AofLoadError } from './aof-load-error.ts';
import type { AppendFsync } from './store-config.ts';
import { type Reopened, aofConfig, aofPath, datasetOf, reopen } from './testing/aof-harness.ts';
import { WriteTracker } from './testing/aof-write-tracker.ts';
import { type Harness, fileSystemWithDirectory, openHarness, seededRandom } from './testing/store-harness.ts';

const powerStatesPerProfile = 8;

/** Incompressible text (LZF would shrink repeats), so records span 512 B sectors. */
function noise(seed: number, length: number): string {
  const random = seededRandom(seed);
  return Array.from({ length }, () => String.fromCharCode(97 + Math.floor(random() * 26))).join('');
}

const populateWrites: string[][] = [
  ['set', 'a', 'old'],
  ['rpush', 'list', 'l1', 'l2', 'l3'],
  ['set', 'big', noise(1, 1300)],
  ['select', '1'],
  ['sadd', 'set', 'm1', 'm2'],
  ['set', 'filler', noise(2, 700)],
  ['select', '0'],
  ['hset', 'hash', 'f', 'v'],
];

const duringWrites: string[][] = [
  ['set', 'a', 'DURING'],
  ['del', 'hash'],
  ['set', 'big', noise(3, 900)],
  ['set', 'created', noise(4, 600)],
  ['rpush', 'list', 'l4'],
  ['incr', 'counter'],
];

interface Restart {
  readonly kind: 'process' | 'power';
  readonly profile: CrashProfileName | null;
  readonly description: string;
  readonly result: Reopened;
}

async function restarts(fs: CrashFileSystem, policy: AppendFsync, seed: number): Promise<Restart[]> {
  const config = aofConfig(policy);
  const outcomes: Restart[] = [{ kind: 'process', profile: null, description: 'process crash', result: await reopen(fs.crash('process'), config) }];
  for (const profile of crashProfileNames) {
    for (const state of fs.powerLossStates(profile, { max: powerStatesPerProfile, random: seededRandom(seed) }).states) {
      outcomes.push({ kind: 'power', profile, description: `${profile}: ${state.description}`, result: await reopen(fs.crash('power', { state }), config) });
    }
  }
  return outcomes;
}

/** The horizon check: a refusal only where allowed; else one state between the horizons. */
function checkRestart(tracker: WriteTracker, policy: AppendFsync, restart: Restart, label: string): 'loaded' | 'refused' {
  const written = tracker.written();
  const synced = tracker.synced();
  if (restart.result.store === null) {
    const error = restart.result.error;
    const holeAllowed = restart.kind === 'power' && restart.profile === 'strict-posix' && synced < written;
    expect(holeAllowed && error instanceof AofLoadError && error.kind === 'format', `${label}: refused (${String(error)}) after ${restart.description}`).toBe(true);
    return 'refused';
  }
  let lower = restart.kind === 'process' ? written : synced;
  if (policy === 'always') lower = Math.max(lower, tracker.acknowledged);
  const loaded = datasetOf(restart.result.store);
  const matches = tracker.states.some((state, index) => index >= lower && index <= tracker.attempted && state === loaded);
  expect(matches, `${label}: ${restart.description}: loaded a state outside [${lower}, ${tracker.attempted}] (${loaded.slice(0, 160)})`).toBe(true);
  return 'loaded';
}

interface Scenario {
  readonly h: Harness;
  readonly tracker: WriteTracker;
}

type SweepRun = (s: Scenario) => Promise<void>;

/** BGREWRITEAOF, a write between each two slices, the job to its end, one more write. */
const runRewrite: SweepRun = async ({ h, tracker }) => {
  await h.store.execute(['bgrewriteaof']).catch((error: unknown) => {
    expect(isSimulatedCrash(error), String(error)).toBe(true);
    tracker.noteCrash();
  });
  for (const argv of duringWrites) {
    await h.step();
    if (!(await tracker.write(...argv))) break;
  }
  await h.finish();
  await tracker.write('set', 'after', 'done');
};

/** CONFIG SET appendonly yes, then the same writes during its first rewrite. */
const runEnable: SweepRun = async ({ h, tracker }) => {
  await h.store.execute(['config', 'set', 'appendonly', 'yes']).catch((error: unknown) => {
    expect(isSimulatedCrash(error), String(error)).toBe(true);
    tracker.noteCrash();
  });
  for (const argv of duringWrites) {
    await h.step();
    if (!(await tracker.write(...argv))) break;
  }
  await h.finish();
  await tracker.write('set', 'after', 'done');
};

async function rewriteScenario(policy: AppendFsync): Promise<Scenario> {
  const h = await openHarness({ config: aofConfig(policy) });
  const tracker = new WriteTracker(h.fs, h.store);
  for (const argv of populateWrites) await tracker.write(...argv);
  return { h, tracker };
}

async function enableScenario(policy: AppendFsync): Promise<Scenario> {
  const h = await openHarness({ config: { appendfsync: policy } });
  for (const argv of populateWrites) await h.store.execute(argv);
  const tempIncr = aofPath('temp-appendonly.aof.incr');
  return { h, tracker: new WriteTracker(h.fs, h.store, new Map([[tempIncr, aofPath('appendonly.aof.1.incr.aof')]])) };
}

interface SweepReport {
  readonly points: number;
  readonly restarts: number;
  readonly outcomes: Set<string>;
}

async function sweep(build: () => Promise<Scenario>, run: SweepRun, judge: (s: Scenario, restart: Restart, label: string) => string): Promise<SweepReport> {
  const reference = await build();
  const first = reference.h.fs.operationLog.nextSequence;
  await run(reference);
  const last = reference.h.fs.operationLog.entries.length;
  const outcomes = new Set<string>();
  let restarted = 0;
  for (let crashAt = first; crashAt <= last + 1; crashAt += 1) {
    const s = await build();
    s.h.fs.armCrash({ operation: crashAt });
    await run(s);
    for (const restart of await restarts(s.h.fs, policyOf(s), crashAt)) {
      outcomes.add(judge(s, restart, `crash before #${crashAt}`));
      restarted += 1;
    }
  }
  return { points: last + 2 - first, restarts: restarted, outcomes };
}

function policyOf(s: Scenario): AppendFsync {
  return s.h.store.config.appendfsync;
}

describe('crash at every file-system operation of BGREWRITEAOF (AOF on), then restart', () => {
  it.each<AppendFsync>(['always', 'everysec', 'no'])('appendfsync %s: the data the horizons promise, at every point and power-loss state of both profiles', async (policy) => {
    const report = await sweep(
      () => rewriteScenario(policy),
      runRewrite,
      (s, restart, label) => checkRestart(s.tracker, policy, restart, label),
    );
    expect(report.points).toBeGreaterThanOrEqual(40);
    expect(report.restarts).toBeGreaterThan(5 * report.points);
    expect(report.outcomes.has('loaded')).toBe(true);
    console.log(`[sweep] rewrite, appendfsync ${policy}: ${report.points} crash points, ${report.restarts} restarts, outcomes ${[...report.outcomes].sort().join(', ')}`);
  });
});

describe('crash at every file-system operation of a runtime enable (CONFIG SET appendonly yes), then restart', () => {
  function judgeEnable(s: Scenario, restart: Restart, label: string): string {
    const entries = s.h.fs.operationLog.entries;
    const manifest = aofPath('appendonly.aof.manifest');
    const renamed = entries.find((entry) => entry.operation === 'rename' && entry.outcome === 'ok' && entry.path.endsWith(`-> ${manifest}`));
    const durable = renamed !== undefined && entries.some((entry) => entry.sequence > renamed.sequence && entry.operation === 'fsyncDirectory' && entry.outcome === 'ok');
    const empty = restart.result.store !== null && datasetOf(restart.result.store) === '';
    if (renamed === undefined) {
      expect(empty, `${label}: before the first manifest, the restart starts empty (${restart.description})`).toBe(true);
      return 'empty';
    }
    if (!durable && restart.kind === 'power' && empty) return 'empty';
    return checkRestart(s.tracker, policyOf(s), restart, label);
  }

  it.each<AppendFsync>(['always', 'everysec'])('appendfsync %s: empty before the commit, the data after it, never anything else', async (policy) => {
    const report = await sweep(() => enableScenario(policy), runEnable, judgeEnable);
    expect(report.points).toBeGreaterThanOrEqual(25);
    expect(report.outcomes.has('empty')).toBe(true);
    expect(report.outcomes.has('loaded')).toBe(true);
    console.log(`[sweep] runtime enable, appendfsync ${policy}: ${report.points} crash points, ${report.restarts} restarts, outcomes ${[...report.outcomes].sort().join(', ')}`);
  });
});

describe('crash at every file-system operation of a fresh start with appendonly yes, then restart', () => {
  it('each restart (process crash; power-loss states of both profiles) starts empty and serves: the start-up is re-runnable', async () => {
    const reference = await fileSystemWithDirectory();
    const first = reference.operationLog.nextSequence;
    await reopen(reference, aofConfig('always'));
    const last = reference.operationLog.entries.length;
    let restarted = 0;
    for (let crashAt = first; crashAt <= last + 1; crashAt += 1) {
      const fs = await fileSystemWithDirectory();
      fs.armCrash({ operation: crashAt });
      const opened = await reopen(fs, aofConfig('always'));
      if (opened.store === null) expect(isSimulatedCrash(opened.error), String(opened.error)).toBe(true);
      for (const restart of await restarts(fs, 'always', crashAt)) {
        expect(restart.result.error, `crash before #${crashAt}: ${restart.description}`).toBe(null);
        const store = restart.result.store ?? expect.fail('restarted');
        expect(datasetOf(store)).toBe('');
        expect(await store.execute(['set', 'k', 'v'])).toEqual({ kind: 'simple', value: 'OK' });
        restarted += 1;
      }
    }
    expect(last - first).toBeGreaterThanOrEqual(15);
    expect(restarted).toBeGreaterThan(2 * (last - first));
  });
});
