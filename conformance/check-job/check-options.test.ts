/**
 * Goal: `durakv check` reads its options as documented: defaults (every catalogue workload, then
 * random workloads until the default time budget), --runs alone is an exact amount of work,
 * --workload alone runs no random workload; every malformed argument is a usage error, which the
 * command reports on stderr with the usage line and exit code 2, running nothing.
 * Method: parseCheckArguments on argument lists; runCheckCommand with captured sinks for the
 * exit codes.
 */
import { describe, expect, it } from 'vitest';
import { CliUsageError } from '../../impl/cli/cli-errors.ts';
import { workloadCatalogue } from '../workloads/workload-catalogue.ts';
import { runCheckCommand } from './check-command.ts';
import { defaultPowerStates, defaultSeed, defaultTimeBudgetSeconds, parseCheckArguments } from './check-options.ts';

const names = workloadCatalogue.map((workload) => workload.name);
const parse = (...argv: string[]) => parseCheckArguments(argv, names);
const options = (...argv: string[]) => {
  const parsed = parse(...argv);
  if (parsed.kind !== 'run') throw new Error('expected options');
  return parsed.options;
};

describe('check options', () => {
  it('default to every catalogue workload, then random workloads until the default time budget', () => {
    expect(options()).toEqual({ seed: defaultSeed, workloads: names, runs: null, timeBudgetSeconds: defaultTimeBudgetSeconds, powerStatesPerPoint: defaultPowerStates, json: false });
  });

  it('run exactly --runs random workloads with no time limit, unless a budget is given too', () => {
    expect(options('--runs', '5')).toMatchObject({ runs: 5, timeBudgetSeconds: null, workloads: names });
    expect(options('--runs', '5', '--time-budget', '2.5')).toMatchObject({ runs: 5, timeBudgetSeconds: 2.5 });
  });

  it('select catalogue workloads with --workload (comma-separated, kept in catalogue order) and then run no random workload', () => {
    expect(options('--workload', 'save,bgsave')).toMatchObject({ workloads: ['bgsave', 'save'], runs: 0, timeBudgetSeconds: null });
    expect(options('--workload', 'save', '--runs', '2')).toMatchObject({ workloads: ['save'], runs: 2, timeBudgetSeconds: null });
    expect(options('--workload', 'save', '--time-budget', '3')).toMatchObject({ workloads: ['save'], runs: null, timeBudgetSeconds: 3 });
  });

  it('skip the catalogue with --random-only', () => {
    expect(options('--random-only', '--seed', '42', '--runs', '1')).toMatchObject({ workloads: [], seed: 42, runs: 1, timeBudgetSeconds: null });
    expect(options('--random-only')).toMatchObject({ workloads: [], runs: null, timeBudgetSeconds: defaultTimeBudgetSeconds });
  });

  it('read --seed=, --power-states and --json', () => {
    expect(options('--seed=7', '--power-states', '2', '--json')).toMatchObject({ seed: 7, powerStatesPerPoint: 2, json: true });
  });

  it('ask for the help with --help or -h', () => {
    expect(parse('--help')).toEqual({ kind: 'help' });
    expect(parse('-h', '--runs', '3')).toEqual({ kind: 'help' });
  });

  it.each([
    [['--frobnicate'], /unknown option --frobnicate/],
    [['extra'], /expected , got 1 argument/],
    [['--runs'], /--runs needs a value/],
    [['--runs', 'x'], /--runs needs a whole number, got 'x'/],
    [['--runs', '-1'], /--runs needs a value|whole number/],
    [['--seed', '1.5'], /--seed needs a whole number/],
    [['--seed', String(2 ** 49)], /--seed must be between 0 and/],
    [['--time-budget', '0'], /--time-budget needs a positive number of seconds/],
    [['--time-budget', 'soon'], /--time-budget needs a positive number of seconds/],
    [['--power-states', '0'], /--power-states must be between 1 and 1024/],
    [['--workload', 'nope'], /unknown workload 'nope' \(catalogue: bgsave, save/],
    [['--workload', 'save', '--random-only'], /--random-only and --workload exclude each other/],
    [['--random-only', '--runs', '0'], /nothing to run/],
    [['--runs', '1', '--runs', '2'], /--runs is given twice/],
    [['--json=yes'], /--json takes no value/],
  ])('reject %j as a usage error', (argv, message) => {
    expect(() => parse(...argv)).toThrow(CliUsageError);
    expect(() => parse(...argv)).toThrow(message);
  });
});

describe('the check command', () => {
  function sinks() {
    const out = { stdout: '', stderr: '' };
    const io = { stdout: { write: (text: string) => (out.stdout += text) }, stderr: { write: (text: string) => (out.stderr += text) }, stderrIsTTY: false, clockMs: () => 0 };
    return { out, io };
  }

  it('exits 2 on a usage error, printing the error and the usage line to stderr and running nothing', async () => {
    const { out, io } = sinks();
    expect(await runCheckCommand(['--runs', 'many'], io)).toBe(2);
    expect(out.stdout).toBe('');
    expect(out.stderr).toBe("durakv check: --runs needs a whole number, got 'many'\nusage: durakv check [--seed <n>] [--runs <n>] [--time-budget <s>] [--json] ...\n(durakv check --help for the options)\n");
  });

  it('prints the help, with every option and the replay commands, to stdout and exits 0', async () => {
    const { out, io } = sinks();
    expect(await runCheckCommand(['--help'], io)).toBe(0);
    for (const option of ['--seed', '--runs', '--time-budget', '--workload', '--random-only', '--power-states', '--json']) expect(out.stdout).toContain(option);
    expect(out.stdout).toContain('durakv check --random-only --seed <seed+i> --runs 1');
    expect(out.stdout).toContain(`catalogue workloads: ${names.join(', ')}`);
    expect(out.stderr).toBe('');
  });
});
