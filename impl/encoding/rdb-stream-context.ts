/**
 * What the stream-level parsers need to know about the file they are reading: its name, the
 * decoder's limits, how buffer positions map to file offsets, and how many bytes may still come.
 *
 * Invariants:
 * - `fileOffset(p)` is monotonic in p and equals the number of file bytes before position p.
 * - `requireBytes` rejects a declared length before any of its bytes are buffered: above the
 *   hard cap it is corrupt; beyond the `totalBytes` hint it is truncated.
 */
import { RdbDecodeError, type RdbDecodeErrorKind } from './rdb-decode-error.ts';
import type { RdbDecodeLimits } from './rdb-limits.ts';

/** What is being read, for error messages; a function so the text is built only on error. */
export type Label = string | (() => string);

export function labelText(label: Label): string {
  return typeof label === 'string' ? label : label();
}

export class StreamContext {
  /** File offset of buffer position 0. */
  bufferFileOffset = 0;

  constructor(
    readonly fileName: string,
    readonly limits: RdbDecodeLimits,
    readonly totalBytes: number | undefined,
  ) {}

  fileOffset(position: number): number {
    return this.bufferFileOffset + position;
  }

  error(kind: RdbDecodeErrorKind, position: number, reason: string): RdbDecodeError {
    return new RdbDecodeError(kind, this.fileName, this.fileOffset(position), reason);
  }

  /**
   * Checks a declared byte length whose bytes start at `position` against cap and hint; errors
   * are reported at `declaredAt`, where the length itself starts.
   */
  requireBytes(position: number, length: number, label: Label, declaredAt = position): void {
    if (length > this.limits.maxStringBytes) {
      throw this.error('corrupt', declaredAt, `${labelText(label)} declares ${length} bytes, above the ${this.limits.maxStringBytes}-byte limit`);
    }
    const offset = this.fileOffset(position);
    if (this.totalBytes !== undefined && offset + length > this.totalBytes) {
      throw this.error('truncated', declaredAt, `${labelText(label)} needs ${length} bytes but the file has ${Math.max(0, this.totalBytes - offset)} left`);
    }
  }

  /** Checks a declared element count; each element takes at least `minBytesEach` bytes. */
  requireCount(position: number, count: number, minBytesEach: number, label: Label): void {
    if (count > this.limits.maxCollectionLength) {
      throw this.error('corrupt', position, `${labelText(label)} declares ${count} elements, above the ${this.limits.maxCollectionLength}-element limit`);
    }
    const offset = this.fileOffset(position);
    if (this.totalBytes !== undefined && offset + count * minBytesEach > this.totalBytes) {
      throw this.error('truncated', position, `${labelText(label)} declares ${count} elements but the file has ${Math.max(0, this.totalBytes - offset)} bytes left`);
    }
  }
}
