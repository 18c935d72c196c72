/**
 * What a `durakv check` job found: the object `--json` prints, and the input of the text
 * rendering (summary-table.ts, violation-report.ts).
 *
 * Invariants:
 * - Plain data (JSON-safe: numbers, strings, booleans, arrays, objects); `crashStatesChecked`
 *   and `violations` are numbers at the top level, beside `rows`.
 * - `passed` is false exactly when a violation, an unreached flow or a run that stopped early
 *   without a violation was found; the exit code follows it.
 * - Everything but `seconds` and `statesPerSecond` is a function of the options and of which
 *   random workloads ran (their number is `runs`; `--runs <runs>` repeats the same work).
 */
import type { CoverageTracker } from '../../model/testing/machine-coverage.ts';
import type { ViolationCheck } from '../harness/conformance-run.ts';
import type { FlowRow } from './flow-rows.ts';
import type { SummaryRow } from './summary-rows.ts';

export interface ReportedViolation {
  readonly workload: string;
  /** The seed the workload ran with. */
  readonly seed: number;
  /** The harness's check, 'loader' for the damaged-AOF check, or 'error' when the run threw (a harness or implementation bug). */
  readonly check: ViolationCheck | 'loader' | 'error';
  readonly message: string;
  readonly timeline: string;
  readonly replay: string;
}

/** A run that ended before its last step with no violation to say why. */
export interface StoppedRun {
  readonly workload: string;
  readonly stepsRun: number;
  readonly steps: number;
  readonly replay: string;
}

export interface CoverageFigures {
  readonly covered: number;
  readonly total: number;
  readonly missing: readonly string[];
}

export interface CoverageReport {
  readonly states: CoverageFigures;
  readonly transitions: CoverageFigures;
}

export interface ConfigChange {
  readonly workload: string;
  /** e.g. `CONFIG SET appendonly yes`. */
  readonly changes: readonly string[];
}

export interface CheckReport {
  readonly seed: number;
  /** Random workloads run (seeds seed .. seed+runs-1). */
  readonly runs: number;
  readonly catalogueWorkloads: readonly string[];
  readonly powerStatesPerPoint: number;
  readonly timeBudgetSeconds: number | null;
  readonly seconds: number;
  readonly crashStatesChecked: number;
  readonly distinctCrashStates: number;
  readonly statesPerSecond: number;
  readonly violations: number;
  readonly silentCorruption: number;
  readonly rows: readonly SummaryRow[];
  readonly coverage: CoverageReport;
  readonly flows: readonly FlowRow[];
  /** Workloads that change appendonly/appendfsync at runtime (rows use the configuration at each crash). */
  readonly configChanges: readonly ConfigChange[];
  readonly violationDetails: readonly ReportedViolation[];
  readonly stoppedRuns: readonly StoppedRun[];
  /** Start-up flows the model takes as one step (legacy upgrade, first start): their own sweep. */
  readonly startupFlows: readonly { readonly name: string; readonly flow: string; readonly operations: number; readonly crashStates: number; readonly violations: number }[];
  /** The damaged-AOF check (torn non-last incr files must be refused, files untouched); null when not run. */
  readonly damagedAof: { readonly cases: number; readonly failures: number } | null;
  readonly passed: boolean;
}

export function coverageReport(tracker: CoverageTracker): CoverageReport {
  const missingStates = tracker.missingStates();
  const missingTransitions = tracker.missingTransitions();
  const states = tracker.inventory.statePaths.length;
  const transitions = tracker.inventory.transitionKeys.size;
  return {
    states: { covered: states - missingStates.length, total: states, missing: missingStates },
    transitions: { covered: transitions - missingTransitions.length, total: transitions, missing: missingTransitions },
  };
}
