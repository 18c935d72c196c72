/**
 * Generic key commands: DEL, UNLINK, EXISTS, TYPE (Redis 7.0's db.c).
 *
 * Invariants:
 * - Each key is looked up (so an expired key is deleted lazily and `DEL key` propagated) before
 *   it is counted or deleted; DEL of an expired key therefore replies 0 and propagates only the
 *   expiry's DEL.
 * - DEL/UNLINK are dirty +1 per key actually deleted and propagate as sent iff one was; UNLINK
 *   behaves exactly as DEL here (no lazy freeing in this implementation).
 * - EXISTS counts repeated keys repeatedly; TYPE answers "none" for a missing key.
 */
import type { CommandContext } from './command-context.ts';
import { type CommandSpec, command } from './command-spec.ts';
import { type Reply, integerReply, simpleReply } from './reply.ts';

function del(context: CommandContext): Reply {
  let deleted = 0;
  for (const key of context.argv.slice(1)) {
    if (context.lookup(key) !== undefined && context.remove(key)) deleted += 1;
  }
  context.addDirty(deleted);
  return integerReply(deleted);
}

function exists(context: CommandContext): Reply {
  let count = 0;
  for (const key of context.argv.slice(1)) {
    if (context.lookup(key) !== undefined) count += 1;
  }
  return integerReply(count);
}

function type(context: CommandContext): Reply {
  return simpleReply(context.lookup(context.arg(1))?.value.type ?? 'none');
}

export const keyCommands: readonly CommandSpec[] = [
  command('del', -2, true, del),
  command('unlink', -2, true, del),
  command('exists', -2, false, exists),
  command('type', 2, false, type),
];
