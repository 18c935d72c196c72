/**
 * Goal: the rewrite limiter and the auto-rewrite rule as Redis 7.0 (aof.c:aofRewriteLimited,
 * server.c's auto-rewrite check; facts §4.8): no limit below 3 consecutive failures; then
 * delays of 1, 2, 4, ... minutes, capped at 60, each allowing one attempt when it ends; a
 * success (failures back below 3) forgets the delay. Growth is computed as C does (integer
 * percent over the base, a base of 0 counted as 1) and only above the min size.
 * Method: the pure functions with explicit times and sizes.
 */
import { describe, expect, it } from 'vitest';
import { RewriteLimiter, autoRewriteGrowth } from './aof-rewrite-limit.ts';

describe('RewriteLimiter', () => {
  it('does not limit below 3 failures', () => {
    const limiter = new RewriteLimiter();
    expect([0, 1, 2].map((failures) => limiter.limited(failures, 100))).toEqual([false, false, false]);
  });

  it('from 3 failures: refuses and arms 1 min; allows one attempt when it ends; then 2, 4, ... up to 60 min', () => {
    const limiter = new RewriteLimiter();
    let now = 1_000;
    const delays: number[] = [];
    for (let round = 0; round < 9; round += 1) {
      expect(limiter.limited(3 + round, now)).toBe(true);
      delays.push(limiter.delayMinutes);
      expect(limiter.limited(3 + round, now + limiter.delayMinutes * 60 - 1)).toBe(true);
      now += limiter.delayMinutes * 60;
      expect(limiter.limited(3 + round, now)).toBe(false);
    }
    expect(delays).toEqual([1, 2, 4, 8, 16, 32, 60, 60, 60]);
  });

  it('forgets its delay once failures drop below 3 (a success)', () => {
    const limiter = new RewriteLimiter();
    expect(limiter.limited(3, 0)).toBe(true);
    expect(limiter.limited(0, 1)).toBe(false);
    expect(limiter.limited(3, 2)).toBe(true);
    expect(limiter.delayMinutes).toBe(1);
  });
});

describe('autoRewriteGrowth', () => {
  it.each([
    [{ currentSize: 100, baseSize: 50, percentage: 100, minSize: 99 }, 100],
    [{ currentSize: 149, baseSize: 100, percentage: 50, minSize: 0 }, undefined],
    [{ currentSize: 150, baseSize: 100, percentage: 50, minSize: 0 }, 50],
    [{ currentSize: 100, baseSize: 50, percentage: 100, minSize: 100 }, undefined],
    [{ currentSize: 100, baseSize: 0, percentage: 100, minSize: 0 }, 9900],
    [{ currentSize: 1000, baseSize: 10, percentage: 0, minSize: 0 }, undefined],
  ])('%j → %s', (state, growth) => {
    expect(autoRewriteGrowth(state)).toBe(growth);
  });
});
