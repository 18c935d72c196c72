/**
 * The durakv command line. Subcommands:
 * - `check`: the main job, crash-testing the implementation against the model
 *   (conformance/check-job/check-command.ts; `npm start`).
 * - `guarantees`: print what each persistence setting guarantees, derived from the model.
 * - `inspect`: print the dataset in an RDB file (impl/cli/inspect-command.ts).
 * - `write`: write an RDB file from dataset JSON (impl/cli/write-command.ts).
 *
 * This is the process layer: it alone reads the clock, the pid, the working directory and the
 * real disk, and hands them to the impl/cli commands as a CliContext.
 */
import { inspectHelp, inspectUsage, runInspect, runWrite, writeHelp, writeUsage, type CliContext } from '../impl/cli/index.ts';
import { NodeFileSystem } from '../impl/fs/node-file-system.ts';
import { checkSummary, checkUsage, runCheckCommand } from '../conformance/check-job/check-command.ts';
import { defaultExploration, exploreGuarantees } from '../model/index.ts';
import { renderGuaranteeSummary, renderGuaranteesMarkdown } from './guarantees-markdown.ts';

const commandLines: readonly (readonly [string, string])[] = [
  [checkUsage, checkSummary],
  ['guarantees [--markdown]', 'what each appendonly/appendfsync setting guarantees on a crash (from the model)'],
  [inspectUsage, inspectHelp],
  [writeUsage, writeHelp],
];
const usageWidth = Math.max(...commandLines.map(([command]) => command.length));
const usage = `usage: durakv <command>\n${commandLines.map(([command, help]) => `  ${command.padEnd(usageWidth)}   ${help}`).join('\n')}`;

function processContext(): CliContext {
  return {
    fs: new NodeFileSystem(),
    cwd: process.cwd(),
    stdout: { write: (text: string) => process.stdout.write(text) },
    stderr: { write: (text: string) => process.stderr.write(text) },
    nowMs: () => Date.now(),
    pid: process.pid,
  };
}

export async function runCli(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'check':
      return runCheckCommand(rest, {
        stdout: { write: (text: string) => process.stdout.write(text) },
        stderr: { write: (text: string) => process.stderr.write(text) },
        stderrIsTTY: process.stderr.isTTY === true,
        clockMs: () => performance.now(),
      });
    case 'guarantees': {
      const rows = exploreGuarantees(defaultExploration);
      console.log(rest.includes('--markdown') ? renderGuaranteesMarkdown(rows) : renderGuaranteeSummary(rows));
      if (!rest.includes('--markdown')) console.log('\nFull table, per phase: docs/generated/guarantees.md (npm run docs).');
      return 0;
    }
    case 'inspect':
      return runInspect(rest, processContext());
    case 'write':
      return runWrite(rest, processContext());
    case undefined:
    case '--help':
    case '-h':
      console.log(usage);
      return command === undefined ? 2 : 0;
    default:
      console.error(`durakv: unknown command '${command}'\n${usage}`);
      return 2;
  }
}
