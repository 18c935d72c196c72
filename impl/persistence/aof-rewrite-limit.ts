/**
 * When serverCron may start an AOF rewrite on its own (Redis 7.0 aof.c:aofRewriteLimited and
 * server.c:serverCron's auto-rewrite check; facts §4.8). Pure: times and sizes are passed in.
 *
 * Invariants:
 * - Below `rewriteFailuresBeforeLimit` (3) consecutive failures nothing is limited, and the
 *   limiter forgets any delay. From the third failure on, the first check arms a delay of 1
 *   minute and refuses; checks before the deadline refuse; the first check at or after it
 *   allows one attempt and disarms; if that attempt fails too, the next check arms twice the
 *   delay, up to 60 minutes. (Redis keeps this state in function statics; here one
 *   RewriteLimiter per store.)
 * - Only automatic and scheduled rewrites ask the limiter; BGREWRITEAOF itself runs at once.
 * - autoRewriteGrowth: with the AOF on, perc > 0 and current > min-size, the growth in percent
 *   over the base size (integer division as in C, base 0 counted as 1); otherwise undefined.
 *   A rewrite is due when growth >= perc.
 */
import assert from 'node:assert/strict';

export const rewriteFailuresBeforeLimit = 3;
export const rewriteLimitMinutesMax = 60;

export class RewriteLimiter {
  #delayMinutes = 0;
  /** Unix seconds before which rewrites are refused; 0 when not armed. */
  #nextRewriteSeconds = 0;

  /** aofRewriteLimited: true when a cron-started rewrite must wait. */
  limited(consecutiveFailures: number, nowSeconds: number): boolean {
    assert.ok(Number.isSafeInteger(consecutiveFailures) && consecutiveFailures >= 0);
    assert.ok(Number.isSafeInteger(nowSeconds));
    if (consecutiveFailures < rewriteFailuresBeforeLimit) {
      this.#delayMinutes = 0;
      this.#nextRewriteSeconds = 0;
      return false;
    }
    if (this.#nextRewriteSeconds !== 0) {
      if (nowSeconds < this.#nextRewriteSeconds) return true;
      this.#nextRewriteSeconds = 0;
      return false;
    }
    this.#delayMinutes = this.#delayMinutes === 0 ? 1 : Math.min(this.#delayMinutes * 2, rewriteLimitMinutesMax);
    this.#nextRewriteSeconds = nowSeconds + this.#delayMinutes * 60;
    return true;
  }

  /** The delay armed by the last refusal, in minutes (0 when none): what Redis logs. */
  get delayMinutes(): number {
    return this.#delayMinutes;
  }
}

export interface AutoRewriteState {
  readonly currentSize: number;
  readonly baseSize: number;
  readonly percentage: number;
  readonly minSize: number;
}

/** The growth that makes an automatic rewrite due, or undefined when none is. */
export function autoRewriteGrowth(state: AutoRewriteState): number | undefined {
  assert.ok(Number.isSafeInteger(state.currentSize) && state.currentSize >= 0);
  assert.ok(Number.isSafeInteger(state.baseSize) && state.baseSize >= 0);
  if (state.percentage <= 0 || state.currentSize <= state.minSize) return undefined;
  const base = state.baseSize === 0 ? 1 : state.baseSize;
  const growth = Math.floor((state.currentSize * 100) / base) - 100;
  return growth >= state.percentage ? growth : undefined;
}
