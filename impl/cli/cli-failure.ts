/**
 * The edge where a command's typed errors become a message on stderr and an exit code.
 *
 * Invariants:
 * - Usage errors exit 2 and repeat the command's usage; RdbDecodeError, AofLoadError and
 *   AofDecodeError (file, kind, byte offset, reason), DatasetJsonError (file, line:column, JSON path, reason), CliInputError and FsError
 *   exit 1 with one line naming the file.
 * - Anything else is a bug and is rethrown, never turned into an exit code.
 */
import { DatasetJsonError } from '../dataset-json/dataset-json-error.ts';
import { AofDecodeError } from '../encoding/aof-decode-error.ts';
import { RdbDecodeError } from '../encoding/rdb-decode-error.ts';
import { AofLoadError } from '../persistence/aof-load-error.ts';
import { FsError } from '../fs/fs-error.ts';
import { exitCode, type CliContext, type ExitCode } from './cli-context.ts';
import { CliInputError, CliUsageError } from './cli-errors.ts';

export function reportFailure(error: unknown, context: CliContext, command: string, usage: string): ExitCode {
  const say = (line: string): void => {
    context.stderr.write(`durakv ${command}: ${line}\n`);
  };
  if (error instanceof CliUsageError) {
    say(error.message);
    context.stderr.write(`usage: durakv ${usage}\n`);
    return exitCode.usage;
  }
  if (error instanceof RdbDecodeError) {
    say(`cannot load ${error.fileName}: ${error.kind} RDB at byte offset ${error.offset}: ${error.reason}`);
    return exitCode.failed;
  }
  if (error instanceof AofLoadError || error instanceof AofDecodeError) {
    say(`cannot load ${error.fileName}: ${error.kind} at byte offset ${error.offset}: ${error.reason}`);
    return exitCode.failed;
  }
  if (error instanceof DatasetJsonError || error instanceof CliInputError) {
    say(error.message);
    return exitCode.failed;
  }
  if (error instanceof FsError) {
    say(`I/O error: ${error.message}`);
    return exitCode.failed;
  }
  throw error;
}
