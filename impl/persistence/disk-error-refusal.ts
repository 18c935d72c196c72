/**
 * When the store refuses writes because persistence failed (Redis 7.0 server.c:
 * writeCommandsDeniedByDiskError and processCommand; facts §2.6), and with which error.
 *
 * Invariants:
 * - RDB: writes are denied iff stop-writes-on-bgsave-error is on, at least one save point is
 *   configured and the last BGSAVE failed; the next successful BGSAVE or SAVE clears it (and so
 *   does `save ""` or turning the option off). This is checked first, so its message wins.
 * - AOF (only while the AOF is not off): denied while the last AOF write failed, or the last
 *   background fsync failed; the message names the errno as strerror(3) words, e.g.
 *   "MISCONF Errors writing to the AOF file: No space left on device".
 * - While denied, refused are: commands flagged write, PING, and EXEC whose queue holds a write;
 *   inside MULTI the refusal flags the transaction (rejectCommand). Reads pass.
 * - The message is Redis's, byte for byte (checked against redis-server 7.0.15).
 */
import type { FsErrorCode } from '../fs/fs-error.ts';

export const misconfRdbError =
  "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. Commands that may modify the data set are disabled, because this instance is configured to report errors during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check the Redis logs for details about the RDB error.";

/** glibc's strerror(3) text for each errno the FileSystem port reports. */
const strerrorTexts: Readonly<Record<FsErrorCode, string>> = {
  ENOENT: 'No such file or directory',
  EEXIST: 'File exists',
  ENOTDIR: 'Not a directory',
  EISDIR: 'Is a directory',
  ENOTEMPTY: 'Directory not empty',
  ENOSPC: 'No space left on device',
  EDQUOT: 'Disk quota exceeded',
  EIO: 'Input/output error',
  EBADF: 'Bad file descriptor',
  EINVAL: 'Invalid argument',
  EACCES: 'Permission denied',
  EPERM: 'Operation not permitted',
  EROFS: 'Read-only file system',
  EMFILE: 'Too many open files',
  EXDEV: 'Invalid cross-device link',
  ENAMETOOLONG: 'File name too long',
};

export function strerror(code: FsErrorCode): string {
  return strerrorTexts[code];
}

/** The AOF MISCONF error (without the leading '-'), for the errno of the failed write or fsync. */
export function misconfAofError(code: FsErrorCode): string {
  return `MISCONF Errors writing to the AOF file: ${strerror(code)}`;
}

export interface DiskErrorState {
  readonly stopWritesOnBgsaveError: boolean;
  readonly savePointCount: number;
  readonly lastBgsaveOk: boolean;
}

export function writesDenied(state: DiskErrorState): boolean {
  return state.stopWritesOnBgsaveError && state.savePointCount > 0 && !state.lastBgsaveOk;
}

export interface CommandToCheck {
  /** Lower-case command name. */
  readonly name: string;
  readonly write: boolean;
  /** For EXEC: whether the client's queued transaction holds a write command. */
  readonly queuedWrite: boolean;
}

export function refusedWhileDenied(command: CommandToCheck): boolean {
  return command.write || command.name === 'ping' || (command.name === 'exec' && command.queuedWrite);
}
