/**
 * Push-based RDB decoder: feed chunks of a file with push(), get the items completed so far;
 * end() says whether the RDB was complete. Reads versions 1..10 as Redis 7.0 loads them.
 *
 * Memory bound: the decoder buffers only the bytes of the one unit it cannot finish yet — a
 * header, an opcode with its payload, a key with its string or blob value or its element count,
 * or one collection element (a string, a field/value or member/score pair, or one quicklist
 * node) — plus the unparsed tail of the last chunk. So at most about 2 × maxStringBytes + one
 * chunk, and in practice the largest key/value pair. Declared lengths are checked against the
 * limits (and the optional totalBytes hint) before their bytes are buffered; a unit is retried
 * only once the buffer reaches the size its last attempt proved necessary, so re-parsing is
 * bounded by a few passes per unit.
 *
 * Invariants:
 * - Every failure is an RdbDecodeError; once thrown, every later call throws it again.
 * - `bytesConsumed` counts bytes of completed units; after 'end' it is the RDB's length, and any
 *   further bytes are reported as 'trailing' items.
 * - Rejects (RdbDecodeError): bad magic/version, unknown opcodes and type bytes, corrupt
 *   lengths, strings, LZF, listpacks, ziplists, intsets, zipmaps, duplicate keys in a db
 *   (unless checkDuplicateKeys is false: then the caller checks, with each key item's offset),
 *   duplicate members, NaN scores, db >= 16, checksum mismatch (unless stored 0 or not verified),
 *   streams, modules, MODULE_AUX and the pre-GA FUNCTION opcode ('unsupported').
 * - Skips: IDLE and FREQ (LRU/LFU hints), empty collections ('skipped-empty' items, counted).
 * - Emits FUNCTION2 libraries as 'function' items; loading them is the caller's job.
 * - Version rules: 1..10 accepted; the CRC trailer is read iff version >= 5; EXPIRETIME_MS is
 *   little-endian in every version (Redis skips the byte swap below version 9, which only
 *   differs on big-endian hosts). Duplicate members/fields are refused even inside listpacks,
 *   where Redis 7.0 checks them only with sanitize-dump-payload yes (as redis-check-rdb does).
 * - Items completed in a push that throws are not returned: the load has failed as a whole.
 */
import assert from 'node:assert/strict';
import { databaseCount, type ByteString, type RedisValue } from '../values/redis-value.ts';
import { ByteReader, NeedMoreBytes } from './byte-reader.ts';
import { Crc64 } from './crc64.ts';
import { PendingBytes, type BytesView } from './pending-bytes.ts';
import { RdbDecodeError } from './rdb-decode-error.ts';
import { opcode, rdbChecksumLength, rdbVersionWithChecksum, typeByteName, unsupportedTypeBytes } from './rdb-format.ts';
import { readRdbHeader } from './rdb-header.ts';
import type { ChecksumStatus, RdbItem } from './rdb-items.ts';
import { readLength } from './rdb-length.ts';
import { defaultRdbDecodeLimits, type RdbDecodeLimits } from './rdb-limits.ts';
import { StreamContext } from './rdb-stream-context.ts';
import { readRdbString } from './rdb-string.ts';
import { collectionIsEmpty, describeKey, isKnownValueType, readCollectionElement, readValueStart, type CollectionState } from './rdb-value-decoder.ts';

export interface RdbDecoderOptions {
  /** Named in every error. */
  readonly fileName: string;
  /** The file's size, if known: lengths reaching past it fail early as truncated. */
  readonly totalBytes?: number;
  /** Verify a non-zero stored CRC-64 (Redis: rdbchecksum yes). Default true. */
  readonly verifyChecksum?: boolean;
  /**
   * Refuse a key seen earlier in the same db (default true). A consumer that stores every key
   * in a map of its own can pass false and check there, with the 'key' item's offset for the
   * error: it saves the decoder a set of every key in the file.
   */
  readonly checkDuplicateKeys?: boolean;
  readonly limits?: Partial<RdbDecodeLimits>;
}

export interface RdbDecodeSummary {
  readonly version: number;
  readonly rdbLength: number;
  readonly trailingBytes: number;
  readonly skippedEmptyKeys: number;
  readonly checksum: ChecksumStatus;
}

type Phase = 'header' | 'body' | 'collection' | 'done';

interface PendingKey {
  readonly offset: number;
  readonly expireAtMs: number | null;
  readonly collection: CollectionState;
}

const maxExpireMs = BigInt(Number.MAX_SAFE_INTEGER);
/** Local alias: one module-namespace read at load instead of one per switch case. */
const op = opcode;

export class RdbDecoder {
  private readonly context: StreamContext;
  private readonly verifyChecksum: boolean;
  private readonly checkDuplicateKeys: boolean;
  private readonly pending = new PendingBytes();
  private readonly reader = new ByteReader(new Uint8Array(0), 0, 0, { kind: 'stream' });
  private readonly crc = new Crc64();
  private phase: Phase = 'header';
  private failure: RdbDecodeError | undefined;
  private version = 0;
  private db = 0;
  private expireAtMs: number | null = null;
  private pendingKey: PendingKey | undefined;
  private readonly keysByDb = new Map<number, Set<ByteString>>();
  private neededForUnit = 0;
  private consumed = 0;
  private received = 0;
  private trailing = 0;
  private skipped = 0;
  private checksumStatus: ChecksumStatus = 'absent';
  private items: RdbItem[] = [];

  constructor(options: RdbDecoderOptions) {
    this.context = new StreamContext(options.fileName, { ...defaultRdbDecodeLimits, ...options.limits }, options.totalBytes);
    this.verifyChecksum = options.verifyChecksum ?? true;
    this.checkDuplicateKeys = options.checkDuplicateKeys ?? true;
  }

  get bytesConsumed(): number {
    return this.consumed;
  }

  get trailingBytes(): number {
    return this.trailing;
  }

  get skippedEmptyKeys(): number {
    return this.skipped;
  }

  get finished(): boolean {
    return this.isDone();
  }

  /** Bytes held for the unit in progress, and the buffer's capacity (the memory bound). */
  get bufferedBytes(): number {
    return this.pending.length;
  }

  get bufferCapacity(): number {
    return this.pending.capacity;
  }

  private isDone(): boolean {
    return this.phase === 'done';
  }

  push(chunk: Uint8Array): RdbItem[] {
    if (this.failure !== undefined) throw this.failure;
    if (this.phase === 'done') return this.trailingItem(new Uint8Array(chunk));
    this.received += chunk.length;
    const view = this.pending.view(chunk);
    this.context.bufferFileOffset = this.consumed - view.start;
    let position = view.start;
    try {
      if (view.end - position >= this.neededForUnit) position = this.parseUnits(view, position);
    } catch (error) {
      if (error instanceof RdbDecodeError) this.failure = error;
      throw error;
    }
    if (this.isDone() && position < view.end) {
      this.items.push(...this.trailingItem(new Uint8Array(view.bytes.subarray(position, view.end))));
      position = view.end;
    }
    this.pending.keep(view, position);
    const items = this.items;
    this.items = [];
    return items;
  }

  /** `bytes` must be a copy: the caller may reuse its chunk (Buffer#slice would not copy). */
  private trailingItem(bytes: Uint8Array): RdbItem[] {
    this.trailing += bytes.length;
    return bytes.length === 0 ? [] : [{ kind: 'trailing', bytes }];
  }

  /**
   * Parses whole units from `position`; returns where the first incomplete unit starts. The
   * checksum is updated once per call over every completed unit (not per unit).
   */
  private parseUnits(view: BytesView, start: number): number {
    let position = start;
    while (!this.isDone() && position < view.end) {
      this.reader.reset(view.bytes, position, view.end);
      try {
        this.parseUnit(position);
      } catch (signal) {
        if (!(signal instanceof NeedMoreBytes)) throw signal;
        this.neededForUnit = signal.until - position;
        break;
      }
      this.neededForUnit = 0;
      const unitEnd = this.reader.position;
      this.consumed += unitEnd - position;
      if (this.isDone()) {
        const trailerStart = unitEnd - this.trailerLength();
        this.crc.update(view.bytes.subarray(start, trailerStart));
        this.finishChecksum(view.bytes.subarray(trailerStart, unitEnd), unitEnd);
        return unitEnd;
      }
      position = unitEnd;
    }
    this.crc.update(view.bytes.subarray(start, position));
    return position;
  }

  private trailerLength(): number {
    return this.version >= rdbVersionWithChecksum ? rdbChecksumLength : 0;
  }

  private emit(item: RdbItem): void {
    this.items.push(item);
  }

  private parseUnit(start: number): void {
    const reader = this.reader;
    if (this.phase === 'header') return this.parseHeader();
    if (this.phase === 'collection') return this.parseElement();
    const code = reader.u8();
    switch (code) {
      case op.aux: {
        const key = readRdbString(reader, this.context, 'AUX key');
        const value = readRdbString(reader, this.context, () => `AUX ${describeKey(key)} value`);
        return this.emit({ kind: 'aux', key, value });
      }
      case op.function2:
        return this.emit({ kind: 'function', source: readRdbString(reader, this.context, 'FUNCTION2 library') });
      case op.functionLegacy:
        throw this.context.error('unsupported', start, 'pre-GA FUNCTION opcode (0xF6, Redis 7.0 release candidates)');
      case op.moduleAux:
        throw this.context.error('unsupported', start, 'MODULE_AUX data needs its module, which this codec does not have');
      case op.idle:
        readLength(reader, this.context, 'IDLE');
        return;
      case op.freq:
        reader.u8();
        return;
      case op.selectDb: {
        const db = readLength(reader, this.context, 'SELECTDB');
        if (db >= databaseCount) throw this.context.error('unsupported', start, `SELECTDB ${db}: the file needs more than ${databaseCount} databases`);
        this.db = db;
        return this.emit({ kind: 'select-db', db });
      }
      case op.resizeDb: {
        const keyCount = readLength(reader, this.context, 'RESIZEDB db size');
        const expiresCount = readLength(reader, this.context, 'RESIZEDB expires size');
        return this.emit({ kind: 'resize-db', db: this.db, keyCount, expiresCount });
      }
      case op.expireTimeMs:
        return this.setExpire(reader.i64le(), start);
      case op.expireTimeSeconds:
        return this.setExpire(BigInt(reader.intLE(4)) * 1000n, start);
      case op.eof:
        reader.skip(this.trailerLength()); // may need more bytes: change no state before it
        this.phase = 'done';
        return;
      default:
        return this.parseKeyStart(code, start);
    }
  }

  private parseHeader(): void {
    const version = readRdbHeader(this.reader, this.context);
    this.version = version;
    this.phase = 'body';
    this.emit({ kind: 'header', version });
  }

  private setExpire(expireAtMs: bigint, start: number): void {
    if (expireAtMs > maxExpireMs || expireAtMs < -maxExpireMs) {
      throw this.context.error('unsupported', start, `expiry ${expireAtMs} ms is beyond ±2^53 and cannot be represented`);
    }
    this.expireAtMs = Number(expireAtMs);
  }

  private parseKeyStart(type: number, start: number): void {
    if (unsupportedTypeBytes.has(type)) throw this.context.error('unsupported', start, `unsupported value type ${typeByteName(type)}`);
    if (!isKnownValueType(type)) throw this.context.error('corrupt', start, `unknown opcode or value type ${typeByteName(type)}`);
    const key = readRdbString(this.reader, this.context, 'key');
    if (this.checkDuplicateKeys && this.keysByDb.get(this.db)?.has(key)) throw this.context.error('corrupt', start, `duplicate key ${describeKey(key)} in db ${this.db}`);
    const value = readValueStart(this.reader, this.context, type, key);
    const expireAtMs = this.expireAtMs;
    this.expireAtMs = null;
    if (value.kind === 'empty') return this.skipEmpty(key, start);
    if (value.kind === 'complete') return this.addKey(key, value.value, expireAtMs, this.context.fileOffset(start));
    this.pendingKey = { offset: this.context.fileOffset(start), expireAtMs, collection: value.collection };
    this.phase = 'collection';
  }

  private parseElement(): void {
    const pendingKey = this.pendingKey;
    assert.ok(pendingKey !== undefined, 'the collection phase always has a pending key');
    if (!readCollectionElement(this.reader, this.context, pendingKey.collection)) return;
    this.pendingKey = undefined;
    this.phase = 'body';
    const { key, value } = pendingKey.collection;
    if (collectionIsEmpty(pendingKey.collection)) this.skipEmpty(key, pendingKey.offset - this.context.bufferFileOffset);
    else this.addKey(key, value, pendingKey.expireAtMs, pendingKey.offset);
  }

  private skipEmpty(key: ByteString, start: number): void {
    this.skipped += 1;
    this.emit({ kind: 'skipped-empty', db: this.db, key, offset: this.context.fileOffset(start) });
  }

  private addKey(key: ByteString, value: RedisValue, expireAtMs: number | null, offset: number): void {
    if (this.checkDuplicateKeys) {
      let keys = this.keysByDb.get(this.db);
      if (keys === undefined) this.keysByDb.set(this.db, (keys = new Set()));
      keys.add(key);
    }
    this.emit({ kind: 'key', db: this.db, key, value, expireAtMs, offset });
  }

  private finishChecksum(trailer: Uint8Array, position: number): void {
    const computed = this.crc.digest();
    let stored: bigint | null = null;
    if (trailer.length === rdbChecksumLength) {
      stored = new DataView(trailer.buffer, trailer.byteOffset, 8).getBigUint64(0, true);
      this.checksumStatus = stored === 0n ? 'disabled-in-file' : this.verifyChecksum ? 'verified' : 'not-checked';
      if (this.checksumStatus === 'verified' && stored !== computed) {
        throw this.context.error('corrupt', position - rdbChecksumLength, `RDB CRC error: stored ${stored.toString(16)}, computed ${computed.toString(16)}`);
      }
    }
    this.emit({ kind: 'end', checksum: this.checksumStatus, storedChecksum: stored, computedChecksum: computed, rdbLength: this.consumed });
  }

  /** Declares the input complete; throws a truncated RdbDecodeError if the RDB is not. */
  end(): RdbDecodeSummary {
    if (this.failure !== undefined) throw this.failure;
    if (this.phase !== 'done') {
      const doing = this.phase === 'header' ? 'the header' : this.phase === 'collection' ? `the elements of key ${describeKey(this.pendingKey?.collection.key ?? '')}` : 'the next record';
      this.failure = new RdbDecodeError('truncated', this.context.fileName, this.received, `unexpected end of file while reading ${doing} (unit at offset ${this.consumed})`);
      throw this.failure;
    }
    return { version: this.version, rdbLength: this.consumed, trailingBytes: this.trailing, skippedEmptyKeys: this.skipped, checksum: this.checksumStatus };
  }
}
