/**
 * Path arguments: the user's text (shown in messages) and the absolute, normalized POSIX path the
 * FileSystem port needs, resolved against the context's working directory.
 */
import { posix } from 'node:path';
import { CliUsageError } from './cli-errors.ts';

export interface PathArgument {
  /** As the user wrote it; names the file in every message. */
  readonly shown: string;
  readonly absolute: string;
}

export function pathArgument(cwd: string, text: string): PathArgument {
  if (text.includes('\0')) throw new CliUsageError('a path cannot contain NUL');
  return { shown: text, absolute: posix.resolve(cwd, text) };
}
