/**
 * Goal: the reference implementation passes the crash-point sweep: for every named workload
 * (one per persistence flow) and for seeded random workloads, a crash before every
 * state-changing file-system operation — a process crash and up to 8 power-loss states per
 * profile (strict-posix, ext4-ordered) — restarts to an outcome the model's oracle allows; every
 * file-system operation is a step the model allows (refinement); and each workload reaches the
 * model states of the flow it is named after.
 * Method: runWorkload over the catalogue and randomWorkload(seed, 40) for 12 seeds from the
 * printed property seed; the counts are asserted so a sweep that checks nothing fails.
 */
import { describe, expect, it } from 'vitest';
import { propertyParameters } from '../../scripts/testing/property-seed.ts';
import type { CrashCheckOptions } from '../harness/conformance-run.ts';
import { randomWorkload, workloadCatalogue } from '../workloads/workload-catalogue.ts';
import { runWorkload } from './run-workload.ts';
import { runStartupWorkload, startupCatalogue } from './startup-sweep.ts';

const crashChecks: CrashCheckOptions = { process: true, profiles: ['strict-posix', 'ext4-ordered'], powerStatesPerPoint: 8 };

function report(result: Awaited<ReturnType<typeof runWorkload>>): string {
  return result.violations.map((violation) => `${violation.check}: ${violation.message}\n${violation.timeline}`).join('\n\n');
}

describe('crash-point sweep of the catalogue (process crash + 8 power-loss states per profile before every operation)', () => {
  it.each(workloadCatalogue.map((workload) => [workload.name, workload.flow, workload] as const))('%s (%s): no violation, its flow reached', async (_name, _flow, workload) => {
    let powerStates = 0;
    let processStates = 0;
    const result = await runWorkload(workload, { seed: 20_261_124, crashChecks, onCrash: (record) => (record.kind === 'power' ? (powerStates += 1) : (processStates += 1)) });
    expect(result.violations, report(result)).toEqual([]);
    expect(result.stepsRun).toBe(workload.steps.length);
    expect(result.unreached, 'model states of the flow this workload is named after').toEqual([]);
    expect(processStates, 'a process crash before every state-changing operation, and one after the last').toBeGreaterThan(4);
    expect(powerStates).toBeGreaterThan(processStates);
  });
});

describe('crash-point sweep of random workloads', () => {
  it('12 seeded random workloads of 40 steps: no violation', async () => {
    const { seed } = propertyParameters('crash-point sweep of random workloads', 12);
    let states = 0;
    for (let index = 0; index < 12; index += 1) {
      const workload = randomWorkload(seed + index, 40);
      const result = await runWorkload(workload, { seed: seed + index, crashChecks, onCrash: () => (states += 1) });
      expect(result.violations, `random workload seed ${seed + index} (replay: durakv check --workload random-${seed + index})\n${report(result)}`).toEqual([]);
    }
    expect(states).toBeGreaterThan(1_000);
  });
});

describe('crash-point sweep of start-up flows (the model takes a start as one step)', () => {
  it.each(startupCatalogue.map((workload) => [workload.name, workload.flow, workload] as const))('%s (%s): every crash state restarts to exactly the data the disk held', async (_name, _flow, workload) => {
    const result = await runStartupWorkload(workload, { seed: 20_261_124, powerStatesPerPoint: 8 });
    expect(result.violations).toEqual([]);
    expect(result.operations, 'the start does file work').toBeGreaterThan(5);
    expect(result.crashStates).toBeGreaterThan(result.operations);
  });
});
