/**
 * Goal: the model's AOF fsync bookkeeping follows Redis 7.0 exactly where the conformance suite
 * found it did not (each case was a divergence between the model and the implementation):
 * - everysec, postponement, save points and the BGSAVE retry compare whole seconds of
 *   `server.unixtime`, not milliseconds (7.4 moved to ms);
 * - an empty AOF buffer reaches the fsync step only with no background fsync pending, and under
 *   always only a tail past last_incr_fsync_offset (which a queued background fsync has already
 *   moved) is fsynced: otherwise aof_last_fsync does not move;
 * - CONFIG SET appendonly yes sets aof_last_fsync to now (startAppendOnly);
 * - a start fdatasyncs the incr it loaded: after a restart, what loaded is durable.
 * Method: the pure actions and guards on hand-built contexts.
 */
import { describe, expect, it } from 'vitest';
import { advanceClock, applyWrite, createInitialContext, enableAof, endEventLoopTurn, setConfig } from './persistence-actions.ts';
import { initialTransition, transition } from 'xstate';
import { isEverysecFsyncDue, savePointDue } from './persistence-guards.ts';
import { persistenceMachine } from './persistence-machine.ts';
import type { PersistenceContext } from './persistence-types.ts';

const everysec = (): PersistenceContext => createInitialContext({ appendonly: true, appendfsync: 'everysec', savePoints: [], stopWritesOnBgsaveError: true, aofLoadTruncated: true });
const at = (context: PersistenceContext, ms: number): PersistenceContext => ({ ...context, nowMs: ms });
const write = (context: PersistenceContext): PersistenceContext => applyWrite(context, [{ op: 'set', key: 'k', value: 'v', expireAtMs: null }]);

describe('everysec decisions in whole seconds (Redis 7.0 server.unixtime)', () => {
  it('an fsync is due when the second changed (0.9 s → 1.0 s), not after 1000 ms within a second pair (0.1 s → 1.05 s is due, 1.2 s → 1.9 s is not)', () => {
    const base = everysec();
    expect(isEverysecFsyncDue({ ...at(base, 1_000), aof: { ...base.aof, lastFsyncMs: 900 } })).toBe(true);
    expect(isEverysecFsyncDue({ ...at(base, 1_900), aof: { ...base.aof, lastFsyncMs: 1_200 } })).toBe(false);
    expect(isEverysecFsyncDue({ ...at(base, 1_050), aof: { ...base.aof, lastFsyncMs: 100 } })).toBe(true);
  });

  it('a save point fires when whole seconds since the last save exceed its seconds (save 5 1: 1.9 s → 7.0 s fires, 1.1 s → 6.9 s does not)', () => {
    const base = setConfig(createInitialContext(), { savePoints: [{ seconds: 5, changes: 1 }] });
    const dirty = { ...base, rdb: { ...base.rdb, dirty: 1 } };
    expect(savePointDue({ ...at(dirty, 7_000), rdb: { ...dirty.rdb, lastSaveMs: 1_900 } })).toBeDefined();
    expect(savePointDue({ ...at(dirty, 6_900), rdb: { ...dirty.rdb, lastSaveMs: 1_100 } })).toBeUndefined();
  });
});

describe('aof_last_fsync moves only when Redis 7.0 moves it', () => {
  it('an empty buffer with a background fsync pending changes nothing, not even the last fsync time', () => {
    let context = write(everysec());
    context = endEventLoopTurn(at(context, 1_000));
    expect(context.aof.backgroundFsync).not.toBeNull();
    const later = endEventLoopTurn(at(context, 2_500));
    expect(later.aof).toEqual(context.aof);
  });

  it('under always, an empty buffer with nothing unsynced leaves aof_last_fsync alone', () => {
    let context = setConfig(write(everysec()), { appendfsync: 'always' });
    context = endEventLoopTurn(at(context, 1_000));
    expect(context.aof).toMatchObject({ durableLength: 1, lastFsyncMs: 1_000 });
    expect(endEventLoopTurn(at(context, 2_000)).aof.lastFsyncMs).toBe(1_000);
  });

  it('CONFIG SET appendonly yes sets aof_last_fsync to now', () => {
    const off = advanceClock(createInitialContext(), 3_400);
    expect(enableAof(off).aof.lastFsyncMs).toBe(3_400);
  });
});

describe('a restart', () => {
  it('after a process crash with an unsynced AOF tail, what the start loaded is durable (it fdatasyncs the loaded incr)', () => {
    let [snapshot] = initialTransition(persistenceMachine, { appendonly: true, appendfsync: 'everysec', savePoints: [], stopWritesOnBgsaveError: true, aofLoadTruncated: true });
    for (const event of [{ type: 'WRITE', ops: [{ op: 'set', key: 'k', value: 'v', expireAtMs: null }] }, { type: 'BEFORE_SLEEP' }, { type: 'CRASH', kind: 'process' }] as const) {
      [snapshot] = transition(persistenceMachine, snapshot, event);
    }
    const crashed = snapshot.context;
    expect(crashed.aof).toMatchObject({ writtenLength: 1, durableLength: 0 });
    [snapshot] = transition(persistenceMachine, snapshot, { type: 'RESTART', outcome: { kind: 'loaded', source: 'aof', log: crashed.history, length: 1 } });
    expect(snapshot.matches('running')).toBe(true);
    expect(snapshot.context.aof).toMatchObject({ writtenLength: 1, durableLength: 1 });
  });
});

describe('CONFIG SET appendfsync always with a background fsync queued', () => {
  it('does not fsync at the next turn when the queued fsync already covers the written tail (Redis moved last_incr_fsync_offset when it queued it)', () => {
    let context = write(everysec());
    context = endEventLoopTurn(at(context, 1_000));
    expect(context.aof.backgroundFsync).toEqual({ targetLength: 1, startedAtMs: 1_000 });
    context = setConfig(context, { appendfsync: 'always' });
    const next = endEventLoopTurn(at(context, 1_200));
    expect(next.aof).toMatchObject({ durableLength: 0, lastFsyncMs: 1_000, backgroundFsync: { targetLength: 1 } });
  });
});
