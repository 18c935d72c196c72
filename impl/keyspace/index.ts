/**
 * The keyspace's public surface: the store with expiry and the mutation-observer hook, client
 * sessions that execute commands and report effects, replies and their RESP2 encoding, and the
 * Redis number rules. The only barrel in impl/keyspace/.
 */
export {
  Keyspace,
  cloneValue,
  type KeyspaceOptions,
  type MutationObserver,
  type ReadonlyEntry,
  type ReadonlyRedisValue,
  type StoredEntry,
} from './keyspace.ts';
export { ClientSession, type ClientSessionOptions, type CommandResult } from './client-session.ts';
export type { CommandContext, CommandEnvironment } from './command-context.ts';
export { type Effect, wrapInTransaction } from './effects.ts';
export { type Reply, arrayReply, bulkReply, encodeReply, errorReply, integerReply, okReply, simpleReply } from './reply.ts';
export { commandNames, lookupCommand } from './command-table.ts';
export { type CommandSpec, arityAccepts, command } from './command-spec.ts';
export { ReplyError, arityError, cString, fail, syntaxError } from './command-errors.ts';
export { asciiLower, optionName } from './command-arguments.ts';
export { checkFlushOptions } from './server-commands.ts';
export { formatDouble, formatLongDoubleHuman, parseDouble, parseInteger, parseLongDouble } from './number-parsing.ts';
