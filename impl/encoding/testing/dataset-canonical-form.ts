/**
 * Test support: an order-independent, exact text form of RDB datasets, so two datasets compare
 * equal iff they hold the same keys, values, expiries and scores (-0 distinct from 0).
 *
 * Invariants:
 * - Keys, fields and members are sorted in memcmp order; list items keep their order.
 * - Scores are written with Object.is precision ('-0', 'Infinity', shortest round-trip text).
 */
import { compareBytes, type DatabaseContents, type RedisValue } from '../../values/redis-value.ts';

function scoreText(score: number): string {
  return Object.is(score, -0) ? '-0' : String(score);
}

export function canonicalValue(value: RedisValue): unknown {
  switch (value.type) {
    case 'string':
      return ['string', value.value];
    case 'list':
      return ['list', value.items];
    case 'hash':
      return ['hash', [...value.fields].sort(([left], [right]) => compareBytes(left, right))];
    case 'set':
      return ['set', [...value.members].sort(compareBytes)];
    case 'zset':
      return ['zset', [...value.scores].sort(([left], [right]) => compareBytes(left, right)).map(([member, score]) => [member, scoreText(score)])];
  }
}

export function canonicalDataset(databases: Map<number, DatabaseContents>): string {
  const dbs = [...databases].filter(([, contents]) => contents.size > 0).sort(([left], [right]) => left - right);
  return JSON.stringify(
    dbs.map(([db, contents]) => [
      db,
      [...contents].sort(([left], [right]) => compareBytes(left, right)).map(([key, entry]) => [key, entry.expireAtMs, canonicalValue(entry.value)]),
    ]),
  );
}
