/**
 * Goal: INCR/INCRBY/DECR/DECRBY/INCRBYFLOAT reply, fail, keep TTLs and propagate as redis-server
 * 7.0.15 (values and errors observed on a live server).
 * Method: commands through a ClientSession on a manual clock.
 */
import { describe, expect, it } from 'vitest';
import { createHarness } from './testing/session-harness.ts';

describe('INCR family', () => {
  it('counts from a missing key, replies the new value and keeps the expiry', () => {
    const h = createHarness();
    expect(h.run('incr', 'n')).toBe(1);
    h.run('pexpire', 'n', '9000');
    expect(h.run('incrby', 'n', '10')).toBe(11);
    expect(h.run('decr', 'n')).toBe(10);
    expect(h.run('decrby', 'n', '-5')).toBe(15);
    expect(h.run('get', 'n')).toBe('15');
    expect(h.run('pttl', 'n')).toBe(9000);
  });

  it('overflows at 9223372036854775807 with an error and leaves the value alone', () => {
    const h = createHarness();
    h.run('set', 'big', '9223372036854775807');
    expect(h.call('incr', 'big')).toEqual({ reply: { kind: 'error', message: 'ERR increment or decrement would overflow' }, effects: [] });
    expect(h.run('get', 'big')).toBe('9223372036854775807');
    expect(h.run('decr', 'big')).toBe(9223372036854775806n);
    h.run('set', 'small', '-9223372036854775808');
    expect(h.run('decr', 'small')).toBe('-ERR increment or decrement would overflow');
    expect(h.run('decrby', 'big', '-9223372036854775808')).toBe('-ERR decrement would overflow');
  });

  it.each(['abc', '007', '-0', '+1', ' 1', '1.5', ''])('refuses a stored value of %j', (stored) => {
    const h = createHarness();
    h.run('set', 'k', stored);
    expect(h.run('incr', 'k')).toBe('-ERR value is not an integer or out of range');
  });

  it('refuses a bad increment before looking at the key (no WRONGTYPE, no expiry DEL)', () => {
    const h = createHarness();
    h.run('rpush', 'l', 'a');
    expect(h.run('incrby', 'l', '1.5')).toBe('-ERR value is not an integer or out of range');
    expect(h.run('incrby', 'l', '1')).toBe('-WRONGTYPE Operation against a key holding the wrong kind of value');
    h.run('set', 'e', '1', 'px', '10');
    h.clock.advance(11);
    expect(h.effectsOf('incrby', 'e', 'x')).toEqual([]);
    expect(h.effectsOf('incrby', 'e', '1')).toEqual(['0: MULTI', '0: DEL e', '0: incrby e 1', '0: EXEC']);
  });

  it('propagates as sent and is dirty +1 per success', () => {
    const h = createHarness();
    expect(h.effectsOf('INCR', 'n')).toEqual(['0: INCR n']);
    expect(h.dirtyOf('incrby', 'n', '5')).toBe(1);
    expect(h.dirtyOf('incrby', 'n', 'x')).toBe(0);
  });
});

describe('INCRBYFLOAT', () => {
  it.each([
    ['10.5', '0.1', '10.6'],
    ['3.0e3', '0', '3000'],
    ['1.1', '2.2', '3.3'],
    ['0', '1e-20', '0'],
  ])('%s incremented by %s reads %s', (start, increment, result) => {
    const h = createHarness();
    h.run('set', 'f', start);
    expect(h.run('incrbyfloat', 'f', increment)).toBe(result);
    expect(h.run('get', 'f')).toBe(result);
  });

  it('propagates SET k <result> KEEPTTL and keeps the expiry', () => {
    const h = createHarness();
    h.run('set', 'f', '10.50', 'px', '7000');
    expect(h.effectsOf('incrbyfloat', 'f', '0.1')).toEqual(['0: SET f 10.6 KEEPTTL']);
    expect(h.run('pttl', 'f')).toBe(7000);
    expect(h.effectsOf('incrbyfloat', 'new', '5.0e3')).toEqual(['0: SET new 5000 KEEPTTL']);
  });

  it('fails on NaN/infinite results, bad numbers and lists, changing nothing', () => {
    const h = createHarness();
    expect(h.run('incrbyfloat', 'f', 'inf')).toBe('-ERR increment would produce NaN or Infinity');
    expect(h.run('incrbyfloat', 'f', 'abc')).toBe('-ERR value is not a valid float');
    expect(h.run('incrbyfloat', 'f', ' 1')).toBe('-ERR value is not a valid float');
    h.run('set', 's', 'abc');
    expect(h.run('incrbyfloat', 's', '1')).toBe('-ERR value is not a valid float');
    h.run('lpush', 'l', 'a');
    expect(h.run('incrbyfloat', 'l', '1')).toBe('-WRONGTYPE Operation against a key holding the wrong kind of value');
    expect(h.run('exists', 'f')).toBe(0);
    expect(h.keyspace.dirty).toBe(2);
  });
});
