/**
 * Set commands: SADD, SREM, SMEMBERS, SPOP (with count), SISMEMBER (Redis 7.0's t_set.c).
 *
 * Invariants:
 * - SADD/SREM are dirty +1 per member actually added/removed and propagate as sent iff any was;
 *   a set emptied by SREM or SPOP is deleted.
 * - SPOP picks members with the injected random source (uniform in [0, 1)), never Math.random.
 * - SPOP propagation: one member → `SREM k m` (also when it empties the set, dirty +1); a count
 *   covering the whole set → `DEL k` (dirty + set size); a smaller count → one `SREM k m` effect
 *   per popped member, in pop order, and SPOP itself is not propagated (dirty + count).
 * - Replies list members as Redis does for small sets: ascending numeric order when every member
 *   is a canonical int64 and there are at most 512 (an intset), else insertion order (Redis's
 *   hash-table order is unspecified).
 * - SPOP's count is parsed before the lookup ("value is out of range, must be positive");
 *   more than one count argument is a syntax error; a missing key answers nil or an empty array.
 */
import assert from 'node:assert/strict';
import { positiveArgument } from './command-arguments.ts';
import type { CommandContext } from './command-context.ts';
import { fail, syntaxError } from './command-errors.ts';
import { type CommandSpec, command } from './command-spec.ts';
import { parseInteger } from './number-parsing.ts';
import { type Reply, bulkArrayReply, bulkReply, emptyArrayReply, integerReply, nullBulkReply } from './reply.ts';

/** set-max-intset-entries: the largest set Redis keeps as a sorted intset. */
const maxIntsetEntries = 512;

function membersInReplyOrder(members: ReadonlySet<string>): string[] {
  const listed = [...members];
  if (listed.length > maxIntsetEntries) return listed;
  const numbers = listed.map(parseInteger);
  if (numbers.some((value) => value === null)) return listed;
  return listed.sort((left, right) => {
    const difference = (parseInteger(left) ?? 0n) - (parseInteger(right) ?? 0n);
    return difference < 0n ? -1 : difference > 0n ? 1 : 0;
  });
}

function sadd(context: CommandContext): Reply {
  const key = context.arg(1);
  const members = context.argv.slice(2);
  const existing = context.read(key, 'set');
  let added = 0;
  if (existing === undefined) {
    const created = new Set(members);
    context.store(key, { type: 'set', members: created }, { atMs: null });
    added = created.size;
  } else if (members.some((member) => !existing.members.has(member))) {
    const stored = context.modify(key, 'set').members;
    for (const member of members) {
      if (!stored.has(member)) {
        stored.add(member);
        added += 1;
      }
    }
  }
  context.addDirty(added);
  return integerReply(added);
}

function srem(context: CommandContext): Reply {
  const key = context.arg(1);
  const members = context.argv.slice(2);
  const existing = context.read(key, 'set');
  if (existing === undefined || !members.some((member) => existing.members.has(member))) return integerReply(0);
  const stored = context.modify(key, 'set').members;
  let removed = 0;
  for (const member of members) {
    if (stored.delete(member)) removed += 1;
  }
  context.removeIfEmpty(key);
  context.addDirty(removed);
  return integerReply(removed);
}

/** `count` distinct members in random order (a partial Fisher-Yates shuffle). */
function randomMembers(context: CommandContext, members: ReadonlySet<string>, count: number): string[] {
  const pool = [...members];
  for (let index = 0; index < count; index += 1) {
    const draw = context.random();
    assert.ok(draw >= 0 && draw < 1, `random source returned ${draw}, not a number in [0, 1)`);
    const chosen = index + Math.floor(draw * (pool.length - index));
    const picked = pool[chosen];
    pool[chosen] = pool[index] ?? '';
    pool[index] = picked ?? '';
  }
  return pool.slice(0, count);
}

function spop(context: CommandContext): Reply {
  if (context.argc > 3) fail(syntaxError);
  const key = context.arg(1);
  if (context.argc === 2) {
    const existing = context.read(key, 'set');
    if (existing === undefined) return nullBulkReply;
    const [member = ''] = randomMembers(context, existing.members, 1);
    context.modify(key, 'set').members.delete(member);
    context.removeIfEmpty(key);
    context.argv = ['SREM', key, member];
    context.addDirty(1);
    return bulkReply(member);
  }
  const count = positiveArgument(context.arg(2));
  const existing = context.read(key, 'set');
  if (existing === undefined || count === 0n) return emptyArrayReply;
  if (count >= BigInt(existing.members.size)) {
    const members = membersInReplyOrder(existing.members);
    context.remove(key);
    context.argv = ['DEL', key];
    context.addDirty(members.length);
    return bulkArrayReply(members);
  }
  const popped = randomMembers(context, existing.members, Number(count));
  const stored = context.modify(key, 'set').members;
  for (const member of popped) {
    stored.delete(member);
    context.alsoPropagate(['SREM', key, member]);
  }
  context.propagation = 'prevent';
  context.addDirty(popped.length);
  return bulkArrayReply(popped);
}

function smembers(context: CommandContext): Reply {
  const set = context.read(context.arg(1), 'set');
  return bulkArrayReply(set === undefined ? [] : membersInReplyOrder(set.members));
}

function sismember(context: CommandContext): Reply {
  return integerReply(context.read(context.arg(1), 'set')?.members.has(context.arg(2)) === true ? 1 : 0);
}

export const setCommands: readonly CommandSpec[] = [
  command('sadd', -3, true, sadd),
  command('srem', -3, true, srem),
  command('smembers', 2, false, smembers),
  command('spop', -2, true, spop),
  command('sismember', 3, false, sismember),
];
