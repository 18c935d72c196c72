/**
 * Counter commands on string values: INCR, INCRBY, DECR, DECRBY (int64) and INCRBYFLOAT
 * (x87 long double), as in Redis 7.0's t_string.c.
 *
 * Invariants:
 * - The stored text must be a canonical int64 (number-parsing's string2ll) or the command fails
 *   with "value is not an integer or out of range"; results outside int64 fail with "increment or
 *   decrement would overflow" and change nothing; DECRBY -9223372036854775808 is refused up front.
 * - The increment argument is parsed before the key is looked up (INCRBY/DECRBY), as in Redis;
 *   INCRBYFLOAT looks the key up first, then parses the stored value, then the increment.
 * - The expiry is kept (dbOverwrite); a missing key counts as 0 and is created without expiry.
 * - INCRBYFLOAT propagates as `SET k <result> KEEPTTL`; the others as sent. Each success is dirty +1.
 */
import type { ByteString } from '../values/redis-value.ts';
import { integerArgument } from './command-arguments.ts';
import type { CommandContext } from './command-context.ts';
import { decrementOverflowError, fail, floatOverflowError, notFloatError, notIntegerError, overflowError } from './command-errors.ts';
import { type CommandSpec, command } from './command-spec.ts';
import { additionOverflows, addLongDoubles, formatLongDoubleHuman, int64Min, parseInteger, parseLongDouble } from './number-parsing.ts';
import { type Reply, bulkReply, integerReply } from './reply.ts';

/** Replaces the string under key (keeping its expiry), or creates it without expiry. */
function storeString(context: CommandContext, key: ByteString, exists: boolean, value: ByteString): void {
  if (exists) context.modify(key, 'string').value = value;
  else context.store(key, { type: 'string', value }, { atMs: null });
}

function incrementBy(context: CommandContext, increment: bigint): Reply {
  const key = context.arg(1);
  const current = context.read(key, 'string');
  const value = current === undefined ? 0n : (parseInteger(current.value) ?? fail(notIntegerError));
  if (additionOverflows(value, increment)) fail(overflowError);
  const result = value + increment;
  storeString(context, key, current !== undefined, result.toString());
  context.addDirty(1);
  return integerReply(result);
}

function incrbyfloat(context: CommandContext): Reply {
  const key = context.arg(1);
  const current = context.read(key, 'string');
  const value = current === undefined ? ({ kind: 'zero', negative: false } as const) : parseLongDouble(current.value);
  if (value === null) fail(notFloatError);
  const increment = parseLongDouble(context.arg(2)) ?? fail(notFloatError);
  const sum = addLongDoubles(value, increment) ?? fail(floatOverflowError);
  const text = formatLongDoubleHuman(sum);
  storeString(context, key, current !== undefined, text);
  context.addDirty(1);
  context.argv = ['SET', key, text, 'KEEPTTL'];
  return bulkReply(text);
}

export const counterCommands: readonly CommandSpec[] = [
  command('incr', 2, true, (context) => incrementBy(context, 1n)),
  command('decr', 2, true, (context) => incrementBy(context, -1n)),
  command('incrby', 3, true, (context) => incrementBy(context, integerArgument(context.arg(2)))),
  command('decrby', 3, true, (context) => {
    const decrement = integerArgument(context.arg(2));
    if (decrement === int64Min) fail(decrementOverflowError);
    return incrementBy(context, -decrement);
  }),
  command('incrbyfloat', 3, true, incrbyfloat),
];
