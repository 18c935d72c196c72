/**
 * Goal: property parameters take DURAKV_SEED when set, cap the run count at DURAKV_MAX_RUNS when
 * set (never raise it), and refuse malformed values instead of running with a wrong seed or count.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { propertyParameters } from './property-seed.ts';

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

function parameters(seed: string, cap: string, requestedRuns: number) {
  vi.stubEnv('DURAKV_SEED', seed);
  vi.stubEnv('DURAKV_MAX_RUNS', cap);
  vi.spyOn(console, 'log').mockImplementation(() => undefined);
  return propertyParameters('a property', requestedRuns);
}

describe('property parameters from the environment', () => {
  it('uses DURAKV_SEED and the requested runs when no cap is set', () => {
    expect(parameters('42', '', 60)).toEqual({ seed: 42, numRuns: 60 });
  });

  it.each([
    [60, '25', 25],
    [10, '25', 10],
    [25, '25', 25],
  ])('requested %i runs with DURAKV_MAX_RUNS=%s: %i runs', (requested, cap, expected) => {
    expect(parameters('7', cap, requested)).toEqual({ seed: 7, numRuns: expected });
  });

  it('prints the seed and run count it uses', () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    vi.stubEnv('DURAKV_SEED', '-3');
    vi.stubEnv('DURAKV_MAX_RUNS', '5');
    propertyParameters('round trip', 100);
    expect(log).toHaveBeenCalledWith('[property] round trip: seed=-3 numRuns=5 (replay: DURAKV_SEED=-3)');
  });

  it.each(['0', '-1', '2.5', 'many'])('refuses DURAKV_MAX_RUNS=%s', (cap) => {
    expect(() => parameters('1', cap, 10)).toThrow(/DURAKV_MAX_RUNS must be a positive integer/);
  });

  it('refuses a DURAKV_SEED that is not an integer', () => {
    expect(() => parameters('seven', '', 10)).toThrow(/DURAKV_SEED must be an integer/);
  });
});
