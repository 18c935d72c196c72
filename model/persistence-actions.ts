/**
 * Pure context updates: each takes the context (and the event's data) and returns the next
 * context. The machine names them in `setup({ actions })`.
 *
 * Invariants:
 * - Horizons only move forward within one process life: buffered, written, durable, acked.
 * - While AOF is on, the committed manifest's latest view is the live file: every horizon change
 *   is copied into it by `withLiveView`.
 * - A snapshot (RDB, or the rewrite's base) holds exactly the history prefix at its fork.
 */
import assert from 'node:assert/strict';
import {
  bindingAfterRestart,
  bindingDirectorySynced,
  bindingOf,
  bindingRenamed,
  bindingUpdated,
  bindingValuesAfterCrash,
} from './file-binding.ts';
import { isAofLogging, isEverysecFsyncDue, postponeLimitMs, secondsSince } from './persistence-guards.ts';
import type {
  AofState,
  AofView,
  CrashKind,
  FileBinding,
  LogicalOp,
  PersistenceConfig,
  PersistenceContext,
  RdbSnapshot,
  RestartOutcome,
  WriteLog,
} from './persistence-types.ts';
import { allowedLengthsOfView, sameLogPrefix } from './oracle/allowed-outcomes.ts';

export const defaultConfig: PersistenceConfig = {
  appendonly: false,
  appendfsync: 'everysec',
  savePoints: [],
  stopWritesOnBgsaveError: true,
  aofLoadTruncated: true,
};

function freshAofState(mode: AofState['mode'], length: number, liveViewId: number | null, nowMs: number): AofState {
  return {
    mode,
    bufferedLength: length,
    writtenLength: length,
    durableLength: length,
    poisonedFromLength: null,
    liveViewId,
    lastWriteStatus: 'ok',
    lastFsyncStatus: 'ok',
    lastFsyncMs: nowMs,
    postponedSinceMs: null,
    lastPostponeDecisionMs: null,
    backgroundFsync: null,
    delayedFsyncCount: 0,
    policySinceAckedLength: length,
  };
}

/** A fresh server on an empty directory. With appendonly yes it creates an empty base + incr. */
export function createInitialContext(config: PersistenceConfig = defaultConfig): PersistenceContext {
  // One empty log: the live view's log is the history itself, not an equal copy.
  const history: WriteLog = [];
  const emptyView: AofView = { id: 1, log: history, writtenLength: 0, durableLength: 0, poisonedFromLength: null };
  return {
    config,
    nowMs: 0,
    nextWriteId: 1,
    nextViewId: 2,
    history,
    ackedLength: 0,
    rdbForkSnapshot: null,
    dump: bindingOf<RdbSnapshot | null>(null),
    aofManifest: bindingOf<AofView | null>(config.appendonly ? emptyView : null),
    aof: freshAofState(config.appendonly ? 'on' : 'off', 0, config.appendonly ? 1 : null, 0),
    rdb: { dirty: 0, dirtyAtFork: 0, lastSaveMs: 0, lastBgsaveTryMs: 0, lastBgsaveStatus: 'ok', bgsaveScheduled: false },
    rewrite: { scheduled: false, lastStatus: 'ok', forkLength: null },
    refusedWrites: 0,
    crash: null,
    lastRestart: null,
  };
}

/** Copy the live file's horizons into the committed view it extends (AOF on only). */
function withLiveView(context: PersistenceContext): PersistenceContext {
  const { aof } = context;
  if (aof.mode !== 'on') return context;
  assert.ok(aof.liveViewId !== null, 'AOF on has a committed live view');
  const live: AofView = {
    id: aof.liveViewId,
    log: context.history,
    writtenLength: aof.writtenLength,
    durableLength: aof.durableLength,
    poisonedFromLength: aof.poisonedFromLength,
  };
  const isLive = (view: AofView | null): boolean => view !== null && view.id === aof.liveViewId;
  return { ...context, aofManifest: bindingUpdated(context.aofManifest, isLive, live) };
}

function withAof(context: PersistenceContext, changes: Partial<AofState>): PersistenceContext {
  return withLiveView({ ...context, aof: { ...context.aof, ...changes } });
}

export function applyWrite(context: PersistenceContext, ops: readonly LogicalOp[]): PersistenceContext {
  assert.ok(ops.length > 0, 'a write has at least one op');
  const write = { id: context.nextWriteId, atMs: context.nowMs, ops };
  const history = [...context.history, write];
  const next: PersistenceContext = {
    ...context,
    history,
    nextWriteId: context.nextWriteId + 1,
    rdb: { ...context.rdb, dirty: context.rdb.dirty + ops.length },
  };
  if (!isAofLogging(context)) return next;
  return withAof(next, { bufferedLength: history.length });
}

export function refuseWrite(context: PersistenceContext): PersistenceContext {
  return { ...context, refusedWrites: context.refusedWrites + 1 };
}

/** Start a background fsync of everything written, if everysec says one is due. */
function maybeStartBackgroundFsync(context: PersistenceContext, aof: AofState): AofState {
  if (context.config.appendfsync !== 'everysec') return aof;
  if (!isEverysecFsyncDue(context)) return aof;
  if (aof.backgroundFsync !== null) return { ...aof, lastFsyncMs: context.nowMs };
  if (aof.writtenLength === aof.durableLength) return aof;
  return {
    ...aof,
    lastFsyncMs: context.nowMs,
    backgroundFsync: { targetLength: aof.writtenLength, startedAtMs: context.nowMs },
  };
}

/**
 * The end of an event-loop turn (Redis's beforeSleep): write the AOF buffer to the kernel, fsync
 * per policy, then send the replies. Under everysec the write may be postponed behind a running
 * background fsync for less than 2 s; the replies still go out.
 */
export function endEventLoopTurn(context: PersistenceContext): PersistenceContext {
  const { aof, config, nowMs } = context;
  const acked = { ackedLength: context.history.length };
  if (!isAofLogging(context)) return { ...context, ...acked };
  if (aof.bufferedLength === aof.writtenLength) {
    // always: only a tail past Redis's last_incr_fsync_offset is fsynced (and only then does
    // aof_last_fsync move); a queued background fsync has already moved that offset to its target.
    const fsyncOffset = Math.max(aof.durableLength, aof.backgroundFsync?.targetLength ?? 0);
    const unsynced = aof.writtenLength > fsyncOffset;
    const synced: AofState =
      config.appendfsync === 'always' && unsynced ? { ...aof, durableLength: aof.writtenLength, lastFsyncMs: nowMs } : aof;
    // An empty buffer reaches the fsync step only with no background fsync pending (facts §3.4):
    // then nothing, not even aof_last_fsync, changes.
    if (aof.backgroundFsync !== null) return withAof({ ...context, ...acked }, synced);
    return withAof({ ...context, ...acked }, maybeStartBackgroundFsync(context, synced));
  }
  if (config.appendfsync === 'everysec' && aof.backgroundFsync !== null) {
    const since = aof.postponedSinceMs ?? nowMs;
    if (secondsSince(since, nowMs) * 1_000 < postponeLimitMs) {
      return withAof({ ...context, ...acked }, { postponedSinceMs: since, lastPostponeDecisionMs: nowMs });
    }
  }
  const forced = aof.postponedSinceMs !== null && secondsSince(aof.postponedSinceMs, nowMs) * 1_000 >= postponeLimitMs;
  let written: AofState = {
    ...aof,
    writtenLength: aof.bufferedLength,
    postponedSinceMs: null,
    lastPostponeDecisionMs: null,
    lastWriteStatus: 'ok',
    delayedFsyncCount: aof.delayedFsyncCount + (forced ? 1 : 0),
  };
  if (config.appendfsync === 'always') {
    written = { ...written, durableLength: written.writtenLength, lastFsyncMs: nowMs };
  }
  return withAof({ ...context, ...acked }, maybeStartBackgroundFsync(context, written));
}

/** A failed AOF write under everysec or no: the buffer is kept for a retry, replies go out. */
export function failAofWrite(context: PersistenceContext): PersistenceContext {
  return withAof({ ...context, ackedLength: context.history.length }, { lastWriteStatus: 'err' });
}

export function finishBackgroundFsync(context: PersistenceContext): PersistenceContext {
  const running = context.aof.backgroundFsync;
  assert.ok(running !== null);
  const durableLength = Math.max(context.aof.durableLength, running.targetLength);
  return withAof(context, { durableLength, backgroundFsync: null, lastFsyncStatus: 'ok' });
}

/** A failed background fsync: the unsynced pages may be gone for good (fsyncgate). */
export function failBackgroundFsync(context: PersistenceContext): PersistenceContext {
  const { aof } = context;
  const poisonedFromLength = aof.poisonedFromLength ?? aof.durableLength;
  return withAof(context, { backgroundFsync: null, lastFsyncStatus: 'err', poisonedFromLength });
}

export function writeBackPageCache(context: PersistenceContext): PersistenceContext {
  return withAof(context, { durableLength: context.aof.writtenLength });
}

export function advanceClock(context: PersistenceContext, ms: number): PersistenceContext {
  assert.ok(Number.isInteger(ms) && ms > 0, 'time moves forward');
  return { ...context, nowMs: context.nowMs + ms };
}

/**
 * Time passes while the event loop turns idle: every turn runs beforeSleep, and serverCron retries
 * a postponed flush, so a postponed write or a due fsync cannot wait out a long quiet period.
 */
export function advanceClockServing(context: PersistenceContext, ms: number): PersistenceContext {
  return endEventLoopTurn(advanceClock(context, ms));
}

export function setConfig(context: PersistenceContext, changes: Partial<PersistenceConfig>): PersistenceContext {
  return { ...context, config: { ...context.config, ...changes } };
}

export function setFsyncPolicy(context: PersistenceContext, policy: PersistenceConfig['appendfsync']): PersistenceContext {
  const next = setConfig(context, { appendfsync: policy });
  return { ...next, aof: { ...next.aof, policySinceAckedLength: context.ackedLength } };
}

// ---- RDB ----

/** Fix the snapshot's point in time: the prefix of the history as of now. */
export function forkRdbSnapshot(context: PersistenceContext, background: boolean): PersistenceContext {
  assert.ok(context.rdbForkSnapshot === null, 'one RDB writer at a time');
  const rdb = background
    ? { ...context.rdb, dirtyAtFork: context.rdb.dirty, lastBgsaveTryMs: context.nowMs, bgsaveScheduled: false }
    : { ...context.rdb, dirtyAtFork: context.rdb.dirty };
  return { ...context, rdbForkSnapshot: context.history, rdb };
}

export function scheduleBgsave(context: PersistenceContext): PersistenceContext {
  return { ...context, rdb: { ...context.rdb, bgsaveScheduled: true } };
}

export function renameRdbTemp(context: PersistenceContext): PersistenceContext {
  assert.ok(context.rdbForkSnapshot !== null);
  return { ...context, dump: bindingRenamed(context.dump, context.rdbForkSnapshot) };
}

/** The snapshot is durable under its final name: the save succeeded. */
export function completeRdbSave(context: PersistenceContext): PersistenceContext {
  return {
    ...context,
    dump: bindingDirectorySynced(context.dump),
    rdbForkSnapshot: null,
    rdb: {
      ...context.rdb,
      dirty: context.rdb.dirty - context.rdb.dirtyAtFork,
      dirtyAtFork: 0,
      lastSaveMs: context.nowMs,
      lastBgsaveStatus: 'ok',
    },
  };
}

/** A BGSAVE child failed: the old dump stays, and the status is err. */
export function failBgsave(context: PersistenceContext): PersistenceContext {
  return { ...context, rdbForkSnapshot: null, rdb: { ...context.rdb, lastBgsaveStatus: 'err', dirtyAtFork: 0 } };
}

/** A synchronous SAVE failed: the old dump stays; Redis leaves lastbgsave_status alone. */
export function failSave(context: PersistenceContext): PersistenceContext {
  return { ...context, rdbForkSnapshot: null, rdb: { ...context.rdb, dirtyAtFork: 0 } };
}

// ---- AOF rewrite ----

/** BGREWRITEAOF with AOF on: everything buffered is forced into the current incr first. */
export function flushBeforeRotation(context: PersistenceContext): PersistenceContext {
  return withAof(context, { writtenLength: context.aof.bufferedLength, postponedSinceMs: null });
}

/** The new incr exists; the old incr was fsynced so that no hole can open between the two. */
export function createIncrFile(context: PersistenceContext): PersistenceContext {
  return withAof(context, { durableLength: context.aof.writtenLength, lastFsyncMs: context.nowMs });
}

/** The rewrite child forks: the base will hold the history as of now. */
export function forkRewriteChild(context: PersistenceContext): PersistenceContext {
  const forkLength = context.history.length;
  const rewrite = { ...context.rewrite, scheduled: false, forkLength };
  if (context.aof.mode !== 'waitRewrite') return { ...context, rewrite };
  // Enabling AOF at runtime: a temp incr starts empty; the base will hold everything before it.
  const aof = { ...context.aof, bufferedLength: forkLength, writtenLength: forkLength, durableLength: forkLength };
  return { ...context, rewrite, aof: { ...aof, poisonedFromLength: null, backgroundFsync: null } };
}

export function scheduleRewrite(context: PersistenceContext): PersistenceContext {
  return { ...context, rewrite: { ...context.rewrite, scheduled: true } };
}

/** Nothing is logged while no rewrite child runs in waitRewrite: horizons rest at the end. */
function idleHorizons(context: PersistenceContext): Partial<AofState> {
  const length = context.history.length;
  return { bufferedLength: length, writtenLength: length, durableLength: length, backgroundFsync: null };
}

export function failRewrite(context: PersistenceContext): PersistenceContext {
  const waiting = context.aof.mode === 'waitRewrite';
  const rewrite = { scheduled: waiting, lastStatus: 'err' as const, forkLength: null };
  const aof = waiting ? { ...context.aof, ...idleHorizons(context) } : context.aof;
  return { ...context, rewrite, aof };
}

/**
 * The manifest naming the new base (and the live incr) is renamed in: the commit point. With AOF
 * on, the old manifest names the live incr too, so both load the same writes: the live view keeps
 * its identity. Enabling AOF (or a rewrite with AOF off) commits a new view; a power loss before
 * the directory fsync may bring the old one back.
 */
export function commitRewriteManifest(context: PersistenceContext): PersistenceContext {
  const { aof, rewrite } = context;
  assert.ok(rewrite.forkLength !== null);
  if (aof.mode === 'on') {
    // The rewrite heals fsync-lost pages the new base now covers.
    const healed = aof.poisonedFromLength !== null && aof.poisonedFromLength < rewrite.forkLength;
    return healed ? withAof(context, { poisonedFromLength: null }) : context;
  }
  const viewId = context.nextViewId;
  const view: AofView =
    aof.mode === 'off'
      ? { id: viewId, log: context.history, writtenLength: rewrite.forkLength, durableLength: rewrite.forkLength, poisonedFromLength: null }
      : { id: viewId, log: context.history, writtenLength: aof.writtenLength, durableLength: aof.durableLength, poisonedFromLength: aof.poisonedFromLength };
  const nextAof: AofState = aof.mode === 'off' ? aof : { ...aof, mode: 'on', liveViewId: viewId };
  return { ...context, nextViewId: viewId + 1, aof: nextAof, aofManifest: bindingRenamed(context.aofManifest, view) };
}

export function syncManifestDirectory(context: PersistenceContext): PersistenceContext {
  return { ...context, aofManifest: bindingDirectorySynced(context.aofManifest) };
}

export function completeRewrite(context: PersistenceContext): PersistenceContext {
  return { ...context, rewrite: { scheduled: false, lastStatus: 'ok', forkLength: null } };
}

/** CONFIG SET appendonly yes: wait for a rewrite to write the first base (startAppendOnly also sets aof_last_fsync to now). */
export function enableAof(context: PersistenceContext): PersistenceContext {
  const aof: AofState = {
    ...context.aof,
    ...idleHorizons(context),
    lastFsyncMs: context.nowMs,
    mode: 'waitRewrite',
    lastWriteStatus: 'ok',
    lastFsyncStatus: 'ok',
    postponedSinceMs: null,
    lastPostponeDecisionMs: null,
  };
  return setConfig({ ...context, aof }, { appendonly: true });
}

/** CONFIG SET appendonly no: flush and fsync the live file, then stop logging. */
export function disableAof(context: PersistenceContext): PersistenceContext {
  const flushed =
    context.aof.mode === 'on'
      ? withAof(context, { writtenLength: context.aof.bufferedLength, durableLength: context.aof.bufferedLength })
      : context;
  const aof: AofState = {
    ...flushed.aof,
    ...idleHorizons(context),
    mode: 'off',
    liveViewId: null,
    poisonedFromLength: null,
    postponedSinceMs: null,
    lastPostponeDecisionMs: null,
  };
  const rewrite = { ...flushed.rewrite, scheduled: false, forkLength: null };
  return setConfig({ ...flushed, aof, rewrite }, { appendonly: false });
}

// ---- crash and restart ----

export function recordCrash(context: PersistenceContext, kind: CrashKind): PersistenceContext {
  return { ...context, crash: { kind, atMs: context.nowMs, before: context } };
}

/** The state after a restart that loaded `outcome`. Everything volatile starts afresh. */
export function restartFrom(context: PersistenceContext, outcome: RestartOutcome): PersistenceContext {
  const crash = context.crash;
  assert.ok(crash !== null);
  assert.ok(outcome.kind === 'loaded');
  const { before, kind } = crash;
  const history = outcome.log.slice(0, outcome.length);
  const nowMs = context.nowMs;

  const loadedDump = outcome.source === 'rdb'
    ? bindingValuesAfterCrash(before.dump, kind).find(
        (snapshot) => snapshot !== null && snapshot.length === outcome.length && sameLogPrefix(snapshot, outcome.log, outcome.length),
      )
    : undefined;
  if (outcome.source === 'rdb') assert.ok(loadedDump !== undefined, 'the loaded dump is one the disk may hold');
  const dump = bindingAfterRestart(before.dump, kind, loadedDump === undefined ? undefined : { value: loadedDump });

  let aofManifest = bindingAfterRestart(before.aofManifest, kind, undefined);
  let aof = freshAofState('off', history.length, null, nowMs);
  let nextViewId = before.nextViewId;
  if (before.config.appendonly) {
    const observed = observedView(before.aofManifest, kind, outcome);
    // Start-up fdatasyncs the live incr it loaded (durakv; Redis 7.0 does not, so after a process
    // crash its page-cache tail would stay unsynced until a new write): what loaded is durable.
    const durableLength = history.length;
    const live: AofView = { id: nextViewId, log: history, writtenLength: history.length, durableLength, poisonedFromLength: null };
    // With no AOF at all, start-up writes an empty base and incr and commits their manifest.
    aofManifest = observed === null
      ? bindingOf<AofView | null>(live)
      : bindingUpdated(bindingAfterRestart(before.aofManifest, kind, { value: observed }), (view) => view === observed, live);
    aof = { ...freshAofState('on', history.length, nextViewId, nowMs), durableLength };
    nextViewId += 1;
  }
  return {
    ...createInitialContext(before.config),
    nowMs,
    nextWriteId: before.nextWriteId,
    nextViewId,
    history,
    ackedLength: history.length,
    dump,
    aofManifest,
    aof,
    rdb: { dirty: 0, dirtyAtFork: 0, lastSaveMs: nowMs, lastBgsaveTryMs: 0, lastBgsaveStatus: 'ok', bgsaveScheduled: false },
    refusedWrites: before.refusedWrites,
    lastRestart: outcome,
  };
}

/** The committed AOF view a load came from (null: there was no AOF, the start was empty). */
function observedView(
  manifest: FileBinding<AofView | null>,
  kind: CrashKind,
  outcome: Extract<RestartOutcome, { kind: 'loaded' }>,
): AofView | null {
  const views = bindingValuesAfterCrash(manifest, kind);
  if (outcome.source === 'empty') {
    assert.ok(views.includes(null), 'an empty start needs a missing manifest');
    return null;
  }
  assert.ok(outcome.source === 'aof', 'appendonly yes loads the AOF or nothing');
  const view = views.find((candidate) => {
    if (candidate === null) return false;
    const { lengthMin, lengthMax } = allowedLengthsOfView(candidate, kind);
    const inRange = outcome.length >= lengthMin && outcome.length <= lengthMax;
    return inRange && sameLogPrefix(candidate.log, outcome.log, outcome.length);
  });
  assert.ok(view !== undefined && view !== null, 'the loaded AOF is one the manifest may name');
  return view;
}

export function refuseStart(context: PersistenceContext, outcome: RestartOutcome): PersistenceContext {
  return { ...context, lastRestart: outcome };
}

