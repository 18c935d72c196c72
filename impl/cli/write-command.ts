/**
 * `durakv write <path> --from <dataset.json> [--format rdb|aof|aof-resp-base] [--no-compression]`:
 * writes the dataset in a dataset-JSON file as an RDB file (`rdb`, the default: as Redis 7.0
 * would save it) or as a new multi-part AOF directory at <path> (`aof`: an RDB-preamble base;
 * `aof-resp-base`: a RESP base, as with aof-use-rdb-preamble no; see write-aof-directory.ts).
 *
 * Invariants:
 * - All I/O goes through the FileSystem port, and an RDB file is replaced with writeFileAtomically:
 *   temp-<pid>.rdb in the target's directory, fsync, rename over the target, directory fsync.
 *   So the target holds its old bytes or the complete new file, never a torn one.
 * - Nothing is written unless the whole JSON file is valid: it must be UTF-8 (a leading BOM is
 *   allowed) and pass datasetFromJson; any error exits 1 naming the file, and the target is
 *   untouched.
 * - The RDB is a dump.rdb (aof-base 0) with LZF compression unless --no-compression (Redis's
 *   rdbcompression no), ctime from the context's clock, used-mem 0. --no-compression applies
 *   to the RDB preamble of `aof` too, and is a usage error with `aof-resp-base`.
 */
import { datasetFromJson } from '../dataset-json/dataset-from-json.ts';
import { encodeRdb } from '../encoding/rdb-dataset.ts';
import { joinPath, parentPath } from '../fs/fs-path.ts';
import { writeFileAtomically } from '../fs/write-file-atomically.ts';
import { parseArguments, requiredOption } from './cli-arguments.ts';
import { exitCode, type CliContext, type ExitCode } from './cli-context.ts';
import { CliInputError, CliUsageError } from './cli-errors.ts';
import { reportFailure } from './cli-failure.ts';
import { pathArgument, type PathArgument } from './cli-paths.ts';
import { writeAofDirectory } from './write-aof-directory.ts';

export const writeUsage = 'write <path> --from <dataset.json> [--format rdb|aof|aof-resp-base] [--no-compression]';
export const writeHelp = 'writes an RDB file (temp file, fsync, rename, directory fsync), or a new AOF directory (--format aof|aof-resp-base), from dataset JSON';

const formats = ['rdb', 'aof', 'aof-resp-base'] as const;
type WriteFormat = (typeof formats)[number];

function formatOption(text: string | undefined, compression: boolean): WriteFormat {
  const format = formats.find((name) => name === (text ?? 'rdb'));
  if (format === undefined) throw new CliUsageError(`--format must be one of ${formats.join(', ')}, got ${JSON.stringify(text)}`);
  if (format === 'aof-resp-base' && !compression) throw new CliUsageError('--no-compression applies to an RDB (--format rdb or aof), not to a RESP base');
  return format;
}

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
    const parsed = parseArguments(args, { positionals: ['path'], flags: ['--no-compression'], options: ['--from', '--format'] });
    const target = pathArgument(context.cwd, parsed.positionals[0] as string);
    const source = pathArgument(context.cwd, requiredOption(parsed, '--from'));
    const compression = !parsed.flags.has('--no-compression');
    const format = formatOption(parsed.options.get('--format'), compression);
    const databases = datasetFromJson(await readDatasetText(context, source), source.shown);
    let keys = 0;
    for (const contents of databases.values()) keys += contents.size;
    const keysText = `${keys} key${keys === 1 ? '' : 's'} in ${databases.size} database${databases.size === 1 ? '' : 's'}`;
    if (format !== 'rdb') {
      const written = await writeAofDirectory(context.fs, target, databases, { format, compression, nowMs: context.nowMs(), pid: context.pid });
      context.stdout.write(`wrote ${target.shown}: ${keysText}; ${written.baseName} ${written.baseBytes} bytes, an empty incr, and the manifest\n`);
      return exitCode.ok;
    }
    const chunks = encodeRdb(databases, {
      aof: false,
      ctimeSeconds: Math.floor(context.nowMs() / 1000),
      usedMemory: 0,
      compression,
    });
    const data = Buffer.concat(chunks);
    await writeFileAtomically(context.fs, { path: target.absolute, tempPath: tempPathFor(target.absolute, context.pid), data });
    context.stdout.write(`wrote ${target.shown}: ${keysText}, ${data.length} bytes\n`);
    return exitCode.ok;
  } catch (error) {
    return reportFailure(error, context, 'write', writeUsage);
  }
}
