/**
 * Goal: LPUSH/RPUSH/LPOP/RPOP/LRANGE/LLEN replies, errors, deletion of emptied lists, dirty and
 * propagation, as redis-server 7.0.15 (observed on a live server).
 * Method: commands through a ClientSession.
 */
import { describe, expect, it } from 'vitest';
import { createHarness } from './testing/session-harness.ts';

const wrongType = '-WRONGTYPE Operation against a key holding the wrong kind of value';

describe('LPUSH / RPUSH', () => {
  it('pushes one by one at the head (LPUSH a b c stores c b a) or tail, replying the length', () => {
    const h = createHarness();
    expect(h.run('lpush', 'l', 'a', 'b', 'c')).toBe(3);
    expect(h.run('rpush', 'l', 'x', 'y')).toBe(5);
    expect(h.run('lrange', 'l', '0', '-1')).toEqual(['c', 'b', 'a', 'x', 'y']);
  });

  it('is WRONGTYPE on a string, dirty +1 per element and propagated as sent', () => {
    const h = createHarness();
    h.run('set', 's', 'v');
    expect(h.run('lpush', 's', 'a')).toBe(wrongType);
    expect(h.dirtyOf('rpush', 'l', 'a', 'b')).toBe(2);
    expect(h.effectsOf('LPUSH', 'l', 'z')).toEqual(['0: LPUSH l z']);
  });
});

describe('LPOP / RPOP', () => {
  it('pops one element as a bulk string and deletes the emptied list', () => {
    const h = createHarness();
    h.run('rpush', 'l', 'a', 'b');
    expect(h.run('lpop', 'l')).toBe('a');
    expect(h.run('rpop', 'l')).toBe('b');
    expect(h.run('exists', 'l')).toBe(0);
    expect(h.run('lpop', 'l')).toBeNull();
  });

  it('pops up to count elements as an array, RPOP tail first', () => {
    const h = createHarness();
    h.run('rpush', 'l', 'a', 'b', 'c', 'd');
    expect(h.run('lpop', 'l', '2')).toEqual(['a', 'b']);
    expect(h.run('rpop', 'l', '5')).toEqual(['d', 'c']);
    expect(h.run('exists', 'l')).toBe(0);
  });

  it('answers a null array for a missing key with a count, an empty array for count 0', () => {
    const h = createHarness();
    expect(h.call('lpop', 'nokey', '2').reply).toEqual({ kind: 'array', items: null });
    expect(h.call('lpop', 'nokey').reply).toEqual({ kind: 'bulk', value: null });
    h.run('rpush', 'l', 'a');
    expect(h.call('lpop', 'l', '0')).toEqual({ reply: { kind: 'array', items: [] }, effects: [] });
  });

  it.each([
    [['lpop', 'l', '-1'], '-ERR value is out of range, must be positive'],
    [['lpop', 'l', 'abc'], '-ERR value is out of range, must be positive'],
    [['lpop', 'l', '1', '2'], "-ERR wrong number of arguments for 'lpop' command"],
    [['rpop', 'l', '1', '2'], "-ERR wrong number of arguments for 'rpop' command"],
  ])('%j fails with %s', (argv, error) => {
    const h = createHarness();
    h.run('rpush', 'l', 'a');
    expect(h.run(...argv)).toBe(error);
    expect(h.run('llen', 'l')).toBe(1);
  });

  it('is dirty +1 per popped element and propagates as sent', () => {
    const h = createHarness();
    h.run('rpush', 'l', 'a', 'b', 'c');
    expect(h.dirtyOf('rpop', 'l', '5')).toBe(3);
    h.run('rpush', 'l', 'a');
    expect(h.effectsOf('lpop', 'l', '1')).toEqual(['0: lpop l 1']);
    expect(h.effectsOf('lpop', 'l', '1')).toEqual([]);
  });
});

describe('LRANGE / LLEN', () => {
  it.each([
    ['0', '-1', ['a', 'b', 'c', 'd']],
    ['-2', '-1', ['c', 'd']],
    ['1', '100', ['b', 'c', 'd']],
    ['-100', '0', ['a']],
    ['3', '1', []],
    ['5', '10', []],
  ])('LRANGE %s %s', (start, end, expected) => {
    const h = createHarness();
    h.run('rpush', 'l', 'a', 'b', 'c', 'd');
    expect(h.run('lrange', 'l', start, end)).toEqual(expected);
  });

  it('answers empty/0 for a missing key, checks indexes before the type', () => {
    const h = createHarness();
    expect(h.run('lrange', 'nokey', '0', '-1')).toEqual([]);
    expect(h.run('llen', 'nokey')).toBe(0);
    h.run('set', 's', 'v');
    expect(h.run('lrange', 's', 'a', '1')).toBe('-ERR value is not an integer or out of range');
    expect(h.run('lrange', 's', '0', '1')).toBe(wrongType);
    expect(h.run('llen', 's')).toBe(wrongType);
  });
});
