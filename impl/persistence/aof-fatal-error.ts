/**
 * AofFatalError: what the store becomes when the AOF cannot keep appendfsync always's promise,
 * Redis 7.0's exit(1) in flushAppendOnlyFile ("Can't recover from AOF write error when the AOF
 * fsync policy is 'always'. Exiting..." / "Can't persist AOF for fsync error when the AOF fsync
 * policy is 'always'"), and at start-up when the AOF cannot be opened or its manifest written.
 *
 * Invariants:
 * - It names the file, a byte offset (where the failed write started; for a failed fsync, up
 *   to where the file was last known durable), the operation and the errno; `cause` is the
 *   FsError.
 * - The store that raises it is unusable from then on: the replies of the turn it hit reject
 *   with it (they were never acknowledged), and so does every later call and close().
 */
import type { FsError } from '../fs/fs-error.ts';

export class AofFatalError extends Error {
  override readonly name = 'AofFatalError';
  readonly fileName: string;
  readonly offset: number;
  readonly reason: string;

  constructor(fileName: string, offset: number, reason: string, cause: FsError) {
    super(`${fileName}: fatal AOF error at offset ${offset}: ${reason} (${cause.message})`, { cause });
    this.fileName = fileName;
    this.offset = offset;
    this.reason = reason;
  }
}
