/**
 * The main job, `durakv check`: every chosen catalogue workload, then seeded random workloads
 * until the run count or the time budget, each run with crash checks at every state-changing
 * file-system operation; then the summary (text, or one JSON object) and the exit code.
 *
 * Invariants:
 * - The suite is deterministic given the options: catalogue workloads run with the job's seed,
 *   random workload i is randomWorkload(seed+i) run with seed+i. The injected clock decides only
 *   when the random workloads stop (the budget) and the figures `seconds`/`statesPerSecond`.
 * - Output goes only to the injected sinks. With --json, stdout receives exactly one JSON
 *   object; the header, the progress and the violations go to stderr. Without it, the
 *   violations and the summary go to stdout, the progress to stderr.
 * - Exit code 1 when the report did not pass (a violation, an unreached flow, a run that stopped
 *   early), else 0. A run that throws is a violation of check 'error', never a crash of the job.
 */
import type { TextOutput } from '../../impl/cli/cli-context.ts';
import { CoverageTracker } from '../../model/testing/machine-coverage.ts';
import type { CrashCheckOptions, FileSystemDecorators } from '../harness/conformance-run.ts';
import { checkDamagedAof, describeDamagedAofFailures } from '../damaged-aof/damaged-aof-check.ts';
import { multiIncrAofImage, multiIncrConfig, multiIncrDirectory } from '../damaged-aof/multi-incr-aof.ts';
import { type WorkloadResult, runWorkload } from '../sweep/run-workload.ts';
import { runStartupWorkload, startupCatalogue } from '../sweep/startup-sweep.ts';
import { type Workload, randomWorkload, workloadCatalogue } from '../workloads/workload-catalogue.ts';
import { type CheckOptions, randomWorkloadLength } from './check-options.ts';
import { type CheckReport, type ConfigChange, type ReportedViolation, type StoppedRun, coverageReport } from './check-report.ts';
import { FlowTally } from './flow-rows.ts';
import { ProgressBar, type ProgressMode } from './progress-bar.ts';
import { type WorkloadOrigin, replayCommand } from './replay-command.ts';
import { CrashTally } from './summary-rows.ts';
import { renderSummary } from './summary-table.ts';
import { renderViolations } from './violation-report.ts';

export interface CheckIo {
  readonly stdout: TextOutput;
  readonly stderr: TextOutput;
  readonly progress: ProgressMode;
  /** Milliseconds from any fixed origin (monotonic): the budget and the rate only. */
  readonly clockMs: () => number;
}

export interface CheckHooks {
  /** Passed to every run: the suite's own tests seed a bug through it. */
  readonly decorators?: FileSystemDecorators;
}

export interface CheckOutcome {
  readonly exitCode: 0 | 1;
  readonly report: CheckReport;
}

interface PlannedRun {
  readonly workload: Workload;
  readonly seed: number;
  readonly origin: WorkloadOrigin;
}

function configChangesOf(workload: Workload): string[] {
  return workload.steps.flatMap((step) => (step.kind === 'config' ? [`CONFIG SET ${step.name} ${step.value}`] : []));
}

export async function runCheck(options: CheckOptions, io: CheckIo, hooks: CheckHooks = {}): Promise<CheckOutcome> {
  const startMs = io.clockMs();
  const elapsedMs = () => io.clockMs() - startMs;
  const crashChecks: CrashCheckOptions = { process: true, profiles: ['strict-posix', 'ext4-ordered'], powerStatesPerPoint: options.powerStatesPerPoint };
  const catalogue = workloadCatalogue.filter((workload) => options.workloads.includes(workload.name));
  const budgetMs = options.timeBudgetSeconds === null ? null : options.timeBudgetSeconds * 1000;
  const planned = options.runs === null ? null : catalogue.length + options.runs;
  const crashes = new CrashTally();
  const flows = new FlowTally();
  const coverage = new CoverageTracker();
  const violations: ReportedViolation[] = [];
  const stoppedRuns: StoppedRun[] = [];
  const configChanges: ConfigChange[] = [];
  const progress = new ProgressBar(io.stderr, io.progress, io.clockMs);
  const info = options.json ? io.stderr : io.stdout;
  let workloadsDone = 0;
  let randomRuns = 0;

  const progressState = () => {
    const elapsed = elapsedMs();
    const byTime = budgetMs === null ? 0 : elapsed / budgetMs;
    const byWork = planned === null || planned === 0 ? 0 : workloadsDone / planned;
    return { fraction: Math.max(byTime, byWork), workloads: workloadsDone, crashStates: crashes.crashStatesChecked, violations: violations.length, elapsedMs: elapsed };
  };

  const run = async ({ workload, seed, origin }: PlannedRun): Promise<void> => {
    const replay = replayCommand(origin, options.powerStatesPerPoint);
    const changes = configChangesOf(workload);
    if (changes.length > 0) configChanges.push({ workload: workload.name, changes });
    let result: WorkloadResult | null = null;
    try {
      result = await runWorkload(workload, {
        seed,
        crashChecks,
        coverage,
        ...(hooks.decorators === undefined ? {} : { decorators: hooks.decorators }),
        onCrash: (record) => {
          crashes.add({ workload: workload.name, setting: { appendonly: record.config.appendonly, appendfsync: record.config.appendfsync }, record });
          flows.addCrash(workload.flow, record.kind, record.phase);
          progress.update(progressState());
        },
      });
    } catch (error) {
      const message = `the run threw: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
      violations.push({ workload: workload.name, seed, check: 'error', message, timeline: '', replay });
    }
    if (result !== null) {
      for (const violation of result.violations) violations.push({ workload: workload.name, seed, check: violation.check, message: violation.message, timeline: violation.timeline, replay });
      if (result.violations.length === 0 && result.ended === null && result.stepsRun < workload.steps.length) stoppedRuns.push({ workload: workload.name, stepsRun: result.stepsRun, steps: workload.steps.length, replay });
    }
    // A run that threw proved nothing about its flow: every claimed state counts as unreached.
    flows.addRun(workload, result === null ? workload.reaches : result.unreached, result === null || result.violations.length > 0);
    workloadsDone += 1;
    progress.update(progressState());
  };

  const budget = budgetMs === null ? 'no time limit' : `time budget ${options.timeBudgetSeconds} s`;
  const randomPlan =
    options.runs === 0
      ? 'no random workload'
      : options.runs === null
        ? `random workloads (seed+i) until the ${budget}`
        : `${options.runs} random workload${options.runs === 1 ? '' : 's'} (seed+i)${budgetMs === null ? '' : `, ${budget}`}`;
  info.write(`durakv check: seed ${options.seed}; ${catalogue.length} catalogue workload${catalogue.length === 1 ? '' : 's'}, then ${randomPlan}; ${options.powerStatesPerPoint} power-loss states per profile and crash point\n`);

  for (const workload of catalogue) await run({ workload, seed: options.seed, origin: { kind: 'catalogue', name: workload.name, seed: options.seed } });
  // With the whole catalogue: the start-up flows (their own sweep) and the damaged-AOF check.
  const startupFlows: CheckReport['startupFlows'][number][] = [];
  let damagedAof: CheckReport['damagedAof'] = null;
  let startupStates = 0;
  if (catalogue.length === workloadCatalogue.length) {
    for (const workload of startupCatalogue) {
      const result = await runStartupWorkload(workload, { seed: options.seed, powerStatesPerPoint: options.powerStatesPerPoint });
      startupStates += result.crashStates;
      startupFlows.push({ name: workload.name, flow: workload.flow, operations: result.operations, crashStates: result.crashStates, violations: result.violations.length });
      for (const message of result.violations) violations.push({ workload: workload.name, seed: options.seed, check: 'oracle', message, timeline: '', replay: `npx durakv check --workload ${workload.name}` });
    }
    const damaged = await checkDamagedAof({ image: await multiIncrAofImage(), directory: multiIncrDirectory, config: multiIncrConfig });
    damagedAof = { cases: damaged.cases.length, failures: damaged.failures.length };
    if (damaged.failures.length > 0) violations.push({ workload: 'damaged-aof', seed: options.seed, check: 'loader', message: describeDamagedAofFailures(damaged), timeline: '', replay: 'npx durakv check --workload damaged-aof' });
    progress.update(progressState());
  }
  while ((options.runs === null || randomRuns < options.runs) && (budgetMs === null || elapsedMs() < budgetMs)) {
    const seed = options.seed + randomRuns;
    await run({ workload: randomWorkload(seed, randomWorkloadLength), seed, origin: { kind: 'random', seed } });
    randomRuns += 1;
  }
  progress.finish(progressState());

  const seconds = elapsedMs() / 1000;
  const rows = crashes.rows();
  const flowRows = flows.rows();
  const passed = violations.length === 0 && stoppedRuns.length === 0 && flowRows.every((flow) => flow.reached);
  const report: CheckReport = {
    seed: options.seed,
    runs: randomRuns,
    catalogueWorkloads: catalogue.map((workload) => workload.name),
    powerStatesPerPoint: options.powerStatesPerPoint,
    timeBudgetSeconds: options.timeBudgetSeconds,
    seconds: Math.round(seconds * 1000) / 1000,
    crashStatesChecked: crashes.crashStatesChecked + startupStates,
    distinctCrashStates: crashes.distinctCrashStates + startupStates,
    statesPerSecond: seconds > 0 ? Math.round((crashes.crashStatesChecked + startupStates) / seconds) : 0,
    violations: violations.length,
    silentCorruption: rows.reduce((total, row) => total + row.silentCorruption, 0),
    rows,
    coverage: coverageReport(coverage),
    flows: flowRows,
    configChanges,
    violationDetails: violations,
    stoppedRuns,
    startupFlows,
    damagedAof,
    passed,
  };
  if (options.json) {
    io.stderr.write(renderViolations(violations));
    io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    io.stdout.write(renderViolations(violations));
    io.stdout.write(renderSummary(report));
  }
  return { exitCode: passed ? 0 : 1, report };
}
