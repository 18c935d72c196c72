/**
 * Goal: every counterexample the conformance suite found while it was being built stays fixed.
 * Each entry once failed, and each names the fix (a model or implementation change with its own
 * unit regression test, or a harness change). The property entries replay (seed, path) through
 * runConformanceProperty, as `npm run replay` does; the workload entries rerun the seeded random
 * workload the main job ran, with its crash checks.
 * Note: a (seed, path) pair replays the sequence the current generators make from it; if the
 * generators change, the entry still runs a valid sequence, though maybe not the original one.
 */
import { describe, expect, it } from 'vitest';
import { runConformanceProperty } from './conformance-property.ts';
import { runWorkload } from '../sweep/run-workload.ts';
import { randomWorkload } from '../workloads/workload-catalogue.ts';

const propertyCases: readonly (readonly [seed: number, path: string, fixed: string])[] = [
  [42, '16', 'model: under always, an empty buffer with nothing unsynced leaves aof_last_fsync alone'],
  [7, '5', 'harness: a restart runs with the configuration at the crash (CONFIG SET in progress)'],
  [7, '21', 'harness: serverCron expires keys before it starts a scheduled rewrite'],
  [7, '56', 'harness: a child stopped by CONFIG SET appendonly yes fails before the command starts its own'],
  [7, '0', 'harness: the same for CONFIG SET appendonly no (the command itself stops the child)'],
  [7, '78', 'model: CONFIG SET appendonly yes sets aof_last_fsync (startAppendOnly)'],
  [3, '8', 'impl: a new incr is emptied durably (a leftover file of that name)'],
  [4, '25', 'model: under always, a queued background fsync already moved the fsync offset'],
  [5, '31', 'impl: a new incr is emptied durably (a leftover file of that name)'],
  [386893818, '17', 'harness: the cleanup of a manifest without history, before the next command'],
  [13, '49', 'harness: a step interrupted by a crash is judged under the configuration at the crash'],
  [14, '134', 'harness: a step interrupted by a crash is judged under the configuration at the crash'],
];

const workloadSeeds: readonly (readonly [seed: number, fixed: string])[] = [
  [183, 'impl: the turn flush waits for a blocking SAVE'],
  [284, 'model: an empty buffer with a background fsync pending changes nothing'],
  [56, 'model: everysec decisions in whole seconds'],
  [330, 'harness: the shadow keeps the expired keys a load kept'],
  [360, 'model: time passes while the server is down'],
  [20_261_614, 'impl: a queued fsync of a rotated incr does not postpone writes to the new one'],
  [20_261_229, 'harness: no crash check after a refused start'],
];

describe('conformance regressions (counterexamples found while building the suite)', () => {
  it.each(propertyCases)('property seed %i path %s (%s)', async (seed, path, _fixed) => {
    const outcome = await runConformanceProperty({ seed, path, numRuns: 1 });
    expect(outcome.failed, outcome.report).toBe(false);
  });

  it.each(workloadSeeds)('random workload seed %i (%s)', async (seed, _fixed) => {
    const result = await runWorkload(randomWorkload(seed, 40), { seed, crashChecks: { process: true, profiles: ['strict-posix', 'ext4-ordered'], powerStatesPerPoint: 8 } });
    expect(result.violations.map((violation) => `${violation.check}: ${violation.message}`)).toEqual([]);
  });
});
