/**
 * Hash commands: HSET, HMSET, HGET, HDEL, HGETALL, HINCRBY (Redis 7.0's t_hash.c).
 *
 * Invariants:
 * - Fields keep insertion order (a listpack hash's order); updating a field keeps its position.
 * - HSET/HMSET need field/value pairs (else the arity error); HSET replies the number of new
 *   fields, HMSET OK; both are dirty +1 per pair given, changed or not.
 * - HDEL is dirty +1 per field removed and deletes the key when the hash empties.
 * - HINCRBY parses the increment first, then needs the field to hold a canonical int64 ("hash
 *   value is not an integer") and the result to fit int64 (dirty +1 on success).
 */
import { integerArgument } from './command-arguments.ts';
import type { CommandContext } from './command-context.ts';
import { arityError, fail, hashValueNotIntegerError, overflowError } from './command-errors.ts';
import { type CommandSpec, command } from './command-spec.ts';
import { additionOverflows, parseInteger } from './number-parsing.ts';
import { type Reply, bulkArrayReply, bulkReply, integerReply, okReply } from './reply.ts';

function hset(context: CommandContext, name: string): Reply {
  if (context.argc % 2 === 1) fail(arityError(name));
  const key = context.arg(1);
  const existing = context.read(key, 'hash');
  const fields = existing === undefined ? new Map<string, string>() : context.modify(key, 'hash').fields;
  let created = 0;
  for (let index = 2; index < context.argc; index += 2) {
    const field = context.arg(index);
    if (!fields.has(field)) created += 1;
    fields.set(field, context.arg(index + 1));
  }
  if (existing === undefined) context.store(key, { type: 'hash', fields }, { atMs: null });
  context.addDirty((context.argc - 2) / 2);
  return name === 'hset' ? integerReply(created) : okReply;
}

function hget(context: CommandContext): Reply {
  return bulkReply(context.read(context.arg(1), 'hash')?.fields.get(context.arg(2)) ?? null);
}

function hdel(context: CommandContext): Reply {
  const key = context.arg(1);
  const fields = context.argv.slice(2);
  const hash = context.read(key, 'hash');
  if (hash === undefined || !fields.some((field) => hash.fields.has(field))) return integerReply(0);
  const stored = context.modify(key, 'hash');
  let deleted = 0;
  for (const field of fields) {
    if (stored.fields.delete(field)) deleted += 1;
  }
  context.removeIfEmpty(key);
  context.addDirty(deleted);
  return integerReply(deleted);
}

function hgetall(context: CommandContext): Reply {
  const hash = context.read(context.arg(1), 'hash');
  return bulkArrayReply(hash === undefined ? [] : [...hash.fields].flat());
}

function hincrby(context: CommandContext): Reply {
  const increment = integerArgument(context.arg(3));
  const key = context.arg(1);
  const field = context.arg(2);
  const hash = context.read(key, 'hash');
  const text = hash?.fields.get(field);
  const value = text === undefined ? 0n : (parseInteger(text) ?? fail(hashValueNotIntegerError));
  if (additionOverflows(value, increment)) fail(overflowError);
  const result = value + increment;
  if (hash === undefined) context.store(key, { type: 'hash', fields: new Map([[field, result.toString()]]) }, { atMs: null });
  else context.modify(key, 'hash').fields.set(field, result.toString());
  context.addDirty(1);
  return integerReply(result);
}

export const hashCommands: readonly CommandSpec[] = [
  command('hset', -4, true, (context) => hset(context, 'hset')),
  command('hmset', -4, true, (context) => hset(context, 'hmset')),
  command('hget', 3, false, hget),
  command('hdel', -3, true, hdel),
  command('hgetall', 2, false, hgetall),
  command('hincrby', 4, true, hincrby),
];
