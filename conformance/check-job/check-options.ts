/**
 * The options of `durakv check` (the main job): parsing, defaults and the help text.
 *
 * Invariants:
 * - Pure: argv in, options (or a CliUsageError) out; nothing is read from the process.
 * - Every option that changes which crash states are judged (--seed, --workload, --random-only,
 *   --runs, --power-states) appears in the help text, and replay-command.ts can spell any run
 *   of the job back as such options, so a failure replays exactly.
 * - Defaults: every catalogue workload, then random workloads until the time budget
 *   (defaultTimeBudgetSeconds, measured from the job's start). --runs alone removes the time
 *   limit (an exact, deterministic amount of work); --workload alone runs no random workload.
 */
import { parseArguments } from '../../impl/cli/cli-arguments.ts';
import { CliUsageError } from '../../impl/cli/cli-errors.ts';

/** The seed printed and used when --seed is not given. */
export const defaultSeed = 20261124;
/** Chosen so that the whole job takes about two minutes on a 2-core machine (see README). */
export const defaultTimeBudgetSeconds = 120;
/** Power-loss states judged per profile and crash point; past it, a seeded sample. */
export const defaultPowerStates = 8;
/** Seeds stay well inside the safe integers, so seed+i is exact. */
export const maxSeed = 2 ** 48;
/** Steps of each random workload (before its final `background all`). */
export const randomWorkloadLength = 40;

export interface CheckOptions {
  readonly seed: number;
  /** Catalogue workloads to run, by name, in catalogue order; empty with --random-only. */
  readonly workloads: readonly string[];
  /** Random workloads at most (seeds seed, seed+1, ...); null: until the time budget. */
  readonly runs: number | null;
  /** Seconds from the job's start after which no further random workload starts; null: none. */
  readonly timeBudgetSeconds: number | null;
  readonly powerStatesPerPoint: number;
  readonly json: boolean;
}

export type CheckArguments = { readonly kind: 'help' } | { readonly kind: 'run'; readonly options: CheckOptions };

export const checkUsage = 'check [--seed <n>] [--runs <n>] [--time-budget <s>] [--json] ...';

export function checkHelp(catalogue: readonly string[]): string {
  return [
    'usage: durakv check [--seed <n>] [--runs <n>] [--time-budget <s>] [--workload <names> | --random-only]',
    '                    [--power-states <n>] [--json]',
    '',
    'Crash-tests the reference implementation against the model: every catalogue workload, then',
    'seeded random workloads. Before every state-changing file-system operation it judges a process',
    'crash and power-loss states (strict-posix, ext4-ordered) by restarting the implementation on',
    'the crashed disk and asking the model which datasets a restart may produce. Ends with a table',
    'per appendonly x appendfsync x crash kind; exits 1 on any violation or unreached flow.',
    '',
    'options:',
    `  --seed <n>            the job's seed (default ${defaultSeed}); catalogue workloads run with it,`,
    '                        random workload i is randomWorkload(seed+i) run with seed+i',
    '  --runs <n>            at most n random workloads; without --time-budget, exactly n (no time limit)',
    `  --time-budget <s>     start no random workload after s seconds of the job (default ${defaultTimeBudgetSeconds},`,
    '                        unless --runs or --workload is given)',
    '  --workload <names>    only these catalogue workloads (comma-separated) and, unless --runs or',
    '                        --time-budget is given, no random workload',
    '  --random-only         skip the catalogue',
    `  --power-states <n>    power-loss states per profile and crash point (default ${defaultPowerStates})`,
    '  --json                stdout is one JSON object (the summary); the progress and the',
    '                        violations go to stderr',
    '',
    'replay a failure (each violation prints its own line):',
    '  durakv check --workload <name> [--seed <n>]           a catalogue workload',
    '  durakv check --random-only --seed <seed+i> --runs 1    random workload i',
    '',
    `catalogue workloads: ${catalogue.join(', ')}`,
    '',
    'exit codes: 0 no violation and every flow reached; 1 a violation, an unreached flow or a run',
    'that stopped early; 2 a usage error',
  ].join('\n');
}

function integer(name: string, text: string, min: number, max: number): number {
  if (!/^\d+$/.test(text)) throw new CliUsageError(`${name} needs a whole number, got '${text}'`);
  const value = Number(text);
  if (value < min || value > max) throw new CliUsageError(`${name} must be between ${min} and ${max}, got ${text}`);
  return value;
}

function seconds(name: string, text: string): number {
  if (!/^\d+(\.\d+)?$/.test(text) || Number(text) <= 0) throw new CliUsageError(`${name} needs a positive number of seconds, got '${text}'`);
  return Number(text);
}

/** Parses `durakv check`'s arguments against the catalogue's workload names. */
export function parseCheckArguments(argv: readonly string[], catalogue: readonly string[]): CheckArguments {
  const parsed = parseArguments(argv, {
    positionals: [],
    flags: ['--json', '--random-only', '--help', '-h'],
    options: ['--seed', '--runs', '--time-budget', '--workload', '--power-states'],
  });
  if (parsed.flags.has('--help') || parsed.flags.has('-h')) return { kind: 'help' };
  const option = (name: string): string | undefined => parsed.options.get(name);
  const seedText = option('--seed');
  const runsText = option('--runs');
  const budgetText = option('--time-budget');
  const workloadText = option('--workload');
  const powerText = option('--power-states');
  const randomOnly = parsed.flags.has('--random-only');
  if (randomOnly && workloadText !== undefined) throw new CliUsageError('--random-only and --workload exclude each other');
  let workloads: readonly string[] = randomOnly ? [] : catalogue;
  if (workloadText !== undefined) {
    const names = workloadText.split(',').map((name) => name.trim());
    const unknown = names.filter((name) => !catalogue.includes(name));
    if (unknown.length > 0 || names.length === 0) throw new CliUsageError(`unknown workload '${unknown.join(',')}' (catalogue: ${catalogue.join(', ')})`);
    workloads = catalogue.filter((name) => names.includes(name));
  }
  const runs = runsText === undefined ? null : integer('--runs', runsText, 0, 1_000_000);
  const timeBudgetSeconds = budgetText !== undefined ? seconds('--time-budget', budgetText) : runs === null && workloadText === undefined ? defaultTimeBudgetSeconds : null;
  const randomRuns = runs ?? (workloadText !== undefined && budgetText === undefined ? 0 : null);
  if (workloads.length === 0 && randomRuns === 0) throw new CliUsageError('nothing to run: no catalogue workload and no random workload');
  return {
    kind: 'run',
    options: {
      seed: seedText === undefined ? defaultSeed : integer('--seed', seedText, 0, maxSeed),
      workloads,
      runs: randomRuns,
      timeBudgetSeconds,
      powerStatesPerPoint: powerText === undefined ? defaultPowerStates : integer('--power-states', powerText, 1, 1024),
      json: parsed.flags.has('--json'),
    },
  };
}
