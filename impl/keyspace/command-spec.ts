/**
 * The shape of one command-table entry: name, Redis arity, flags and handler.
 *
 * Invariants:
 * - `name` is the lower-case name Redis prints in arity errors (its `fullname`).
 * - `arity` follows Redis: N > 0 means exactly N arguments (name included), -N means at least N.
 * - A handler gets a CommandContext whose argc already satisfies the arity; it returns the reply
 *   or throws ReplyError. `write` marks commands Redis flags `write` (refused under MISCONF).
 */
import assert from 'node:assert/strict';
import type { CommandContext } from './command-context.ts';
import type { Reply } from './reply.ts';

export interface CommandSpec {
  readonly name: string;
  readonly arity: number;
  readonly write: boolean;
  readonly handler: (context: CommandContext) => Reply;
}

export function command(name: string, arity: number, write: boolean, handler: (context: CommandContext) => Reply): CommandSpec {
  assert.equal(name, name.toLowerCase());
  assert.ok(Number.isInteger(arity) && arity !== 0);
  return { name, arity, write, handler };
}

export function arityAccepts(spec: CommandSpec, argc: number): boolean {
  return spec.arity > 0 ? argc === spec.arity : argc >= -spec.arity;
}
