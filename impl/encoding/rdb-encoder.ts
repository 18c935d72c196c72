/**
 * Incremental RDB (version 10) writer: each call returns the next chunk of the file, so a large
 * dataset is never held as one buffer. The CRC-64 is updated with every chunk it returns.
 *
 * Call order: header(), functionLibrary()*, { selectDb(), entry()* }*, end().
 * In place of entry() a caller may use appendEntry() / appendEncodedEntry(), which add the
 * record to the pending bytes without returning them, and later flush() (or any other call)
 * to take everything pending as one chunk: a snapshot writes one chunk per slice of keys
 * instead of one per key. appendEncodedEntry() takes a record built earlier by
 * encodeRdbEntry(), e.g. for an entry a snapshot had to serialize before its SELECTDB.
 *
 * Invariants (asserted):
 * - The chunks, concatenated, form a file Redis 7.0 loads: `REDIS0010`, AUX redis-ver,
 *   redis-bits, ctime, used-mem, aof-base; FUNCTION2 libraries; per non-empty db SELECTDB +
 *   RESIZEDB then its keys; EOF + CRC-64 little-endian (8 zero bytes when checksum is off).
 * - Databases come in ascending order, each in 0..15; each db receives exactly the keyCount and
 *   expiresCount its selectDb announced, whichever way its records arrive.
 * - Chunks returned, concatenated, are every byte written so far in call order; the CRC covers
 *   exactly them, and `bytesWritten` counts them (pending bytes are counted once taken).
 * - The encoder is pure: ctime and used-mem are parameters, not read from a clock.
 */
import assert from 'node:assert/strict';
import { databaseCount, type ByteString, type RedisValue } from '../values/redis-value.ts';
import { ByteWriter } from './byte-writer.ts';
import { Crc64 } from './crc64.ts';
import { auxKey, opcode, rdbMagic, rdbVersionWritten, redisVersionWritten } from './rdb-format.ts';
import { writeLength } from './rdb-length.ts';
import { writeRdbString } from './rdb-string.ts';
import { valueTypeByte, writeValuePayload } from './rdb-value-encoder.ts';

export interface RdbEncoderOptions {
  /** Written as AUX aof-base 1 (an AOF base / preamble) or 0 (a dump.rdb). */
  readonly aof: boolean;
  readonly ctimeSeconds: number;
  readonly usedMemory: number;
  /** rdbcompression: LZF for strings longer than 20 bytes when it saves 4 bytes. */
  readonly compression: boolean;
  /** rdbchecksum; default true. When false the trailer is 8 zero bytes. */
  readonly checksum?: boolean;
}

/** One key's record (optional EXPIRETIME_MS, type, key, value), encoded on its own. */
export interface EncodedRdbEntry {
  readonly bytes: Uint8Array;
  readonly hasExpire: boolean;
}

function writeEntryRecord(writer: ByteWriter, key: ByteString, value: RedisValue, expireAtMs: number | null, compression: boolean): void {
  if (expireAtMs !== null) {
    assert.ok(Number.isSafeInteger(expireAtMs), 'an expiry is integral Unix milliseconds');
    writer.u8(opcode.expireTimeMs);
    writer.i64le(BigInt(expireAtMs));
  }
  const type = valueTypeByte(value);
  writer.u8(type);
  writeRdbString(writer, key, compression);
  writeValuePayload(writer, value, type, compression);
}

/** Encodes a key's record apart from any encoder, to be added later with appendEncodedEntry(). */
export function encodeRdbEntry(key: ByteString, value: RedisValue, expireAtMs: number | null, compression: boolean): EncodedRdbEntry {
  const writer = new ByteWriter(64);
  writeEntryRecord(writer, key, value, expireAtMs, compression);
  const bytes = writer.take();
  assert.ok(bytes.length > 0);
  return { bytes, hasExpire: expireAtMs !== null };
}

type Phase = 'start' | 'preamble' | 'keys' | 'ended';

interface DbProgress {
  readonly db: number;
  readonly keyCount: number;
  readonly expiresCount: number;
  keysWritten: number;
  expiresWritten: number;
}

export class RdbEncoder {
  private readonly writer = new ByteWriter(4096);
  private readonly crc = new Crc64();
  private phase: Phase = 'start';
  private current: DbProgress | undefined;
  private written = 0;

  constructor(private readonly options: RdbEncoderOptions) {
    assert.ok(Number.isSafeInteger(options.ctimeSeconds) && options.ctimeSeconds >= 0, 'ctime is whole seconds');
    assert.ok(Number.isSafeInteger(options.usedMemory) && options.usedMemory >= 0, 'used-mem is a byte count');
  }

  /** Bytes returned so far. */
  get bytesWritten(): number {
    return this.written;
  }

  private chunk(): Uint8Array {
    const bytes = this.writer.take();
    this.crc.update(bytes);
    this.written += bytes.length;
    return bytes;
  }

  private aux(key: string, value: string): void {
    this.writer.u8(opcode.aux);
    writeRdbString(this.writer, key, this.options.compression);
    writeRdbString(this.writer, value, this.options.compression);
  }

  header(): Uint8Array {
    assert.equal(this.phase, 'start', 'header() comes first, once');
    this.phase = 'preamble';
    this.writer.latin1(`${rdbMagic}${String(rdbVersionWritten).padStart(4, '0')}`);
    this.aux(auxKey.redisVersion, redisVersionWritten);
    this.aux(auxKey.redisBits, '64');
    this.aux(auxKey.ctime, String(this.options.ctimeSeconds));
    this.aux(auxKey.usedMemory, String(this.options.usedMemory));
    this.aux(auxKey.aofBase, this.options.aof ? '1' : '0');
    return this.chunk();
  }

  /** A FUNCTION2 record: one function library's source code. */
  functionLibrary(source: ByteString): Uint8Array {
    assert.equal(this.phase, 'preamble', 'function libraries come after the header, before any db');
    this.writer.u8(opcode.function2);
    writeRdbString(this.writer, source, this.options.compression);
    return this.chunk();
  }

  private closeDb(): void {
    const progress = this.current;
    if (progress === undefined) return;
    assert.equal(progress.keysWritten, progress.keyCount, `db ${progress.db} received the key count RESIZEDB announced`);
    assert.equal(progress.expiresWritten, progress.expiresCount, `db ${progress.db} received the expires count RESIZEDB announced`);
  }

  selectDb(db: number, keyCount: number, expiresCount: number): Uint8Array {
    assert.ok(this.phase === 'preamble' || this.phase === 'keys', 'selectDb() comes after header()');
    assert.ok(Number.isInteger(db) && db >= 0 && db < databaseCount, `db index in 0..${databaseCount - 1}: ${db}`);
    assert.ok(this.current === undefined || db > this.current.db, 'databases are written in ascending order');
    assert.ok(keyCount > 0, 'only non-empty databases are written');
    assert.ok(expiresCount >= 0 && expiresCount <= keyCount, 'expires are a subset of keys');
    this.closeDb();
    this.phase = 'keys';
    this.current = { db, keyCount, expiresCount, keysWritten: 0, expiresWritten: 0 };
    this.writer.u8(opcode.selectDb);
    writeLength(this.writer, db);
    this.writer.u8(opcode.resizeDb);
    writeLength(this.writer, keyCount);
    writeLength(this.writer, expiresCount);
    return this.chunk();
  }

  entry(key: ByteString, value: RedisValue, expireAtMs: number | null): Uint8Array {
    this.appendEntry(key, value, expireAtMs);
    return this.chunk();
  }

  /** entry() without taking the bytes: they stay pending until flush() or the next chunk. */
  appendEntry(key: ByteString, value: RedisValue, expireAtMs: number | null): void {
    this.countEntry(expireAtMs !== null);
    writeEntryRecord(this.writer, key, value, expireAtMs, this.options.compression);
  }

  /** A record from encodeRdbEntry(), counted against the current db like entry(). */
  appendEncodedEntry(entry: EncodedRdbEntry): void {
    this.countEntry(entry.hasExpire);
    this.writer.bytes(entry.bytes);
  }

  /** Every pending byte as one chunk (possibly empty). */
  flush(): Uint8Array {
    assert.ok(this.phase === 'preamble' || this.phase === 'keys', 'flush() comes between header() and end()');
    return this.chunk();
  }

  private countEntry(hasExpire: boolean): void {
    const progress = this.current;
    assert.ok(this.phase === 'keys' && progress !== undefined, 'entry() comes after selectDb()');
    assert.ok(progress.keysWritten < progress.keyCount, `db ${progress.db} announced ${progress.keyCount} keys`);
    progress.keysWritten += 1;
    if (hasExpire) progress.expiresWritten += 1;
  }

  /** EOF and the checksum trailer. */
  end(): Uint8Array {
    assert.ok(this.phase === 'preamble' || this.phase === 'keys', 'end() comes after header(), once');
    this.closeDb();
    this.phase = 'ended';
    this.writer.u8(opcode.eof);
    const eof = this.chunk();
    const trailer = this.options.checksum === false ? new Uint8Array(8) : this.crc.digestBytes();
    this.written += trailer.length;
    const result = new Uint8Array(eof.length + trailer.length);
    result.set(eof);
    result.set(trailer, eof.length);
    return result;
  }
}
