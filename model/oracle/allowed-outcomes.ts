/**
 * The crash oracle: from the model's context at a crash and the crash kind, the outcomes a
 * restart may legally produce. It describes allowed sets; it does not re-implement loading.
 *
 * An allowed load is a log and a range of prefix lengths: the restart must produce the dataset of
 * `log[0, n)` for some n in `[lengthMin, lengthMax]`. A refusal to start (with the file left as it
 * is) is allowed only where Redis 7.0 refuses and the disk may hold bytes Redis cannot load.
 *
 * Rules (redis-persistence-facts.md §5, §9; crash-testing-anchors.md A4, A8):
 * - appendonly yes loads the AOF named by the manifest, and ignores dump.rdb; no manifest: empty.
 * - appendonly no loads dump.rdb; no dump: empty.
 * - A process crash keeps everything written to the kernel: exactly the written horizon.
 * - A power loss keeps at least the durable horizon and at most the written horizon. When the
 *   two differ, a torn tail may be refused (aof-load-truncated no), and where the file system may
 *   leave holes in unsynced appends, so may a tail of zeros ("Bad file format").
 * - After a failed fsync, pages written before it may be lost even if a later fsync succeeded.
 * - A rename not yet made durable by a directory fsync may be undone by a power loss: both the
 *   old and the new file are allowed.
 */
import assert from 'node:assert/strict';
import { type Dataset, datasetOfPrefix, datasetsEqual } from '../abstract-dataset.ts';
import { bindingValuesAfterCrash } from '../file-binding.ts';
import type { AofView, CrashKind, LoadSource, PersistenceContext, RestartOutcome, WriteLog } from '../persistence-types.ts';

export interface AllowedLoad {
  readonly source: LoadSource;
  readonly log: WriteLog;
  readonly lengthMin: number;
  readonly lengthMax: number;
}

export interface AllowedOutcomes {
  readonly crashKind: CrashKind;
  readonly loads: readonly AllowedLoad[];
  /** Non-empty when refusing to start is allowed; each names why the disk may hold bad bytes. */
  readonly refusalReasons: readonly string[];
}

/** What the oracle assumes of the file system below (a crash-file-system profile). */
export interface OracleAssumptions {
  /** Unsynced appends may persist a later sector without an earlier one (strict POSIX). */
  readonly unsyncedAppendsMayLeaveHoles: boolean;
}

export const strictPosixAssumptions: OracleAssumptions = { unsyncedAppendsMayLeaveHoles: true };

export const refusalTornTail = 'the AOF tail is torn and aof-load-truncated is no';
export const refusalHoleyTail = 'unsynced AOF appends left a hole (zeros) in the tail';
export const refusalLostPages = 'pages lost by a failed fsync left a hole in the AOF';

/** The lengths a load of one AOF view may produce after a crash of this kind. */
export function allowedLengthsOfView(view: AofView, kind: CrashKind): { lengthMin: number; lengthMax: number } {
  if (kind === 'process') return { lengthMin: view.writtenLength, lengthMax: view.writtenLength };
  const durable = view.poisonedFromLength === null ? view.durableLength : Math.min(view.durableLength, view.poisonedFromLength);
  return { lengthMin: durable, lengthMax: view.writtenLength };
}

function refusalsOfView(view: AofView, kind: CrashKind, loadTruncated: boolean, assumptions: OracleAssumptions): string[] {
  if (kind === 'process') return [];
  const reasons: string[] = [];
  if (view.poisonedFromLength !== null && view.poisonedFromLength < view.writtenLength) reasons.push(refusalLostPages);
  if (view.durableLength < view.writtenLength) {
    if (!loadTruncated) reasons.push(refusalTornTail);
    if (assumptions.unsyncedAppendsMayLeaveHoles) reasons.push(refusalHoleyTail);
  }
  return reasons;
}

export function allowedOutcomes(
  context: PersistenceContext,
  kind: CrashKind,
  assumptions: OracleAssumptions = strictPosixAssumptions,
): AllowedOutcomes {
  const loads: AllowedLoad[] = [];
  const refusalReasons = new Set<string>();
  if (context.config.appendonly) {
    for (const view of bindingValuesAfterCrash(context.aofManifest, kind)) {
      if (view === null) {
        loads.push({ source: 'empty', log: [], lengthMin: 0, lengthMax: 0 });
        continue;
      }
      loads.push({ source: 'aof', log: view.log, ...allowedLengthsOfView(view, kind) });
      for (const reason of refusalsOfView(view, kind, context.config.aofLoadTruncated, assumptions)) refusalReasons.add(reason);
    }
  } else {
    for (const snapshot of bindingValuesAfterCrash(context.dump, kind)) {
      if (snapshot === null) loads.push({ source: 'empty', log: [], lengthMin: 0, lengthMax: 0 });
      else loads.push({ source: 'rdb', log: snapshot, lengthMin: snapshot.length, lengthMax: snapshot.length });
    }
  }
  assert.ok(loads.length > 0, 'some load is always allowed');
  for (const load of loads) assert.ok(load.lengthMin <= load.lengthMax && load.lengthMax <= load.log.length);
  return { crashKind: kind, loads, refusalReasons: [...refusalReasons] };
}

/** True when the first `length` writes of both logs are the same writes. */
export function sameLogPrefix(left: WriteLog, right: WriteLog, length: number): boolean {
  if (left.length < length || right.length < length) return false;
  for (let index = 0; index < length; index += 1) {
    if (left[index]?.id !== right[index]?.id) return false;
  }
  return true;
}

export function isOutcomeAllowed(allowed: AllowedOutcomes, outcome: RestartOutcome): boolean {
  if (outcome.kind === 'refused') return allowed.refusalReasons.length > 0;
  return allowed.loads.some(
    (load) =>
      load.source === outcome.source &&
      outcome.length >= load.lengthMin &&
      outcome.length <= load.lengthMax &&
      sameLogPrefix(load.log, outcome.log, outcome.length),
  );
}

/**
 * Find an allowed load whose dataset equals `observed` (what a restarted implementation holds),
 * judged at `nowMs`. The longest matching prefix is preferred. Returns undefined when none does.
 */
export function findMatchingOutcome(
  allowed: AllowedOutcomes,
  observed: Dataset,
  nowMs: number,
): Extract<RestartOutcome, { kind: 'loaded' }> | undefined {
  for (const load of allowed.loads) {
    for (let length = load.lengthMax; length >= load.lengthMin; length -= 1) {
      if (datasetsEqual(datasetOfPrefix(load.log, length, nowMs), observed)) {
        return { kind: 'loaded', source: load.source, log: load.log, length };
      }
    }
  }
  return undefined;
}
