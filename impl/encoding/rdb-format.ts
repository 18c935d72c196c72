/**
 * RDB format constants for the version Redis 7.0 writes (10): magic, opcodes, value type bytes,
 * string encodings and the encoding thresholds 7.0 uses by default.
 *
 * Invariants:
 * - Every number here is a byte value or size from Redis 7.0.15 (rdb.h, config.c); nothing else
 *   in impl/encoding/ spells these numbers.
 * - Type bytes this codec writes: STRING, SET, HASH, ZSET_2, SET_INTSET, HASH_LISTPACK,
 *   ZSET_LISTPACK, LIST_QUICKLIST_2. The others are load-only or unsupported.
 */

export const rdbMagic = 'REDIS';
export const rdbVersionWritten = 10;
/** Oldest and newest versions the 7.0 loader accepts. */
export const rdbVersionMin = 1;
export const rdbVersionMax = 10;
/** The CRC-64 trailer exists from this version on. */
export const rdbVersionWithChecksum = 5;
export const rdbHeaderLength = 9;
export const rdbChecksumLength = 8;

export const opcode = {
  function2: 0xf5,
  functionLegacy: 0xf6,
  moduleAux: 0xf7,
  idle: 0xf8,
  freq: 0xf9,
  aux: 0xfa,
  resizeDb: 0xfb,
  expireTimeMs: 0xfc,
  expireTimeSeconds: 0xfd,
  selectDb: 0xfe,
  eof: 0xff,
} as const;

export const typeByte = {
  string: 0,
  list: 1,
  set: 2,
  zset: 3,
  hash: 4,
  zset2: 5,
  module: 6,
  module2: 7,
  hashZipmap: 9,
  listZiplist: 10,
  setIntset: 11,
  zsetZiplist: 12,
  hashZiplist: 13,
  listQuicklist: 14,
  streamListpacks: 15,
  hashListpack: 16,
  zsetListpack: 17,
  listQuicklist2: 18,
  streamListpacks2: 19,
} as const;

export type TypeByte = (typeof typeByte)[keyof typeof typeByte];

const typeNames = new Map<number, string>(Object.entries(typeByte).map(([name, byte]) => [byte, name]));

/** A readable name for a type byte, for error messages: `18 (listQuicklist2)`. */
export function typeByteName(byte: number): string {
  return `${byte} (${typeNames.get(byte) ?? 'unknown'})`;
}

/** Type bytes 7.0 knows but this codec cannot represent as a RedisValue. */
export const unsupportedTypeBytes: ReadonlySet<number> = new Set([
  typeByte.module,
  typeByte.module2,
  typeByte.streamListpacks,
  typeByte.streamListpacks2,
]);

/** Special string encodings: the low 6 bits of a `11xxxxxx` length byte. */
export const stringEncoding = { int8: 0, int16: 1, int32: 2, lzf: 3 } as const;

/** Length-encoding markers (rdbSaveLen). */
export const lengthMarker = { bits32: 0x80, bits64: 0x81 } as const;

/** QUICKLIST_2 node containers. */
export const quicklistContainer = { plain: 1, packed: 2 } as const;

/** 7.0 defaults that pick an in-memory encoding, and so a type byte. */
export const encodingThresholds = {
  hashMaxListpackEntries: 512,
  hashMaxListpackValue: 64,
  zsetMaxListpackEntries: 128,
  zsetMaxListpackValue: 64,
  setMaxIntsetEntries: 512,
  /** list-max-listpack-size -2: a quicklist node's listpack holds at most 8 KiB. */
  listMaxListpackBytes: 8192,
} as const;

/** Strings at most this long are tried as int8/16/32 (rdbSaveRawString). */
export const integerEncodingMaxLength = 11;
/** Strings longer than this are tried with LZF when compression is on. */
export const lzfMinInputLength = 21;
/** LZF is used only when it saves at least this many bytes. */
export const lzfMinSaving = 4;

/** The AUX fields 7.0 writes, in order. */
export const auxKey = {
  redisVersion: 'redis-ver',
  redisBits: 'redis-bits',
  ctime: 'ctime',
  usedMemory: 'used-mem',
  aofBase: 'aof-base',
} as const;
export const redisVersionWritten = '7.0.15';
