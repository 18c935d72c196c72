/**
 * FsError: the only error the FileSystem port reports (apart from the crash FS's SimulatedCrash).
 *
 * Invariants:
 * - `code` is one of a closed union of POSIX errno names; an unknown host error becomes 'EIO'
 *   and keeps the original in `cause` and in the message.
 * - `bytesWritten` is 0 except for a write/append that failed after a partial write (short
 *   write): then it is the count of leading bytes that reached the file, 0 < n < length.
 */
import assert from 'node:assert/strict';
import type { FsOperationName } from './file-system.ts';

export type FsErrorCode =
  | 'ENOENT'
  | 'EEXIST'
  | 'ENOTDIR'
  | 'EISDIR'
  | 'ENOTEMPTY'
  | 'ENOSPC'
  | 'EDQUOT'
  | 'EIO'
  | 'EBADF'
  | 'EINVAL'
  | 'EACCES'
  | 'EPERM'
  | 'EROFS'
  | 'EMFILE'
  | 'EXDEV'
  | 'ENAMETOOLONG';

export const fsErrorCodes: readonly FsErrorCode[] = [
  'ENOENT',
  'EEXIST',
  'ENOTDIR',
  'EISDIR',
  'ENOTEMPTY',
  'ENOSPC',
  'EDQUOT',
  'EIO',
  'EBADF',
  'EINVAL',
  'EACCES',
  'EPERM',
  'EROFS',
  'EMFILE',
  'EXDEV',
  'ENAMETOOLONG',
];

export interface FsErrorDetails {
  readonly bytesWritten: number;
  readonly cause: unknown;
}

const noDetails: FsErrorDetails = { bytesWritten: 0, cause: undefined };

export class FsError extends Error {
  override readonly name = 'FsError';
  readonly code: FsErrorCode;
  readonly operation: FsOperationName;
  readonly path: string;
  readonly bytesWritten: number;

  constructor(code: FsErrorCode, operation: FsOperationName, path: string, details: FsErrorDetails = noDetails) {
    const suffix = details.bytesWritten > 0 ? ` after writing ${details.bytesWritten} bytes` : '';
    const origin = describeCause(details.cause);
    super(`${code}: ${operation} '${path}'${suffix}${origin}`, { cause: details.cause });
    assert.ok(Number.isSafeInteger(details.bytesWritten) && details.bytesWritten >= 0, 'bytesWritten is a count');
    this.code = code;
    this.operation = operation;
    this.path = path;
    this.bytesWritten = details.bytesWritten;
  }
}

function describeCause(cause: unknown): string {
  if (cause === undefined) return '';
  const code = (cause as { code?: unknown }).code;
  return typeof code === 'string' ? ` (host error ${code})` : ` (${String(cause)})`;
}

export function isFsError(error: unknown, code?: FsErrorCode): error is FsError {
  return error instanceof FsError && (code === undefined || error.code === code);
}

export function isFsErrorCode(text: unknown): text is FsErrorCode {
  return typeof text === 'string' && (fsErrorCodes as readonly string[]).includes(text);
}

/** Maps a Node/libuv error to an FsError: known errno names are kept, anything else is EIO. */
export function fsErrorFromNode(error: unknown, operation: FsOperationName, path: string): FsError {
  if (error instanceof FsError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  if (isFsErrorCode(code)) return new FsError(code, operation, path, { bytesWritten: 0, cause: error });
  return new FsError('EIO', operation, path, { bytesWritten: 0, cause: error });
}

/** Throws EINVAL unless `value` is a non-negative safe integer (an offset, length or size). */
export function checkByteCount(value: number, operation: FsOperationName, path: string): number {
  if (!Number.isSafeInteger(value) || value < 0) throw new FsError('EINVAL', operation, path);
  return value;
}
