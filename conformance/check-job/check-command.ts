/**
 * `durakv check` as a command: arguments in, exit code out. Parses the options, prints the help
 * or a usage error, and runs the job (run-check.ts).
 *
 * Invariants:
 * - Exit codes: 0 passed; 1 a violation, an unreached flow or a run that stopped early; 2 a
 *   usage error (printed to stderr with the usage line; nothing runs).
 * - The process (scripts/durakv-cli.ts) supplies the sinks, whether stderr is a terminal, and
 *   the clock; nothing here reads the process.
 */
import type { TextOutput } from '../../impl/cli/cli-context.ts';
import { CliUsageError } from '../../impl/cli/cli-errors.ts';
import { workloadCatalogue } from '../workloads/workload-catalogue.ts';
import { checkHelp, checkUsage, parseCheckArguments } from './check-options.ts';
import { type CheckHooks, runCheck } from './run-check.ts';

export interface CheckCommandIo {
  readonly stdout: TextOutput;
  readonly stderr: TextOutput;
  /** A terminal gets a redrawn bar; anything else a line per 10%. */
  readonly stderrIsTTY: boolean;
  readonly clockMs: () => number;
}

export { checkUsage };
export const checkSummary = 'the main job: crash-tests the reference implementation against the model (check --help)';

export async function runCheckCommand(argv: readonly string[], io: CheckCommandIo, hooks: CheckHooks = {}): Promise<number> {
  const names = workloadCatalogue.map((workload) => workload.name);
  let parsed;
  try {
    parsed = parseCheckArguments(argv, names);
  } catch (error) {
    if (!(error instanceof CliUsageError)) throw error;
    io.stderr.write(`durakv check: ${error.message}\nusage: durakv ${checkUsage}\n(durakv check --help for the options)\n`);
    return 2;
  }
  if (parsed.kind === 'help') {
    io.stdout.write(`${checkHelp(names)}\n`);
    return 0;
  }
  const outcome = await runCheck(parsed.options, { stdout: io.stdout, stderr: io.stderr, progress: io.stderrIsTTY ? 'tty' : 'lines', clockMs: io.clockMs }, hooks);
  return outcome.exitCode;
}
