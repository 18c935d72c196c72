/**
 * The commands a RESP-format AOF rewrite emits for one key (Redis 7.0
 * aof.c:rewriteAppendOnlyFileRio with aof-use-rdb-preamble no, and its rewrite*Object helpers).
 *
 * Invariants:
 * - string → `SET k v`; list → `RPUSH k item…` in list order; set → `SADD k member…`;
 *   zset → `ZADD k score member…` in (score, member) order, the order of a listpack zset;
 *   hash → `HMSET k field value…`; then `PEXPIREAT k <ms>` when the key has an expiry.
 * - One command carries at most 64 items (AOF_REWRITE_ITEMS_PER_CMD; a zset or hash item is a
 *   pair), so n items take ceil(n / 64) commands, all full but the last.
 * - A score is written as C's "%.17g" (rio.c:rioWriteBulkDouble), digit for digit: ties round to
 *   even, as glibc's exact printf does (EMP: 1234567890123456.25 → "1234567890123456.2",
 *   1e-5 → "1.0000000000000001e-05", 2^60 → "1.152921504606847e+18", ±inf → "inf"/"-inf").
 * - Replaying the commands into an empty database rebuilds exactly `entry` (given a clock before
 *   the expiry); collections are never empty, as everywhere in durakv.
 */
import assert from 'node:assert/strict';
import { compareBytes, type ByteString, type KeyEntry } from '../values/redis-value.ts';

/** AOF_REWRITE_ITEMS_PER_CMD. */
export const aofRewriteItemsPerCommand = 64;

const significantDigits = 17;

/** Rounds the exact decimal digit string `digits` (value 0.d1d2… × 10^exponent) to 17 digits, half to even. */
function roundDigits(digits: string, exponent: number): { digits: string; exponent: number } {
  if (digits.length <= significantDigits) return { digits: digits.padEnd(significantDigits, '0'), exponent };
  const kept = digits.slice(0, significantDigits);
  const rest = digits.slice(significantDigits);
  const lastKeptOdd = (kept.charCodeAt(significantDigits - 1) - 0x30) % 2 === 1;
  const roundUp = rest[0]! > '5' || (rest[0] === '5' && (/[1-9]/.test(rest.slice(1)) || lastKeptOdd));
  if (!roundUp) return { digits: kept, exponent };
  const incremented = (BigInt(kept) + 1n).toString();
  if (incremented.length > significantDigits) return { digits: incremented.slice(0, significantDigits), exponent: exponent + 1 };
  return { digits: incremented, exponent };
}

/** The exact decimal expansion of a finite non-zero |value|: digits (no leading zeros) and the exponent of 0.d1d2…. */
function exactDecimal(magnitude: number): { digits: string; exponent: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, magnitude);
  const high = view.getUint32(0);
  const biased = (high >>> 20) & 0x7ff;
  let mantissa = (BigInt(high & 0xfffff) << 32n) | BigInt(view.getUint32(4));
  let binaryExponent: number;
  if (biased === 0) binaryExponent = -1074;
  else {
    mantissa |= 1n << 52n;
    binaryExponent = biased - 1075;
  }
  // magnitude = mantissa × 2^binaryExponent = integer × 10^-fractionDigits.
  let integer: bigint;
  let fractionDigits = 0;
  if (binaryExponent >= 0) integer = mantissa << BigInt(binaryExponent);
  else {
    fractionDigits = -binaryExponent;
    integer = mantissa * 5n ** BigInt(fractionDigits);
  }
  const text = integer.toString();
  const trimmed = text.replace(/0+$/, '');
  return { digits: trimmed, exponent: text.length - fractionDigits };
}

/**
 * |value| rounded to 17 significant digits, half to even. JS's toExponential is correctly
 * rounded but breaks exact ties upward; a tie needs an exact expansion of 18 digits ending in 5,
 * which toExponential(17) then shows exactly, so only those cases take the exact BigInt path.
 */
function seventeenDigits(magnitude: number): { digits: string; exponent: number } {
  const eighteen = magnitude.toExponential(significantDigits);
  if (eighteen[significantDigits + 1] !== '5') {
    const seventeen = magnitude.toExponential(significantDigits - 1);
    const marker = seventeen.indexOf('e');
    return { digits: seventeen[0]! + seventeen.slice(2, marker), exponent: Number(seventeen.slice(marker + 1)) + 1 };
  }
  const exact = exactDecimal(magnitude);
  return roundDigits(exact.digits, exact.exponent);
}

/** C printf("%.17g", score). */
export function formatRewriteScore(score: number): string {
  assert.ok(!Number.isNaN(score), 'a zset score is never NaN');
  if (score === Infinity) return 'inf';
  if (score === -Infinity) return '-inf';
  if (score === 0) return Object.is(score, -0) ? '-0' : '0';
  // Integers below 2^53 < 10^17 print in full, exactly as JS prints them.
  if (Number.isSafeInteger(score)) return String(score);
  const sign = score < 0 ? '-' : '';
  const rounded = seventeenDigits(Math.abs(score));
  const exponent10 = rounded.exponent - 1; // of d1.d2d3… × 10^exponent10
  let text: string;
  if (exponent10 < -4 || exponent10 >= significantDigits) {
    const mantissa = `${rounded.digits[0]}.${rounded.digits.slice(1)}`.replace(/\.?0+$/, '');
    const exponentText = String(Math.abs(exponent10)).padStart(2, '0');
    text = `${mantissa}e${exponent10 < 0 ? '-' : '+'}${exponentText}`;
  } else if (exponent10 >= 0) {
    const whole = rounded.digits.slice(0, exponent10 + 1);
    const fraction = rounded.digits.slice(exponent10 + 1).replace(/0+$/, '');
    text = fraction === '' ? whole : `${whole}.${fraction}`;
  } else {
    const fraction = `${'0'.repeat(-exponent10 - 1)}${rounded.digits}`.replace(/0+$/, '');
    text = `0.${fraction}`;
  }
  return sign + text;
}

function batched(key: ByteString, name: ByteString, items: readonly ByteString[][]): ByteString[][] {
  assert.ok(items.length > 0, 'a collection is never empty');
  const commands: ByteString[][] = [];
  for (let start = 0; start < items.length; start += aofRewriteItemsPerCommand) {
    const command: ByteString[] = [name, key];
    for (const item of items.slice(start, start + aofRewriteItemsPerCommand)) command.push(...item);
    commands.push(command);
  }
  return commands;
}

/** The commands Redis 7.0's RESP rewrite writes for `key` (after the SELECT of its database). */
export function rewriteCommandsFor(key: ByteString, entry: KeyEntry): ByteString[][] {
  const value = entry.value;
  let commands: ByteString[][];
  switch (value.type) {
    case 'string':
      commands = [['SET', key, value.value]];
      break;
    case 'list':
      commands = batched(key, 'RPUSH', value.items.map((item) => [item]));
      break;
    case 'set':
      commands = batched(key, 'SADD', [...value.members].map((member) => [member]));
      break;
    case 'zset': {
      const pairs = [...value.scores].sort(([leftMember, leftScore], [rightMember, rightScore]) =>
        leftScore !== rightScore ? (leftScore < rightScore ? -1 : 1) : compareBytes(leftMember, rightMember),
      );
      commands = batched(key, 'ZADD', pairs.map(([member, score]) => [formatRewriteScore(score), member]));
      break;
    }
    case 'hash':
      commands = batched(key, 'HMSET', [...value.fields].map(([field, fieldValue]) => [field, fieldValue]));
      break;
  }
  if (entry.expireAtMs !== null) {
    assert.ok(Number.isSafeInteger(entry.expireAtMs), `an expiry is whole Unix milliseconds, got ${entry.expireAtMs}`);
    commands.push(['PEXPIREAT', key, String(entry.expireAtMs)]);
  }
  return commands;
}
