/**
 * `durakv inspect <path> [--json]`: prints the dataset in an RDB file — a human summary by
 * default (per db: key, type, size, TTL), or its canonical dataset JSON with --json.
 *
 * Invariants:
 * - Never modifies the file: it is only streamed through a read-only handle (read-rdb-file.ts).
 * - A corrupt, truncated or unsupported file exits 1 and prints the file, the byte offset and the
 *   reason from the decoder's RdbDecodeError; nothing is printed to stdout then.
 * - With --json, stdout holds exactly datasetToJson(the file's databases); facts about the file
 *   that the dataset does not show (trailing bytes, function libraries, skipped empty keys) go
 *   to stderr as warnings, in both modes.
 */
import { datasetJsonChunks } from '../dataset-json/dataset-to-json.ts';
import { parseArguments } from './cli-arguments.ts';
import { exitCode, type CliContext, type ExitCode } from './cli-context.ts';
import { reportFailure } from './cli-failure.ts';
import { pathArgument } from './cli-paths.ts';
import { datasetSummaryChunks } from './dataset-summary.ts';
import { rdbFileWarnings } from './rdb-file-notes.ts';
import { defaultChunkBytes, readRdbFile } from './read-rdb-file.ts';

export const inspectUsage = 'inspect <path> [--json]';
export const inspectHelp = 'prints the dataset in an RDB file: per db, key, type, size, TTL; --json: canonical dataset JSON';

export interface InspectOptions {
  /** Read size per push; tests make it small to exercise chunk boundaries. */
  readonly chunkBytes?: number;
}

export async function runInspect(args: readonly string[], context: CliContext, options: InspectOptions = {}): Promise<ExitCode> {
  try {
    const parsed = parseArguments(args, { positionals: ['path'], flags: ['--json'], options: [] });
    const path = pathArgument(context.cwd, parsed.positionals[0] as string);
    const contents = await readRdbFile(context.fs, path, options.chunkBytes ?? defaultChunkBytes);
    if (parsed.flags.has('--json')) {
      for (const chunk of datasetJsonChunks(contents.databases)) context.stdout.write(chunk);
    } else {
      for (const chunk of datasetSummaryChunks(path.shown, contents, context.nowMs())) context.stdout.write(chunk);
    }
    for (const warning of rdbFileWarnings(contents)) context.stderr.write(`durakv inspect: warning: ${path.shown}: ${warning}\n`);
    return exitCode.ok;
  } catch (error) {
    return reportFailure(error, context, 'inspect', inspectUsage);
  }
}
