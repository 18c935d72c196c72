/**
 * MULTI/EXEC/DISCARD: a client's transaction queue (Redis's multiState) and the table entries
 * of the three control commands.
 *
 * Invariants:
 * - While a transaction is open every command except MULTI, EXEC and DISCARD is queued (reply
 *   QUEUED) after passing the lookup and arity checks; a command failing those is answered with
 *   its error and flags the transaction, so EXEC answers EXECABORT and runs nothing. Errors found
 *   while running (WRONGTYPE, syntax, ...) do not stop the other queued commands.
 * - A nested MULTI is an error that does not flag the transaction. EXEC/DISCARD outside a
 *   transaction are errors. EXEC and DISCARD always close the transaction.
 * - The queued argv are private copies, so a caller reusing its arrays cannot change them.
 */
import assert from 'node:assert/strict';
import type { ByteString } from '../values/redis-value.ts';
import { type CommandSpec, command } from './command-spec.ts';

export interface QueuedCommand {
  readonly spec: CommandSpec;
  readonly argv: readonly ByteString[];
}

export class TransactionQueue {
  readonly #commands: QueuedCommand[] = [];
  #aborted = false;

  get aborted(): boolean {
    return this.#aborted;
  }

  get commands(): readonly QueuedCommand[] {
    return this.#commands;
  }

  enqueue(spec: CommandSpec, argv: readonly ByteString[]): void {
    assert.ok(!isTransactionControl(spec.name), `${spec.name} is never queued`);
    this.#commands.push({ spec, argv: [...argv] });
  }

  /** A queued command was rejected (unknown or wrong arity): EXEC must abort. */
  flagAborted(): void {
    this.#aborted = true;
  }
}

export function isTransactionControl(name: string): boolean {
  return name === 'multi' || name === 'exec' || name === 'discard';
}

function handledBySession(): never {
  return assert.fail('MULTI/EXEC/DISCARD are run by ClientSession, not dispatched');
}

export const transactionCommands: readonly CommandSpec[] = [
  command('multi', 1, false, handledBySession),
  command('exec', 1, false, handledBySession),
  command('discard', 1, false, handledBySession),
];
