/**
 * Sorted-set writes: ZADD (NX/XX/GT/LT/CH/INCR), ZINCRBY, ZREM (Redis 7.0's t_zset.c), and the
 * zset order every zset reply uses.
 *
 * Invariants:
 * - Order is by score, then member bytes (memcmp); scores are never NaN. A stored -0 reads back
 *   as 0, as a listpack-encoded zset does (ZINCRBY's own reply may still say "-0").
 * - ZADD validates options, pair count and every score before the lookup, so a bad score changes
 *   nothing; with INCR a NaN result ("resulting score is not a number (NaN)") changes nothing.
 * - NX: only add; XX: only update; GT/LT: update only if the new score is greater/less (new
 *   members are still added). CH counts updated members in the reply. INCR replies the new score
 *   (`%.17g`) or nil when the update was skipped.
 * - Dirty: + added + updated; ZREM + removed (an emptied zset is deleted). Propagated as sent.
 */
import { compareBytes } from '../values/redis-value.ts';
import { floatArgument, optionName } from './command-arguments.ts';
import type { CommandContext } from './command-context.ts';
import { fail, nanScoreError, syntaxError } from './command-errors.ts';
import { type CommandSpec, command } from './command-spec.ts';
import { formatDouble } from './number-parsing.ts';
import { type Reply, bulkReply, integerReply, nullBulkReply } from './reply.ts';

/** Members with scores in zset order. */
export function sortedEntries(scores: ReadonlyMap<string, number>): Array<[string, number]> {
  return [...scores].sort(([leftMember, leftScore], [rightMember, rightScore]) =>
    leftScore === rightScore ? compareBytes(leftMember, rightMember) : leftScore < rightScore ? -1 : 1,
  );
}

interface ZaddFlags {
  nx: boolean;
  xx: boolean;
  gt: boolean;
  lt: boolean;
  ch: boolean;
  incr: boolean;
}

function parseZaddFlags(context: CommandContext, incr: boolean): { flags: ZaddFlags; scoreIndex: number } {
  const flags: ZaddFlags = { nx: false, xx: false, gt: false, lt: false, ch: false, incr };
  let scoreIndex = 2;
  for (; scoreIndex < context.argc; scoreIndex += 1) {
    const option = optionName(context.arg(scoreIndex));
    if (option === 'nx' || option === 'xx' || option === 'gt' || option === 'lt' || option === 'ch' || option === 'incr') {
      flags[option] = true;
    } else {
      break;
    }
  }
  const remaining = context.argc - scoreIndex;
  if (remaining === 0 || remaining % 2 === 1) fail(syntaxError);
  if (flags.nx && flags.xx) fail('ERR XX and NX options at the same time are not compatible');
  if ((flags.gt && flags.nx) || (flags.lt && flags.nx) || (flags.gt && flags.lt)) {
    fail('ERR GT, LT, and/or NX options at the same time are not compatible');
  }
  if (flags.incr && remaining > 2) fail('ERR INCR option supports a single increment-element pair');
  return { flags, scoreIndex };
}

function zaddGeneric(context: CommandContext, incrCommand: boolean): Reply {
  const { flags, scoreIndex } = parseZaddFlags(context, incrCommand);
  const pairs: Array<[string, number]> = [];
  for (let index = scoreIndex; index < context.argc; index += 2) {
    pairs.push([context.arg(index + 1), floatArgument(context.arg(index))]);
  }
  const key = context.arg(1);
  const existing = context.read(key, 'zset');
  const changes = new Map<string, number>();
  let added = 0;
  let updated = 0;
  let processed = 0;
  let lastScore = 0;
  if (existing !== undefined || !flags.xx) {
    for (const [member, score] of pairs) {
      const current = changes.get(member) ?? existing?.scores.get(member);
      if (current === undefined) {
        if (flags.xx) continue;
        changes.set(member, score);
        added += 1;
      } else {
        if (flags.nx) continue;
        const next = flags.incr ? score + current : score;
        if (Number.isNaN(next)) fail(nanScoreError);
        if ((flags.lt && next >= current) || (flags.gt && next <= current)) continue;
        if (next !== current) {
          changes.set(member, next);
          updated += 1;
        }
        lastScore = next;
        processed += 1;
        continue;
      }
      lastScore = score;
      processed += 1;
    }
  }
  if (changes.size > 0) {
    const normalized = [...changes].map(([member, score]): [string, number] => [member, score === 0 ? 0 : score]);
    if (existing === undefined) {
      context.store(key, { type: 'zset', scores: new Map(normalized) }, { atMs: null });
    } else {
      const scores = context.modify(key, 'zset').scores;
      for (const [member, score] of normalized) scores.set(member, score);
    }
  }
  context.addDirty(added + updated);
  if (flags.incr) return processed > 0 ? bulkReply(formatDouble(lastScore)) : nullBulkReply;
  return integerReply(flags.ch ? added + updated : added);
}

function zrem(context: CommandContext): Reply {
  const key = context.arg(1);
  const members = context.argv.slice(2);
  const existing = context.read(key, 'zset');
  if (existing === undefined || !members.some((member) => existing.scores.has(member))) return integerReply(0);
  const scores = context.modify(key, 'zset').scores;
  let removed = 0;
  for (const member of members) {
    if (scores.delete(member)) removed += 1;
  }
  context.removeIfEmpty(key);
  context.addDirty(removed);
  return integerReply(removed);
}

export const zsetCommands: readonly CommandSpec[] = [
  command('zadd', -4, true, (context) => zaddGeneric(context, false)),
  command('zincrby', 4, true, (context) => zaddGeneric(context, true)),
  command('zrem', -3, true, zrem),
];
