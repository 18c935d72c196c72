/**
 * ZRANGE key start stop [BYSCORE | BYLEX] [REV] [LIMIT offset count] [WITHSCORES], as Redis
 * 7.0's zrangeGenericCommand.
 *
 * Invariants:
 * - All options and the range are parsed before the key is looked up; a missing key answers an
 *   empty array, a non-zset key WRONGTYPE.
 * - By rank: negative indexes count from the end and are clamped (clampRange); REV ranks from
 *   the highest score. LIMIT is refused unless its count is -1 ("syntax error, LIMIT is only
 *   supported in combination with either BYSCORE or BYLEX").
 * - BYSCORE bounds use strtod as Redis does ("(" = exclusive; leading spaces, "", ±inf allowed);
 *   BYLEX bounds are "-", "+", "[x" or "(x". With REV the bounds are given max first.
 * - LIMIT walks like Redis: a negative offset yields nothing, a negative count means no limit,
 *   and the offset skips elements before the range check.
 * - WITHSCORES appends each score as `%.17g` (not allowed with BYLEX).
 */
import type { ByteString } from '../values/redis-value.ts';
import { compareBytes } from '../values/redis-value.ts';
import { clampRange, integerArgument, optionName } from './command-arguments.ts';
import type { CommandContext } from './command-context.ts';
import { cString, fail, syntaxError } from './command-errors.ts';
import { type CommandSpec, command } from './command-spec.ts';
import { formatDouble, parseRangeDouble } from './number-parsing.ts';
import { type Reply, bulkArrayReply } from './reply.ts';
import { sortedEntries } from './zset-commands.ts';

type Entry = [ByteString, number];

interface Window {
  /** Whether the range can hold anything at all. */
  readonly nonEmpty: boolean;
  readonly aboveMin: (entry: Entry) => boolean;
  readonly belowMax: (entry: Entry) => boolean;
}

function scoreWindow(minText: ByteString, maxText: ByteString): Window {
  const bound = (text: ByteString) => {
    const exclusive = text.startsWith('(');
    const value = parseRangeDouble(exclusive ? text.slice(1) : text);
    return value === null ? fail('ERR min or max is not a float') : { value, exclusive };
  };
  const min = bound(minText);
  const max = bound(maxText);
  return {
    nonEmpty: !(min.value > max.value || (min.value === max.value && (min.exclusive || max.exclusive))),
    aboveMin: ([, score]) => (min.exclusive ? score > min.value : score >= min.value),
    belowMax: ([, score]) => (max.exclusive ? score < max.value : score <= max.value),
  };
}

/** A lex bound: -1 is "-" (below everything), 1 is "+" (above everything), 0 a member. */
interface LexBound {
  readonly infinity: -1 | 0 | 1;
  readonly value: ByteString;
  readonly exclusive: boolean;
}

function lexBound(text: ByteString): LexBound {
  const first = text[0];
  if ((first === '+' || first === '-') && cString(text).length === 1) return { infinity: first === '+' ? 1 : -1, value: '', exclusive: true };
  if (first === '(' || first === '[') return { infinity: 0, value: text.slice(1), exclusive: first === '(' };
  return fail('ERR min or max not valid string range item');
}

function compareLex(left: LexBound, right: LexBound): number {
  if (left.infinity !== 0 && left.infinity === right.infinity) return 0;
  if (left.infinity === -1 || right.infinity === 1) return -1;
  if (left.infinity === 1 || right.infinity === -1) return 1;
  return compareBytes(left.value, right.value);
}

function lexWindow(minText: ByteString, maxText: ByteString): Window {
  const min = lexBound(minText);
  const max = lexBound(maxText);
  const member = (value: ByteString): LexBound => ({ infinity: 0, value, exclusive: false });
  const order = compareLex(min, max);
  return {
    nonEmpty: !(order > 0 || (order === 0 && (min.exclusive || max.exclusive))),
    aboveMin: ([value]) => (min.exclusive ? compareLex(member(value), min) > 0 : compareLex(member(value), min) >= 0),
    belowMax: ([value]) => (max.exclusive ? compareLex(member(value), max) < 0 : compareLex(member(value), max) <= 0),
  };
}

/**
 * genericZrangebyscore/bylex: nothing unless the last entry is ≥ min and the first ≤ max
 * (zslIsInRange; it matters for BYLEX over mixed scores), then first in range, skip offset, take
 * while in range and the limit lasts.
 */
function walkWindow(entries: readonly Entry[], window: Window, reverse: boolean, offset: bigint, limit: bigint): Entry[] {
  if (!window.nonEmpty || offset < 0n || (offset > 0n && offset >= BigInt(entries.length))) return [];
  const first = entries[0];
  const last = entries[entries.length - 1];
  if (first === undefined || last === undefined || !window.aboveMin(last) || !window.belowMax(first)) return [];
  const step = reverse ? -1 : 1;
  let index = reverse ? entries.findLastIndex(window.belowMax) : entries.findIndex(window.aboveMin);
  const start = entries[index];
  if (start === undefined || !(reverse ? window.aboveMin(start) : window.belowMax(start))) return [];
  index += step * Number(offset);
  const taken: Entry[] = [];
  for (let remaining = limit; remaining !== 0n; remaining -= 1n) {
    const entry = entries[index];
    if (entry === undefined || !(reverse ? window.aboveMin(entry) : window.belowMax(entry))) break;
    taken.push(entry);
    index += step;
  }
  return taken;
}

function zrange(context: CommandContext): Reply {
  let withScores = false;
  let reverse = false;
  let by: 'rank' | 'score' | 'lex' | null = null;
  let offset = 0n;
  let limit = -1n;
  for (let index = 4; index < context.argc; index += 1) {
    const option = optionName(context.arg(index));
    if (option === 'withscores') withScores = true;
    else if (option === 'limit' && context.argc - index - 1 >= 2) {
      offset = integerArgument(context.arg(index + 1));
      limit = integerArgument(context.arg(index + 2));
      index += 2;
    } else if (option === 'rev' && !reverse) reverse = true;
    else if (option === 'bylex' && by === null) by = 'lex';
    else if (option === 'byscore' && by === null) by = 'score';
    else fail(syntaxError);
  }
  by ??= 'rank';
  if (limit !== -1n && by === 'rank') fail('ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX');
  if (withScores && by === 'lex') fail('ERR syntax error, WITHSCORES not supported in combination with BYLEX');
  const [minText, maxText] = reverse && by !== 'rank' ? [context.arg(3), context.arg(2)] : [context.arg(2), context.arg(3)];
  const rank = by === 'rank' ? { start: integerArgument(minText), end: integerArgument(maxText) } : null;
  const window = by === 'score' ? scoreWindow(minText, maxText) : by === 'lex' ? lexWindow(minText, maxText) : null;
  const zset = context.read(context.arg(1), 'zset');
  if (zset === undefined) return bulkArrayReply([]);
  const entries = sortedEntries(zset.scores);
  let selected: Entry[];
  if (rank !== null) {
    if (reverse) entries.reverse();
    const range = clampRange(rank.start, rank.end, entries.length);
    selected = range === null ? [] : entries.slice(range.start, range.end + 1);
  } else {
    selected = window === null ? [] : walkWindow(entries, window, reverse, offset, limit);
  }
  return bulkArrayReply(selected.flatMap(([member, score]) => (withScores ? [member, formatDouble(score)] : [member])));
}

export const zsetRangeCommands: readonly CommandSpec[] = [command('zrange', -4, false, zrange)];
