/**
 * SnapshotFormat: the bytes a point-in-time snapshot (rdb-snapshot.ts) writes its entries as.
 * The versioned cut decides WHICH entries and values go out, and when; the format decides how
 * they look: an RDB file (dump.rdb, or an AOF base with an RDB preamble: `rdbSnapshotFormat`),
 * or the commands of an AOF base without preamble (aof-resp-base-format.ts).
 *
 * Contract (what RdbSnapshot relies on, on every format):
 * - Call order: header(), then per database with keys at the cut, in ascending order,
 *   selectDb() followed by exactly `keyCount` entries (of which `expiresCount` have an expiry),
 *   each through appendEntry() or appendEncodedEntry(); flush() any time after header(); end()
 *   once, last.
 * - encodeEntry() builds one entry's bytes apart from the stream (for an entry serialized
 *   before its database's selectDb); appendEncodedEntry() later adds exactly those bytes.
 * - The chunks returned, concatenated in call order, are the whole file.
 */
import { RdbEncoder, type RdbEncoderOptions, encodeRdbEntry } from '../encoding/rdb-encoder.ts';
import type { ByteString, RedisValue } from '../values/redis-value.ts';

/** One entry's bytes, encoded apart from the stream. */
export interface EncodedSnapshotEntry {
  readonly bytes: Uint8Array;
  readonly hasExpire: boolean;
}

export interface SnapshotFormat {
  header(): Uint8Array;
  selectDb(db: number, keyCount: number, expiresCount: number): Uint8Array;
  appendEntry(key: ByteString, value: RedisValue, expireAtMs: number | null): void;
  encodeEntry(key: ByteString, value: RedisValue, expireAtMs: number | null): EncodedSnapshotEntry;
  appendEncodedEntry(entry: EncodedSnapshotEntry): void;
  /** Every pending byte as one chunk (possibly empty). */
  flush(): Uint8Array;
  end(): Uint8Array;
}

/** An RDB file (aof-base 1 when `options.aof`): the RDB encoder as a snapshot format. */
export function rdbSnapshotFormat(options: RdbEncoderOptions): SnapshotFormat {
  const encoder = new RdbEncoder(options);
  return {
    header: () => encoder.header(),
    selectDb: (db, keyCount, expiresCount) => encoder.selectDb(db, keyCount, expiresCount),
    appendEntry: (key, value, expireAtMs) => encoder.appendEntry(key, value, expireAtMs),
    encodeEntry: (key, value, expireAtMs) => encodeRdbEntry(key, value, expireAtMs, options.compression),
    appendEncodedEntry: (entry) => encoder.appendEncodedEntry(entry),
    flush: () => encoder.flush(),
    end: () => encoder.end(),
  };
}
