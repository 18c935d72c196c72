/**
 * The invariants of the persistence model, checked after every step of every explored run.
 * Each returns a readable violation instead of throwing, so a property test can report them all.
 *
 * Invariants:
 * - Horizons: durable <= written <= buffered <= history length; acked <= history length.
 * - always: every write acknowledged since the policy was set is durable in the live AOF.
 * - everysec: an acknowledged write is unwritten only while postponed (< 2 s at the last decision)
 *   or after a failed write. A postponed write acked before CONFIG SET appendfsync stays
 *   postponed under the new policy until the next beforeSleep.
 * - no, everysec and always alike: with AOF on, every acknowledged write is written, postponed or
 *   held after a write error.
 * - At most one child: the BGSAVE snapshot and the rewrite fork never coexist.
 * - While AOF is being enabled, the rewrite's fork length is set exactly while its child runs or
 *   the parent's handler installs the base.
 * - While AOF is on, the committed manifest names the live view, whose horizons are the live ones.
 */
import { postponeLimitMs } from './persistence-guards.ts';
import type { PersistenceContext } from './persistence-types.ts';

export interface InvariantInput {
  readonly context: PersistenceContext;
  /** Whether each region is in a child state, read from the snapshot by the caller. */
  readonly rdbChildRunning: boolean;
  readonly rewriteChildRunning: boolean;
  /** Whether the event loop is in the parent's rewrite-done handler (installing the new base). */
  readonly rewriteFinishing: boolean;
  readonly running: boolean;
}

export function invariantViolations(input: InvariantInput): string[] {
  const { context } = input;
  const { aof, config } = context;
  const violations: string[] = [];
  const check = (condition: boolean, message: string): void => {
    if (!condition) violations.push(message);
  };
  check(aof.durableLength <= aof.writtenLength, `durable ${aof.durableLength} > written ${aof.writtenLength}`);
  check(aof.writtenLength <= aof.bufferedLength, `written ${aof.writtenLength} > buffered ${aof.bufferedLength}`);
  check(aof.bufferedLength <= context.history.length, `buffered ${aof.bufferedLength} > history ${context.history.length}`);
  check(context.ackedLength <= context.history.length, `acked ${context.ackedLength} > history ${context.history.length}`);
  check(!(input.rdbChildRunning && input.rewriteChildRunning), 'two children at once');
  // The fork length outlives the child: the parent's handler needs it to commit the manifest.
  const rewriteInProgress = input.rewriteChildRunning || input.rewriteFinishing;
  check(rewriteInProgress === (context.rewrite.forkLength !== null) || !input.running || aof.mode !== 'waitRewrite',
    'waitRewrite logs exactly while its rewrite child runs or the parent installs its base');
  if (!input.running) return violations;

  const aofOn = aof.mode === 'on';
  const ackedUnderPolicy = context.ackedLength > aof.policySinceAckedLength;
  if (aofOn && config.appendfsync === 'always' && ackedUnderPolicy && aof.lastWriteStatus === 'ok') {
    check(aof.durableLength >= context.ackedLength, `always: acked ${context.ackedLength} but durable ${aof.durableLength}`);
  }
  if (aofOn && context.ackedLength > aof.writtenLength && aof.lastWriteStatus === 'ok') {
    const postponed = aof.postponedSinceMs !== null && aof.lastPostponeDecisionMs !== null;
    // A write postponed under everysec stays postponed across CONFIG SET appendfsync until the
    // next beforeSleep flushes it: only writes acked under the current policy must follow it.
    const policyAllowsPostponed = config.appendfsync === 'everysec' || !ackedUnderPolicy;
    check(policyAllowsPostponed && postponed, `${config.appendfsync}: acked write not written and not postponed`);
    if (postponed && aof.postponedSinceMs !== null && aof.lastPostponeDecisionMs !== null) {
      const waitedMs = aof.lastPostponeDecisionMs - aof.postponedSinceMs;
      check(waitedMs < postponeLimitMs, `everysec: write postponed ${waitedMs} ms at its last decision`);
    }
  }
  if (aofOn) {
    const live = context.aofManifest.latest;
    check(live !== null && live.id === aof.liveViewId, 'AOF on: the manifest names the live view');
    if (live !== null) {
      check(live.writtenLength === aof.writtenLength, 'live view written horizon matches the live file');
      check(live.durableLength === aof.durableLength, 'live view durable horizon matches the live file');
      check(live.log === context.history, 'live view log is the current history');
    }
  }
  if (aof.mode === 'off') check(aof.liveViewId === null, 'AOF off has no live view');
  return violations;
}
