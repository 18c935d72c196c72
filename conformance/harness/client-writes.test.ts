/**
 * Goal: the shadow of the dataset gives the model exactly the writes Redis 7.0 propagates:
 * changes produce ops, no-ops produce none, a lazily expired key yields its DEL first, and the
 * canonical values equal those derived from the implementation's values.
 * Method: examples on a fresh shadow.
 */
import { describe, expect, it } from 'vitest';
import { abstractValue, applyClientWrite, type ShadowDataset } from './client-writes.ts';

describe('client writes as model ops', () => {
  it('changes give ops; no-ops (DEL/PERSIST/PEXPIRE of a missing key, SADD/ZADD of what is there) give none', () => {
    const shadow: ShadowDataset = new Map();
    expect(applyClientWrite(shadow, { kind: 'del', key: 's:1' }, 0)).toEqual([]);
    expect(applyClientWrite(shadow, { kind: 'persist', key: 's:1' }, 0)).toEqual([]);
    expect(applyClientWrite(shadow, { kind: 'pexpire', key: 's:1', ttlMs: 100 }, 0)).toEqual([]);
    expect(applyClientWrite(shadow, { kind: 'sadd', key: 'S:1', member: 'm' }, 0)).toHaveLength(1);
    expect(applyClientWrite(shadow, { kind: 'sadd', key: 'S:1', member: 'm' }, 0)).toEqual([]);
    expect(applyClientWrite(shadow, { kind: 'zadd', key: 'z:1', score: 1, member: 'a' }, 0)).toHaveLength(1);
    expect(applyClientWrite(shadow, { kind: 'zadd', key: 'z:1', score: 1, member: 'a' }, 0)).toEqual([]);
    expect(applyClientWrite(shadow, { kind: 'zadd', key: 'z:1', score: 2, member: 'a' }, 0)).toHaveLength(1);
    expect(applyClientWrite(shadow, { kind: 'set', key: 's:1', value: 'v' }, 0)).toEqual([{ op: 'set', key: '0:s:1', value: 'string:v', expireAtMs: null }]);
    expect(applyClientWrite(shadow, { kind: 'persist', key: 's:1' }, 0)).toEqual([]);
  });

  it('an expired key is deleted by the lookup (its DEL first), then the command runs on nothing', () => {
    const shadow: ShadowDataset = new Map();
    applyClientWrite(shadow, { kind: 'set', key: 'c:1', value: '5', ttlMs: 100 }, 0);
    expect(applyClientWrite(shadow, { kind: 'incr', key: 'c:1' }, 100)).toEqual([{ op: 'set', key: '0:c:1', value: 'string:6', expireAtMs: 100 }]);
    expect(applyClientWrite(shadow, { kind: 'incr', key: 'c:1' }, 101)).toEqual([{ op: 'del', key: '0:c:1' }, { op: 'set', key: '0:c:1', value: 'string:1', expireAtMs: null }]);
    applyClientWrite(shadow, { kind: 'set', key: 's:2', value: 'x', ttlMs: 10 }, 0);
    expect(applyClientWrite(shadow, { kind: 'del', key: 's:2' }, 11)).toEqual([{ op: 'del', key: '0:s:2' }]);
  });

  it('PEXPIRE to the past is a DEL; INCR, RPUSH and HSET keep the TTL', () => {
    const shadow: ShadowDataset = new Map();
    applyClientWrite(shadow, { kind: 'rpush', key: 'l:1', items: ['a'] }, 0);
    expect(applyClientWrite(shadow, { kind: 'pexpire', key: 'l:1', ttlMs: 50 }, 0)).toEqual([{ op: 'expire', key: '0:l:1', expireAtMs: 50 }]);
    expect(applyClientWrite(shadow, { kind: 'rpush', key: 'l:1', items: ['b'] }, 10)).toEqual([{ op: 'set', key: '0:l:1', value: 'list:["a","b"]', expireAtMs: 50 }]);
    expect(applyClientWrite(shadow, { kind: 'pexpire', key: 'l:1', ttlMs: 0 }, 10)).toEqual([{ op: 'del', key: '0:l:1' }]);
  });

  it('canonical values match the implementation values of the same data', () => {
    const shadow: ShadowDataset = new Map();
    applyClientWrite(shadow, { kind: 'hset', key: 'h:1', field: 'b', value: '2' }, 0);
    applyClientWrite(shadow, { kind: 'hset', key: 'h:1', field: 'a', value: '1' }, 0);
    applyClientWrite(shadow, { kind: 'zadd', key: 'z:1', score: 2, member: 'x' }, 0);
    applyClientWrite(shadow, { kind: 'zadd', key: 'z:1', score: 1, member: 'y' }, 0);
    expect(shadow.get('0:h:1')?.value).toBe(abstractValue({ type: 'hash', fields: new Map([['a', '1'], ['b', '2']]) }));
    expect(shadow.get('0:z:1')?.value).toBe(abstractValue({ type: 'zset', scores: new Map([['x', 2], ['y', 1]]) }));
  });
});
