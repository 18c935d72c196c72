/**
 * Runs one workload through a ConformanceRun: start, every step, a last crash check after the
 * final step; then whether the run visited the model states its flow needs (`reaches`).
 *
 * Invariant: a run that never reached a state its workload claims to test is reported as a
 * 'coverage' problem, never as a pass.
 */
import { type ConformanceRun, type CrashCheckOptions, type FileSystemDecorators, type RunResult, ConformanceRun as Run, type CrashRecord } from '../harness/conformance-run.ts';
import type { CoverageTracker } from '../../model/testing/machine-coverage.ts';
import type { Workload } from '../workloads/workload-catalogue.ts';

export interface WorkloadRunOptions {
  readonly seed: number;
  readonly crashChecks: CrashCheckOptions | null;
  readonly decorators?: FileSystemDecorators;
  readonly coverage?: CoverageTracker;
  readonly onCrash?: (record: CrashRecord) => void;
}

export interface WorkloadResult extends RunResult {
  readonly workload: Workload;
  /** States of `workload.reaches` the run never visited. */
  readonly unreached: readonly string[];
  readonly stepsRun: number;
  /** Why the run ended before its last step without a violation (an allowed refused start), or null. */
  readonly ended: string | null;
}

export async function runWorkload(workload: Workload, options: WorkloadRunOptions): Promise<WorkloadResult> {
  const visited = new Set<string>();
  const run: ConformanceRun = new Run({
    config: workload.config,
    seed: options.seed,
    crashChecks: options.crashChecks,
    ...(options.decorators === undefined ? {} : { decorators: options.decorators }),
    ...(options.coverage === undefined ? {} : { coverage: options.coverage }),
    onCrash: (record) => {
      for (const state of record.states) visited.add(state);
      options.onCrash?.(record);
    },
  });
  await run.start();
  let stepsRun = 0;
  for (const step of workload.steps) {
    for (const state of run.model.activeStates()) visited.add(state);
    if (!(await run.step(step))) break;
    stepsRun += 1;
    for (const state of run.model.activeStates()) visited.add(state);
  }
  if (run.violations.length === 0) await run.checkCrashNow();
  await run.close();
  const unreached = workload.reaches.filter((state) => !visited.has(state));
  return { ...run.result(), workload, unreached, stepsRun, ended: run.ended };
}
