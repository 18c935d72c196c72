/**
 * The events worth trying from a model snapshot: a small, finite menu that reaches every state
 * and transition. Used by graph traversal, random walks and the guarantee exploration.
 *
 * Invariants:
 * - Deterministic: the same snapshot gives the same menu, in the same order.
 * - RESTART outcomes come from the oracle itself: the extremes of every allowed range, and a
 *   refusal when one is allowed. Nothing outside the allowed set is offered.
 */
import { allowedOutcomes } from '../oracle/allowed-outcomes.ts';
import type { PersistenceContext, PersistenceEvent, RestartOutcome } from '../persistence-types.ts';

export const menuKeys = ['a', 'b'] as const;

const stepEvents: readonly PersistenceEvent['type'][] = [
  'RDB_TEMP_WRITTEN', 'RDB_TEMP_FSYNCED', 'RDB_RENAMED', 'RDB_DIR_FSYNCED', 'RDB_FAILED',
  'AOF_INCR_CREATED', 'AOF_BASE_WRITTEN', 'AOF_BASE_FSYNCED', 'AOF_REWRITE_FAILED', 'AOF_BASE_RENAMED',
  'AOF_BASE_DIR_FSYNCED', 'AOF_HISTORY_DELETED', 'MANIFEST_TEMP_WRITTEN', 'MANIFEST_TEMP_FSYNCED',
  'MANIFEST_RENAMED', 'MANIFEST_DIR_FSYNCED',
];

export function writeEvents(context: PersistenceContext): PersistenceEvent[] {
  const value = `v${context.nextWriteId}`;
  return [
    { type: 'WRITE', ops: [{ op: 'set', key: 'a', value, expireAtMs: null }] },
    { type: 'WRITE', ops: [{ op: 'set', key: 'b', value, expireAtMs: context.nowMs + 1_500 }] },
    { type: 'WRITE', ops: [{ op: 'del', key: 'a' }, { op: 'set', key: 'b', value, expireAtMs: null }] },
  ];
}

export function restartEvents(context: PersistenceContext): PersistenceEvent[] {
  if (context.crash === null) return [];
  const allowed = allowedOutcomes(context.crash.before, context.crash.kind);
  const outcomes: RestartOutcome[] = [];
  for (const load of allowed.loads) {
    outcomes.push({ kind: 'loaded', source: load.source, log: load.log, length: load.lengthMax });
    if (load.lengthMin !== load.lengthMax) {
      outcomes.push({ kind: 'loaded', source: load.source, log: load.log, length: load.lengthMin });
    }
  }
  const reason = allowed.refusalReasons[0];
  if (reason !== undefined) outcomes.push({ kind: 'refused', source: 'aof', reason });
  return outcomes.map((outcome) => ({ type: 'RESTART', outcome }));
}

/** Every event of the menu; callers filter with `snapshot.can(event)`. */
export function eventMenu(context: PersistenceContext): PersistenceEvent[] {
  return [
    ...writeEvents(context),
    { type: 'READ', key: 'a' },
    { type: 'BEFORE_SLEEP' },
    { type: 'TICK', ms: 250 },
    { type: 'TICK', ms: 1_000 },
    { type: 'CRON' },
    { type: 'AOF_AUTO_REWRITE' },
    { type: 'OS_WRITEBACK' },
    { type: 'BG_FSYNC_DONE' },
    { type: 'AOF_WRITE_FAILED' },
    { type: 'AOF_FSYNC_FAILED' },
    { type: 'SET_APPENDONLY', enabled: true },
    { type: 'SET_APPENDONLY', enabled: false },
    { type: 'SET_APPENDFSYNC', policy: 'always' },
    { type: 'SET_APPENDFSYNC', policy: 'everysec' },
    { type: 'SET_APPENDFSYNC', policy: 'no' },
    { type: 'SET_SAVE_POINTS', points: [{ seconds: 1, changes: 1 }] },
    { type: 'SET_SAVE_POINTS', points: [] },
    { type: 'SET_STOP_WRITES_ON_BGSAVE_ERROR', enabled: true },
    { type: 'SET_STOP_WRITES_ON_BGSAVE_ERROR', enabled: false },
    { type: 'SET_AOF_LOAD_TRUNCATED', enabled: true },
    { type: 'SET_AOF_LOAD_TRUNCATED', enabled: false },
    { type: 'SAVE' },
    { type: 'BGSAVE', schedule: false },
    { type: 'BGSAVE', schedule: true },
    { type: 'BGREWRITEAOF' },
    ...stepEvents.map((type) => ({ type }) as PersistenceEvent),
    { type: 'CRASH', kind: 'process' },
    { type: 'CRASH', kind: 'power' },
    ...restartEvents(context),
  ];
}

/** A text key for an event, for coverage sets and reports. */
export function eventLabel(event: PersistenceEvent): string {
  switch (event.type) {
    case 'WRITE':
      return `WRITE ${event.ops.map((op) => op.op).join('+')}`;
    case 'RESTART':
      return event.outcome.kind === 'loaded'
        ? `RESTART loaded ${event.outcome.source} ${event.outcome.length}`
        : `RESTART refused`;
    default: {
      const { type, ...rest } = event;
      const args = Object.values(rest).map((value) => JSON.stringify(value)).join(' ');
      return args === '' ? type : `${type} ${args}`;
    }
  }
}
