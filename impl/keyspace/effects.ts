/**
 * Effects: what Redis 7.0 propagates to the AOF and to replicas for one top-level call (a command
 * or a whole EXEC), as argv arrays tagged with the database they apply to.
 *
 * Invariants:
 * - Each effect carries its db; the writer emits `SELECT <db>` itself whenever the db differs
 *   from the one it last selected (Redis's aof_selected_db), so effects never contain SELECT.
 * - `wrapInTransaction` implements propagatePendingCommands: two or more effects are wrapped in
 *   `MULTI` (with the first effect's db) ... `EXEC` (with the last effect's db); a single effect
 *   is bare; no effects stay none.
 * - Rewritten commands use Redis's upper-case shared names (SET, PXAT, KEEPTTL, PEXPIREAT, DEL,
 *   SREM, MULTI, EXEC); argv that is propagated unchanged keeps the client's spelling.
 */
import assert from 'node:assert/strict';
import { type ByteString, databaseCount } from '../values/redis-value.ts';

export interface Effect {
  readonly db: number;
  readonly argv: readonly ByteString[];
}

export function effect(db: number, argv: readonly ByteString[]): Effect {
  if (!(Number.isInteger(db) && db >= 0 && db < databaseCount)) assert.fail(`db ${db}`);
  assert.ok(argv.length > 0, 'an effect has a command name');
  return { db, argv };
}

/** The effects of one top-level call, wrapped in MULTI/EXEC when there are two or more. */
export function wrapInTransaction(effects: readonly Effect[]): Effect[] {
  if (effects.length < 2) return [...effects];
  const first = effects[0];
  const last = effects[effects.length - 1];
  assert.ok(first !== undefined && last !== undefined);
  return [effect(first.db, ['MULTI']), ...effects, effect(last.db, ['EXEC'])];
}
