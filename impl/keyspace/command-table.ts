/**
 * The command table: every supported command by lower-case name.
 *
 * Invariants:
 * - Lookup is ASCII-case-insensitive over the whole name (no NUL cut), like Redis's command dict.
 * - Each name appears once; arity and write flags are Redis 7.0's.
 */
import assert from 'node:assert/strict';
import type { ByteString } from '../values/redis-value.ts';
import { asciiLower } from './command-arguments.ts';
import type { CommandSpec } from './command-spec.ts';
import { counterCommands } from './counter-commands.ts';
import { expireCommands } from './expire-commands.ts';
import { hashCommands } from './hash-commands.ts';
import { keyCommands } from './key-commands.ts';
import { listCommands } from './list-commands.ts';
import { serverCommands } from './server-commands.ts';
import { setCommands } from './set-commands.ts';
import { stringCommands } from './string-commands.ts';
import { transactionCommands } from './transaction.ts';
import { zsetRangeCommands } from './zset-range.ts';
import { zsetCommands } from './zset-commands.ts';

const allCommands: readonly CommandSpec[] = [
  ...stringCommands,
  ...counterCommands,
  ...keyCommands,
  ...expireCommands,
  ...listCommands,
  ...hashCommands,
  ...setCommands,
  ...zsetCommands,
  ...zsetRangeCommands,
  ...serverCommands,
  ...transactionCommands,
];

const table = new Map<string, CommandSpec>();
for (const spec of allCommands) {
  assert.ok(!table.has(spec.name), `duplicate command ${spec.name}`);
  table.set(spec.name, spec);
}

export function lookupCommand(name: ByteString): CommandSpec | undefined {
  return table.get(asciiLower(name));
}

/** All command names, sorted. */
export function commandNames(): string[] {
  return [...table.keys()].sort();
}
