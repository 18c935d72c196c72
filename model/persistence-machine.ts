/**
 * The persistence machine: Redis 7.0's RDB and AOF persistence as an xstate v5 statechart.
 *
 * Invariants:
 * - No `invoke`, no `after`: time (TICK), the cron (CRON), background fsyncs and every step of a
 *   child or of the parent's file protocol are explicit events, so `xstate/graph` can walk it.
 * - `running` has two regions: the event loop (the parent's foreground) and the child (at most one
 *   BGSAVE or rewrite child, as Redis allows). Background fsync completion, the clock and crashes
 *   belong to `running` itself: they happen whatever the regions are doing.
 * - Each durable file protocol is one step per file-system effect: temp written, temp fsynced,
 *   renamed, directory fsynced. A crash can land between any two.
 * - All logic lives in pure functions (persistence-actions.ts, persistence-guards.ts); this file
 *   only names and wires them, with a description on every state and transition.
 */
import { and, assertEvent, assign, not, setup, stateIn } from 'xstate';
import {
  advanceClock,
  advanceClockServing,
  applyWrite,
  commitRewriteManifest,
  completeRdbSave,
  completeRewrite,
  createIncrFile,
  createInitialContext,
  defaultConfig,
  disableAof,
  enableAof,
  endEventLoopTurn,
  failAofWrite,
  failBackgroundFsync,
  failBgsave,
  failRewrite,
  failSave,
  finishBackgroundFsync,
  flushBeforeRotation,
  forkRdbSnapshot,
  forkRewriteChild,
  recordCrash,
  refuseStart,
  refuseWrite,
  renameRdbTemp,
  restartFrom,
  scheduleBgsave,
  scheduleRewrite,
  setConfig,
  setFsyncPolicy,
  syncManifestDirectory,
  writeBackPageCache,
} from './persistence-actions.ts';
import {
  hasAofBuffered,
  isScheduledBgsaveDue,
  isWriteDenied,
  savePointDue,
} from './persistence-guards.ts';
import type { PersistenceConfig, PersistenceContext, PersistenceEvent } from './persistence-types.ts';
import { allowedOutcomes, isOutcomeAllowed } from './oracle/allowed-outcomes.ts';

const inRdbChild = stateIn('#rdbChild');
const inRewriteChild = stateIn('#rewriteChild');
const inNoChild = stateIn('#noChild');

/** The four steps of a durable replace of the AOF manifest (facts §4.4). */
function manifestSwapStates(description: string, onRenamed: readonly 'commitRewriteManifest'[], onDurable: object) {
  return {
    description,
    initial: 'writingTemp',
    states: {
      writingTemp: {
        description: 'temp-appendonly.aof.manifest is being written.',
        on: { MANIFEST_TEMP_WRITTEN: { target: 'tempWritten', description: 'The temp manifest is written.' } },
      },
      tempWritten: {
        description: 'The temp manifest is written, not yet durable: renaming it now would be unsafe.',
        on: { MANIFEST_TEMP_FSYNCED: { target: 'tempSynced', description: 'The temp manifest is fsynced.' } },
      },
      tempSynced: {
        description: 'The temp manifest is durable and may be renamed over appendonly.aof.manifest.',
        on: {
          MANIFEST_RENAMED: {
            target: 'renamed',
            actions: [...onRenamed],
            description: 'The rename over appendonly.aof.manifest: the commit point. A power loss may still undo it.',
          },
        },
      },
      renamed: {
        description: 'The new manifest is visible; appendonlydir is not yet fsynced.',
        on: { MANIFEST_DIR_FSYNCED: onDurable },
      },
    },
  } as const;
}

/** The four steps of writing a snapshot to temp-<pid>.rdb and renaming it over dump.rdb (facts §2.1). */
function rdbWriteStates(onDurable: object) {
  return {
    writingTemp: {
      description: 'The snapshot is being written to the temp file.',
      on: { RDB_TEMP_WRITTEN: { target: 'tempWritten', description: 'The temp RDB is written.' } },
    },
    tempWritten: {
      description: 'The temp RDB is written, not yet durable.',
      on: { RDB_TEMP_FSYNCED: { target: 'tempSynced', description: 'The temp RDB is fsynced.' } },
    },
    tempSynced: {
      description: 'The temp RDB is durable and may be renamed over dump.rdb.',
      on: {
        RDB_RENAMED: {
          target: 'renamed',
          actions: 'renameRdbTemp',
          description: 'rename(temp, dump.rdb): visible at once; a power loss may undo it.',
        },
      },
    },
    renamed: {
      description: 'dump.rdb is the new snapshot; the directory is not yet fsynced.',
      on: { RDB_DIR_FSYNCED: onDurable },
    },
  } as const;
}

export const persistenceMachine = setup({
  types: {
    context: {} as PersistenceContext,
    events: {} as PersistenceEvent,
    input: {} as PersistenceConfig | undefined,
  },
  guards: {
    isWriteDenied: ({ context }) => isWriteDenied(context),
    hasAofBuffered: ({ context }) => hasAofBuffered(context),
    isPolicyAlways: ({ context }) => context.config.appendfsync === 'always',
    hasUnsyncedAofUnderAlways: ({ context }) =>
      context.config.appendfsync === 'always' && context.aof.mode !== 'off' && hasAofBuffered(context),
    isBackgroundFsyncRunning: ({ context }) => context.aof.backgroundFsync !== null,
    hasUnwrittenBack: ({ context }) => context.aof.writtenLength > context.aof.durableLength,
    isAofOn: ({ context }) => context.aof.mode === 'on',
    isAppendonly: ({ context }) => context.config.appendonly,
    isRewriteScheduled: ({ context }) => context.rewrite.scheduled,
    isScheduledBgsaveDue: ({ context }) => isScheduledBgsaveDue(context),
    isSavePointDue: ({ context }) => savePointDue(context) !== undefined,
    wantsSchedule: ({ event }) => event.type === 'BGSAVE' && event.schedule,
    wantsAppendonly: ({ event }) => event.type === 'SET_APPENDONLY' && event.enabled,
    isAllowedLoad: ({ context, event }) => {
      assertEvent(event, 'RESTART');
      if (context.crash === null || event.outcome.kind !== 'loaded') return false;
      return isOutcomeAllowed(allowedOutcomes(context.crash.before, context.crash.kind), event.outcome);
    },
    isAllowedRefusal: ({ context, event }) => {
      assertEvent(event, 'RESTART');
      if (context.crash === null || event.outcome.kind !== 'refused') return false;
      return isOutcomeAllowed(allowedOutcomes(context.crash.before, context.crash.kind), event.outcome);
    },
  },
  actions: {
    applyWrite: assign(({ context, event }) => {
      assertEvent(event, 'WRITE');
      return applyWrite(context, event.ops);
    }),
    refuseWrite: assign(({ context }) => refuseWrite(context)),
    endEventLoopTurn: assign(({ context }) => endEventLoopTurn(context)),
    failAofWrite: assign(({ context }) => failAofWrite(context)),
    finishBackgroundFsync: assign(({ context }) => finishBackgroundFsync(context)),
    failBackgroundFsync: assign(({ context }) => failBackgroundFsync(context)),
    writeBackPageCache: assign(({ context }) => writeBackPageCache(context)),
    advanceClock: assign(({ context, event }) => {
      assertEvent(event, 'TICK');
      return advanceClock(context, event.ms);
    }),
    advanceClockServing: assign(({ context, event }) => {
      assertEvent(event, 'TICK');
      return advanceClockServing(context, event.ms);
    }),
    setAppendfsync: assign(({ context, event }) => {
      assertEvent(event, 'SET_APPENDFSYNC');
      return setFsyncPolicy(context, event.policy);
    }),
    setSavePoints: assign(({ context, event }) => {
      assertEvent(event, 'SET_SAVE_POINTS');
      return setConfig(context, { savePoints: event.points });
    }),
    setStopWrites: assign(({ context, event }) => {
      assertEvent(event, 'SET_STOP_WRITES_ON_BGSAVE_ERROR');
      return setConfig(context, { stopWritesOnBgsaveError: event.enabled });
    }),
    setAofLoadTruncated: assign(({ context, event }) => {
      assertEvent(event, 'SET_AOF_LOAD_TRUNCATED');
      return setConfig(context, { aofLoadTruncated: event.enabled });
    }),
    enableAof: assign(({ context }) => enableAof(context)),
    disableAof: assign(({ context }) => disableAof(context)),
    forkSave: assign(({ context }) => forkRdbSnapshot(context, false)),
    forkBgsave: assign(({ context }) => forkRdbSnapshot(context, true)),
    scheduleBgsave: assign(({ context }) => scheduleBgsave(context)),
    renameRdbTemp: assign(({ context }) => renameRdbTemp(context)),
    completeRdbSave: assign(({ context }) => completeRdbSave(context)),
    failBgsave: assign(({ context }) => failBgsave(context)),
    failSave: assign(({ context }) => failSave(context)),
    flushBeforeRotation: assign(({ context }) => flushBeforeRotation(context)),
    createIncrFile: assign(({ context }) => createIncrFile(context)),
    forkRewriteChild: assign(({ context }) => forkRewriteChild(context)),
    scheduleRewrite: assign(({ context }) => scheduleRewrite(context)),
    failRewrite: assign(({ context }) => failRewrite(context)),
    commitRewriteManifest: assign(({ context }) => commitRewriteManifest(context)),
    syncManifestDirectory: assign(({ context }) => syncManifestDirectory(context)),
    completeRewrite: assign(({ context }) => completeRewrite(context)),
    recordProcessCrash: assign(({ context }) => recordCrash(context, 'process')),
    recordCrash: assign(({ context, event }) => {
      assertEvent(event, 'CRASH');
      return recordCrash(context, event.kind);
    }),
    restart: assign(({ context, event }) => {
      assertEvent(event, 'RESTART');
      return restartFrom(context, event.outcome);
    }),
    refuseStart: assign(({ context, event }) => {
      assertEvent(event, 'RESTART');
      return refuseStart(context, event.outcome);
    }),
  },
}).createMachine({
  id: 'persistence',
  description: 'A Redis 7.0 server with RDB and AOF persistence, from start to crash and restart.',
  context: ({ input }) => createInitialContext(input ?? defaultConfig),
  initial: 'running',
  states: {
    running: {
      id: 'running',
      type: 'parallel',
      description: 'The server process is up: its event loop, and at most one forked child.',
      on: {
        TICK: { actions: 'advanceClock', description: 'Time passes while the event loop is blocked (SAVE, or file work of a rewrite).' },
        BG_FSYNC_DONE: {
          guard: 'isBackgroundFsyncRunning',
          actions: 'finishBackgroundFsync',
          description: 'The background fsync (everysec) finished: its target length is durable.',
        },
        AOF_FSYNC_FAILED: {
          guard: 'isBackgroundFsyncRunning',
          actions: 'failBackgroundFsync',
          description: 'The background fsync failed: MISCONF until one succeeds; the unsynced pages may be lost for good.',
        },
        OS_WRITEBACK: {
          guard: 'hasUnwrittenBack',
          actions: 'writeBackPageCache',
          description: 'The kernel writes dirty AOF pages back on its own (the only durability under appendfsync no).',
        },
        CRASH: {
          target: '#crashed',
          actions: 'recordCrash',
          description: 'The process dies (kill -9) or the machine loses power: RAM, buffers and children are gone.',
        },
      },
      states: {
        eventLoop: {
          description: "The parent's single thread: commands, beforeSleep, the cron and synchronous file work.",
          initial: 'serving',
          states: {
            serving: {
              id: 'serving',
              description: 'Serving commands between event-loop turns.',
              on: {
                WRITE: [
                  {
                    guard: 'isWriteDenied',
                    actions: 'refuseWrite',
                    description: 'MISCONF: a failed BGSAVE (with save points) or an AOF error refuses writes.',
                  },
                  { actions: 'applyWrite', description: 'Execute a write in memory; when AOF logs, append it to the AOF buffer.' },
                ],
                READ: { description: 'A read: served from memory, the disk is not touched.' },
                TICK: {
                  actions: 'advanceClockServing',
                  description: 'Time passes with idle event-loop turns: a postponed flush is retried, a due everysec fsync starts.',
                },
                BEFORE_SLEEP: {
                  actions: 'endEventLoopTurn',
                  description:
                    'End of a turn: write the AOF buffer (everysec may postpone it < 2 s behind a running fsync), fsync under always, then reply.',
                },
                AOF_WRITE_FAILED: [
                  {
                    guard: 'hasUnsyncedAofUnderAlways',
                    target: '#crashed',
                    actions: 'recordProcessCrash',
                    description: 'A failed AOF write under always: exit(1) without replying.',
                  },
                  {
                    guard: 'hasAofBuffered',
                    actions: 'failAofWrite',
                    description: 'A failed AOF write under everysec or no: keep the buffer, reply, refuse writes (MISCONF).',
                  },
                ],
                AOF_FSYNC_FAILED: {
                  guard: 'hasUnsyncedAofUnderAlways',
                  target: '#crashed',
                  actions: 'recordProcessCrash',
                  description: 'A failed fsync under always: exit(1) without replying.',
                },
                CRON: [
                  {
                    guard: and([inNoChild, 'isScheduledBgsaveDue']),
                    target: ['#serving', '#rdbChild'],
                    actions: 'forkBgsave',
                    description: 'serverCron starts a scheduled BGSAVE.',
                  },
                  {
                    guard: and([inNoChild, 'isRewriteScheduled', 'isAofOn']),
                    target: '#rotatingIncr',
                    actions: 'flushBeforeRotation',
                    description: 'serverCron starts a scheduled rewrite: first a new incr file.',
                  },
                  {
                    guard: and([inNoChild, 'isRewriteScheduled']),
                    target: ['#serving', '#rewriteChild'],
                    actions: 'forkRewriteChild',
                    description: 'serverCron starts a scheduled rewrite with no live incr (AOF off or being enabled).',
                  },
                  {
                    guard: and([inNoChild, 'isSavePointDue']),
                    target: ['#serving', '#rdbChild'],
                    actions: 'forkBgsave',
                    description: 'A save point (save <seconds> <changes>) fires a BGSAVE.',
                  },
                  { description: 'serverCron finds nothing to start.' },
                ],
                AOF_AUTO_REWRITE: {
                  guard: and([inNoChild, 'isAofOn']),
                  target: '#rotatingIncr',
                  actions: 'flushBeforeRotation',
                  description: 'auto-aof-rewrite-percentage/min-size say the AOF grew enough: start a rewrite.',
                },
                SAVE: [
                  { guard: inRdbChild, description: 'SAVE refused: a background save is already in progress.' },
                  { target: '#saving', actions: 'forkSave', description: 'SAVE: write the snapshot synchronously; the event loop blocks.' },
                ],
                BGSAVE: [
                  { guard: inRdbChild, description: 'BGSAVE refused: a background save is already in progress.' },
                  {
                    guard: and([inRewriteChild, 'wantsSchedule']),
                    actions: 'scheduleBgsave',
                    description: 'BGSAVE SCHEDULE during a rewrite: run it when the child is gone.',
                  },
                  { guard: inRewriteChild, description: 'BGSAVE refused: another child (AOF rewrite) is active.' },
                  {
                    target: ['#serving', '#rdbChild'],
                    actions: 'forkBgsave',
                    description: 'BGSAVE: fork; the snapshot holds the dataset as of this instant.',
                  },
                ],
                BGREWRITEAOF: [
                  { guard: inRewriteChild, description: 'BGREWRITEAOF refused: a rewrite is already in progress.' },
                  { guard: inRdbChild, actions: 'scheduleRewrite', description: 'BGREWRITEAOF during BGSAVE: scheduled.' },
                  {
                    guard: 'isAofOn',
                    target: '#rotatingIncr',
                    actions: 'flushBeforeRotation',
                    description: 'BGREWRITEAOF with AOF on: flush the buffer, then open a new incr file.',
                  },
                  {
                    target: ['#serving', '#rewriteChild'],
                    actions: 'forkRewriteChild',
                    description: 'BGREWRITEAOF with AOF off (or being enabled): fork the child; no incr is opened.',
                  },
                ],
                SET_APPENDONLY: [
                  {
                    guard: and(['wantsAppendonly', 'isAppendonly']),
                    description: 'appendonly yes while already yes: nothing to do.',
                  },
                  {
                    guard: and(['wantsAppendonly', inNoChild]),
                    target: ['#serving', '#rewriteChild'],
                    actions: ['enableAof', 'forkRewriteChild'],
                    description: 'appendonly yes: start a rewrite; writes go to a temp incr until its manifest commits.',
                  },
                  {
                    guard: 'wantsAppendonly',
                    actions: ['enableAof', 'scheduleRewrite'],
                    description: 'appendonly yes during BGSAVE: the rewrite is scheduled; nothing is logged until it starts.',
                  },
                  {
                    guard: not('isAppendonly'),
                    description: 'appendonly no while already no: nothing to do.',
                  },
                  {
                    guard: inRewriteChild,
                    target: ['#serving', '#noChild'],
                    actions: 'disableAof',
                    description: 'appendonly no: flush and fsync the AOF, stop logging, kill the rewrite child.',
                  },
                  { actions: 'disableAof', description: 'appendonly no: flush and fsync the AOF, stop logging.' },
                ],
                SET_APPENDFSYNC: { actions: 'setAppendfsync', description: 'CONFIG SET appendfsync always|everysec|no.' },
                SET_SAVE_POINTS: { actions: 'setSavePoints', description: 'CONFIG SET save "<seconds> <changes> ...".' },
                SET_STOP_WRITES_ON_BGSAVE_ERROR: {
                  actions: 'setStopWrites',
                  description: 'CONFIG SET stop-writes-on-bgsave-error yes|no.',
                },
                SET_AOF_LOAD_TRUNCATED: {
                  actions: 'setAofLoadTruncated',
                  description: 'CONFIG SET aof-load-truncated yes|no (how the next start treats a torn tail).',
                },
              },
            },
            saving: {
              id: 'saving',
              description: 'SAVE: the parent writes temp-<pid>.rdb itself; no command runs until it ends.',
              initial: 'writingTemp',
              on: {
                RDB_FAILED: {
                  target: '#serving',
                  actions: 'failSave',
                  description: 'SAVE failed: the temp file is removed, the old dump.rdb stays.',
                },
              },
              states: rdbWriteStates({
                target: '#serving',
                actions: 'completeRdbSave',
                description: 'The directory is fsynced: the new dump.rdb survives any crash. SAVE replies OK.',
              }),
            },
            rotatingIncr: {
              id: 'rotatingIncr',
              description: 'Rewrite start (AOF on): open a new incr file and commit it in the manifest, before the fork.',
              initial: 'creatingIncr',
              states: {
                creatingIncr: {
                  description: 'The old incr is fsynced and a new, empty incr file is created.',
                  on: {
                    AOF_INCR_CREATED: {
                      target: 'committingIncr',
                      actions: 'createIncrFile',
                      description: 'The new incr exists; the old incr is durable, so no hole can open between them.',
                    },
                  },
                },
                committingIncr: manifestSwapStates(
                  'The manifest gains the new incr file.',
                  [],
                  {
                    target: ['#serving', '#rewriteChild'],
                    actions: 'forkRewriteChild',
                    description: 'The manifest with the new incr is durable: fork the rewrite child; writes go to the new incr.',
                  },
                ),
              },
            },
            finishingRewrite: {
              id: 'finishingRewrite',
              description: "The parent's rewrite-done handler: install the new base and commit the manifest.",
              initial: 'baseRenamed',
              states: {
                baseRenamed: {
                  description: 'The new base is renamed into appendonlydir under its final name.',
                  on: {
                    AOF_BASE_DIR_FSYNCED: {
                      target: 'committingBase',
                      description: 'appendonlydir is fsynced: the new base is durable under its name before any manifest names it.',
                    },
                  },
                },
                committingBase: manifestSwapStates(
                  'The manifest names the new base and the live incr; the old files become history.',
                  ['commitRewriteManifest'],
                  {
                    target: '#deletingHistory',
                    actions: ['syncManifestDirectory', 'completeRewrite'],
                    description: 'The new manifest is durable: the rewrite succeeded.',
                  },
                ),
                deletingHistory: {
                  id: 'deletingHistory',
                  description: 'The history files are unlinked.',
                  on: {
                    AOF_HISTORY_DELETED: {
                      target: 'committingCleanup',
                      description: 'The history files are gone; the manifest still lists them (harmless).',
                    },
                  },
                },
                committingCleanup: manifestSwapStates(
                  'The manifest drops the history lines.',
                  [],
                  { target: '#serving', description: 'The cleaned manifest is durable: back to serving.' },
                ),
              },
            },
          },
        },
        child: {
          description: 'The forked child, if any: a BGSAVE or an AOF rewrite, never both.',
          initial: 'none',
          states: {
            none: { id: 'noChild', description: 'No child process is running.' },
            rdbChild: {
              id: 'rdbChild',
              description: 'BGSAVE child: writes the snapshot fixed at the fork to temp-<pid>.rdb.',
              initial: 'writingTemp',
              on: {
                RDB_FAILED: {
                  target: '#noChild',
                  actions: 'failBgsave',
                  description: 'The child failed: the temp file is removed, the old dump stays, lastbgsave_status is err.',
                },
              },
              states: rdbWriteStates({
                target: '#noChild',
                actions: 'completeRdbSave',
                description: 'The directory is fsynced; the child exits 0 and the parent records the save.',
              }),
            },
            rewriteChild: {
              id: 'rewriteChild',
              description: 'AOF rewrite child: writes the base (the dataset as of the fork) to a temp file.',
              initial: 'writingBase',
              on: {
                AOF_REWRITE_FAILED: {
                  target: '#noChild',
                  actions: 'failRewrite',
                  description: 'The rewrite failed: the temp base is removed; the manifest is unchanged.',
                },
              },
              states: {
                writingBase: {
                  description: 'The child writes the base.',
                  on: { AOF_BASE_WRITTEN: { target: 'baseWritten', description: 'The temp base is written.' } },
                },
                baseWritten: {
                  description: 'The temp base is written, not yet durable.',
                  on: { AOF_BASE_FSYNCED: { target: 'exited', description: 'The temp base is fsynced; the child exits 0.' } },
                },
                exited: {
                  description: 'The child exited with a durable temp base; the parent has not yet handled it.',
                  on: {
                    AOF_BASE_RENAMED: {
                      guard: stateIn('#serving'),
                      target: ['#finishingRewrite', '#noChild'],
                      description: 'The parent renames the temp base into appendonlydir as the next base.',
                    },
                  },
                },
              },
            },
          },
        },
      },
    },
    crashed: {
      id: 'crashed',
      description: 'The process is gone. The disk holds what the crash kind let survive.',
      on: {
        TICK: { actions: 'advanceClock', description: 'Time passes while the server is down: the restart happens later.' },
        RESTART: [
          {
            guard: 'isAllowedLoad',
            target: '#running',
            actions: 'restart',
            description: 'Start: load the AOF (appendonly yes), else dump.rdb, else nothing; the oracle allows the result.',
          },
          {
            guard: 'isAllowedRefusal',
            target: '#refusedToStart',
            actions: 'refuseStart',
            description: 'Start refused: the AOF tail is torn or holey and cannot be loaded; the files are left untouched.',
          },
        ],
      },
    },
    refusedToStart: {
      id: 'refusedToStart',
      description: 'The server would not start on what the disk holds; an operator must repair it. Nothing was deleted.',
    },
  },
});

export type PersistenceMachine = typeof persistenceMachine;
