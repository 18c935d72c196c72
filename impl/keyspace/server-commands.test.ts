/**
 * Goal: key and server commands (DEL, UNLINK, EXISTS, TYPE, DBSIZE, SELECT, FLUSHDB, FLUSHALL,
 * PING), command lookup errors, and per-client db state, as redis-server 7.0.15 (observed).
 * Method: commands through one or two ClientSessions over one keyspace.
 */
import { describe, expect, it } from 'vitest';
import { ClientSession } from './client-session.ts';
import { show } from './testing/session-harness.ts';
import { createHarness } from './testing/session-harness.ts';

describe('command lookup', () => {
  it('matches names case-insensitively and reports unknown commands with their first args', () => {
    const h = createHarness();
    expect(h.run('PiNg')).toBe('+PONG');
    expect(h.run('foo')).toBe("-ERR unknown command 'foo', with args beginning with: ");
    expect(h.run('foo', 'a', 'b')).toBe("-ERR unknown command 'foo', with args beginning with: 'a' 'b' ");
    expect(h.run('foo', 'a b', 'c\r\nd')).toBe("-ERR unknown command 'foo', with args beginning with: 'a b' 'c  d' ");
  });

  it('stops echoing arguments once 128 bytes are written, cutting the last one (as 7.0.15 does)', () => {
    const h = createHarness();
    const reply = h.run('foo', 'x'.repeat(100), 'y'.repeat(100), 'z');
    expect(reply).toBe(`-ERR unknown command 'foo', with args beginning with: '${'x'.repeat(100)}' '${'y'.repeat(25)}' `);
  });

  it('checks arity with the lower-case command name', () => {
    const h = createHarness();
    expect(h.run('GET')).toBe("-ERR wrong number of arguments for 'get' command");
    expect(h.run('ttl')).toBe("-ERR wrong number of arguments for 'ttl' command");
    expect(h.run('ping', 'a', 'b')).toBe("-ERR wrong number of arguments for 'ping' command");
  });
});

describe('DEL / UNLINK / EXISTS / TYPE', () => {
  it('deletes existing keys, counting each once; EXISTS counts repeats', () => {
    const h = createHarness();
    h.run('mset', 'a', '1', 'b', '2');
    expect(h.run('exists', 'a', 'b', 'a', 'nokey')).toBe(3);
    expect(h.call('del', 'a', 'a', 'nokey')).toEqual({ reply: { kind: 'integer', value: 1 }, effects: [{ db: 0, argv: ['del', 'a', 'a', 'nokey'] }] });
    expect(h.dirtyOf('unlink', 'b', 'a')).toBe(1);
    expect(h.call('del', 'nokey')).toEqual({ reply: { kind: 'integer', value: 0 }, effects: [] });
  });

  it('names each type, and none for a missing key', () => {
    const h = createHarness();
    h.run('set', 's', 'v');
    h.run('rpush', 'l', 'a');
    h.run('hset', 'h', 'f', 'v');
    h.run('sadd', 'S', 'a');
    h.run('zadd', 'z', '1', 'a');
    expect(['s', 'l', 'h', 'S', 'z', 'nokey'].map((key) => h.run('type', key))).toEqual(['+string', '+list', '+hash', '+set', '+zset', '+none']);
  });
});

describe('SELECT / DBSIZE', () => {
  it.each([
    ['16', '-ERR DB index is out of range'],
    ['-1', '-ERR DB index is out of range'],
    ['abc', '-ERR value is not an integer or out of range'],
    ['99999999999', '-ERR value is out of range, value must between -2147483648 and 2147483647'],
  ])('SELECT %s fails with %s', (index, error) => {
    const h = createHarness();
    expect(h.run('select', index)).toBe(error);
    expect(h.session.db).toBe(0);
  });

  it('switches only this client’s db; effects carry the db they apply to', () => {
    const h = createHarness();
    const other = new ClientSession(h.environment);
    expect(h.run('select', '3')).toBe('+OK');
    expect(h.effectsOf('set', 'k', 'v')).toEqual(['3: set k v']);
    expect(h.run('dbsize')).toBe(1);
    expect(show(other.execute(['dbsize']).reply)).toBe(0);
    expect(show(other.execute(['get', 'k']).reply)).toBeNull();
    expect(h.keyspace.peek(3, 'k')?.value).toEqual({ type: 'string', value: 'v' });
  });
});

describe('FLUSHDB / FLUSHALL', () => {
  it('always propagate as sent, even on empty databases, adding removed keys to dirty', () => {
    const h = createHarness();
    expect(h.call('flushdb')).toEqual({ reply: { kind: 'simple', value: 'OK' }, effects: [{ db: 0, argv: ['flushdb'] }] });
    expect(h.keyspace.dirty).toBe(0);
    h.run('mset', 'a', '1', 'b', '2');
    h.run('select', '2');
    h.run('set', 'c', '3');
    expect(h.dirtyOf('flushdb', 'ASYNC')).toBe(1);
    h.run('set', 'c', '3');
    expect(h.call('FLUSHALL', 'sync').effects).toEqual([{ db: 2, argv: ['FLUSHALL', 'sync'] }]);
    expect(h.keyspace.nonEmptyDatabases()).toEqual([]);
  });

  it('count expired keys that were not yet deleted, without propagating DELs for them', () => {
    const h = createHarness();
    h.run('set', 'x', '1');
    h.run('set', 'y', '1', 'px', '20');
    h.clock.advance(50);
    const before = h.keyspace.dirty;
    expect(h.effectsOf('flushall')).toEqual(['0: flushall']);
    expect(h.keyspace.dirty - before).toBe(2);
  });

  it.each([['flushdb', 'extra'], ['flushdb', 'sync', 'x'], ['flushall', 'now']])('%s %s… is a syntax error', (...argv) => {
    const h = createHarness();
    h.run('set', 'k', 'v');
    expect(h.call(...argv)).toEqual({ reply: { kind: 'error', message: 'ERR syntax error' }, effects: [] });
    expect(h.run('dbsize')).toBe(1);
  });
});

describe('PING', () => {
  it('answers PONG, or echoes its argument as a bulk string', () => {
    const h = createHarness();
    expect(h.call('ping').reply).toEqual({ kind: 'simple', value: 'PONG' });
    expect(h.call('ping', 'hello').reply).toEqual({ kind: 'bulk', value: 'hello' });
  });
});
