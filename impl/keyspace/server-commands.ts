/**
 * Connection and server commands over the keyspace: SELECT, DBSIZE, FLUSHDB, FLUSHALL, PING.
 *
 * Invariants:
 * - SELECT changes only this client's db (the session keeps it); an index that is not an int
 *   is "value is not an integer or out of range" / "value is out of range, value must between
 *   -2147483648 and 2147483647"; an int outside 0..15 is "DB index is out of range".
 * - FLUSHDB/FLUSHALL accept nothing or one of SYNC/ASYNC (else syntax error), add the number of
 *   keys removed (expired ones included) to dirty, and are always propagated as sent, even on
 *   empty databases (forceCommandPropagation).
 * - FLUSHALL's synchronous RDB save when save points are configured (which resets dirty) is the
 *   persistence layer's job: it sees FLUSHALL in the effects.
 * - DBSIZE counts expired keys not yet deleted; PING takes at most one argument.
 */
import { databaseCount } from '../values/redis-value.ts';
import { intArgument, optionName } from './command-arguments.ts';
import type { CommandContext } from './command-context.ts';
import { arityError, dbIndexOutOfRangeError, fail, syntaxError } from './command-errors.ts';
import { type CommandSpec, command } from './command-spec.ts';
import { type Reply, bulkReply, integerReply, okReply, simpleReply } from './reply.ts';

function select(context: CommandContext): Reply {
  const db = intArgument(context.arg(1));
  if (db < 0 || db >= databaseCount) fail(dbIndexOutOfRangeError);
  context.db = db;
  return okReply;
}

/** FLUSHDB/FLUSHALL's argument check (getFlushCommandFlags): nothing, SYNC or ASYNC. */
export function checkFlushOptions(context: CommandContext): void {
  if (context.argc === 1) return;
  const option = context.argc === 2 ? optionName(context.arg(1)) : '';
  if (option !== 'sync' && option !== 'async') fail(syntaxError);
}

function flushdb(context: CommandContext): Reply {
  checkFlushOptions(context);
  context.addDirty(context.keyspace.flushDatabase(context.db));
  context.propagation = 'force';
  return okReply;
}

function flushall(context: CommandContext): Reply {
  checkFlushOptions(context);
  context.addDirty(context.keyspace.flushAll());
  context.propagation = 'force';
  return okReply;
}

function ping(context: CommandContext): Reply {
  if (context.argc > 2) fail(arityError('ping'));
  return context.argc === 1 ? simpleReply('PONG') : bulkReply(context.arg(1));
}

export const serverCommands: readonly CommandSpec[] = [
  command('select', 2, false, select),
  command('dbsize', 1, false, (context) => integerReply(context.keyspace.size(context.db))),
  command('flushdb', -1, true, flushdb),
  command('flushall', -1, true, flushall),
  command('ping', -1, false, ping),
];
