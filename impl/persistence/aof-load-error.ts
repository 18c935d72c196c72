/**
 * AofLoadError: why the store refuses to start on its AOF (Redis 7.0 aof.c:loadAppendOnlyFiles,
 * loadSingleAppendOnlyFile, aofLoadManifestFromFile; facts §5.3, §4.2), naming the file, the
 * byte offset and the reason. The files are left exactly as they were (see aof-loader.ts).
 *
 * Kinds (each is a start-up Redis 7.0 refuses):
 * - 'bad-manifest': the manifest does not parse, or lists a name that is not a plain file name
 *   (`cause`: the codec's AofManifestError; offset = the line's byte offset).
 * - 'missing-file': a base or incr the manifest lists does not exist (offset 0).
 * - 'format': bytes that are not the RESP AOF format (garbage or a zero-filled tail: "Bad file
 *   format"), whatever aof-load-truncated says (`cause`: AofDecodeError).
 * - 'rdb': an RDB preamble that does not load (corrupt, truncated, unsupported; `cause`:
 *   RdbDecodeError), whatever aof-load-truncated says.
 * - 'unknown-command': a well-formed command the store does not know.
 * - 'truncated': the file ends inside a command or a MULTI and aof-load-truncated is no
 *   (offset = where a fix would cut).
 * - 'truncated-not-last': the same in a file that is not the last one of the manifest.
 */
export type AofLoadErrorKind = 'bad-manifest' | 'missing-file' | 'format' | 'rdb' | 'unknown-command' | 'truncated' | 'truncated-not-last';

export class AofLoadError extends Error {
  override readonly name = 'AofLoadError';
  readonly kind: AofLoadErrorKind;
  readonly fileName: string;
  readonly offset: number;
  readonly reason: string;

  constructor(kind: AofLoadErrorKind, fileName: string, offset: number, reason: string, cause?: unknown) {
    super(`${fileName}: cannot load the AOF (${kind}) at offset ${offset}: ${reason}`, cause === undefined ? undefined : { cause });
    this.kind = kind;
    this.fileName = fileName;
    this.offset = offset;
    this.reason = reason;
  }
}
