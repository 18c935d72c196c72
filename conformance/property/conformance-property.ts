/**
 * The model-based conformance property: fast-check generates long command sequences
 * (conformance-commands.ts) and runs them with `fc.scheduledModelRun`, whose scheduler decides
 * how the background work (BGSAVE and rewrite children, the everysec fsync) interleaves with
 * the foreground commands: after every command the system offers one background slice to the
 * scheduler, which releases it whenever its exploration chooses.
 *
 * Each generated run starts a fresh server with a generated configuration (appendonly,
 * appendfsync, aof-use-rdb-preamble) and crash checks before every state-changing file-system
 * operation (a process crash and a few power-loss states per profile).
 *
 * Invariants:
 * - A failure report names the seed, the path and the replayPath; `runConformanceProperty` with
 *   the same three replays exactly that counterexample (`npm run replay -- <seed> <path> <replayPath>`).
 * - Sequences are long enough to reach deep states: `size` is set explicitly (the fast-check
 *   default would be about 10 commands).
 */
import fc from 'fast-check';
import { CoverageTracker } from '../../model/testing/machine-coverage.ts';
import { type AppendFsync } from '../../impl/index.ts';
import { ConformanceRun, type CrashCheckOptions, type CrashRecord } from '../harness/conformance-run.ts';
import { type ConformanceModel, RealSystem, conformanceCommands } from './conformance-commands.ts';

export interface PropertyOptions {
  readonly seed: number;
  readonly numRuns: number;
  readonly path?: string;
  readonly replayPath?: string;
  /** Commands per sequence, at most (default 60). */
  readonly maxCommands?: number;
  readonly crashChecks?: CrashCheckOptions;
  readonly coverage?: CoverageTracker;
  readonly onCrash?: (record: CrashRecord) => void;
  /** Shrink a failure to a smaller counterexample (slow: every try reruns its crash checks). Default false. */
  readonly shrink?: boolean;
}

export interface PropertyOutcome {
  readonly failed: boolean;
  readonly seed: number;
  readonly path: string | null;
  readonly replayPath: string | null;
  readonly runs: number;
  /** fast-check's report (with the counterexample and the run's violation) when it failed. */
  readonly report: string;
  readonly replayCommand: string | null;
}

export const defaultPropertyCrashChecks: CrashCheckOptions = { process: true, profiles: ['strict-posix', 'ext4-ordered'], powerStatesPerPoint: 2 };

const configuration = fc.record({
  appendonly: fc.boolean(),
  appendfsync: fc.constantFrom<AppendFsync>('always', 'everysec', 'no'),
  aofUseRdbPreamble: fc.boolean(),
});

function replayPathOf(report: string): string | null {
  return /replayPath=("(?:[^"\\]|\\.)*")/.exec(report)?.[1] !== undefined ? (JSON.parse(/replayPath=("(?:[^"\\]|\\.)*")/.exec(report)?.[1] as string) as string) : null;
}

export async function runConformanceProperty(options: PropertyOptions): Promise<PropertyOutcome> {
  const crashChecks = options.crashChecks ?? defaultPropertyCrashChecks;
  const coverage = options.coverage ?? new CoverageTracker();
  const commands = fc.commands(conformanceCommands(), { size: 'max', maxCommands: options.maxCommands ?? 60, ...(options.replayPath === undefined ? {} : { replayPath: options.replayPath }) });
  let runSeed = 0;
  const property = fc.asyncProperty(configuration, fc.scheduler(), commands, async (config, scheduler, cmds) => {
    runSeed += 1;
    const run = new ConformanceRun({ config, seed: options.seed + runSeed, crashChecks, coverage, ...(options.onCrash === undefined ? {} : { onCrash: options.onCrash }) });
    await run.start();
    const real = new RealSystem(run);
    const model: ConformanceModel = { ended: false };
    try {
      // After each command, one background slice is offered to the scheduler.
      const withBackground = [...cmds].flatMap((command) => [command, backgroundOffer(scheduler)]);
      await fc.scheduledModelRun(scheduler, () => ({ model, real }), withBackground);
      real.assertNoViolation();
    } finally {
      await run.close();
    }
  });
  const result = await fc.check(property, { seed: options.seed, numRuns: options.numRuns, endOnFailure: options.shrink !== true, ...(options.path === undefined ? {} : { path: options.path }) });
  if (!result.failed) return { failed: false, seed: options.seed, path: null, replayPath: null, runs: result.numRuns, report: '', replayCommand: null };
  const report = fc.defaultReportMessage(result) ?? 'the property failed';
  const replayPath = replayPathOf(report);
  const path = result.counterexamplePath;
  const replayCommand = `npm run replay -- ${options.seed} ${path ?? ''} ${replayPath === null ? '' : JSON.stringify(replayPath)}`.trim();
  return { failed: true, seed: options.seed, path, replayPath, runs: result.numRuns, report, replayCommand };
}

/** A command that offers one background slice; the scheduler decides when it is taken. */
function backgroundOffer(scheduler: fc.Scheduler): fc.AsyncCommand<ConformanceModel, RealSystem> {
  return {
    check: (model) => !model.ended,
    run: async (model, real) => {
      void scheduler
        .schedule(Promise.resolve('background slice'), 'background slice')
        .then(() => real.serial(() => real.run.step({ kind: 'background', slices: 1 })))
        .then(() => {
          if (real.run.ended !== null) model.ended = true;
        });
    },
    toString: () => 'offer a background slice',
  };
}
