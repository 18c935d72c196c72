/**
 * Goal: ZADD (NX/XX/GT/LT/CH/INCR), ZINCRBY, ZREM and ZRANGE (rank, BYSCORE, BYLEX, REV, LIMIT,
 * WITHSCORES) replies, errors, dirty and propagation, as redis-server 7.0.15 (every expected
 * value below was observed on a live server).
 * Method: commands through a ClientSession.
 */
import { describe, expect, it } from 'vitest';
import { createHarness } from './testing/session-harness.ts';

describe('ZADD', () => {
  it.each([
    [['nx', 'xx', '1', 'a'], '-ERR XX and NX options at the same time are not compatible'],
    [['gt', 'lt', '1', 'a'], '-ERR GT, LT, and/or NX options at the same time are not compatible'],
    [['nx', 'gt', '1', 'a'], '-ERR GT, LT, and/or NX options at the same time are not compatible'],
    [['incr', '1', 'a', '2', 'b'], '-ERR INCR option supports a single increment-element pair'],
    [['1', 'a', '2'], '-ERR syntax error'],
    [['abc', 'a'], '-ERR value is not a valid float'],
    [['nan', 'a'], '-ERR value is not a valid float'],
    [['1e400', 'a'], '-ERR value is not a valid float'],
  ])('ZADD z %j fails with %s', (args, error) => {
    const h = createHarness();
    expect(h.run('zadd', 'z', ...args)).toBe(error);
    expect(h.run('exists', 'z')).toBe(0);
  });

  it('follows NX/XX/GT/LT/CH the way Redis 7.0 did in this recorded session', () => {
    const h = createHarness();
    expect(h.run('zadd', 'z', '1', 'a', '2', 'b')).toBe(2);
    expect(h.run('zadd', 'z', 'incr', '1', 'a')).toBe('2');
    expect(h.run('zadd', 'z', 'incr', 'nx', '1', 'a')).toBeNull();
    expect(h.run('zadd', 'z', 'incr', 'xx', '1', 'newm')).toBeNull();
    expect(h.run('zadd', 'z', 'ch', '5', 'a', '2', 'b', '7', 'c')).toBe(2);
    expect(h.run('zadd', 'z', 'gt', 'ch', '1', 'a', '9', 'b')).toBe(1);
    expect(h.run('zadd', 'z', 'lt', '1', 'a', '10', 'b')).toBe(0);
    expect(h.run('zadd', 'z', 'xx', '3', 'c', '4', 'newm2')).toBe(0);
    expect(h.run('zrange', 'z', '0', '-1', 'withscores')).toEqual(['a', '1', 'c', '3', 'b', '9']);
    expect(h.run('zadd', 'z', 'incr', '+inf', 'a')).toBe('inf');
    expect(h.run('zadd', 'z', 'incr', '-inf', 'a')).toBe('-ERR resulting score is not a number (NaN)');
    expect(h.run('zadd', 'nokey', 'xx', '1', 'a')).toBe(0);
    expect(h.run('exists', 'nokey')).toBe(0);
  });

  it('is dirty + added + updated and propagates as sent only when something changed', () => {
    const h = createHarness();
    expect(h.dirtyOf('zadd', 'z', '1', 'a', '2', 'b')).toBe(2);
    expect(h.call('zadd', 'z', 'nx', '5', 'a')).toEqual({ reply: { kind: 'integer', value: 0 }, effects: [] });
    expect(h.call('zadd', 'z', '1', 'a').effects).toEqual([]);
    expect(h.dirtyOf('zadd', 'z', '3', 'a', '4', 'c')).toBe(2);
    expect(h.effectsOf('ZADD', 'z', 'CH', '7', 'a')).toEqual(['0: ZADD z CH 7 a']);
  });

  it('reads a stored -0 back as 0, while ZINCRBY replies the computed -0', () => {
    const h = createHarness();
    expect(h.run('zincrby', 'z', '-0', 'x')).toBe('-0');
    h.run('zadd', 'z', '-0', 'y');
    expect(h.run('zrange', 'z', '0', '-1', 'withscores')).toEqual(['x', '0', 'y', '0']);
  });
});

describe('ZINCRBY / ZREM', () => {
  it('increments in double precision and replies %.17g', () => {
    const h = createHarness();
    h.run('zadd', 'z', '9', 'b');
    expect(h.run('zincrby', 'z', '0.1', 'b')).toBe('9.0999999999999996');
    expect(h.run('zincrby', 'z', 'abc', 'b')).toBe('-ERR value is not a valid float');
    expect(h.run('zincrby', 'nz', '2', 'm')).toBe('2');
  });

  it('removes members, deletes the emptied zset, dirty +1 per removal', () => {
    const h = createHarness();
    h.run('zadd', 'z', '1', 'a', '2', 'b');
    expect(h.dirtyOf('zrem', 'z', 'a', 'nosuch')).toBe(1);
    expect(h.effectsOf('zrem', 'z', 'nosuch')).toEqual([]);
    expect(h.run('zrem', 'z', 'b')).toBe(1);
    expect(h.run('exists', 'z')).toBe(0);
  });
});

describe('ZRANGE', () => {
  const scores = ['-0', 'q', '2.9802322387695312e-08', 's', '0.1', 'p', '3', 'c', '9.1', 'b', '1e300', 'r', 'inf', 'a'];

  it('orders by score and formats scores with %.17g', () => {
    const h = createHarness();
    h.run('zadd', 'z', ...scores);
    expect(h.run('zrange', 'z', '0', '-1', 'withscores')).toEqual([
      'q', '0', 's', '2.9802322387695312e-08', 'p', '0.10000000000000001', 'c', '3', 'b', '9.0999999999999996', 'r', '1.0000000000000001e+300', 'a', 'inf',
    ]);
  });

  it.each([
    [['-2', '-1'], ['r', 'a']],
    [['0', '1', 'rev', 'withscores'], ['a', 'inf', 'r', '1.0000000000000001e+300']],
    [['5', '1'], []],
    [['0', '3', 'byscore', 'withscores'], ['q', '0', 's', '2.9802322387695312e-08', 'p', '0.10000000000000001', 'c', '3']],
    [['(0', '+inf', 'byscore', 'limit', '1', '2'], ['p', 'c']],
    [['+inf', '-inf', 'byscore', 'rev'], ['a', 'r', 'b', 'c', 'p', 's', 'q']],
    [['-', '+', 'bylex'], ['q', 's', 'p', 'c', 'b', 'r', 'a']],
    [['0', '-1', 'limit', '0', '-1'], ['q', 's', 'p', 'c', 'b', 'r', 'a']],
    [['a', 'b'], '-ERR value is not an integer or out of range'],
    [['0', '-1', 'limit', '0', '1'], '-ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX'],
    [['0', '-1', 'foo'], '-ERR syntax error'],
    [['0', '1', 'rev', 'rev'], '-ERR syntax error'],
    [['0', '1', 'byscore', 'bylex'], '-ERR syntax error'],
    [['0', '1', 'byscore', 'limit', '1'], '-ERR syntax error'],
    [['x', 'y', 'byscore'], '-ERR min or max is not a float'],
    [['-', '+', 'bylex', 'withscores'], '-ERR syntax error, WITHSCORES not supported in combination with BYLEX'],
    [['a', 'b', 'bylex'], '-ERR min or max not valid string range item'],
  ])('ZRANGE z %j', (args, expected) => {
    const h = createHarness();
    h.run('zadd', 'z', ...scores);
    expect(h.run('zrange', 'z', ...args)).toEqual(expected);
  });

  it.each([
    [[' 1', '1', 'byscore', 'withscores'], ['a', '1', 'b', '1', 'c', '1']],
    [['', '1', 'byscore'], ['d', 'a', 'b', 'c']],
    [['(', '1', 'byscore'], ['a', 'b', 'c']],
    [['(1', '1', 'byscore'], []],
    [['0', '1', 'byscore', 'limit', '1', '-1'], ['a', 'b', 'c']],
    [['0', '1', 'byscore', 'limit', '-1', '2'], []],
    [['0', '1', 'byscore', 'limit', '3', '1'], ['c']],
    [['0', '1', 'byscore', 'limit', '4', '1'], []],
    [['1', '0', 'byscore', 'rev', 'limit', '1', '2'], ['b', 'a']],
    [['+', '-', 'bylex', 'rev', 'limit', '1', '2'], ['b', 'a']],
    [['[b', '(c', 'bylex'], []],
    [['0x1', '1', 'byscore'], ['a', 'b', 'c']],
  ])('ZRANGE over {d:0, a:1, b:1, c:1} %j', (args, expected) => {
    const h = createHarness();
    h.run('zadd', 'z4', '1', 'a', '1', 'b', '1', 'c', '0', 'd');
    expect(h.run('zrange', 'z4', ...args)).toEqual(expected);
  });

  it('answers an empty array for a missing key and WRONGTYPE for a string, after parsing', () => {
    const h = createHarness();
    expect(h.run('zrange', 'nokey', '0', '-1')).toEqual([]);
    h.run('set', 's', 'v');
    expect(h.run('zrange', 's', '0', '-1')).toBe('-WRONGTYPE Operation against a key holding the wrong kind of value');
    expect(h.run('zrange', 's', '0', '-1', 'foo')).toBe('-ERR syntax error');
  });
});
