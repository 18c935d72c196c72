/**
 * Push decoder of a RESP AOF command stream (an INCR file, a RESP BASE, or the tail after an RDB
 * preamble), accepting and refusing exactly what Redis 7.0's loader does
 * (aof.c:loadSingleAppendOnlyFile), with an optional strict mode in the spirit of redis-check-aof.
 *
 * The loader reads "lines" with fgets into a 1024-byte buffer, so a line is the bytes up to and
 * including the first '\n', or 1023 bytes, whichever comes first, or what is left at EOF. Then:
 * - A record line starting with '#' is an annotation and is skipped (emitted here as an item).
 *   A longer annotation is cut at 1023 bytes like fgets cuts it, and its rest is read as the
 *   next record line: usually a format error, a command if the rest happens to start with '*'
 *   (EMP: both confirmed with redis-server 7.0.15). An unterminated annotation at EOF is skipped
 *   and the stream counts as complete (`partialAnnotationOffset` says where it starts).
 * - Any other record line must start with '*' (else format error: garbage, a zero byte, ...),
 *   argc = atoi(rest) must be >= 1; a NUL right after '*' is a fatal read error (corrupt here)
 *   unless the line is cut by EOF. Each argument line must start with '$', len = strtol(rest);
 *   then len bytes and 2 more, which the server does NOT check to be "\r\n".
 * - The stream ending anywhere inside a command is not an error: end() reports 'truncated'.
 *
 * Invariants:
 * - Items come out in stream order with absolute offsets (startOffset + bytes before them);
 *   a command's endOffset is the offset right after its last CRLF; items never overlap.
 * - The decoded items do not depend on how the stream is split into chunks.
 * - `validUpTo` (truncated) is the end of the last complete command outside an open MULTI, or the
 *   start offset; it never lands inside an open MULTI: when the stream ends inside one (cleanly
 *   or torn), it is the validUpTo from before that MULTI and `openMulti` is true. Redis itself
 *   truncates a torn tail inside a MULTI after the last complete queued command and reverts the
 *   MULTI at the next load (EMP); `redisTruncateOffset` reports what Redis would do.
 * - Consumers queue the commands between MULTI and EXEC (Redis queues them and runs them at
 *   EXEC); a MULTI still open at end() is rolled back: its commands are never applied.
 * - Memory is one pending argument plus one chunk: a declared length is never allocated up front,
 *   argc above 2^31-1 or an argument above `maxArgBytes` is refused as corrupt before buffering.
 * - Speed: a command that is whole in the buffer and canonical ('*' and '$' lines of at most
 *   `fastLineDigitsMax` digits + "\r\n", each argument followed by "\r\n": what Redis writes) is
 *   decoded in one pass (`fastCommand`); anything else (a command cut by the chunk end, or any
 *   other spelling) goes through the general line-by-line path, which alone decides errors, so
 *   the items and errors do not depend on which path ran. A command gets at most one fast try
 *   per push: one cut by the chunk end is finished by the general path. The fast path hands out
 *   the previous command's name string again when the bytes spell it (equal strings either way).
 *   `fastPathCommands` counts the commands the one-pass path took, so tests can hold it to this.
 * - strictCrlf additionally refuses what redis-check-aof refuses: the 2 bytes after each argument
 *   must be "\r\n", '*'/'$' lines must be exactly digits + "\r\n" within 127 bytes, MULTI inside
 *   MULTI and EXEC outside MULTI are errors. (redis-check-aof also tolerates strtol's leading
 *   blanks and sign, e.g. "* 1", and "*0"; this mode refuses them, Redis never writes them.)
 * - Format errors throw AofDecodeError kind 'corrupt' naming the file, the byte offset and the
 *   reason; after a throw the decoder accepts no more input.
 */
import assert from 'node:assert/strict';
import type { ByteString } from '../values/redis-value.ts';
import { AofDecodeError } from './aof-decode-error.ts';
import { PendingBytes, type BytesView } from './pending-bytes.ts';

/** fgets(buf, AOF_ANNOTATION_LINE_MAX_LEN = 1024): at most 1023 bytes per line. */
export const aofLoaderLineBytesMax = 1023;
/** redis-check-aof reads '*'/'$' lines into a 128-byte buffer. */
export const checkAofNumberLineBytesMax = 127;
/** Redis's client protocol caps a multibulk at INT_MAX elements; more is never written. */
export const aofArgcMax = 2 ** 31 - 1;
/** V8's longest string (2^29 - 24 chars): the longest argument a ByteString can hold. */
export const defaultAofArgBytesMax = 2 ** 29 - 24;

export interface AofDecoderOptions {
  readonly fileName: string;
  /** Absolute file offset of the first pushed byte (the RDB preamble's end for a tail). */
  readonly startOffset?: number;
  /** Longest accepted argument; longer is corrupt. Default and ceiling: defaultAofArgBytesMax. */
  readonly maxArgBytes?: number;
  /** Validate CRLFs and MULTI/EXEC nesting like redis-check-aof. Default false (the server). */
  readonly strictCrlf?: boolean;
}

export type AofItem =
  | { readonly kind: 'command'; readonly argv: ByteString[]; readonly offset: number; readonly endOffset: number }
  /** text: the line without its '\n' or "\r\n" terminator, the leading '#' included. */
  | { readonly kind: 'annotation'; readonly text: ByteString; readonly offset: number; readonly endOffset: number };

export interface AofDecodeEnd {
  readonly status: 'complete' | 'truncated';
  /** Absolute offset: the stream's end when complete; where to cut it when truncated. */
  readonly validUpTo: number;
  /** Bytes pushed (not counting startOffset). */
  readonly bytesSeen: number;
  /** The stream ended inside MULTI (no EXEC yet): its queued commands must not be applied. */
  readonly openMulti: boolean;
  /**
   * Where Redis 7.0.15 itself truncates with aof-load-truncated yes (null when complete): the end
   * of the last complete command even inside a MULTI, or 0 if none (even after an RDB preamble:
   * EMP, a legacy preamble AOF with a torn first tail command is truncated to 0 bytes); for a
   * clean EOF inside MULTI, that value as of the last MULTI command read.
   */
  readonly redisTruncateOffset: number | null;
  /** Offset of an unterminated annotation line at the very end (skipped, like Redis), or null. */
  readonly partialAnnotationOffset: number | null;
}

const newline = 0x0a;
const carriageReturn = 0x0d;
const hash = 0x23;
const star = 0x2a;
const dollar = 0x24;

function isCSpace(byte: number): boolean {
  return byte === 0x20 || (byte >= 0x09 && byte <= 0x0d);
}

function isDigit(byte: number): boolean {
  return byte >= 0x30 && byte <= 0x39;
}

function describeByte(byte: number): string {
  const hex = `0x${byte.toString(16).padStart(2, '0')}`;
  return byte >= 0x20 && byte < 0x7f ? `'${String.fromCharCode(byte)}' (${hex})` : hex;
}

const saturation = 1e18;
/** The fast path reads '*'/'$' lines of 1..10 digits (argc ≤ 2^31-1 and lengths ≤ 2^29 fit). */
const fastLineDigitsMax = 10;
/** argv arrays up to this argc are allocated at their size (never a declared size above it). */
const preallocatedArgcMax = 16;
/** The longest command name the decoder remembers to hand out again (see `nameAt`). */
const rememberedNameBytesMax = 32;

/** C strtol/atoi on bytes [from, to): value (saturating far above every cap), end = endptr. */
function parseCLong(bytes: Uint8Array, from: number, to: number): { value: number; end: number } {
  let at = from;
  while (at < to && isCSpace(bytes[at]!)) at += 1;
  let negative = false;
  if (at < to && (bytes[at] === 0x2b || bytes[at] === 0x2d)) {
    negative = bytes[at] === 0x2d;
    at += 1;
  }
  const digitsStart = at;
  let value = 0;
  while (at < to && isDigit(bytes[at]!)) {
    if (value < saturation) value = value * 10 + (bytes[at]! - 0x30);
    at += 1;
  }
  if (at === digitsStart) return { value: 0, end: from };
  return { value: negative ? -value : value, end: at };
}

/** Canonical number line for strict mode: prefix, digits, "\r\n" ending the line. */
function parseCanonicalLine(bytes: Uint8Array, from: number, lineEnd: number): number | undefined {
  if (lineEnd - from < 4 || bytes[lineEnd - 1] !== newline || bytes[lineEnd - 2] !== carriageReturn) return undefined;
  let value = 0;
  for (let at = from + 1; at < lineEnd - 2; at += 1) {
    if (!isDigit(bytes[at]!)) return undefined;
    if (value < saturation) value = value * 10 + (bytes[at]! - 0x30);
  }
  return value;
}

/** Could a strict number line that EOF cut ([from, to), no '\n') have been canonical? */
function isCanonicalLinePrefix(bytes: Uint8Array, from: number, to: number): boolean {
  let at = from + 1;
  while (at < to && isDigit(bytes[at]!)) at += 1;
  if (at === to) return true;
  return at > from + 1 && at === to - 1 && bytes[at] === carriageReturn;
}

function isCommandName(arg: ByteString, lowerName: 'multi' | 'exec'): boolean {
  return arg.length === lowerName.length && arg.toLowerCase() === lowerName;
}

type Phase = 'record' | 'arg-line' | 'arg-data';

export class AofDecoder {
  private readonly fileName: string;
  private readonly startOffset: number;
  private readonly maxArgBytes: number;
  private readonly strict: boolean;
  private readonly numberLineBytesMax: number;
  private readonly pending = new PendingBytes();
  /** Absolute offset of the first pending byte. */
  private base: number;
  private phase: Phase = 'record';
  private recordOffset = 0;
  private argc = 0;
  private argv: ByteString[] = [];
  private argLength = 0;
  private inMulti = false;
  private validUpTo: number;
  private redisValidUpTo = 0;
  private redisValidBeforeMulti = 0;
  private bytesSeen = 0;
  private finished = false;
  /** The last command name the fast path decoded (at most rememberedNameBytesMax bytes). */
  private lastName = '';
  private fastCommands = 0;

  constructor(options: AofDecoderOptions) {
    const startOffset = options.startOffset ?? 0;
    const maxArgBytes = options.maxArgBytes ?? defaultAofArgBytesMax;
    assert.ok(Number.isSafeInteger(startOffset) && startOffset >= 0, 'startOffset is a byte offset');
    assert.ok(Number.isSafeInteger(maxArgBytes) && maxArgBytes >= 0 && maxArgBytes <= defaultAofArgBytesMax, 'maxArgBytes fits a ByteString');
    this.fileName = options.fileName;
    this.startOffset = startOffset;
    this.maxArgBytes = maxArgBytes;
    this.strict = options.strictCrlf ?? false;
    this.numberLineBytesMax = this.strict ? checkAofNumberLineBytesMax : aofLoaderLineBytesMax;
    this.base = startOffset;
    this.validUpTo = startOffset;
  }

  /**
   * How many commands the one-pass path decoded; the rest went through the general path. The
   * witness of the speed invariant: every canonical command pushed whole is counted here.
   */
  get fastPathCommands(): number {
    return this.fastCommands;
  }

  /** Decodes what `chunk` completes; keeps the unfinished tail. The chunk may be reused after. */
  push(chunk: Uint8Array): AofItem[] {
    assert.ok(!this.finished, 'push after end() or after a decode error');
    this.bytesSeen += chunk.length;
    const view = this.pending.view(chunk);
    const items: AofItem[] = [];
    let stoppedAt: number;
    try {
      stoppedAt = this.parse(view, items);
    } catch (error) {
      this.finished = true;
      throw error;
    }
    this.base += stoppedAt - view.start;
    this.pending.keep(view, stoppedAt);
    assert.equal(this.base + this.pending.length, this.startOffset + this.bytesSeen, 'every pushed byte is parsed or pending');
    return items;
  }

  /** The stream has ended: complete, or truncated (with where to cut). Throws on a torn line that is already malformed. */
  end(): AofDecodeEnd {
    assert.ok(!this.finished, 'end() once, and not after a decode error');
    this.finished = true;
    const view = this.pending.view(new Uint8Array(0));
    const restLength = view.end - view.start;
    let tornRecord = this.phase !== 'record';
    let partialAnnotationOffset: number | null = null;
    if (restLength > 0 && this.phase === 'record') {
      if (view.bytes[view.start] === hash) partialAnnotationOffset = this.base;
      else {
        this.checkTornNumberLine(view, 'argc');
        tornRecord = true;
      }
    } else if (restLength > 0 && this.phase === 'arg-line') {
      this.checkTornNumberLine(view, 'length');
    }
    const truncated = tornRecord || this.inMulti;
    const streamEnd = this.startOffset + this.bytesSeen;
    let redisTruncateOffset: number | null = null;
    if (truncated) redisTruncateOffset = tornRecord ? this.redisValidUpTo : this.redisValidBeforeMulti;
    const result: AofDecodeEnd = {
      status: truncated ? 'truncated' : 'complete',
      validUpTo: truncated ? this.validUpTo : streamEnd,
      bytesSeen: this.bytesSeen,
      openMulti: this.inMulti,
      redisTruncateOffset,
      partialAnnotationOffset,
    };
    assert.ok(result.validUpTo >= this.startOffset && result.validUpTo <= streamEnd, 'validUpTo lies within the stream');
    return result;
  }

  private corrupt(offset: number, reason: string): AofDecodeError {
    return new AofDecodeError('corrupt', this.fileName, offset, reason, this.validUpTo);
  }

  /** Index right after the line starting at `at`, or -1 when more bytes are needed. */
  private lineEnd(bytes: Uint8Array, at: number, end: number, lineBytesMax: number): number {
    const limit = Math.min(end, at + lineBytesMax);
    for (let index = at; index < limit; index += 1) if (bytes[index] === newline) return index + 1;
    return limit - at === lineBytesMax ? limit : -1;
  }

  private parse(view: BytesView, items: AofItem[]): number {
    const bytes = view.bytes;
    const end = view.end;
    const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const absolute = (index: number) => this.base + (index - view.start);
    let at = view.start;
    for (;;) {
      if (this.phase === 'arg-data') {
        if (end - at < this.argLength + 2) return at;
        const dataEnd = at + this.argLength;
        if (this.strict && (bytes[dataEnd] !== carriageReturn || bytes[dataEnd + 1] !== newline)) {
          throw this.corrupt(absolute(dataEnd), `expected "\\r\\n" after a ${this.argLength}-byte argument, found ${describeByte(bytes[dataEnd]!)} ${describeByte(bytes[dataEnd + 1]!)}`);
        }
        const arg = this.argLength === 0 ? '' : text.toString('latin1', at, dataEnd);
        at = dataEnd + 2;
        this.argv.push(arg);
        if (this.argv.length === 1) this.checkNesting(arg);
        if (this.argv.length < this.argc) this.phase = 'arg-line';
        else {
          this.finishCommand(this.argv, absolute(at), items);
          this.argv = [];
          this.phase = 'record';
        }
        continue;
      }
      if (at === end) return at;
      const first = bytes[at]!;
      if (this.phase === 'arg-line') {
        if (first !== dollar) throw this.corrupt(absolute(at), `expected '$' starting argument ${this.argv.length + 1} of ${this.argc}, found ${describeByte(first)}`);
        const lineEnd = this.lineEnd(bytes, at, end, this.numberLineBytesMax);
        if (lineEnd < 0) return at;
        this.argLength = this.parseArgLength(bytes, at, lineEnd, absolute(at));
        this.phase = 'arg-data';
        at = lineEnd;
        continue;
      }
      if (first === hash) {
        const lineEnd = this.lineEnd(bytes, at, end, aofLoaderLineBytesMax);
        if (lineEnd < 0) return at;
        let textEnd = lineEnd;
        if (bytes[textEnd - 1] === newline) textEnd -= 1;
        if (textEnd < lineEnd && textEnd - 1 > at && bytes[textEnd - 1] === carriageReturn) textEnd -= 1;
        items.push({ kind: 'annotation', text: text.toString('latin1', at, textEnd), offset: absolute(at), endOffset: absolute(lineEnd) });
        at = lineEnd;
        continue;
      }
      if (first !== star) throw this.corrupt(absolute(at), `expected '*' or '#' starting a record, found ${describeByte(first)}`);
      const fastEnd = this.fastCommand(bytes, text, at, end, this.base - view.start, items);
      if (fastEnd >= 0) {
        at = fastEnd;
        continue;
      }
      const lineEnd = this.lineEnd(bytes, at, end, this.numberLineBytesMax);
      if (lineEnd < 0) return at;
      this.recordOffset = absolute(at);
      this.argc = this.parseArgc(bytes, at, lineEnd);
      this.argv = [];
      this.phase = 'arg-line';
      at = lineEnd;
    }
  }

  /**
   * The canonical command starting at `at` (on '*'), whole before `end`: decoded, its item
   * pushed, and the index after it returned; or -1, having changed nothing, when it is not whole
   * or not canonical, or its argc or a length is out of bounds (the general path then reports).
   * `delta` turns an index into an absolute offset.
   */
  private fastCommand(bytes: Uint8Array, text: Buffer, at: number, end: number, delta: number, items: AofItem[]): number {
    let index = at + 1;
    let argc = 0;
    let digitsEnd = Math.min(end, index + fastLineDigitsMax);
    let byte = 0;
    for (; index < digitsEnd; index += 1) {
      byte = bytes[index]!;
      if (byte < 0x30 || byte > 0x39) break;
      argc = argc * 10 + (byte - 0x30);
    }
    if (index === at + 1 || index + 1 >= end || bytes[index] !== carriageReturn || bytes[index + 1] !== newline) return -1;
    if (argc < 1 || argc > aofArgcMax) return -1;
    index += 2;
    const argv: ByteString[] = argc <= preallocatedArgcMax ? new Array<ByteString>(argc) : [];
    for (let arg = 0; arg < argc; arg += 1) {
      if (index >= end || bytes[index] !== dollar) return -1;
      index += 1;
      const digitsStart = index;
      digitsEnd = Math.min(end, index + fastLineDigitsMax);
      let length = 0;
      for (; index < digitsEnd; index += 1) {
        byte = bytes[index]!;
        if (byte < 0x30 || byte > 0x39) break;
        length = length * 10 + (byte - 0x30);
      }
      if (index === digitsStart || length > this.maxArgBytes) return -1;
      const dataStart = index + 2;
      const dataEnd = dataStart + length;
      if (dataEnd + 2 > end || bytes[index] !== carriageReturn || bytes[index + 1] !== newline) return -1;
      if (bytes[dataEnd] !== carriageReturn || bytes[dataEnd + 1] !== newline) return -1;
      argv[arg] = length === 0 ? '' : arg === 0 ? this.nameAt(text, dataStart, dataEnd) : text.toString('latin1', dataStart, dataEnd);
      index = dataEnd + 2;
    }
    this.recordOffset = at + delta;
    this.argc = argc;
    this.checkNesting(argv[0]!);
    this.finishCommand(argv, index + delta, items);
    this.fastCommands += 1;
    return index;
  }

  /** The string of bytes [start, end): the last name when they spell it again (a run of SETs decodes "SET" once). */
  private nameAt(text: Buffer, start: number, end: number): ByteString {
    const last = this.lastName;
    const length = end - start;
    if (length === last.length) {
      let index = 0;
      while (index < length && text[start + index] === last.charCodeAt(index)) index += 1;
      if (index === length) return last;
    }
    const name = text.toString('latin1', start, end);
    if (length <= rememberedNameBytesMax) this.lastName = name;
    return name;
  }

  private parseArgc(bytes: Uint8Array, at: number, lineEnd: number): number {
    const offset = this.recordOffset;
    if (this.strict) {
      const argc = parseCanonicalLine(bytes, at, lineEnd);
      if (argc === undefined) throw this.corrupt(offset, 'expected "*<digits>\\r\\n" (redis-check-aof checks the CRLF)');
      return this.checkArgc(argc, offset);
    }
    if (bytes[at + 1] === 0) throw this.corrupt(offset, "NUL byte right after '*' (Redis: unrecoverable read error)");
    return this.checkArgc(parseCLong(bytes, at + 1, lineEnd).value, offset);
  }

  private checkArgc(argc: number, offset: number): number {
    if (argc < 1) throw this.corrupt(offset, `argument count ${argc} is below 1`);
    if (argc > aofArgcMax) throw this.corrupt(offset, `argument count ${argc} exceeds ${aofArgcMax}`);
    return argc;
  }

  private parseArgLength(bytes: Uint8Array, at: number, lineEnd: number, offset: number): number {
    let length: number;
    if (this.strict) {
      const parsed = parseCanonicalLine(bytes, at, lineEnd);
      if (parsed === undefined) throw this.corrupt(offset, 'expected "$<digits>\\r\\n" (redis-check-aof checks the CRLF)');
      length = parsed;
    } else {
      length = parseCLong(bytes, at + 1, lineEnd).value;
    }
    return this.checkArgLength(length, offset);
  }

  private checkArgLength(length: number, offset: number): number {
    if (length < 0) throw this.corrupt(offset, `negative argument length ${length} (Redis 7.0 aborts allocating it)`);
    if (length > this.maxArgBytes) throw this.corrupt(offset, `argument length ${length} exceeds the cap of ${this.maxArgBytes} bytes`);
    return length;
  }

  /** EOF cut a '*' or '$' line (`view` holds just it): truncated unless it is malformed already. */
  private checkTornNumberLine(view: BytesView, what: 'argc' | 'length'): void {
    const bytes = view.bytes;
    const offset = this.base;
    if (this.strict && !isCanonicalLinePrefix(bytes, view.start, view.end)) {
      throw this.corrupt(offset, `malformed ${what} line cut by the end of the stream`);
    }
    if (what === 'length') {
      this.checkArgLength(parseCLong(bytes, view.start + 1, view.end).value, offset);
      return;
    }
    // Redis: "*" alone (or "*\0") at EOF is a short read; otherwise atoi decides.
    if (view.end - view.start === 1 || bytes[view.start + 1] === 0) return;
    this.checkArgc(parseCLong(bytes, view.start + 1, view.end).value, offset);
  }

  private checkNesting(name: ByteString): void {
    if (!this.strict) return;
    if (this.inMulti && isCommandName(name, 'multi')) throw this.corrupt(this.recordOffset, 'Unexpected MULTI (MULTI inside MULTI)');
    if (!this.inMulti && isCommandName(name, 'exec')) throw this.corrupt(this.recordOffset, 'Unexpected EXEC (EXEC without MULTI)');
  }

  private finishCommand(argv: ByteString[], endOffset: number, items: AofItem[]): void {
    if (argv.length !== this.argc) assert.fail('a command has all its arguments');
    const name = argv[0]!;
    items.push({ kind: 'command', argv, offset: this.recordOffset, endOffset });
    // Redis remembers valid_before_multi at every MULTI it reads, nested ones included.
    if (isCommandName(name, 'multi')) {
      this.redisValidBeforeMulti = this.redisValidUpTo;
      this.inMulti = true;
    } else if (isCommandName(name, 'exec')) {
      this.inMulti = false;
    }
    this.redisValidUpTo = endOffset;
    if (!this.inMulti) this.validUpTo = endOffset;
  }
}
