/**
 * Reading command arguments the way Redis's getXxxFromObjectOrReply helpers and option parsers
 * do: each helper returns the parsed value or ends the command with Redis's exact error.
 *
 * Invariants:
 * - Option names compare ASCII-case-insensitively and as C strings (up to the first NUL), like
 *   strcasecmp; command names compare ASCII-case-insensitively over all bytes.
 * - getLongFromObjectOrReply, getPositiveLong..., getIntFromObjectOrReply and
 *   getDoubleFromObjectOrReply keep their distinct messages (see command-errors.ts).
 */
import type { ByteString } from '../values/redis-value.ts';
import { cString, fail, mustBePositiveError, notFloatError, notIntegerError, rangeError } from './command-errors.ts';
import { int32Max, int32Min, parseDouble, parseInteger } from './number-parsing.ts';

/** A-Z → a-z, every other byte unchanged; `text` itself when it has no A-Z (the common case: no allocation). */
export function asciiLower(text: ByteString): ByteString {
  const length = text.length;
  for (let index = 0; index < length; index += 1) {
    const code = text.charCodeAt(index);
    if (code >= 0x41 && code <= 0x5a) return lowerFrom(text, index);
  }
  return text;
}

/** asciiLower of `text`, whose first A-Z is at `first`. */
function lowerFrom(text: ByteString, first: number): ByteString {
  const length = text.length;
  let ascii = true;
  for (let index = 0; index < length && ascii; index += 1) ascii = text.charCodeAt(index) < 0x80;
  // Below 0x80 Unicode lower-casing is ASCII's; above it (latin1 À..Þ) it is not, so lower by hand.
  if (ascii) return text.toLowerCase();
  let lower = text.slice(0, first);
  let runStart = first;
  for (let index = first; index < length; index += 1) {
    const code = text.charCodeAt(index);
    if (code < 0x41 || code > 0x5a) continue;
    lower += text.slice(runStart, index) + String.fromCharCode(code + 0x20);
    runStart = index + 1;
  }
  return lower + text.slice(runStart);
}

/** An option argument as strcasecmp sees it: lower-cased, cut at NUL. */
export function optionName(argument: ByteString): string {
  return asciiLower(cString(argument));
}

/** getLongLongFromObjectOrReply / getLongFromObjectOrReply (64-bit long). */
export function integerArgument(text: ByteString, message: string = notIntegerError): bigint {
  const value = parseInteger(text);
  return value ?? fail(message);
}

/** getPositiveLongFromObjectOrReply: 0..LONG_MAX, one message for both failures. */
export function positiveArgument(text: ByteString, message: string = mustBePositiveError): bigint {
  const value = parseInteger(text);
  if (value === null || value < 0n) fail(message);
  return value;
}

/** getIntFromObjectOrReply with no custom message. */
export function intArgument(text: ByteString): number {
  const value = integerArgument(text);
  if (value < int32Min || value > int32Max) fail(rangeError(int32Min, int32Max));
  return Number(value);
}

/** getDoubleFromObjectOrReply. */
export function floatArgument(text: ByteString): number {
  const value = parseDouble(text);
  return value ?? fail(notFloatError);
}

/** Redis's index clamp for LRANGE/ZRANGE by rank: [start, end] within length, or null if empty. */
export function clampRange(start: bigint, end: bigint, length: number): { start: number; end: number } | null {
  const size = BigInt(length);
  let first = start < 0n ? size + start : start;
  let last = end < 0n ? size + end : end;
  if (first < 0n) first = 0n;
  if (first > last || first >= size) return null;
  if (last >= size) last = size - 1n;
  return { start: Number(first), end: Number(last) };
}
