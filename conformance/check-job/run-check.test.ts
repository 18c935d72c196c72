/**
 * Goal: the main job, run in-process against the reference implementation, judges crash states
 * of catalogue and random workloads and reports them: with --json, stdout is exactly one JSON
 * object (rows, counts, seed, runs, rate, coverage, flows) and the progress goes to stderr; a
 * clean implementation exits 0; a seeded bug makes the exit code 1 and is printed with its
 * message, timeline, seed and the command that replays it; the same options give the same report.
 * Method: runCheckCommand / runCheck with captured sinks and a fake clock; the seeded bug is an
 * implementationSide decorator whose fsync of temp-*.rdb does nothing.
 */
import { describe, expect, it } from 'vitest';
import type { FileHandle, FileSystem, OpenMode } from '../../impl/index.ts';
import { runCheckCommand } from './check-command.ts';
import { defaultSeed } from './check-options.ts';
import type { CheckReport } from './check-report.ts';
import { replayCommand } from './replay-command.ts';
import { runCheck } from './run-check.ts';

function sinks() {
  const out = { stdout: '', stderr: '' };
  let now = 0;
  const io = {
    stdout: { write: (text: string) => (out.stdout += text) },
    stderr: { write: (text: string) => (out.stderr += text) },
    stderrIsTTY: false,
    // A fake clock that advances on every read: the budget and the rate see time pass.
    clockMs: () => (now += 1),
  };
  return { out, io };
}

/** `target` with some members replaced; every other method still runs on `target` itself. */
function overriding<T extends object>(target: T, overrides: Partial<T>): T {
  return new Proxy(target, {
    get(object, property) {
      if (property in overrides) return overrides[property as keyof T];
      const value: unknown = Reflect.get(object, property, object);
      return typeof value === 'function' ? value.bind(object) : value;
    },
  });
}

/** The seeded bug: fsync/fdatasync of a temp RDB file is skipped (a bug in the implementation's calls). */
function skipTempRdbFsync(fs: FileSystem): FileSystem {
  const skipped = async (): Promise<void> => undefined;
  return overriding(fs, {
    open: async (path: string, mode: OpenMode): Promise<FileHandle> => {
      const handle = await fs.open(path, mode);
      return /\/temp-[^/]*\.rdb$/.test(path) ? overriding(handle, { fsync: skipped, fdatasync: skipped }) : handle;
    },
  });
}

describe('durakv check', () => {
  it('with --json prints one JSON object with the rows and counts, judges crash states, finds no violation and exits 0', async () => {
    const { out, io } = sinks();
    const code = await runCheckCommand(['--workload', 'save,bgsave', '--runs', '2', '--json'], io);
    const report = JSON.parse(out.stdout) as CheckReport;
    expect(code).toBe(0);
    expect(out.stdout.trimEnd().startsWith('{') && out.stdout.trimEnd().endsWith('}')).toBe(true);
    expect(typeof report.crashStatesChecked).toBe('number');
    expect(report.crashStatesChecked).toBeGreaterThan(0);
    expect(report.violations).toBe(0);
    expect(report).toMatchObject({ seed: defaultSeed, runs: 2, catalogueWorkloads: ['bgsave', 'save'], passed: true, violationDetails: [], stoppedRuns: [] });
    expect(report.rows).toHaveLength(8);
    expect(report.rows.reduce((sum, row) => sum + row.crashStates, 0)).toBe(report.crashStatesChecked);
    expect(report.distinctCrashStates).toBeGreaterThan(0);
    expect(report.distinctCrashStates).toBeLessThanOrEqual(report.crashStatesChecked);
    expect(report.seconds).toBeGreaterThan(0);
    expect(report.statesPerSecond).toBeGreaterThan(0);
    expect(report.coverage.states.covered).toBeGreaterThan(0);
    expect(report.coverage.states.total).toBeGreaterThanOrEqual(report.coverage.states.covered);
    expect(report.flows.map((flow) => [flow.flow, flow.reached])).toEqual([
      ['BGSAVE', true],
      ['SAVE', true],
      ['random', true],
    ]);
    expect(report.flows[0]?.powerPhases).toContain('BGSAVE child running');
    // The header and the progress go to stderr, never into the JSON.
    expect(out.stderr).toMatch(/^durakv check: seed 20261124; 2 catalogue workloads, then 2 random workloads/);
    expect(out.stderr).toMatch(/durakv check: 100% {2}4 workloads, [\d,]+ crash states, 0 violations/);
  });

  it('is deterministic given the options: the same crash states, rows and flows', async () => {
    const options = { seed: 11, workloads: ['save-points'], runs: 1, timeBudgetSeconds: null, powerStatesPerPoint: 2, json: true };
    const first = (await runCheck(options, { ...sinks().io, progress: 'off' })).report;
    const second = (await runCheck(options, { ...sinks().io, progress: 'off' })).report;
    const stable = (report: CheckReport) => ({ ...report, seconds: 0, statesPerSecond: 0 });
    expect(stable(second)).toEqual(stable(first));
  });

  it('exits 1 on a violation and prints its message, timeline, seed and replay command', async () => {
    const { out, io } = sinks();
    const code = await runCheckCommand(['--workload', 'save'], io, { decorators: { implementationSide: skipTempRdbFsync } });
    expect(code).toBe(1);
    expect(out.stdout).toMatch(/^VIOLATION 1\/1 \(refinement\) in workload save, seed 20261124\n {2}#\d+ rename \/data\/temp-\d+\.rdb/m);
    expect(out.stdout).toMatch(/ {2}timeline:\n(.*\n)*\s+\d+ fs {6}#\d+ rename \/data\/temp-\d+\.rdb -> \/data\/dump\.rdb\n/);
    expect(out.stdout).toContain('  replay: npx durakv check --workload save\n');
    // The run stopped at the violation, so it never reached the flow it claims: said, and a failure too.
    expect(out.stdout).toContain('  SAVE (save): NOT REACHED: save never visited running.eventLoop.saving.renamed (stopped at a violation)\n');
    expect(out.stdout).toMatch(/result: FAIL \(1 violation, 1 flow not reached\)\n$/);
  });

  it('with --json sends the violations to stderr and keeps stdout one JSON object', async () => {
    const { out, io } = sinks();
    const code = await runCheckCommand(['--workload', 'save', '--json'], io, { decorators: { implementationSide: skipTempRdbFsync } });
    const report = JSON.parse(out.stdout) as CheckReport;
    expect(code).toBe(1);
    expect(report.violations).toBe(1);
    expect(report.passed).toBe(false);
    expect(report.violationDetails[0]).toMatchObject({ workload: 'save', seed: defaultSeed, check: 'refinement', replay: 'npx durakv check --workload save' });
    expect(out.stderr).toContain('VIOLATION 1/1 (refinement) in workload save, seed 20261124');
  });
});

describe('the replay command', () => {
  it('names a catalogue workload (and a seed or power-state count only when not the default)', () => {
    expect(replayCommand({ kind: 'catalogue', name: 'save', seed: defaultSeed }, 8)).toBe('npx durakv check --workload save');
    expect(replayCommand({ kind: 'catalogue', name: 'bgsave', seed: 3 }, 2)).toBe('npx durakv check --workload bgsave --seed 3 --power-states 2');
  });

  it('runs one random workload from its own seed', () => {
    expect(replayCommand({ kind: 'random', seed: 20261130 }, 8)).toBe('npx durakv check --random-only --seed 20261130 --runs 1');
  });
});
