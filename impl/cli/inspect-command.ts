/**
 * `durakv inspect <path> [--json]`: prints the dataset in an RDB file, or in a multi-part AOF
 * (an appendonlydir, or its manifest) — a human summary by default (per db: key, type, size,
 * TTL), or its canonical dataset JSON with --json.
 *
 * Invariants:
 * - Never modifies a file: an RDB is only streamed through a read-only handle
 *   (read-rdb-file.ts); an AOF is replayed with its torn tail reported, not cut
 *   (read-aof-directory.ts).
 * - A corrupt, truncated or unsupported file exits 1 and prints the file, the byte offset and the
 *   reason (the RdbDecodeError or AofLoadError); nothing is printed to stdout then.
 * - With --json, stdout holds exactly datasetToJson(the dataset); facts about the files that the
 *   dataset does not show (trailing bytes, function libraries, skipped empty keys, the cut a
 *   start would make in a torn AOF tail) go to stderr as warnings, in both modes.
 */
import { datasetJsonChunks } from '../dataset-json/dataset-to-json.ts';
import type { DatabaseContents } from '../values/redis-value.ts';
import { aofTargetOf, shownAofFile } from './aof-directory-target.ts';
import { parseArguments } from './cli-arguments.ts';
import { exitCode, type CliContext, type ExitCode } from './cli-context.ts';
import { reportFailure } from './cli-failure.ts';
import { type PathArgument, pathArgument } from './cli-paths.ts';
import { datasetSummaryChunks, rdbHeaderLine } from './dataset-summary.ts';
import { rdbFileWarnings } from './rdb-file-notes.ts';
import { readAofDirectory } from './read-aof-directory.ts';
import { defaultChunkBytes, readRdbFile } from './read-rdb-file.ts';

export const inspectUsage = 'inspect <path> [--json]';
export const inspectHelp = 'prints the dataset in an RDB file or an AOF directory (or its manifest): per db, key, type, size, TTL; --json: canonical dataset JSON';

export interface InspectOptions {
  /** Read size per push; tests make it small to exercise chunk boundaries. */
  readonly chunkBytes?: number;
}

interface Inspected {
  readonly header: string;
  readonly databases: ReadonlyMap<number, DatabaseContents>;
  readonly warnings: readonly string[];
}

async function inspectTarget(context: CliContext, path: PathArgument, chunkBytes: number): Promise<Inspected> {
  const aof = await aofTargetOf(context.fs, path);
  if (aof === null) {
    const contents = await readRdbFile(context.fs, path, chunkBytes);
    return { header: rdbHeaderLine(path.shown, contents), databases: contents.databases, warnings: rdbFileWarnings(contents) };
  }
  const contents = await readAofDirectory(context.fs, path, aof);
  const files = [...(contents.manifest.base === null ? [] : [contents.manifest.base]), ...contents.manifest.incrs];
  const listed = files.map((file) => `${file.fileName} (${file.type})`).join(', ');
  const header = `${path.shown}: multi-part AOF, manifest ${aof.manifestName}: ${files.length === 0 ? 'no files' : listed}; ${contents.totalBytes} bytes, ${contents.commandsApplied} commands replayed`;
  const warnings: string[] = [];
  const cut = contents.truncation;
  if (cut !== null) {
    const name = shownAofFile(aof, cut.fileName.slice(cut.fileName.lastIndexOf('/') + 1));
    warnings.push(`${name} ends ${cut.openMulti ? 'inside an unfinished MULTI' : 'inside a command'}: a start with aof-load-truncated yes cuts it from ${cut.fromSize} to ${cut.toSize} bytes (shown as cut; the file was not changed)`);
  }
  if (contents.manifest.history.length > 0) warnings.push(`the manifest lists ${contents.manifest.history.length} history file(s), which a start deletes and never loads`);
  return { header, databases: contents.databases, warnings };
}

export async function runInspect(args: readonly string[], context: CliContext, options: InspectOptions = {}): Promise<ExitCode> {
  try {
    const parsed = parseArguments(args, { positionals: ['path'], flags: ['--json'], options: [] });
    const path = pathArgument(context.cwd, parsed.positionals[0] as string);
    const inspected = await inspectTarget(context, path, options.chunkBytes ?? defaultChunkBytes);
    if (parsed.flags.has('--json')) {
      for (const chunk of datasetJsonChunks(inspected.databases)) context.stdout.write(chunk);
    } else {
      for (const chunk of datasetSummaryChunks(inspected.header, inspected.databases, context.nowMs())) context.stdout.write(chunk);
    }
    for (const warning of inspected.warnings) context.stderr.write(`durakv inspect: warning: ${path.shown}: ${warning}\n`);
    return exitCode.ok;
  } catch (error) {
    return reportFailure(error, context, 'inspect', inspectUsage);
  }
}
