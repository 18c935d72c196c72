/**
 * The error of the AOF command-stream decoder (and of its callers): a typed report of why an AOF
 * file cannot be loaded the way Redis 7.0 loads it.
 *
 * Invariants:
 * - `kind` is 'corrupt' when bytes contradict the RESP AOF format (Redis's "Bad file format"
 *   path, which no aof-load-truncated setting forgives), 'unknown-command' when a well-formed
 *   command names no command (Redis: "Unknown command '%s' reading the append only file %s";
 *   the decoder never raises it, the layer that knows the command table does).
 * - A stream that merely ends too early is NOT an error: AofDecoder.end() reports it as
 *   status 'truncated'.
 * - `offset` is an absolute byte offset in the file; `validUpTo` is the absolute offset of the
 *   last command boundary outside an open MULTI before the fault (where a `--fix` truncation
 *   would cut); the message names file, kind, offset and reason.
 */

export type AofDecodeErrorKind = 'corrupt' | 'unknown-command';

export class AofDecodeError extends Error {
  override readonly name = 'AofDecodeError';
  readonly kind: AofDecodeErrorKind;
  readonly fileName: string;
  readonly offset: number;
  readonly reason: string;
  readonly validUpTo: number;

  constructor(kind: AofDecodeErrorKind, fileName: string, offset: number, reason: string, validUpTo = 0) {
    super(`${fileName}: ${kind} AOF at offset ${offset}: ${reason}`);
    this.kind = kind;
    this.fileName = fileName;
    this.offset = offset;
    this.reason = reason;
    this.validUpTo = validUpTo;
  }
}
