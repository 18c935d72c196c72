/**
 * String commands: SET (EX/PX/EXAT/PXAT/NX/XX/KEEPTTL/GET), GET, GETDEL, APPEND, MSET, as in
 * Redis 7.0's t_string.c.
 *
 * Invariants:
 * - SET parses every option before touching the keyspace; GET is read (and type-checked) before
 *   NX/XX are evaluated, so `SET k v NX GET` on a list is WRONGTYPE and changes nothing.
 * - SET without KEEPTTL drops the old expiry; with an expiry option the new one is absolute ms.
 * - Propagation: SET with EX/PX/EXAT/PXAT becomes `SET k v PXAT <abs ms>` (NX/XX/GET dropped);
 *   SET ... GET without an expiry propagates its own argv minus the GET tokens; GETDEL that
 *   deleted becomes `DEL k`; MSET and APPEND propagate as sent.
 * - Dirty: SET +1 when it stores, GETDEL +1 when it deletes, APPEND +1, MSET +1 per pair.
 */
import type { ByteString } from '../values/redis-value.ts';
import { integerArgument, optionName } from './command-arguments.ts';
import type { CommandContext } from './command-context.ts';
import { arityError, fail, invalidExpireTimeError, syntaxError } from './command-errors.ts';
import { type CommandSpec, command } from './command-spec.ts';
import { int64Max } from './number-parsing.ts';
import { type Reply, bulkReply, integerReply, nullBulkReply, okReply } from './reply.ts';

/** Redis's proto-max-bulk-len default: the largest string APPEND may build. */
const maxStringBytes = 512 * 1024 * 1024;

type ExpireOption = 'ex' | 'px' | 'exat' | 'pxat';

interface SetOptions {
  nx: boolean;
  xx: boolean;
  get: boolean;
  keepTtl: boolean;
  expire: { option: ExpireOption; text: ByteString } | null;
}

/** SET k v: no option (shared: the options are only read once parsed). */
const noSetOptions: Readonly<SetOptions> = { nx: false, xx: false, get: false, keepTtl: false, expire: null };

function parseSetOptions(context: CommandContext): Readonly<SetOptions> {
  if (context.argc === 3) return noSetOptions;
  const options: SetOptions = { nx: false, xx: false, get: false, keepTtl: false, expire: null };
  for (let index = 3; index < context.argc; index += 1) {
    const option = optionName(context.arg(index));
    const hasNext = index < context.argc - 1;
    if (option === 'nx' && !options.xx) options.nx = true;
    else if (option === 'xx' && !options.nx) options.xx = true;
    else if (option === 'get') options.get = true;
    else if (option === 'keepttl' && options.expire === null) options.keepTtl = true;
    else if (
      (option === 'ex' || option === 'px' || option === 'exat' || option === 'pxat') &&
      !options.keepTtl &&
      (options.expire === null || options.expire.option === option) &&
      hasNext
    ) {
      index += 1;
      options.expire = { option, text: context.arg(index) };
    } else {
      fail(syntaxError);
    }
  }
  return options;
}

/** getExpireMillisecondsOrReply: the absolute expiry in ms, or Redis's error. */
function expireAtMs(context: CommandContext, expire: NonNullable<SetOptions['expire']>): bigint {
  let milliseconds = integerArgument(expire.text);
  const seconds = expire.option === 'ex' || expire.option === 'exat';
  if (milliseconds <= 0n || (seconds && milliseconds > int64Max / 1000n)) fail(invalidExpireTimeError('set'));
  if (seconds) milliseconds *= 1000n;
  if (expire.option === 'ex' || expire.option === 'px') milliseconds += BigInt(context.nowMs);
  if (milliseconds > int64Max || milliseconds <= 0n) fail(invalidExpireTimeError('set'));
  return milliseconds;
}

/** getGenericCommand: the string under key (or null); WRONGTYPE for other types. */
function readString(context: CommandContext, key: ByteString): ByteString | null {
  return context.read(key, 'string')?.value ?? null;
}

function set(context: CommandContext): Reply {
  const options = parseSetOptions(context);
  const key = context.arg(1);
  const value = context.arg(2);
  const expireAt = options.expire === null ? null : expireAtMs(context, options.expire);
  const previous = options.get ? readString(context, key) : null;
  const found = context.lookup(key) !== undefined;
  if ((options.nx && found) || (options.xx && !found)) return options.get ? bulkReply(previous) : nullBulkReply;
  const entryValue = { type: 'string', value } as const;
  context.store(key, entryValue, options.keepTtl ? { keep: true } : { atMs: expireAt === null ? null : Number(expireAt) });
  context.addDirty(1);
  if (expireAt !== null) context.argv = ['SET', key, value, 'PXAT', expireAt.toString()];
  else if (options.get) context.argv = context.argv.filter((argument, index) => index < 3 || optionName(argument) !== 'get');
  return options.get ? bulkReply(previous) : okReply;
}

function get(context: CommandContext): Reply {
  return bulkReply(readString(context, context.arg(1)));
}

function getdel(context: CommandContext): Reply {
  const key = context.arg(1);
  const value = readString(context, key);
  if (value !== null && context.remove(key)) {
    context.argv = ['DEL', key];
    context.addDirty(1);
  }
  return bulkReply(value);
}

function append(context: CommandContext): Reply {
  const key = context.arg(1);
  const suffix = context.arg(2);
  const current = context.read(key, 'string');
  let length: number;
  if (current === undefined) {
    context.store(key, { type: 'string', value: suffix }, { atMs: null });
    length = suffix.length;
  } else {
    if (current.value.length + suffix.length > maxStringBytes) fail('ERR string exceeds maximum allowed size (proto-max-bulk-len)');
    const stored = context.modify(key, 'string');
    stored.value += suffix;
    length = stored.value.length;
  }
  context.addDirty(1);
  return integerReply(length);
}

function mset(context: CommandContext): Reply {
  if (context.argc % 2 === 0) fail(arityError('mset'));
  for (let index = 1; index < context.argc; index += 2) {
    const key = context.arg(index);
    context.lookup(key);
    context.store(key, { type: 'string', value: context.arg(index + 1) }, { atMs: null });
  }
  context.addDirty((context.argc - 1) / 2);
  return okReply;
}

export const stringCommands: readonly CommandSpec[] = [
  command('set', -3, true, set),
  command('get', 2, false, get),
  command('getdel', 2, true, getdel),
  command('append', 3, true, append),
  command('mset', -3, true, mset),
];
