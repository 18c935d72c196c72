/**
 * List commands: LPUSH, RPUSH, LPOP, RPOP (with count), LRANGE, LLEN (Redis 7.0's t_list.c).
 *
 * Invariants:
 * - LPUSH a b c stores c b a: elements are pushed one by one at the head.
 * - A pop count is parsed before the key lookup; a negative or non-integer count is "value is
 *   out of range, must be positive"; a missing key answers nil (bulk) without a count and a null
 *   array with one; count 0 on an existing list answers an empty array and changes nothing.
 * - RPOP with a count replies tail first. A list emptied by a pop is deleted.
 * - Dirty: +1 per element pushed or popped. Everything propagates as sent.
 */
import { clampRange, integerArgument, positiveArgument } from './command-arguments.ts';
import type { CommandContext } from './command-context.ts';
import { arityError, fail } from './command-errors.ts';
import { type CommandSpec, command } from './command-spec.ts';
import { type Reply, bulkArrayReply, bulkReply, emptyArrayReply, integerReply, nullArrayReply, nullBulkReply } from './reply.ts';

function push(context: CommandContext, atHead: boolean): Reply {
  const key = context.arg(1);
  const elements = context.argv.slice(2);
  const ordered = atHead ? [...elements].reverse() : elements;
  let length = elements.length;
  if (context.read(key, 'list') === undefined) {
    context.store(key, { type: 'list', items: ordered }, { atMs: null });
  } else {
    const list = context.modify(key, 'list');
    list.items = atHead ? ordered.concat(list.items) : list.items.concat(ordered);
    length = list.items.length;
  }
  context.addDirty(elements.length);
  return integerReply(length);
}

function pop(context: CommandContext, name: string, atHead: boolean): Reply {
  if (context.argc > 3) fail(arityError(name));
  const withCount = context.argc === 3;
  const count = withCount ? positiveArgument(context.arg(2)) : 1n;
  const key = context.arg(1);
  const current = context.read(key, 'list');
  if (current === undefined) return withCount ? nullArrayReply : nullBulkReply;
  if (withCount && count === 0n) return emptyArrayReply;
  const list = context.modify(key, 'list');
  const popCount = count > BigInt(list.items.length) ? list.items.length : Number(count);
  const popped = atHead ? list.items.splice(0, popCount) : list.items.splice(list.items.length - popCount).reverse();
  context.removeIfEmpty(key);
  context.addDirty(popCount);
  return withCount ? bulkArrayReply(popped) : bulkReply(popped[0] ?? null);
}

function lrange(context: CommandContext): Reply {
  const start = integerArgument(context.arg(2));
  const end = integerArgument(context.arg(3));
  const list = context.read(context.arg(1), 'list');
  const range = list === undefined ? null : clampRange(start, end, list.items.length);
  if (list === undefined || range === null) return emptyArrayReply;
  return bulkArrayReply(list.items.slice(range.start, range.end + 1));
}

function llen(context: CommandContext): Reply {
  return integerReply(context.read(context.arg(1), 'list')?.items.length ?? 0);
}

export const listCommands: readonly CommandSpec[] = [
  command('lpush', -3, true, (context) => push(context, true)),
  command('rpush', -3, true, (context) => push(context, false)),
  command('lpop', -2, true, (context) => pop(context, 'lpop', true)),
  command('rpop', -2, true, (context) => pop(context, 'rpop', false)),
  command('lrange', 4, false, lrange),
  command('llen', 2, false, llen),
];
