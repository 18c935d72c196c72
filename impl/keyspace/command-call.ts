/**
 * One command invocation, as Redis's call(): run the handler in a fresh CommandContext, turn a
 * thrown ReplyError into the error reply, and decide whether the command's own argv propagates.
 *
 * Invariants:
 * - Effects recorded during the handler (expiry DELs, SPOP's SREMs) are already in `effects`;
 *   the command's own (possibly rewritten) argv is appended after them, in the db the client is
 *   in after the command, iff the command raised dirty and did not prevent propagation, or it
 *   forced propagation (FLUSHDB/FLUSHALL). With `effects` null (a client whose commands
 *   propagate nothing) none are recorded; the call is otherwise the same.
 * - Exceptions other than ReplyError are bugs and escape unchanged.
 */
import type { ByteString } from '../values/redis-value.ts';
import { type CommandEnvironment, CommandContext } from './command-context.ts';
import { ReplyError } from './command-errors.ts';
import type { CommandSpec } from './command-spec.ts';
import { type Effect, effect } from './effects.ts';
import { type Reply, errorReply } from './reply.ts';

export interface CallOutcome {
  readonly reply: Reply;
  /** The client's db after the call (SELECT changes it). */
  readonly db: number;
}

export function callCommand(
  environment: CommandEnvironment,
  spec: CommandSpec,
  argv: readonly ByteString[],
  db: number,
  nowMs: number,
  effects: Effect[] | null,
): CallOutcome {
  const context = new CommandContext(environment, db, argv, nowMs, effects);
  const dirtyBefore = environment.keyspace.dirty;
  let reply: Reply;
  try {
    reply = spec.handler(context);
  } catch (error) {
    if (!(error instanceof ReplyError)) throw error;
    reply = errorReply(error.replyMessage);
  }
  context.finish();
  if (effects === null) return { reply, db: context.db };
  const changed = environment.keyspace.dirty > dirtyBefore;
  if ((changed && context.propagation !== 'prevent') || context.propagation === 'force') {
    effects.push(effect(context.db, context.argv));
  }
  return { reply, db: context.db };
}
