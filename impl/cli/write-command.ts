/**
 * `durakv write <path> --from <dataset.json> [--no-compression]`: writes an RDB file (as Redis
 * 7.0 would save it) holding the dataset in a dataset-JSON file.
 *
 * Invariants:
 * - All I/O goes through the FileSystem port, and the file is replaced with writeFileAtomically:
 *   temp-<pid>.rdb in the target's directory, fsync, rename over the target, directory fsync.
 *   So the target holds its old bytes or the complete new file, never a torn one.
 * - Nothing is written unless the whole JSON file is valid: it must be UTF-8 (a leading BOM is
 *   allowed) and pass datasetFromJson; any error exits 1 naming the file, and the target is
 *   untouched.
 * - The RDB is a dump.rdb (aof-base 0) with LZF compression unless --no-compression (Redis's
 *   rdbcompression no), ctime from the context's clock, used-mem 0.
 */
import { datasetFromJson } from '../dataset-json/dataset-from-json.ts';
import { encodeRdb } from '../encoding/rdb-dataset.ts';
import { joinPath, parentPath } from '../fs/fs-path.ts';
import { writeFileAtomically } from '../fs/write-file-atomically.ts';
import { parseArguments, requiredOption } from './cli-arguments.ts';
import { exitCode, type CliContext, type ExitCode } from './cli-context.ts';
import { CliInputError } from './cli-errors.ts';
import { reportFailure } from './cli-failure.ts';
import { pathArgument, type PathArgument } from './cli-paths.ts';

export const writeUsage = 'write <path> --from <dataset.json> [--no-compression]';
export const writeHelp = 'writes an RDB file from dataset JSON (temp file, fsync, rename, directory fsync)';

const utf8 = new TextDecoder('utf-8', { fatal: true });

async function readDatasetText(context: CliContext, path: PathArgument): Promise<string> {
  const bytes = await context.fs.readFile(path.absolute);
  try {
    return utf8.decode(bytes);
  } catch {
    throw new CliInputError(path.shown, 'not UTF-8 text (dataset JSON is UTF-8; binary bytes go in { "base64": ... })');
  }
}

/** Redis's temp-<pid>.rdb, beside the target (and never the target itself). */
export function tempPathFor(target: string, pid: number): string {
  const temp = joinPath(parentPath(target), `temp-${pid}.rdb`);
  return temp === target ? `${temp}.tmp` : temp;
}

export async function runWrite(args: readonly string[], context: CliContext): Promise<ExitCode> {
  try {
    const parsed = parseArguments(args, { positionals: ['path'], flags: ['--no-compression'], options: ['--from'] });
    const target = pathArgument(context.cwd, parsed.positionals[0] as string);
    const source = pathArgument(context.cwd, requiredOption(parsed, '--from'));
    const databases = datasetFromJson(await readDatasetText(context, source), source.shown);
    const chunks = encodeRdb(databases, {
      aof: false,
      ctimeSeconds: Math.floor(context.nowMs() / 1000),
      usedMemory: 0,
      compression: !parsed.flags.has('--no-compression'),
    });
    const data = Buffer.concat(chunks);
    await writeFileAtomically(context.fs, { path: target.absolute, tempPath: tempPathFor(target.absolute, context.pid), data });
    let keys = 0;
    for (const contents of databases.values()) keys += contents.size;
    context.stdout.write(`wrote ${target.shown}: ${keys} key${keys === 1 ? '' : 's'} in ${databases.size} database${databases.size === 1 ? '' : 's'}, ${data.length} bytes\n`);
    return exitCode.ok;
  } catch (error) {
    return reportFailure(error, context, 'write', writeUsage);
  }
}
