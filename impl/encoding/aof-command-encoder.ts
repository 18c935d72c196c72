/**
 * The bytes Redis 7.0 appends to an AOF for one command (aof.c:catAppendOnlyGenericCommand,
 * feedAppendOnlyFile): a RESP array of bulk strings, the SELECT it inserts when the database
 * changes, and the `#TS:` timestamp annotation line.
 *
 * Invariants:
 * - A command is `*<argc>\r\n` then, per argument, `$<len>\r\n<bytes>\r\n`; argc >= 1, every
 *   argument is a ByteString (one byte per char) and written verbatim, case preserved.
 * - SELECT is exactly `*2\r\n$6\r\nSELECT\r\n$<n>\r\n<db>\r\n` with db in [0, databaseCount).
 * - A timestamp annotation is exactly `#TS:<unix seconds>\r\n`, seconds a non-negative integer.
 * - AofBufferWriter.bytes() equals the concatenation of the one-shot encodings of what was
 *   appended since the last reset(), and returns an independent copy (a write in flight may hold
 *   it while the writer is reused). A refused command leaves the writer's bytes unchanged.
 */
import assert from 'node:assert/strict';
import { databaseCount, type ByteString } from '../values/redis-value.ts';

const nonByteChar = /[^\x00-\xff]/;
const asciiZero = 0x30;

function decimalDigits(value: number): number {
  let digits = 1;
  for (let rest = value; rest >= 10; rest = Math.floor(rest / 10)) digits += 1;
  return digits;
}

/** Bytes of `*<argc>\r\n` + each `$<len>\r\n<arg>\r\n`. */
function commandByteLength(argv: readonly ByteString[]): number {
  let total = 1 + decimalDigits(argv.length) + 2;
  for (const arg of argv) total += 1 + decimalDigits(arg.length) + 2 + arg.length + 2;
  return total;
}

/** A growable byte buffer that AOF commands are appended to. */
export class AofBufferWriter {
  private buffer: Uint8Array;
  private nodeBuffer: Buffer;
  private used = 0;

  constructor(initialCapacity = 16 * 1024) {
    assert.ok(Number.isSafeInteger(initialCapacity) && initialCapacity > 0, 'capacity is a positive count');
    this.buffer = new Uint8Array(initialCapacity);
    this.nodeBuffer = Buffer.from(this.buffer.buffer, this.buffer.byteOffset, this.buffer.length);
  }

  get byteLength(): number {
    return this.used;
  }

  /** Appends one command, encoded as Redis appends it. */
  append(argv: readonly ByteString[]): void {
    assert.ok(argv.length >= 1, 'an AOF command has at least one argument');
    const before = this.used;
    const length = commandByteLength(argv);
    this.reserve(length);
    this.byte(0x2a);
    this.decimal(argv.length);
    this.crlf();
    for (const arg of argv) {
      this.byte(0x24);
      this.decimal(arg.length);
      this.crlf();
      if (!this.latin1(arg)) {
        this.used = before;
        assert.fail('an AOF argument is a ByteString (char codes 0..255)');
      }
      this.crlf();
    }
    assert.equal(this.used, before + length, 'the command took exactly its computed length');
  }

  /** Appends `SELECT <db>` as feedAppendOnlyFile writes it. */
  appendSelect(db: number): void {
    assert.ok(Number.isInteger(db) && db >= 0 && db < databaseCount, `SELECT takes a database index, got ${db}`);
    this.append(['SELECT', String(db)]);
  }

  /** Appends a `#TS:<unixSeconds>\r\n` annotation line. */
  appendTimestampAnnotation(unixSeconds: number): void {
    assert.ok(Number.isSafeInteger(unixSeconds) && unixSeconds >= 0, `a timestamp is non-negative whole seconds, got ${unixSeconds}`);
    this.reserve(4 + decimalDigits(unixSeconds) + 2);
    this.latin1('#TS:');
    this.decimal(unixSeconds);
    this.crlf();
  }

  /** An independent copy of the bytes appended since the last reset. */
  bytes(): Uint8Array {
    return this.buffer.slice(0, this.used);
  }

  /** bytes(), then reset(). */
  take(): Uint8Array {
    const taken = this.bytes();
    this.reset();
    return taken;
  }

  /** Forgets the appended bytes (keeps the capacity). */
  reset(): void {
    this.used = 0;
  }

  /** Makes room for `extra` more bytes; writes after it never grow the buffer. */
  private reserve(extra: number): void {
    const needed = this.used + extra;
    if (needed <= this.buffer.length) return;
    let capacity = this.buffer.length * 2;
    while (capacity < needed) capacity *= 2;
    const grown = new Uint8Array(capacity);
    grown.set(this.buffer.subarray(0, this.used));
    this.buffer = grown;
    this.nodeBuffer = Buffer.from(grown.buffer, grown.byteOffset, grown.length);
  }

  private byte(value: number): void {
    this.buffer[this.used] = value;
    this.used += 1;
  }

  private crlf(): void {
    this.buffer[this.used] = 0x0d;
    this.buffer[this.used + 1] = 0x0a;
    this.used += 2;
  }

  private decimal(value: number): void {
    const digits = decimalDigits(value);
    let rest = value;
    for (let index = digits - 1; index >= 0; index -= 1) {
      this.buffer[this.used + index] = asciiZero + (rest % 10);
      rest = Math.floor(rest / 10);
    }
    this.used += digits;
  }

  /** Writes a ByteString; false (nothing counted) if a char is above 0xff. */
  private latin1(text: ByteString): boolean {
    if (text.length <= 32) {
      for (let index = 0; index < text.length; index += 1) {
        const code = text.charCodeAt(index);
        if (code > 0xff) return false;
        this.buffer[this.used + index] = code;
      }
    } else {
      if (nonByteChar.test(text)) return false;
      this.nodeBuffer.write(text, this.used, text.length, 'latin1');
    }
    this.used += text.length;
    return true;
  }
}

/** One command as Redis appends it to the AOF. */
export function encodeAofCommand(argv: readonly ByteString[]): Uint8Array {
  const writer = new AofBufferWriter(commandByteLength(argv));
  writer.append(argv);
  return writer.bytes();
}

/** `SELECT <db>` as Redis inserts it before a command on another database. */
export function encodeSelectCommand(db: number): Uint8Array {
  const writer = new AofBufferWriter(64);
  writer.appendSelect(db);
  return writer.bytes();
}

/** The `#TS:<unixSeconds>\r\n` annotation line (aof-timestamp-enabled). */
export function encodeTimestampAnnotation(unixSeconds: number): Uint8Array {
  const writer = new AofBufferWriter(32);
  writer.appendTimestampAnnotation(unixSeconds);
  return writer.bytes();
}
