/**
 * Expiry commands: EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT (with NX/XX/GT/LT), PERSIST, TTL, PTTL,
 * as in Redis 7.0's expire.c.
 *
 * Invariants:
 * - Options are parsed first, then the time; unit conversion and base-time addition that would
 *   leave int64 fail with "invalid expire time in '<cmd>' command"; negative times are allowed.
 * - A deadline at or before now (checkAlreadyExpired) deletes the key and propagates `DEL k`,
 *   except while loading, when the past deadline is stored as is.
 * - Otherwise the key gets the absolute deadline and the command propagates as
 *   `PEXPIREAT k <abs ms> [flags as sent]` (a client PEXPIREAT keeps its own spelling and time).
 * - A missing key, or a condition (NX/XX/GT/LT) that fails, replies 0 and changes nothing; a key
 *   without expiry counts as an infinite TTL for GT/LT.
 * - TTL rounds (ms + 500) / 1000; both answer -2 for a missing key, -1 for no expiry, and never
 *   less than 0 for a key that still exists.
 */
import { integerArgument, optionName } from './command-arguments.ts';
import type { CommandContext } from './command-context.ts';
import { fail, invalidExpireTimeError, unsupportedOptionError } from './command-errors.ts';
import { type CommandSpec, command } from './command-spec.ts';
import { int64Max, int64Min } from './number-parsing.ts';
import { type Reply, integerReply } from './reply.ts';

interface ExpireFlags {
  nx: boolean;
  xx: boolean;
  gt: boolean;
  lt: boolean;
}

function parseExpireFlags(context: CommandContext): ExpireFlags {
  const flags: ExpireFlags = { nx: false, xx: false, gt: false, lt: false };
  for (const argument of context.argv.slice(3)) {
    const option = optionName(argument);
    if (option === 'nx' || option === 'xx' || option === 'gt' || option === 'lt') flags[option] = true;
    else fail(unsupportedOptionError(argument));
  }
  if (flags.nx && (flags.xx || flags.gt || flags.lt)) fail('ERR NX and XX, GT or LT options at the same time are not compatible');
  if (flags.gt && flags.lt) fail('ERR GT and LT options at the same time are not compatible');
  return flags;
}

function conditionHolds(flags: ExpireFlags, current: bigint | null, when: bigint): boolean {
  if (flags.nx && current !== null) return false;
  if (flags.xx && current === null) return false;
  if (flags.gt && (current === null || when <= current)) return false;
  if (flags.lt && current !== null && when >= current) return false;
  return true;
}

function expireGeneric(context: CommandContext, name: string, relative: boolean, seconds: boolean): Reply {
  const flags = parseExpireFlags(context);
  const key = context.arg(1);
  let when = integerArgument(context.arg(2));
  if (seconds) {
    if (when > int64Max / 1000n || when < int64Min / 1000n) fail(invalidExpireTimeError(name));
    when *= 1000n;
  }
  const basetime = relative ? BigInt(context.nowMs) : 0n;
  if (when > int64Max - basetime) fail(invalidExpireTimeError(name));
  when += basetime;
  const entry = context.lookup(key);
  if (entry === undefined) return integerReply(0);
  const current = entry.expireAtMs === null ? null : BigInt(entry.expireAtMs);
  if (!conditionHolds(flags, current, when)) return integerReply(0);
  context.addDirty(1);
  if (when <= BigInt(context.nowMs) && !context.keyspace.loading) {
    context.remove(key);
    context.argv = ['DEL', key];
    return integerReply(1);
  }
  context.setExpire(key, Number(when));
  const rewritten = [...context.argv];
  if (name !== 'pexpireat') rewritten[0] = 'PEXPIREAT';
  if (relative || seconds) rewritten[2] = when.toString();
  context.argv = rewritten;
  return integerReply(1);
}

function persist(context: CommandContext): Reply {
  const key = context.arg(1);
  const entry = context.lookup(key);
  if (entry === undefined || entry.expireAtMs === null) return integerReply(0);
  context.setExpire(key, null);
  context.addDirty(1);
  return integerReply(1);
}

function ttlGeneric(context: CommandContext, milliseconds: boolean): Reply {
  const entry = context.lookup(context.arg(1));
  if (entry === undefined) return integerReply(-2);
  if (entry.expireAtMs === null) return integerReply(-1);
  let ttl = BigInt(entry.expireAtMs) - BigInt(context.nowMs);
  if (ttl < 0n) ttl = 0n;
  const reply = milliseconds ? ttl : (ttl + 500n) / 1000n;
  return integerReply(Number.isSafeInteger(Number(reply)) ? Number(reply) : reply);
}

export const expireCommands: readonly CommandSpec[] = [
  command('expire', -3, true, (context) => expireGeneric(context, 'expire', true, true)),
  command('pexpire', -3, true, (context) => expireGeneric(context, 'pexpire', true, false)),
  command('expireat', -3, true, (context) => expireGeneric(context, 'expireat', false, true)),
  command('pexpireat', -3, true, (context) => expireGeneric(context, 'pexpireat', false, false)),
  command('persist', 2, true, persist),
  command('ttl', 2, false, (context) => ttlGeneric(context, false)),
  command('pttl', 2, false, (context) => ttlGeneric(context, true)),
];
