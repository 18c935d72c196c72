/**
 * What the streaming RDB decoder emits, in file order.
 *
 * Invariants:
 * - One 'header' first; 'aux', 'function', 'select-db', 'resize-db', 'key' and 'skipped-empty'
 *   in file order; then one 'end'; then zero or more 'trailing' (bytes after the RDB, e.g. the
 *   RESP tail of an AOF base with an RDB preamble).
 * - A 'key' item's value is never an empty collection; a key Redis would skip as empty is a
 *   'skipped-empty' item instead. Expired keys are emitted with their expiry: the decoder has no
 *   clock, so dropping them is the caller's decision.
 */
import type { ByteString, RedisValue } from '../values/redis-value.ts';

/**
 * 'verified': stored CRC matched. 'disabled-in-file': stored CRC was 0 (rdbchecksum no), not
 * checked, as Redis. 'not-checked': the decoder was told not to verify. 'absent': version < 5.
 */
export type ChecksumStatus = 'verified' | 'disabled-in-file' | 'not-checked' | 'absent';

export type RdbItem =
  | { readonly kind: 'header'; readonly version: number }
  | { readonly kind: 'aux'; readonly key: ByteString; readonly value: ByteString }
  | { readonly kind: 'function'; readonly source: ByteString }
  | { readonly kind: 'select-db'; readonly db: number }
  | { readonly kind: 'resize-db'; readonly db: number; readonly keyCount: number; readonly expiresCount: number }
  | {
      readonly kind: 'key';
      readonly db: number;
      readonly key: ByteString;
      readonly value: RedisValue;
      readonly expireAtMs: number | null;
      /** File offset of the record's type byte (where a duplicate-key error points). */
      readonly offset: number;
    }
  | { readonly kind: 'skipped-empty'; readonly db: number; readonly key: ByteString; readonly offset: number }
  | {
      readonly kind: 'end';
      readonly checksum: ChecksumStatus;
      readonly storedChecksum: bigint | null;
      readonly computedChecksum: bigint;
      /** Bytes of the RDB itself, header through trailer. */
      readonly rdbLength: number;
    }
  | { readonly kind: 'trailing'; readonly bytes: Uint8Array };

export type RdbKeyItem = Extract<RdbItem, { kind: 'key' }>;
