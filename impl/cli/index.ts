/**
 * durakv's data subcommands, run in-process against a CliContext: `inspect` (read an RDB file)
 * and `write` (write one from dataset JSON). scripts/durakv-cli.ts wires them to the process.
 */
export { exitCode, type CliContext, type ExitCode, type TextOutput } from './cli-context.ts';
export { inspectHelp, inspectUsage, runInspect } from './inspect-command.ts';
export { runWrite, writeHelp, writeUsage } from './write-command.ts';
