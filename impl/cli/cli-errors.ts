/**
 * The CLI's own typed errors, reported at the command's edge (cli-failure.ts):
 * - CliUsageError: the arguments are wrong (exit 2, with the command's usage line).
 * - CliInputError: an input path exists but is not what the command reads — not an RDB file
 *   (e.g. a directory, where a later AOF reader will go), or a dataset file that is not UTF-8
 *   (exit 1). Names the path as the user gave it, and the reason.
 */

export class CliUsageError extends Error {
  override readonly name = 'CliUsageError';
}

export class CliInputError extends Error {
  override readonly name = 'CliInputError';
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path}: ${reason}`);
  }
}
