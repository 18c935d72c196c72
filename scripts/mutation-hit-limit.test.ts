/**
 * Goal: mutant runs get a hit limit of 10 times the dry run's hits in place of Stryker's 100
 * times, never below one hit, and a run without a limit stays without one.
 */
import { describe, expect, it } from 'vitest';
import { hitLimitFactor, strykerHitLimitFactor, withTightHitLimit } from './mutation-hit-limit.mjs';

describe('withTightHitLimit', () => {
  it.each([
    [100, 10],
    [99_377_300, 9_937_730],
    [250, 25],
    [150, 15],
  ])('scales Stryker\'s limit %i (100 × dry-run hits) to %i (10 × the hits)', (stryker, tight) => {
    expect(withTightHitLimit({ hitLimit: stryker }).hitLimit).toBe(tight);
  });

  it('rounds up and never goes below one hit', () => {
    expect(withTightHitLimit({ hitLimit: 101 }).hitLimit).toBe(11);
    expect(withTightHitLimit({ hitLimit: 1 }).hitLimit).toBe(1);
  });

  it('keeps an absent limit absent and every other option as it was', () => {
    const options = { activeMutant: { id: '7' }, timeout: 5000, hitLimit: undefined };
    expect(withTightHitLimit(options)).toBe(options);
    expect(withTightHitLimit({ activeMutant: { id: '7' }, timeout: 5000, hitLimit: 1000 })).toEqual({ activeMutant: { id: '7' }, timeout: 5000, hitLimit: 100 });
  });

  it('is a tenth of Stryker 9\'s factor', () => {
    expect([strykerHitLimitFactor, hitLimitFactor]).toEqual([100, 10]);
  });
});
