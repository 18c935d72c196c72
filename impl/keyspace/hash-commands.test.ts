/**
 * Goal: HSET/HMSET/HGET/HDEL/HGETALL/HINCRBY replies, errors, dirty and propagation, as
 * redis-server 7.0.15 (observed on a live server).
 * Method: commands through a ClientSession.
 */
import { describe, expect, it } from 'vitest';
import { createHarness } from './testing/session-harness.ts';

describe('HSET / HMSET / HGET / HGETALL', () => {
  it('replies the number of new fields; updating keeps the field position', () => {
    const h = createHarness();
    expect(h.run('hset', 'h', 'f', 'v', 'g', 'w')).toBe(2);
    expect(h.run('hset', 'h', 'f', 'v2')).toBe(0);
    expect(h.run('hget', 'h', 'f')).toBe('v2');
    expect(h.run('hget', 'h', 'nof')).toBeNull();
    expect(h.run('hget', 'noh', 'f')).toBeNull();
    expect(h.run('hgetall', 'h')).toEqual(['f', 'v2', 'g', 'w']);
    expect(h.run('hgetall', 'noh')).toEqual([]);
  });

  it('needs field/value pairs (arity error named after the command)', () => {
    const h = createHarness();
    expect(h.run('hset', 'h', 'f')).toBe("-ERR wrong number of arguments for 'hset' command");
    expect(h.run('hset', 'h', 'f', 'v', 'g')).toBe("-ERR wrong number of arguments for 'hset' command");
    expect(h.run('hmset', 'h', 'a')).toBe("-ERR wrong number of arguments for 'hmset' command");
    expect(h.run('exists', 'h')).toBe(0);
  });

  it('HMSET replies OK; both are dirty +1 per pair given, even unchanged, and propagate as sent', () => {
    const h = createHarness();
    expect(h.run('hmset', 'h', 'a', '1')).toBe('+OK');
    expect(h.dirtyOf('hset', 'h', 'a', '1', 'b', '2')).toBe(2);
    expect(h.effectsOf('HSET', 'h', 'a', '1')).toEqual(['0: HSET h a 1']);
  });

  it('is WRONGTYPE on a string', () => {
    const h = createHarness();
    h.run('set', 's', 'v');
    expect(h.run('hset', 's', 'f', 'v')).toBe('-WRONGTYPE Operation against a key holding the wrong kind of value');
    expect(h.run('hgetall', 's')).toBe('-WRONGTYPE Operation against a key holding the wrong kind of value');
  });
});

describe('HDEL', () => {
  it('deletes fields, replies how many, deletes the emptied hash, dirty +1 per field', () => {
    const h = createHarness();
    h.run('hset', 'h', 'f', 'v', 'g', 'w');
    expect(h.dirtyOf('hdel', 'h', 'f', 'nof', 'f')).toBe(1);
    expect(h.effectsOf('hdel', 'h', 'nof')).toEqual([]);
    expect(h.run('hdel', 'h', 'g')).toBe(1);
    expect(h.run('exists', 'h')).toBe(0);
    expect(h.run('hdel', 'h', 'g')).toBe(0);
  });
});

describe('HINCRBY', () => {
  it('creates hash and field from 0 and replies the new value', () => {
    const h = createHarness();
    expect(h.run('hincrby', 'h', 'x', '5')).toBe(5);
    expect(h.run('hincrby', 'h', 'x', '-7')).toBe(-2);
    expect(h.effectsOf('hincrby', 'h', 'x', '1')).toEqual(['0: hincrby h x 1']);
  });

  it.each([
    ['x', 'abc', '-ERR value is not an integer or out of range'],
    ['y', '1', '-ERR hash value is not an integer'],
    ['big', '1', '-ERR increment or decrement would overflow'],
    ['x', '9223372036854775807', '-ERR increment or decrement would overflow'],
  ])('HINCRBY h %s %s fails with %s and changes nothing', (field, increment, error) => {
    const h = createHarness();
    h.run('hset', 'h', 'x', '5', 'y', '1.5', 'big', '9223372036854775807');
    const before = h.keyspace.dirty;
    expect(h.run('hincrby', 'h', field, increment)).toBe(error);
    expect(h.run('hgetall', 'h')).toEqual(['x', '5', 'y', '1.5', 'big', '9223372036854775807']);
    expect(h.keyspace.dirty).toBe(before);
  });
});
