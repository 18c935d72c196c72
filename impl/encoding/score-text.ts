/**
 * Zset scores as text: how Redis 7.0 writes a score into a listpack (d2string) and how the
 * loaders read text scores back (strtod for listpack/ziplist entries, rdbLoadDoubleValue for
 * type 3).
 *
 * Invariants:
 * - Integer-valued scores with |v| < 2^63 are written as exact integer text (so a listpack stores
 *   them as integers); 0 and -0 as "0" and "-0"; ±Infinity as "inf"/"-inf"; any other value as
 *   the shortest text that round-trips (JS's own formatting, which strtod reads exactly).
 *   Redis writes "%.17g" text for non-integers and integers >= 2^52; both load to the same double.
 * - parseScoreText(formatScore(x)) is x (Object.is) for every non-NaN x.
 * - parseScoreText accepts only decimal float syntax and inf/infinity (any case, optional sign);
 *   NaN and anything else is undefined.
 */
import assert from 'node:assert/strict';

const int64Limit = 2 ** 63;

export function formatScore(score: number): string {
  assert.ok(!Number.isNaN(score), 'a zset score is never NaN');
  if (score === Infinity) return 'inf';
  if (score === -Infinity) return '-inf';
  if (score === 0) return Object.is(score, -0) ? '-0' : '0';
  // Integer-valued scores below 2^63 as exact integer text (Redis: ll2string below 2^52, "%.17g"
  // above; exact digits keep the listpack integer equal to the double, where JS's shortest text
  // of 2^60 would be "1152921504606847000"). Everything else as the shortest round-trip text.
  if (Number.isInteger(score) && Math.abs(score) < int64Limit) return BigInt(score).toString();
  return String(score);
}

const decimalPattern = /^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;
const infinityPattern = /^([+-]?)(?:inf|infinity)$/i;

export function parseScoreText(text: string): number | undefined {
  const infinity = infinityPattern.exec(text);
  if (infinity) return infinity[1] === '-' ? -Infinity : Infinity;
  if (!decimalPattern.test(text)) return undefined;
  const value = Number(text);
  assert.ok(!Number.isNaN(value), 'decimal syntax always parses');
  return value;
}
