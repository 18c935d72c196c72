/**
 * The write workload the AOF interop tests run on both durakv and redis-server, in two phases
 * with a BGREWRITEAOF between them (so the AOF ends as a base plus an incr), and the dataset it
 * must leave.
 *
 * - Phase 1: the first half of the interop dataset's load commands (interop-dataset.ts: every
 *   type, both sides of every encoding threshold, binary keys, TTLs, databases 0, 1, 7, 15),
 *   then commands Redis rewrites when it propagates them (SET EX → SET PXAT, INCRBYFLOAT →
 *   SET KEEPTTL, SPOP → SREM/DEL), LPOP/RPOP, DEL, a binary key whose value looks like RESP,
 *   and a MULTI/EXEC spanning two databases (a SELECT inside it).
 * - Phase 2: the second half of the load commands, then EXPIRE (→ PEXPIREAT), PEXPIREAT,
 *   PERSIST, HDEL/HINCRBY, ZINCRBY/ZREM, SREM, APPEND, MSET, GETDEL, a FLUSHDB of a database, and
 *   another MULTI/EXEC.
 * Each phase starts with a SELECT and runs on ONE connection (or durakv session) in order.
 *
 * Invariants:
 * - `expected` is the dataset after both phases when relative times are taken at `nowMs`
 *   (durakv runs with a clock fixed there); exactly one key (`relativeTtlKey`) gets a TTL
 *   relative to the server's clock (EXPIRE 7200), the only figure redis-server may place
 *   differently. Every other TTL is absolute.
 * - Only commands durakv implements; no command draws randomness that changes the result
 *   (the SPOP pops the only member).
 */
import type { ByteString, DatabaseContents, KeyEntry, RedisValue } from '../../impl/values/redis-value.ts';
import { afterZaddNormalization, interopDataset } from './interop-dataset.ts';
import { datasetLoadCommands } from './redis-dataset-commands.ts';

export interface AofWorkload {
  readonly phase1: readonly ByteString[][];
  readonly phase2: readonly ByteString[][];
  /** The dataset after both phases (ZADD stores -0 as 0). */
  readonly expected: Map<number, DatabaseContents>;
}

/** db 3's key whose TTL comes from EXPIRE (relative to the executing server's clock). */
export const relativeTtlKey = 'ops:counter';
export const relativeTtlMs = 7_200_000;

const hour = 3_600_000;

const string = (value: ByteString): RedisValue => ({ type: 'string', value });

export function aofWorkload(nowMs: number): AofWorkload {
  const load = [...datasetLoadCommands(interopDataset(nowMs))];
  const half = Math.floor(load.length / 2);
  // Phase 2 goes on in the database the first half of the load ended in.
  const dbAtHalf = load.slice(0, half).reduce((db, argv) => (argv[0] === 'SELECT' ? (argv[1] as string) : db), '0');
  const binaryKey = 'ops:\x00\xff binary';
  const respLookingValue = '\x00\r\n*1\r\n$4\r\nPING\r\n';
  const phase1: ByteString[][] = [
    ['SELECT', '0'],
    ...load.slice(0, half),
    ['SELECT', '3'],
    ['SET', 'ops:ex', 'expires in an hour', 'EX', '3600'],
    ['SET', relativeTtlKey, '10'],
    ['INCR', relativeTtlKey],
    ['INCRBY', relativeTtlKey, '5'],
    ['SET', 'ops:float', '1.5'],
    ['INCRBYFLOAT', 'ops:float', '0.25'],
    ['RPUSH', 'ops:list', 'a', 'b', 'c', 'd'],
    ['LPOP', 'ops:list'],
    ['RPOP', 'ops:list'],
    ['MULTI'],
    ['SET', 'ops:tx:1', 'one'],
    ['HSET', 'ops:tx:hash', 'f', 'v', 'g', 'w'],
    ['SADD', 'ops:tx:set', 'x', 'y'],
    ['ZADD', 'ops:tx:zset', '1', 'a', '2', 'b'],
    ['SELECT', '4'],
    ['SET', 'ops:tx:db4', 'four'],
    ['EXEC'],
    ['SELECT', '3'],
    ['SET', 'ops:doomed', 'x'],
    ['DEL', 'ops:doomed'],
    ['SADD', 'ops:one', 'only'],
    ['SPOP', 'ops:one'],
    ['SET', binaryKey, respLookingValue],
    ['SELECT', '0'],
  ];
  const phase2: ByteString[][] = [
    ['SELECT', dbAtHalf],
    ...load.slice(half),
    ['SELECT', '3'],
    ['EXPIRE', relativeTtlKey, String(relativeTtlMs / 1000)],
    ['PEXPIREAT', 'ops:float', String(nowMs + 5 * hour)],
    ['PERSIST', 'ops:ex'],
    ['HDEL', 'ops:tx:hash', 'g'],
    ['HINCRBY', 'ops:tx:hash', 'n', '3'],
    ['ZINCRBY', 'ops:tx:zset', '2.5', 'a'],
    ['ZREM', 'ops:tx:zset', 'b'],
    ['SREM', 'ops:tx:set', 'y'],
    ['APPEND', 'ops:tx:1', '+more'],
    ['MSET', 'ops:m1', '1', 'ops:m2', '2'],
    ['GETDEL', 'ops:m2'],
    ['MULTI'],
    ['RPUSH', 'ops:list', 'e'],
    ['LPUSH', 'ops:list', 'z'],
    ['SET', 'ops:late', 'after the rewrite', 'PXAT', String(nowMs + 6 * hour)],
    ['EXEC'],
    ['SELECT', '5'],
    ['SET', 'ops:flushed', 'gone'],
    ['FLUSHDB'],
    ['SELECT', '0'],
  ];
  const entry = (value: RedisValue, expireAtMs: number | null = null): KeyEntry => ({ value, expireAtMs });
  const expected = afterZaddNormalization(interopDataset(nowMs));
  expected.set(
    3,
    new Map<ByteString, KeyEntry>([
      ['ops:ex', entry(string('expires in an hour'))],
      [relativeTtlKey, entry(string('16'), nowMs + relativeTtlMs)],
      ['ops:float', entry(string('1.75'), nowMs + 5 * hour)],
      ['ops:list', entry({ type: 'list', items: ['z', 'b', 'c', 'e'] })],
      ['ops:tx:1', entry(string('one+more'))],
      ['ops:tx:hash', entry({ type: 'hash', fields: new Map([['f', 'v'], ['n', '3']]) })],
      ['ops:tx:set', entry({ type: 'set', members: new Set(['x']) })],
      ['ops:tx:zset', entry({ type: 'zset', scores: new Map([['a', 3.5]]) })],
      [binaryKey, entry(string(respLookingValue))],
      ['ops:m1', entry(string('1'))],
      ['ops:late', entry(string('after the rewrite'), nowMs + 6 * hour)],
    ]),
  );
  expected.set(4, new Map([['ops:tx:db4', entry(string('four'))]]));
  return { phase1, phase2, expected };
}

/** `databases` with the relative-TTL key's expiry replaced by `expireAtMs` (to compare with a server's view). */
export function withRelativeTtlAt(databases: ReadonlyMap<number, DatabaseContents>, expireAtMs: number | null): Map<number, DatabaseContents> {
  const copy = new Map([...databases].map(([db, contents]) => [db, new Map(contents)]));
  const entry = copy.get(3)?.get(relativeTtlKey);
  if (entry !== undefined) copy.get(3)?.set(relativeTtlKey, { ...entry, expireAtMs });
  return copy;
}
