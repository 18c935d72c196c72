/**
 * Goal: pin down every cell of the guarantee table at the oracle, both what a restart may produce
 * after a crash and what it must not (lost acknowledged writes, reordered or holey histories,
 * refusals where Redis would load).
 * Method: every context is reached by driving the persistence machine through an explicit event
 * sequence; each event must change the snapshot unless marked as an intended no-op. Crashes go
 * through the machine too, and the oracle is asked about the context the crash recorded.
 */
import { describe, expect, it } from 'vitest';
import { initialTransition, transition } from 'xstate';
import { type Dataset, datasetOfPrefix } from '../abstract-dataset.ts';
import type { PersistenceSnapshot } from '../exploration/crash-phase.ts';
import { eventLabel } from '../exploration/event-menu.ts';
import { defaultConfig } from '../persistence-actions.ts';
import { persistenceMachine } from '../persistence-machine.ts';
import type {
  CrashKind,
  LoadSource,
  PersistenceConfig,
  PersistenceEvent,
  RestartOutcome,
  WriteLog,
} from '../persistence-types.ts';
import {
  type AllowedLoad,
  type AllowedOutcomes,
  type OracleAssumptions,
  allowedOutcomes,
  findMatchingOutcome,
  isOutcomeAllowed,
  refusalHoleyTail,
  refusalLostPages,
  refusalTornTail,
  sameLogPrefix,
} from './allowed-outcomes.ts';

// ---- driving the machine ----

/** An event that must leave the snapshot as it is (refused, or not enabled here). */
interface NoOp {
  readonly noOp: PersistenceEvent;
}
type Step = PersistenceEvent | NoOp;

const noOp = (event: PersistenceEvent): NoOp => ({ noOp: event });

function driveFrom(start: PersistenceSnapshot, steps: readonly Step[]): PersistenceSnapshot {
  let snapshot = start;
  steps.forEach((step, index) => {
    const intendedNoOp = 'noOp' in step;
    const event = intendedNoOp ? step.noOp : step;
    const [next] = transition(persistenceMachine, snapshot, event);
    const changed = next !== snapshot;
    expect(changed, `step ${index} (${eventLabel(event)}) ${intendedNoOp ? 'should change nothing' : 'changed nothing'}`).toBe(
      !intendedNoOp,
    );
    snapshot = next;
  });
  return snapshot;
}

/** Start a server with `config` on an empty directory and feed it `steps`. */
function drive(config: PersistenceConfig, steps: readonly Step[]): PersistenceSnapshot {
  const [initial] = initialTransition(persistenceMachine, config);
  return driveFrom(initial, steps);
}

const configOf = (changes: Partial<PersistenceConfig>): PersistenceConfig => ({ ...defaultConfig, ...changes });
const aofAlways = configOf({ appendonly: true, appendfsync: 'always' });
const aofEverysec = configOf({ appendonly: true, appendfsync: 'everysec' });
const aofNo = configOf({ appendonly: true, appendfsync: 'no' });
const rdbOnly = configOf({ appendonly: false, appendfsync: 'everysec', savePoints: [] });

const set = (key: string, value: string): PersistenceEvent => ({
  type: 'WRITE',
  ops: [{ op: 'set', key, value, expireAtMs: null }],
});
const turn: PersistenceEvent = { type: 'BEFORE_SLEEP' };
const tick = (ms: number): PersistenceEvent => ({ type: 'TICK', ms });
const crash = (kind: CrashKind): PersistenceEvent => ({ type: 'CRASH', kind });
const restart = (outcome: RestartOutcome): PersistenceEvent => ({ type: 'RESTART', outcome });
const plain = (type: PersistenceEvent['type']): PersistenceEvent => ({ type }) as PersistenceEvent;

/** A complete BGSAVE with nothing in between: fork, temp written, fsynced, renamed, dir fsynced. */
const bgsaveSteps: readonly PersistenceEvent[] = [
  { type: 'BGSAVE', schedule: false },
  plain('RDB_TEMP_WRITTEN'),
  plain('RDB_TEMP_FSYNCED'),
  plain('RDB_RENAMED'),
  plain('RDB_DIR_FSYNCED'),
];

/** Crash the snapshot through the machine and ask the oracle about the recorded context. */
function allowedAfterCrash(
  snapshot: PersistenceSnapshot,
  kind: CrashKind,
  assumptions?: OracleAssumptions,
): AllowedOutcomes {
  const crashed = driveFrom(snapshot, [crash(kind)]);
  expect(crashed.matches('crashed')).toBe(true);
  const record = crashed.context.crash;
  if (record === null) throw new Error('a crash is recorded');
  expect(record.kind).toBe(kind);
  return allowedOutcomes(record.before, kind, assumptions);
}

const ids = (log: WriteLog): number[] => log.map((write) => write.id);

/** A readable form of a load: its source, the write ids of its log and its length range. */
function describeLoad(load: AllowedLoad) {
  return { source: load.source, writes: ids(load.log), lengthMin: load.lengthMin, lengthMax: load.lengthMax };
}
const loadsOf = (allowed: AllowedOutcomes) => allowed.loads.map(describeLoad);

const loaded = (source: LoadSource, log: WriteLog, length: number): RestartOutcome => ({ kind: 'loaded', source, log, length });
const refused: RestartOutcome = { kind: 'refused', source: 'aof', reason: refusalHoleyTail };

// ---- appendfsync always ----

describe('allowedOutcomes with appendonly yes, appendfsync always', () => {
  const twoAcked = () => drive(aofAlways, [set('a', '1'), turn, set('b', '2'), turn]);

  it('keeps exactly the written length after a process crash (appendfsync=always)', () => {
    const snapshot = twoAcked();
    expect(snapshot.context.ackedLength).toBe(2);
    expect(loadsOf(allowedAfterCrash(snapshot, 'process'))).toEqual([
      { source: 'aof', writes: [1, 2], lengthMin: 2, lengthMax: 2 },
    ]);
  });

  it('keeps every acknowledged write after a power loss (appendfsync=always)', () => {
    const snapshot = twoAcked();
    const { aof, ackedLength } = snapshot.context;
    expect(aof.durableLength).toBeGreaterThanOrEqual(ackedLength);
    const allowed = allowedAfterCrash(snapshot, 'power');
    expect(loadsOf(allowed)).toEqual([
      { source: 'aof', writes: [1, 2], lengthMin: aof.durableLength, lengthMax: aof.writtenLength },
    ]);
    for (const load of allowed.loads) expect(load.lengthMin).toBeGreaterThanOrEqual(ackedLength);
  });

  it('rejects a restart shorter than an fsynced, acknowledged write (appendfsync=always, both crash kinds)', () => {
    const snapshot = twoAcked();
    const { history } = snapshot.context;
    for (const kind of ['process', 'power'] as const) {
      const allowed = allowedAfterCrash(snapshot, kind);
      expect(isOutcomeAllowed(allowed, loaded('aof', history, 2)), kind).toBe(true);
      expect(isOutcomeAllowed(allowed, loaded('aof', history, 1)), kind).toBe(false);
      expect(isOutcomeAllowed(allowed, loaded('aof', history, 0)), kind).toBe(false);
      expect(isOutcomeAllowed(allowed, loaded('empty', [], 0)), kind).toBe(false);
      // appendonly yes ignores dump.rdb: the same writes from another source are not allowed.
      expect(isOutcomeAllowed(allowed, loaded('rdb', history, 2)), kind).toBe(false);
    }
  });

  it('does not allow refusing to start after a process crash or a power loss with nothing unsynced (appendfsync=always)', () => {
    const snapshot = twoAcked();
    for (const kind of ['process', 'power'] as const) {
      const allowed = allowedAfterCrash(snapshot, kind);
      expect(allowed.refusalReasons, kind).toEqual([]);
      expect(isOutcomeAllowed(allowed, refused), kind).toBe(false);
    }
  });

  it('loses a write executed but not yet written by beforeSleep (never acknowledged) after a process crash (appendfsync=always)', () => {
    const snapshot = driveFrom(twoAcked(), [set('c', '3')]);
    expect(snapshot.context.ackedLength).toBe(2);
    expect(snapshot.context.history).toHaveLength(3);
    expect(loadsOf(allowedAfterCrash(snapshot, 'process'))).toEqual([
      { source: 'aof', writes: [1, 2, 3], lengthMin: 2, lengthMax: 2 },
    ]);
  });
});

// ---- appendfsync everysec ----

describe('allowedOutcomes with appendonly yes, appendfsync everysec', () => {
  const oneAcked = () => drive(aofEverysec, [set('a', '1'), turn]);
  /** A background fsync of write 1 runs while write 2 is executed: its AOF write is postponed. */
  const postponedAcked = () => {
    const fsyncing = driveFrom(oneAcked(), [tick(1_000), turn]);
    expect(fsyncing.context.aof.backgroundFsync).toEqual({ targetLength: 1, startedAtMs: 1_000 });
    return driveFrom(fsyncing, [set('b', '2'), turn]);
  };

  it('keeps a non-postponed acknowledged write after a process crash (appendfsync=everysec)', () => {
    const snapshot = oneAcked();
    expect(snapshot.context.ackedLength).toBe(1);
    expect(snapshot.context.aof.postponedSinceMs).toBeNull();
    expect(loadsOf(allowedAfterCrash(snapshot, 'process'))).toEqual([
      { source: 'aof', writes: [1], lengthMin: 1, lengthMax: 1 },
    ]);
  });

  it('loses an acknowledged write postponed behind a running background fsync after a process crash (appendfsync=everysec)', () => {
    const snapshot = postponedAcked();
    const { aof, ackedLength, history } = snapshot.context;
    expect(aof.postponedSinceMs).toBe(1_000);
    expect(ackedLength).toBe(2);
    expect(aof.writtenLength).toBe(1);
    const allowed = allowedAfterCrash(snapshot, 'process');
    expect(loadsOf(allowed)).toEqual([{ source: 'aof', writes: [1, 2], lengthMin: 1, lengthMax: 1 }]);
    expect(isOutcomeAllowed(allowed, loaded('aof', history, 2))).toBe(false);
    expect(isOutcomeAllowed(allowed, loaded('aof', history, 1))).toBe(true);
    expect(allowed.refusalReasons).toEqual([]);
  });

  it('may lose written but unsynced writes after a power loss, and may refuse a holey tail (appendfsync=everysec, strict POSIX)', () => {
    const snapshot = drive(aofEverysec, [set('a', '1'), turn, set('b', '2'), turn]);
    expect(snapshot.context.aof.durableLength).toBe(0);
    const allowed = allowedAfterCrash(snapshot, 'power');
    expect(loadsOf(allowed)).toEqual([{ source: 'aof', writes: [1, 2], lengthMin: 0, lengthMax: 2 }]);
    const [load] = allowed.loads;
    expect(load !== undefined && load.lengthMin < load.lengthMax).toBe(true);
    expect(allowed.refusalReasons).toEqual([refusalHoleyTail]);
    expect(isOutcomeAllowed(allowed, refused)).toBe(true);
  });

  it('does not allow a refusal after a power loss without holes when aof-load-truncated is yes (appendfsync=everysec)', () => {
    const snapshot = oneAcked();
    expect(snapshot.context.config.aofLoadTruncated).toBe(true);
    const allowed = allowedAfterCrash(snapshot, 'power', { unsyncedAppendsMayLeaveHoles: false });
    expect(loadsOf(allowed)).toEqual([{ source: 'aof', writes: [1], lengthMin: 0, lengthMax: 1 }]);
    expect(allowed.refusalReasons).toEqual([]);
    expect(isOutcomeAllowed(allowed, refused)).toBe(false);
  });

  it('allows a refusal of a torn tail after a power loss when aof-load-truncated is no, even without holes (appendfsync=everysec)', () => {
    const snapshot = driveFrom(oneAcked(), [{ type: 'SET_AOF_LOAD_TRUNCATED', enabled: false }]);
    const allowed = allowedAfterCrash(snapshot, 'power', { unsyncedAppendsMayLeaveHoles: false });
    expect(allowed.refusalReasons).toEqual([refusalTornTail]);
    expect(isOutcomeAllowed(allowed, refused)).toBe(true);
    expect(allowedAfterCrash(snapshot, 'process', { unsyncedAppendsMayLeaveHoles: false }).refusalReasons).toEqual([]);
  });

  it('never allows a refusal after a process crash, even with unsynced writes (appendfsync=everysec, aof-load-truncated no)', () => {
    const snapshot = driveFrom(oneAcked(), [{ type: 'SET_AOF_LOAD_TRUNCATED', enabled: false }]);
    expect(snapshot.context.aof.writtenLength).toBeGreaterThan(snapshot.context.aof.durableLength);
    const allowed = allowedAfterCrash(snapshot, 'process');
    expect(allowed.refusalReasons).toEqual([]);
    expect(isOutcomeAllowed(allowed, refused)).toBe(false);
  });

  it('keeps the fsynced writes and allows no refusal after a power loss once the background fsync is done (appendfsync=everysec)', () => {
    const snapshot = driveFrom(oneAcked(), [tick(1_000), plain('BG_FSYNC_DONE')]);
    expect(snapshot.context.aof.durableLength).toBe(1);
    const allowed = allowedAfterCrash(snapshot, 'power');
    expect(loadsOf(allowed)).toEqual([{ source: 'aof', writes: [1], lengthMin: 1, lengthMax: 1 }]);
    expect(allowed.refusalReasons).toEqual([]);
  });
});

// ---- a failed fsync (fsyncgate) ----

describe('allowedOutcomes after a failed background fsync (appendonly yes, appendfsync everysec)', () => {
  const oneAcked = () => drive(aofEverysec, [set('a', '1'), turn]);

  it('lets a power loss go back to where the failed fsync stood, even after a later fsync succeeded, and allows refusing (lost pages)', () => {
    const snapshot = driveFrom(oneAcked(), [tick(1_000), plain('AOF_FSYNC_FAILED'), tick(1_000), plain('BG_FSYNC_DONE')]);
    const { aof } = snapshot.context;
    expect([aof.poisonedFromLength, aof.durableLength, aof.writtenLength, aof.lastFsyncStatus]).toEqual([0, 1, 1, 'ok']);
    const allowed = allowedAfterCrash(snapshot, 'power');
    expect(loadsOf(allowed)).toEqual([{ source: 'aof', writes: [1], lengthMin: 0, lengthMax: 1 }]);
    expect(allowed.refusalReasons).toEqual([refusalLostPages]);
    expect(isOutcomeAllowed(allowed, loaded('aof', snapshot.context.history, 0))).toBe(true);
    expect(isOutcomeAllowed(allowed, refused)).toBe(true);
    // A process crash keeps the page cache: nothing is lost, nothing may be refused.
    const afterProcessCrash = allowedAfterCrash(snapshot, 'process');
    expect(loadsOf(afterProcessCrash)).toEqual([{ source: 'aof', writes: [1], lengthMin: 1, lengthMax: 1 }]);
    expect(afterProcessCrash.refusalReasons).toEqual([]);
  });

  it('allows no refusal and no loss when the failed fsync came after OS writeback had made every written write durable', () => {
    const snapshot = driveFrom(oneAcked(), [tick(1_000), plain('OS_WRITEBACK'), plain('AOF_FSYNC_FAILED')]);
    const { aof } = snapshot.context;
    expect([aof.poisonedFromLength, aof.durableLength, aof.writtenLength, aof.lastFsyncStatus]).toEqual([1, 1, 1, 'err']);
    const allowed = allowedAfterCrash(snapshot, 'power');
    expect(loadsOf(allowed)).toEqual([{ source: 'aof', writes: [1], lengthMin: 1, lengthMax: 1 }]);
    expect(allowed.refusalReasons).toEqual([]);
    expect(isOutcomeAllowed(allowed, refused)).toBe(false);
  });
});

// ---- appendfsync no ----

describe('allowedOutcomes with appendonly yes, appendfsync no', () => {
  const twoWritten = () => drive(aofNo, [set('a', '1'), turn, set('b', '2'), turn, tick(1_000)]);

  it('keeps every written write after a process crash (appendfsync=no)', () => {
    const snapshot = twoWritten();
    expect(snapshot.context.aof.writtenLength).toBe(2);
    expect(loadsOf(allowedAfterCrash(snapshot, 'process'))).toEqual([
      { source: 'aof', writes: [1, 2], lengthMin: 2, lengthMax: 2 },
    ]);
  });

  it('allows a power loss to go back to the durable horizon, which the server never moves itself (appendfsync=no)', () => {
    const snapshot = twoWritten();
    expect(snapshot.context.aof.durableLength).toBe(0);
    expect(loadsOf(allowedAfterCrash(snapshot, 'power'))).toEqual([
      { source: 'aof', writes: [1, 2], lengthMin: 0, lengthMax: 2 },
    ]);
  });

  it('moves the durable horizon on OS writeback, and only up to what was written (appendfsync=no)', () => {
    const synced = driveFrom(twoWritten(), [plain('OS_WRITEBACK')]);
    expect(synced.context.aof.durableLength).toBe(2);
    expect(loadsOf(allowedAfterCrash(synced, 'power'))).toEqual([
      { source: 'aof', writes: [1, 2], lengthMin: 2, lengthMax: 2 },
    ]);
    const later = driveFrom(synced, [noOp(plain('OS_WRITEBACK')), set('c', '3'), turn]);
    expect(loadsOf(allowedAfterCrash(later, 'power'))).toEqual([
      { source: 'aof', writes: [1, 2, 3], lengthMin: 2, lengthMax: 3 },
    ]);
  });
});

// ---- appendonly no: RDB only ----

describe('allowedOutcomes with appendonly no (RDB only)', () => {
  /** dump.rdb holds write 1; write 2 is acknowledged and only in memory. */
  const oldDumpThenWrite = () => drive(rdbOnly, [set('a', '1'), turn, ...bgsaveSteps, set('b', '2'), turn]);

  it('allows only the empty load when there is no dump, after either crash kind (appendonly=no)', () => {
    const snapshot = drive(rdbOnly, [set('a', '1'), turn]);
    for (const kind of ['process', 'power'] as const) {
      const allowed = allowedAfterCrash(snapshot, kind);
      expect(loadsOf(allowed), kind).toEqual([{ source: 'empty', writes: [], lengthMin: 0, lengthMax: 0 }]);
      expect(isOutcomeAllowed(allowed, loaded('rdb', snapshot.context.history, 1)), kind).toBe(false);
      expect(isOutcomeAllowed(allowed, loaded('aof', snapshot.context.history, 1)), kind).toBe(false);
      expect(isOutcomeAllowed(allowed, refused), kind).toBe(false);
    }
  });

  it('allows exactly the snapshot at the fork after a completed BGSAVE, without writes made while the child ran (appendonly=no)', () => {
    const snapshot = drive(rdbOnly, [
      set('a', '1'),
      turn,
      { type: 'BGSAVE', schedule: false },
      set('b', '2'),
      turn,
      plain('RDB_TEMP_WRITTEN'),
      plain('RDB_TEMP_FSYNCED'),
      plain('RDB_RENAMED'),
      plain('RDB_DIR_FSYNCED'),
    ]);
    expect(snapshot.matches({ running: { child: 'none' } })).toBe(true);
    expect(snapshot.context.ackedLength).toBe(2);
    for (const kind of ['process', 'power'] as const) {
      const allowed = allowedAfterCrash(snapshot, kind);
      expect(loadsOf(allowed), kind).toEqual([{ source: 'rdb', writes: [1], lengthMin: 1, lengthMax: 1 }]);
      expect(isOutcomeAllowed(allowed, loaded('rdb', snapshot.context.history, 2)), kind).toBe(false);
      expect(isOutcomeAllowed(allowed, loaded('rdb', snapshot.context.history, 1)), kind).toBe(true);
      expect(isOutcomeAllowed(allowed, loaded('empty', [], 0)), kind).toBe(false);
      expect(allowed.refusalReasons, kind).toEqual([]);
    }
  });

  it('keeps the old dump until the rename, whatever the crash kind (appendonly=no)', () => {
    const snapshot = driveFrom(oldDumpThenWrite(), [
      { type: 'BGSAVE', schedule: false },
      plain('RDB_TEMP_WRITTEN'),
      plain('RDB_TEMP_FSYNCED'),
    ]);
    for (const kind of ['process', 'power'] as const) {
      expect(loadsOf(allowedAfterCrash(snapshot, kind)), kind).toEqual([
        { source: 'rdb', writes: [1], lengthMin: 1, lengthMax: 1 },
      ]);
    }
  });

  it('allows the old or the new dump after a power loss between the rename and the directory fsync, but only the new after a process crash (appendonly=no)', () => {
    const snapshot = driveFrom(oldDumpThenWrite(), [
      { type: 'BGSAVE', schedule: false },
      plain('RDB_TEMP_WRITTEN'),
      plain('RDB_TEMP_FSYNCED'),
      plain('RDB_RENAMED'),
    ]);
    const power = allowedAfterCrash(snapshot, 'power');
    expect(loadsOf(power)).toEqual([
      { source: 'rdb', writes: [1], lengthMin: 1, lengthMax: 1 },
      { source: 'rdb', writes: [1, 2], lengthMin: 2, lengthMax: 2 },
    ]);
    const afterProcessCrash = allowedAfterCrash(snapshot, 'process');
    expect(loadsOf(afterProcessCrash)).toEqual([{ source: 'rdb', writes: [1, 2], lengthMin: 2, lengthMax: 2 }]);
    const oldDump = power.loads[0]?.log ?? [];
    expect(isOutcomeAllowed(afterProcessCrash, loaded('rdb', oldDump, 1))).toBe(false);
    expect(isOutcomeAllowed(power, loaded('rdb', oldDump, 1))).toBe(true);

    const synced = driveFrom(snapshot, [plain('RDB_DIR_FSYNCED')]);
    expect(loadsOf(allowedAfterCrash(synced, 'power'))).toEqual([
      { source: 'rdb', writes: [1, 2], lengthMin: 2, lengthMax: 2 },
    ]);
  });

  it('keeps the old dump and records lastbgsave_status err when the BGSAVE child fails (appendonly=no)', () => {
    const snapshot = driveFrom(oldDumpThenWrite(), [
      { type: 'BGSAVE', schedule: false },
      plain('RDB_TEMP_WRITTEN'),
      plain('RDB_FAILED'),
    ]);
    expect(snapshot.matches({ running: { child: 'none' } })).toBe(true);
    expect(snapshot.context.rdb.lastBgsaveStatus).toBe('err');
    expect(snapshot.context.rdbForkSnapshot).toBeNull();
    for (const kind of ['process', 'power'] as const) {
      expect(loadsOf(allowedAfterCrash(snapshot, kind)), kind).toEqual([
        { source: 'rdb', writes: [1], lengthMin: 1, lengthMax: 1 },
      ]);
    }
  });

  it('refuses writes (MISCONF) after a failed BGSAVE only when save points are set (appendonly=no, stop-writes-on-bgsave-error yes)', () => {
    const failed = driveFrom(oldDumpThenWrite(), [{ type: 'BGSAVE', schedule: false }, plain('RDB_FAILED')]);
    expect(failed.context.config.stopWritesOnBgsaveError).toBe(true);

    const withoutSavePoints = driveFrom(failed, [set('c', '3')]);
    expect(withoutSavePoints.context.history).toHaveLength(3);
    expect(withoutSavePoints.context.refusedWrites).toBe(0);

    const withSavePoints = driveFrom(failed, [
      { type: 'SET_SAVE_POINTS', points: [{ seconds: 3_600, changes: 1 }] },
      set('c', '3'),
    ]);
    expect(withSavePoints.context.history).toHaveLength(2);
    expect(withSavePoints.context.refusedWrites).toBe(1);
    expect(withSavePoints.context.nextWriteId).toBe(failed.context.nextWriteId);
  });
});

// ---- enabling AOF at runtime ----

describe('allowedOutcomes while AOF is enabled at runtime (CONFIG SET appendonly yes)', () => {
  const rdbAlways = configOf({ appendonly: false, appendfsync: 'always', savePoints: [] });
  /** appendonly yes at runtime after one write; a second write goes to the temp incr. */
  const waiting = () =>
    drive(rdbAlways, [set('a', '1'), turn, { type: 'SET_APPENDONLY', enabled: true }, set('b', '2'), turn]);
  const untilManifestRename = [
    plain('AOF_BASE_WRITTEN'),
    plain('AOF_BASE_FSYNCED'),
    plain('AOF_BASE_RENAMED'),
    plain('AOF_BASE_DIR_FSYNCED'),
    plain('MANIFEST_TEMP_WRITTEN'),
    plain('MANIFEST_TEMP_FSYNCED'),
  ];

  it('starts empty, losing acknowledged writes, after a crash before the first manifest commits (no AOF ever existed)', () => {
    const snapshot = waiting();
    expect(snapshot.context.aof.mode).toBe('waitRewrite');
    expect(snapshot.context.config.appendonly).toBe(true);
    expect(snapshot.context.ackedLength).toBe(2);
    const beforeRename = driveFrom(snapshot, untilManifestRename);
    for (const candidate of [snapshot, beforeRename]) {
      for (const kind of ['process', 'power'] as const) {
        const allowed = allowedAfterCrash(candidate, kind);
        expect(loadsOf(allowed), kind).toEqual([{ source: 'empty', writes: [], lengthMin: 0, lengthMax: 0 }]);
        expect(isOutcomeAllowed(allowed, loaded('aof', candidate.context.history, 2)), kind).toBe(false);
        expect(isOutcomeAllowed(allowed, loaded('aof', candidate.context.history, 1)), kind).toBe(false);
      }
    }
  });

  it('loads the old AOF, not the writes since, after a crash before the new manifest commits (AOF turned off, then on again)', () => {
    const snapshot = drive(aofAlways, [
      set('a', '1'),
      turn,
      { type: 'SET_APPENDONLY', enabled: false },
      set('b', '2'),
      turn,
      { type: 'SET_APPENDONLY', enabled: true },
      set('c', '3'),
      turn,
    ]);
    expect(snapshot.context.aof.mode).toBe('waitRewrite');
    expect(snapshot.context.ackedLength).toBe(3);
    for (const kind of ['process', 'power'] as const) {
      const allowed = allowedAfterCrash(snapshot, kind);
      expect(loadsOf(allowed), kind).toEqual([{ source: 'aof', writes: [1], lengthMin: 1, lengthMax: 1 }]);
      expect(isOutcomeAllowed(allowed, loaded('aof', snapshot.context.history, 3)), kind).toBe(false);
    }
  });

  it('allows the new AOF after a process crash, and the new AOF or nothing after a power loss, between the manifest rename and its directory fsync', () => {
    const snapshot = driveFrom(waiting(), [...untilManifestRename, plain('MANIFEST_RENAMED')]);
    expect(snapshot.context.aof.mode).toBe('on');
    expect(loadsOf(allowedAfterCrash(snapshot, 'process'))).toEqual([
      { source: 'aof', writes: [1, 2], lengthMin: 2, lengthMax: 2 },
    ]);
    expect(loadsOf(allowedAfterCrash(snapshot, 'power'))).toEqual([
      { source: 'empty', writes: [], lengthMin: 0, lengthMax: 0 },
      { source: 'aof', writes: [1, 2], lengthMin: 2, lengthMax: 2 },
    ]);
  });

  it('keeps every acknowledged write once the manifest commit is durable (MANIFEST_DIR_FSYNCED, appendfsync=always)', () => {
    const snapshot = driveFrom(waiting(), [...untilManifestRename, plain('MANIFEST_RENAMED'), plain('MANIFEST_DIR_FSYNCED')]);
    expect(snapshot.matches({ running: { eventLoop: { finishingRewrite: 'deletingHistory' } } })).toBe(true);
    for (const kind of ['process', 'power'] as const) {
      const allowed = allowedAfterCrash(snapshot, kind);
      expect(loadsOf(allowed), kind).toEqual([{ source: 'aof', writes: [1, 2], lengthMin: 2, lengthMax: 2 }]);
      for (const load of allowed.loads) expect(load.lengthMin, kind).toBeGreaterThanOrEqual(snapshot.context.ackedLength);
    }
  });
});

// ---- histories that no crash produces ----

describe('isOutcomeAllowed on reordered and holey histories', () => {
  /** Three acknowledged, unsynced writes: a power loss allows any prefix length 0..3. */
  const threeUnsynced = () => drive(aofEverysec, [set('a', '1'), turn, set('b', '2'), turn, set('c', '3'), turn]);

  it('rejects a log of the right length with the writes in another order (power loss, appendfsync=everysec)', () => {
    const snapshot = threeUnsynced();
    const [w1, w2, w3] = snapshot.context.history;
    if (w1 === undefined || w2 === undefined || w3 === undefined) throw new Error('three writes');
    const allowed = allowedAfterCrash(snapshot, 'power');
    expect(loadsOf(allowed)).toEqual([{ source: 'aof', writes: [1, 2, 3], lengthMin: 0, lengthMax: 3 }]);
    expect(isOutcomeAllowed(allowed, loaded('aof', [w1, w3, w2], 3))).toBe(false);
    expect(isOutcomeAllowed(allowed, loaded('aof', [w2, w1], 2))).toBe(false);
    expect(isOutcomeAllowed(allowed, loaded('aof', [w1, w2, w3], 3))).toBe(true);
  });

  it('rejects a log that skips a write, even at an allowed length (power loss, appendfsync=everysec)', () => {
    const snapshot = threeUnsynced();
    const [w1, w2, w3] = snapshot.context.history;
    if (w1 === undefined || w2 === undefined || w3 === undefined) throw new Error('three writes');
    const allowed = allowedAfterCrash(snapshot, 'power');
    expect(isOutcomeAllowed(allowed, loaded('aof', [w1, w3], 2))).toBe(false);
    expect(isOutcomeAllowed(allowed, loaded('aof', [w2, w3], 2))).toBe(false);
    expect(isOutcomeAllowed(allowed, loaded('aof', [w1, w2], 2))).toBe(true);
    // A write with the same effect but another id is another write.
    expect(isOutcomeAllowed(allowed, loaded('aof', [w1, { ...w2, id: 99 }], 2))).toBe(false);
  });
});

// ---- outcomes that claim more writes than their log holds ----

describe('isOutcomeAllowed and sameLogPrefix on logs shorter than the compared length', () => {
  it('rejects a loaded outcome whose log is shorter than the length it claims, even when its writes match (power loss, appendfsync=everysec)', () => {
    const snapshot = drive(aofEverysec, [set('a', '1'), turn, set('b', '2'), turn, set('c', '3'), turn]);
    const [w1, w2] = snapshot.context.history;
    if (w1 === undefined || w2 === undefined) throw new Error('three writes');
    const allowed = allowedAfterCrash(snapshot, 'power');
    expect(isOutcomeAllowed(allowed, loaded('aof', [w1, w2], 2))).toBe(true);
    expect(isOutcomeAllowed(allowed, loaded('aof', [w1, w2], 3))).toBe(false);
  });

  it('says two logs share no prefix of a length that neither holds, even when they are the same writes', () => {
    const { history } = drive(aofEverysec, [set('a', '1'), turn, set('b', '2'), turn]).context;
    expect(sameLogPrefix(history, history, 2)).toBe(true);
    expect(sameLogPrefix(history, history, 3)).toBe(false);
    expect(sameLogPrefix(history, history.slice(0, 1), 2)).toBe(false);
    expect(sameLogPrefix(history.slice(0, 1), history, 2)).toBe(false);
  });
});

// ---- findMatchingOutcome ----

describe('findMatchingOutcome', () => {
  const threeKeys = () => drive(aofEverysec, [set('a', '1'), turn, set('b', '2'), turn, set('c', '3'), turn]);

  it('finds the prefix whose dataset a restart produced, for every allowed length (power loss, appendfsync=everysec)', () => {
    const snapshot = threeKeys();
    const { history, nowMs } = snapshot.context;
    const allowed = allowedAfterCrash(snapshot, 'power');
    for (let length = 0; length <= 3; length += 1) {
      expect(findMatchingOutcome(allowed, datasetOfPrefix(history, length, nowMs), nowMs), `prefix ${length}`).toEqual({
        kind: 'loaded',
        source: 'aof',
        log: history,
        length,
      });
    }
  });

  it('returns undefined for a dataset that no allowed prefix produces', () => {
    const snapshot = threeKeys();
    const { history, nowMs } = snapshot.context;
    const power = allowedAfterCrash(snapshot, 'power');
    const foreign: Dataset = new Map([['a', { value: 'never written', expireAtMs: null }]]);
    expect(findMatchingOutcome(power, foreign, nowMs)).toBeUndefined();
    // The dataset of a holey history: writes 1 and 3 without 2.
    const [w1, , w3] = history;
    if (w1 === undefined || w3 === undefined) throw new Error('three writes');
    expect(findMatchingOutcome(power, datasetOfPrefix([w1, w3], 2, nowMs), nowMs)).toBeUndefined();
    // A prefix outside the allowed range: a process crash keeps all three written writes.
    const afterProcessCrash = allowedAfterCrash(snapshot, 'process');
    expect(findMatchingOutcome(afterProcessCrash, datasetOfPrefix(history, 1, nowMs), nowMs)).toBeUndefined();
    expect(findMatchingOutcome(afterProcessCrash, datasetOfPrefix(history, 3, nowMs), nowMs)?.length).toBe(3);
  });

  it('prefers the longest prefix when several give the same dataset', () => {
    const snapshot = drive(aofEverysec, [set('a', '1'), turn, set('a', '1'), turn]);
    const { history, nowMs } = snapshot.context;
    const allowed = allowedAfterCrash(snapshot, 'power');
    expect(findMatchingOutcome(allowed, datasetOfPrefix(history, 1, nowMs), nowMs)?.length).toBe(2);
  });
});

// ---- RESTART through the machine ----

describe('RESTART in the persistence machine', () => {
  /** Power loss with two written, unsynced writes (appendfsync=everysec): lengths 0..2, refusal allowed. */
  const crashedByPowerLoss = () => drive(aofEverysec, [set('a', '1'), turn, set('b', '2'), turn, crash('power')]);

  it('stays crashed on a disallowed outcome: wrong source, reordered log, or a refusal after a process crash', () => {
    const crashed = crashedByPowerLoss();
    const history = crashed.context.crash?.before.history ?? [];
    const [w1, w2] = history;
    if (w1 === undefined || w2 === undefined) throw new Error('two writes');
    const still = driveFrom(crashed, [
      noOp(restart(loaded('rdb', history, 2))),
      noOp(restart(loaded('aof', [w2, w1], 2))),
      noOp(restart(loaded('empty', [], 0))),
    ]);
    expect(still.matches('crashed')).toBe(true);

    const processCrashed = drive(aofEverysec, [set('a', '1'), turn, crash('process')]);
    const stillProcess = driveFrom(processCrashed, [
      noOp(restart(refused)),
      noOp(restart(loaded('aof', processCrashed.context.history, 0))),
    ]);
    expect(stillProcess.matches('crashed')).toBe(true);
  });

  it('runs again with the loaded prefix on an allowed load', () => {
    const crashed = crashedByPowerLoss();
    const history = crashed.context.crash?.before.history ?? [];
    const outcome = loaded('aof', history, 1);
    const restarted = driveFrom(crashed, [restart(outcome)]);
    expect(restarted.matches('running')).toBe(true);
    expect(ids(restarted.context.history)).toEqual([1]);
    expect(restarted.context.ackedLength).toBe(1);
    expect(restarted.context.lastRestart).toEqual(outcome);
    expect(restarted.context.crash).toBeNull();
    // Write ids stay unique across the restart: the lost write 2's id is not reused.
    expect(restarted.context.nextWriteId).toBe(3);
  });

  it('refuses to start on an allowed refusal (power loss, appendfsync=everysec, strict POSIX)', () => {
    const refusedStart = driveFrom(crashedByPowerLoss(), [restart(refused)]);
    expect(refusedStart.matches('refusedToStart')).toBe(true);
    expect(refusedStart.context.lastRestart).toEqual(refused);
  });
});
