/**
 * A client connection's view of the server: its selected db and its MULTI queue, over a shared
 * keyspace. `execute(argv)` is one top-level call and returns the reply and the effects Redis
 * 7.0 would propagate for it.
 *
 * Invariants:
 * - The db and the transaction belong to the session; the keyspace, its dirty counter and the
 *   random source are shared by every session built on the same environment.
 * - The clock is read once per top-level call (a command, or a whole EXEC, whose queued commands
 *   all see that time), as Redis fixes the time during call()/EXEC for expiry checks. (Redis 7.0
 *   reads a fresh clock for the base time of EXPIRE and SET EX; the two agree unless the clock
 *   moves during one call.)
 * - Effects of one call are wrapped in MULTI ... EXEC when there are two or more (effects.ts);
 *   rejected, queued and control commands (MULTI, DISCARD) propagate nothing. A session made
 *   with `propagate: false` (the AOF loader's fake client: Redis runs loaded commands without
 *   call(), so nothing propagates) reports no effects for any call and builds none.
 * - Commands are looked up in the environment's host commands first, then in the keyspace's
 *   table, both for direct calls and inside MULTI/EXEC. A caller that looked the name up already
 *   (to check something first) passes the spec to `executeLookedUp` instead of looking it up twice.
 *   The tables never change, so the session remembers the last spelling it found (a command
 *   name, so never a long string) and its spec.
 * - `reject` is Redis's rejectCommand for checks the host makes before a command runs (MISCONF,
 *   commands not allowed in a transaction): the error reply, and inside MULTI the transaction is
 *   flagged so EXEC aborts; a rejected EXEC discards the transaction and answers
 *   "EXECABORT Transaction discarded because of: <error>" (execCommandAbort).
 */
import assert from 'node:assert/strict';
import type { ByteString } from '../values/redis-value.ts';
import { asciiLower } from './command-arguments.ts';
import { callCommand } from './command-call.ts';
import type { CommandEnvironment } from './command-context.ts';
import {
  arityError,
  discardWithoutMultiError,
  execAbortError,
  execWithoutMultiError,
  nestedMultiError,
  unknownCommandError,
} from './command-errors.ts';
import { type CommandSpec, arityAccepts } from './command-spec.ts';
import { lookupCommand } from './command-table.ts';
import { type Effect, wrapInTransaction } from './effects.ts';
import { type Reply, arrayReply, errorReply, okReply, queuedReply } from './reply.ts';
import { TransactionQueue, isTransactionControl } from './transaction.ts';

export interface CommandResult {
  readonly reply: Reply;
  readonly effects: readonly Effect[];
}

const noEffects: readonly Effect[] = [];

export interface ClientSessionOptions {
  /** False: the session's commands propagate nothing (Redis's AOF-loading fake client). Default true. */
  readonly propagate?: boolean;
}

export class ClientSession {
  readonly #environment: CommandEnvironment;
  readonly #propagate: boolean;
  #db = 0;
  #transaction: TransactionQueue | null = null;
  /** The last name `lookup` found, as spelled, and its spec. */
  #foundName: ByteString | null = null;
  #foundSpec: CommandSpec | undefined = undefined;

  constructor(environment: CommandEnvironment, options: ClientSessionOptions = {}) {
    this.#environment = environment;
    this.#propagate = options.propagate ?? true;
  }

  get db(): number {
    return this.#db;
  }

  get inTransaction(): boolean {
    return this.#transaction !== null;
  }

  /** The queued commands of the open transaction (empty when none), e.g. to see if one writes. */
  get queuedCommands(): readonly { readonly argv: readonly ByteString[]; readonly write: boolean }[] {
    return (this.#transaction?.commands ?? []).map(({ spec, argv }) => ({ argv, write: spec.write }));
  }

  execute(argv: readonly ByteString[]): CommandResult {
    assert.ok(argv.length > 0, 'a command has a name');
    return this.executeLookedUp(argv, this.lookup(argv[0] ?? ''));
  }

  /** execute(argv) when the caller has `spec` = lookup(argv[0]) in hand. */
  executeLookedUp(argv: readonly ByteString[], spec: CommandSpec | undefined): CommandResult {
    assert.ok(argv.length > 0, 'a command has a name');
    if (spec === undefined) return this.#reject(unknownCommandError(argv));
    if (!arityAccepts(spec, argv.length)) return this.#reject(arityError(spec.name));
    if (this.#transaction !== null && !isTransactionControl(spec.name)) {
      this.#transaction.enqueue(spec, argv);
      return { reply: queuedReply, effects: noEffects };
    }
    if (spec.name === 'multi') return this.#multi();
    if (spec.name === 'discard') return this.#discard();
    if (spec.name === 'exec') return this.#exec();
    const effects: Effect[] | null = this.#propagate ? [] : null;
    const outcome = callCommand(this.#environment, spec, argv, this.#db, this.#environment.keyspace.now(), effects);
    this.#db = outcome.db;
    if (effects === null) return { reply: outcome.reply, effects: noEffects };
    return { reply: outcome.reply, effects: effects.length < 2 ? effects : wrapInTransaction(effects) };
  }

  /** The spec `name` runs: a host command, else the keyspace's, else undefined. */
  lookup(name: ByteString): CommandSpec | undefined {
    if (name === this.#foundName) return this.#foundSpec;
    const lower = asciiLower(name);
    const spec = this.#environment.hostCommands?.get(lower) ?? lookupCommand(lower);
    if (spec !== undefined) {
      this.#foundName = name;
      this.#foundSpec = spec;
    }
    return spec;
  }

  /** Refuses argv without running or queueing it (Redis's rejectCommand); see the header. */
  reject(argv: readonly ByteString[], message: string): CommandResult {
    assert.ok(argv.length > 0, 'a command has a name');
    if (this.#transaction !== null && asciiLower(argv[0] ?? '') === 'exec') {
      this.#transaction = null;
      return { reply: errorReply(`EXECABORT Transaction discarded because of: ${message}`), effects: noEffects };
    }
    return this.#reject(message);
  }

  #reject(message: string): CommandResult {
    this.#transaction?.flagAborted();
    return { reply: errorReply(message), effects: noEffects };
  }

  #multi(): CommandResult {
    if (this.#transaction !== null) return { reply: errorReply(nestedMultiError), effects: noEffects };
    this.#transaction = new TransactionQueue();
    return { reply: okReply, effects: noEffects };
  }

  #discard(): CommandResult {
    if (this.#transaction === null) return { reply: errorReply(discardWithoutMultiError), effects: noEffects };
    this.#transaction = null;
    return { reply: okReply, effects: noEffects };
  }

  #exec(): CommandResult {
    const transaction = this.#transaction;
    if (transaction === null) return { reply: errorReply(execWithoutMultiError), effects: noEffects };
    this.#transaction = null;
    if (transaction.aborted) return { reply: errorReply(execAbortError), effects: noEffects };
    const nowMs = this.#environment.keyspace.now();
    const effects: Effect[] | null = this.#propagate ? [] : null;
    const replies = transaction.commands.map(({ spec, argv }) => {
      const outcome = callCommand(this.#environment, spec, argv, this.#db, nowMs, effects);
      this.#db = outcome.db;
      return outcome.reply;
    });
    return { reply: arrayReply(replies), effects: effects === null ? noEffects : wrapInTransaction(effects) };
  }
}
