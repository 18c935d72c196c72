/**
 * Goal: `dirty` (Redis's server.dirty, which save points compare against) grows by exactly what
 * redis-server 7.0.15 adds for each command.
 * Method: one session replays a recorded sequence; each expected delta was read from INFO
 * persistence (rdb_changes_since_last_save) before and after the same command on a live
 * 7.0.15 server with `save ""`.
 */
import { describe, expect, it } from 'vitest';
import { createHarness } from './testing/session-harness.ts';

const recorded: ReadonlyArray<readonly [readonly string[], number]> = [
  [['set', 'k', 'v'], 1],
  [['set', 'k', 'v', 'nx'], 0],
  [['set', 'k', 'w', 'xx', 'get'], 1],
  [['mset', 'a', '1', 'b', '2', 'a', '3'], 3],
  [['append', 'k', 'x'], 1],
  [['incr', 'n'], 1],
  [['incrbyfloat', 'n', '1.5'], 1],
  [['getdel', 'n'], 1],
  [['getdel', 'n'], 0],
  [['del', 'a', 'b', 'nokey'], 2],
  [['expire', 'k', '100'], 1],
  [['expire', 'k', '100', 'nx'], 0],
  [['persist', 'k'], 1],
  [['persist', 'k'], 0],
  [['expire', 'k', '-1'], 1],
  [['rpush', 'l', 'a', 'b', 'c'], 3],
  [['lpop', 'l', '2'], 2],
  [['rpop', 'l', '5'], 1],
  [['hset', 'h', 'f', '1', 'g', '2'], 2],
  [['hset', 'h', 'f', '1'], 1],
  [['hdel', 'h', 'f', 'nof'], 1],
  [['hincrby', 'h', 'g', '1'], 1],
  [['sadd', 's', 'a', 'b', 'c', 'd'], 4],
  [['sadd', 's', 'a'], 0],
  [['srem', 's', 'a', 'z'], 1],
  [['spop', 's', '1'], 1],
  [['spop', 's', '10'], 2],
  [['zadd', 'z', '1', 'a', '2', 'b'], 2],
  [['zadd', 'z', 'xx', '1', 'a'], 0],
  [['zadd', 'z', 'ch', '5', 'a', '3', 'c'], 2],
  [['zincrby', 'z', '1', 'a'], 1],
  [['zrem', 'z', 'a', 'nosuch'], 1],
  [['flushdb'], 2],
  [['set', 'x', '1'], 1],
  [['flushall'], 1],
  [['ping'], 0],
];

describe('dirty counting', () => {
  it('matches the deltas recorded on redis-server 7.0.15, command by command', () => {
    const h = createHarness();
    const deltas = recorded.map(([argv]) => [argv, h.dirtyOf(...argv)]);
    expect(deltas).toEqual(recorded);
  });

  it('does not count expiry deletions, lazy or active', () => {
    const h = createHarness();
    h.run('set', 'a', '1', 'px', '10');
    h.run('set', 'b', '1', 'px', '10');
    h.clock.advance(20);
    expect(h.dirtyOf('get', 'a')).toBe(0);
    const before = h.keyspace.dirty;
    expect(h.keyspace.activeExpireCycle(10)).toEqual([{ db: 0, argv: ['DEL', 'b'] }]);
    expect(h.keyspace.dirty).toBe(before);
  });

  it('is shared by all clients and can be reset by the persistence layer after a save', () => {
    const h = createHarness();
    h.run('set', 'a', '1');
    h.keyspace.dirty = 0;
    expect(h.dirtyOf('set', 'a', '2')).toBe(1);
    expect(h.keyspace.dirty).toBe(1);
  });
});
