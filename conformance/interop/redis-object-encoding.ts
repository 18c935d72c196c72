/**
 * The OBJECT ENCODING Redis 7.0 reports for a value, given the RDB type byte durakv's encoder
 * chooses for it: both follow the same default thresholds, so they must agree.
 *
 * Invariant: strings are not covered (int/embstr/raw is an in-memory choice with no RDB type);
 * lists are always 'quicklist' in 7.0 (listpack-encoded lists came in 7.2).
 */
import { typeByte } from '../../impl/encoding/rdb-format.ts';
import { valueTypeByte } from '../../impl/encoding/rdb-value-encoder.ts';
import type { RedisValue } from '../../impl/values/redis-value.ts';

const encodingByTypeByte = new Map<number, string>([
  [typeByte.listQuicklist2, 'quicklist'],
  [typeByte.hashListpack, 'listpack'],
  [typeByte.hash, 'hashtable'],
  [typeByte.setIntset, 'intset'],
  [typeByte.set, 'hashtable'],
  [typeByte.zsetListpack, 'listpack'],
  [typeByte.zset2, 'skiplist'],
]);

export function expectedObjectEncoding(value: RedisValue): string | undefined {
  if (value.type === 'string') return undefined;
  return encodingByTypeByte.get(valueTypeByte(value));
}
