/**
 * Hard caps the RDB decoder enforces before it buffers or builds anything, so that a corrupt
 * length can never cause an unbounded allocation or wait.
 *
 * Invariants:
 * - A string (key, value, member, field, listpack/ziplist/intset blob) longer than
 *   `maxStringBytes` is rejected as corrupt before any byte of it is buffered. The cap sits below
 *   V8's maximum string length (2^29 - 24 chars), so every accepted string is representable.
 * - A collection with more than `maxCollectionLength` elements is rejected as corrupt. The cap is
 *   V8's Map/Set size limit (2^24), so building the value can never throw a RangeError.
 * - An LZF string whose declared length exceeds `lzfMaxExpansion` times its compressed length is
 *   rejected before its output buffer is allocated (an LZF back-reference of 3 bytes yields at
 *   most 264 bytes, i.e. 88 bytes per input byte).
 * (impl/impl-limits.ts holds the limits of the layers above the codecs; these are the encoding
 * layer's own.)
 */

export interface RdbDecodeLimits {
  readonly maxStringBytes: number;
  readonly maxCollectionLength: number;
}

export const defaultRdbDecodeLimits: RdbDecodeLimits = {
  maxStringBytes: 500 * 1024 * 1024,
  maxCollectionLength: 2 ** 24,
};

export const lzfMaxExpansion = 88;
