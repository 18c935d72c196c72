/**
 * The one error the RDB decoder throws: a typed report of why a file (or stream) cannot be loaded.
 *
 * Invariants:
 * - `kind` is 'truncated' when the input ended (or must end, by the totalBytes hint) before the
 *   RDB did; 'corrupt' when bytes contradict the format or the checksum; 'unsupported' when the
 *   bytes are well-formed Redis data this codec does not represent (streams, modules, ...).
 * - `offset` is a byte offset in the file; the message names file, kind, offset and reason.
 */

export type RdbDecodeErrorKind = 'truncated' | 'corrupt' | 'unsupported';

export class RdbDecodeError extends Error {
  override readonly name = 'RdbDecodeError';
  readonly kind: RdbDecodeErrorKind;
  readonly fileName: string;
  readonly offset: number;
  readonly reason: string;

  constructor(kind: RdbDecodeErrorKind, fileName: string, offset: number, reason: string) {
    super(`${fileName}: ${kind} RDB at offset ${offset}: ${reason}`);
    this.kind = kind;
    this.fileName = fileName;
    this.offset = offset;
    this.reason = reason;
  }
}

/**
 * A structural fault found inside a self-contained blob (listpack, ziplist, intset, zipmap, LZF
 * payload). The RDB decoder turns it into a corrupt RdbDecodeError at the blob's file offset.
 */
export class BlobFormatError extends Error {
  override readonly name = 'BlobFormatError';
  constructor(
    readonly blobKind: string,
    readonly position: number,
    readonly detail: string,
  ) {
    super(`${blobKind}: ${detail} (at byte ${position} of the ${blobKind})`);
  }
}
