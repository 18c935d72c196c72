/**
 * Goal: the model-based conformance property holds: long fast-check command sequences (writes
 * of every type, turns, MULTI/EXEC, SAVE, BGSAVE, BGREWRITEAOF, CONFIG SET, clock ticks,
 * background slices released by fc.scheduler, crashes before a chosen later operation and
 * restarts) run on the implementation and the model side by side with no violation.
 * Method: runConformanceProperty with the printed seed; a failure prints fast-check's report and
 * the `npm run replay -- <seed> <path> <replayPath>` line that reproduces it.
 */
import { describe, expect, it } from 'vitest';
import { CoverageTracker } from '../../model/testing/machine-coverage.ts';
import { propertyParameters } from '../../scripts/testing/property-seed.ts';
import { runConformanceProperty } from './conformance-property.ts';

describe('model-based conformance (fast-check commands, scheduled background work, crashes and restarts)', () => {
  it('holds for 40 sequences of up to 60 commands, and explores most of the model', async () => {
    const { seed, numRuns } = propertyParameters('model-based conformance', 40);
    const coverage = new CoverageTracker();
    let crashStates = 0;
    const outcome = await runConformanceProperty({ seed, numRuns, coverage, onCrash: () => (crashStates += 1) });
    expect(outcome.failed, `${outcome.report}\n\nreplay: ${outcome.replayCommand ?? ''}`).toBe(false);
    expect(outcome.runs).toBe(numRuns);
    console.log(`[conformance property] ${crashStates} crash states judged; model ${coverage.summary()}`);
    expect(crashStates).toBeGreaterThan(500);
    expect(coverage.missingStates().length, `states never visited: ${coverage.missingStates().join(', ')}`).toBeLessThanOrEqual(6);
  });
});
