/**
 * Goal: expiry semantics (lazy expiry at exactly now > deadline, TTL/PTTL, EXPIRE family with
 * NX/XX/GT/LT, PERSIST) and their propagation, as redis-server 7.0.15 (errors and AOF lines
 * observed on a live server).
 * Method: commands through a ClientSession whose clock only moves when the test advances it.
 */
import { describe, expect, it } from 'vitest';
import { createHarness, startMs } from './testing/session-harness.ts';

describe('expiry deadline', () => {
  it('keeps a key alive at exactly its deadline and drops it 1 ms later', () => {
    const h = createHarness();
    h.run('set', 'k', 'v', 'px', '100');
    h.clock.advance(100);
    expect(h.run('get', 'k')).toBe('v');
    expect(h.run('pttl', 'k')).toBe(0);
    expect(h.run('ttl', 'k')).toBe(0);
    h.clock.advance(1);
    expect(h.run('get', 'k')).toBeNull();
    expect(h.run('ttl', 'k')).toBe(-2);
  });

  it('answers TTL -2 for a missing key, -1 without expiry, and rounds to the nearest second', () => {
    const h = createHarness();
    expect(h.run('ttl', 'nokey')).toBe(-2);
    expect(h.run('pttl', 'nokey')).toBe(-2);
    h.run('set', 'k', 'v');
    expect(h.run('ttl', 'k')).toBe(-1);
    expect(h.run('pttl', 'k')).toBe(-1);
    for (const [ms, seconds] of [['1500', 2], ['1499', 1], ['400', 0]] as const) {
      h.run('pexpire', 'k', ms);
      expect(h.run('ttl', 'k')).toBe(seconds);
    }
  });

  it('propagates DEL for a key found expired, before the command itself, wrapped when both go out', () => {
    const h = createHarness();
    h.run('set', 'a', '1', 'px', '20');
    h.run('set', 'b', '1', 'px', '20');
    h.clock.advance(21);
    expect(h.effectsOf('exists', 'a')).toEqual(['0: DEL a']);
    expect(h.effectsOf('set', 'b', '2')).toEqual(['0: MULTI', '0: DEL b', '0: set b 2', '0: EXEC']);
  });

  it('replies 0 to DEL/EXPIRE/GETDEL of an expired key while still propagating its DEL', () => {
    const h = createHarness();
    for (const key of ['a', 'b', 'c']) h.run('set', key, '1', 'px', '20');
    h.clock.advance(50);
    expect(h.call('del', 'a')).toEqual({ reply: { kind: 'integer', value: 0 }, effects: [{ db: 0, argv: ['DEL', 'a'] }] });
    expect(h.call('expire', 'b', '100')).toEqual({ reply: { kind: 'integer', value: 0 }, effects: [{ db: 0, argv: ['DEL', 'b'] }] });
    expect(h.effectsOf('getdel', 'c')).toEqual(['0: DEL c']);
    expect(h.keyspace.dirty).toBe(3);
  });

  it('keeps expired keys in DBSIZE until they are touched', () => {
    const h = createHarness();
    h.run('set', 'x', '1');
    h.run('set', 'y', '1', 'px', '20');
    h.clock.advance(50);
    expect(h.run('dbsize')).toBe(2);
    h.run('get', 'y');
    expect(h.run('dbsize')).toBe(1);
  });

  it('expires nothing while loading, keeping past deadlines as TTLs (AOF replay)', () => {
    const h = createHarness();
    h.keyspace.loading = true;
    expect(h.effectsOf('pexpireat', 'nokey', '1')).toEqual([]);
    h.run('rpush', 'list', 'a');
    expect(h.run('pexpireat', 'list', '1000')).toBe(1);
    expect(h.run('rpush', 'list', 'b')).toBe(2);
    h.keyspace.loading = false;
    expect(h.run('llen', 'list')).toBe(0);
  });
});

describe('EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT', () => {
  it.each([
    [['expire', 'k', 'abc'], '-ERR value is not an integer or out of range'],
    [['expire', 'k', '10', 'foo'], '-ERR Unsupported option foo'],
    [['expire', 'k', 'abc', 'foo'], '-ERR Unsupported option foo'],
    [['expire', 'k', '10', 'nx', 'xx'], '-ERR NX and XX, GT or LT options at the same time are not compatible'],
    [['expire', 'k', '10', 'nx', 'gt'], '-ERR NX and XX, GT or LT options at the same time are not compatible'],
    [['expire', 'k', '10', 'gt', 'lt'], '-ERR GT and LT options at the same time are not compatible'],
    [['expire', 'k', '9223372036854775807'], "-ERR invalid expire time in 'expire' command"],
    [['expire', 'k', '9223372036854775'], "-ERR invalid expire time in 'expire' command"],
    [['expire', 'k', '-9223372036854775808'], "-ERR invalid expire time in 'expire' command"],
    [['pexpire', 'k', '9223372036854775807'], "-ERR invalid expire time in 'pexpire' command"],
    [['expire', 'k'], "-ERR wrong number of arguments for 'expire' command"],
  ])('%j fails with %s', (argv, error) => {
    const h = createHarness();
    h.run('set', 'k', 'v');
    expect(h.run(...argv)).toBe(error);
    expect(h.run('ttl', 'k')).toBe(-1);
  });

  it('rewrites relative and second-based times to PEXPIREAT <absolute ms>, keeping the flags as sent', () => {
    const h = createHarness();
    h.run('set', 'k', 'v');
    expect(h.effectsOf('expire', 'k', '100', 'nx')).toEqual([`0: PEXPIREAT k ${startMs + 100_000} nx`]);
    expect(h.effectsOf('pexpire', 'k', '200000', 'GT')).toEqual([`0: PEXPIREAT k ${startMs + 200_000} GT`]);
    expect(h.effectsOf('expireat', 'k', '1800000000')).toEqual(['0: PEXPIREAT k 1800000000000']);
    expect(h.effectsOf('pexpireat', 'k', '1800000000001')).toEqual(['0: pexpireat k 1800000000001']);
    expect(h.run('pttl', 'k')).toBe(1800000000001 - startMs);
  });

  it.each([['expire', 'k', '0'], ['expire', 'k', '-1'], ['pexpireat', 'k', String(startMs)], ['expire', 'k', '-9223372036854775']])(
    '%j deletes the key and propagates DEL k (deadline ≤ now)',
    (...argv) => {
      const h = createHarness();
      h.run('set', 'k', 'v');
      expect(h.call(...argv)).toEqual({ reply: { kind: 'integer', value: 1 }, effects: [{ db: 0, argv: ['DEL', 'k'] }] });
      expect(h.run('exists', 'k')).toBe(0);
    },
  );

  it('sets a deadline 1 ms ahead without deleting (PEXPIREAT now+1)', () => {
    const h = createHarness();
    h.run('set', 'k', 'v');
    expect(h.effectsOf('pexpireat', 'k', String(startMs + 1))).toEqual([`0: pexpireat k ${startMs + 1}`]);
  });

  it('applies NX/XX/GT/LT against the current deadline, no deadline counting as infinite', () => {
    const h = createHarness();
    h.run('set', 'k', 'v');
    expect(h.run('expire', 'k', '100', 'xx')).toBe(0);
    expect(h.run('expire', 'k', '100', 'gt')).toBe(0);
    expect(h.run('expire', 'k', '100', 'lt')).toBe(1);
    expect(h.run('expire', 'k', '100', 'nx')).toBe(0);
    expect(h.run('pexpire', 'k', '300', 'gt')).toBe(0);
    expect(h.run('pexpire', 'k', '100000', 'gt')).toBe(0);
    expect(h.run('pexpire', 'k', '100001', 'GT')).toBe(1);
    expect(h.run('pexpire', 'k', '100', 'LT', 'xx')).toBe(1);
    expect(h.run('pttl', 'k')).toBe(100);
  });

  it('changes and propagates nothing for a missing key or a failed condition', () => {
    const h = createHarness();
    expect(h.call('expire', 'missing', '10')).toEqual({ reply: { kind: 'integer', value: 0 }, effects: [] });
    h.run('set', 'k', 'v');
    expect(h.effectsOf('expire', 'k', '10', 'xx')).toEqual([]);
    expect(h.keyspace.dirty).toBe(1);
  });
});

describe('PERSIST', () => {
  it('removes a deadline once (1, then 0) and propagates only the change', () => {
    const h = createHarness();
    h.run('set', 'k', 'v', 'ex', '10');
    expect(h.call('persist', 'k')).toEqual({ reply: { kind: 'integer', value: 1 }, effects: [{ db: 0, argv: ['persist', 'k'] }] });
    expect(h.call('persist', 'k')).toEqual({ reply: { kind: 'integer', value: 0 }, effects: [] });
    expect(h.run('persist', 'nokey')).toBe(0);
    expect(h.run('ttl', 'k')).toBe(-1);
  });
});
