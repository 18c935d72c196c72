/**
 * The multi-part AOF manifest (Redis 7.0 MP-AOF) as data, and the names Redis gives its files
 * (aof.c naming macros, getNewBaseFileNameAndMarkPreAsHistory, getNewIncrAofName,
 * getAofManifestFileName, getTempAofManifestFileName, getTempIncrAofName).
 *
 * Invariants:
 * - A manifest has at most one BASE, then HISTORY entries in list order (each demotion is pushed
 *   at the head), then INCR entries in strictly increasing seq order.
 * - An entry's `type` matches the slot it sits in (base / history / incrs).
 * - File names are ByteStrings (the manifest is bytes): pass `bytesOf(name)` to fs calls when a
 *   name may hold non-ASCII bytes. A listed name is a bare file name, never a path.
 * - Names derived here are exactly Redis's: `<prefix>.<seq>.base.rdb|aof`,
 *   `<prefix>.<seq>.incr.aof`, `<prefix>.manifest`, `temp-<prefix>.manifest`,
 *   `temp-<prefix>.incr`, with prefix = appendfilename (default `appendonly.aof`).
 */
import assert from 'node:assert/strict';
import type { ByteString } from '../values/redis-value.ts';

export type AofFileType = 'base' | 'history' | 'incr';

export interface AofManifestEntry {
  readonly fileName: ByteString;
  readonly seq: number;
  readonly type: AofFileType;
}

export interface AofManifest {
  readonly base: AofManifestEntry | null;
  readonly history: AofManifestEntry[];
  readonly incrs: AofManifestEntry[];
}

/** Redis's defaults for `appendfilename` and `appenddirname`. */
export const defaultAppendFileName = 'appendonly.aof';
export const defaultAppendDirName = 'appendonlydir';

/** The one-letter type codes of a manifest line. */
export const aofFileTypeCodes: Readonly<Record<AofFileType, string>> = { base: 'b', history: 'h', incr: 'i' };

export function emptyAofManifest(): AofManifest {
  return { base: null, history: [], incrs: [] };
}

function assertSeq(seq: number): void {
  assert.ok(Number.isSafeInteger(seq) && seq > 0, `a new AOF file's seq is a positive integer, got ${seq}`);
}

/** `appendonly.aof.<seq>.base.rdb` (aof-use-rdb-preamble yes) or `.base.aof` (no). */
export function baseFileName(prefix: ByteString, seq: number, format: 'rdb' | 'aof'): ByteString {
  assertSeq(seq);
  return `${prefix}.${seq}.base.${format}`;
}

/** `appendonly.aof.<seq>.incr.aof`. */
export function incrFileName(prefix: ByteString, seq: number): ByteString {
  assertSeq(seq);
  return `${prefix}.${seq}.incr.aof`;
}

/** `appendonly.aof.manifest`. */
export function manifestFileName(prefix: ByteString): ByteString {
  return `${prefix}.manifest`;
}

/** `temp-appendonly.aof.manifest`: written, fsynced, then renamed over the manifest. */
export function tempManifestFileName(prefix: ByteString): ByteString {
  return `temp-${prefix}.manifest`;
}

/** `temp-appendonly.aof.incr`: the INCR opened while AOF is being enabled at runtime. */
export function tempIncrFileName(prefix: ByteString): ByteString {
  return `temp-${prefix}.incr`;
}
