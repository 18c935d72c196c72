/**
 * Goal: SADD/SREM/SMEMBERS/SPOP/SISMEMBER replies, errors, dirty and propagation (SPOP's rewrite
 * to SREM/DEL), as redis-server 7.0.15 (observed on a live server with appendonly yes).
 * Method: commands through a ClientSession whose random source is scripted, so SPOP is
 * deterministic.
 */
import { describe, expect, it } from 'vitest';
import { createHarness } from './testing/session-harness.ts';

describe('SADD / SREM / SISMEMBER / SMEMBERS', () => {
  it('adds and removes members, replying how many changed; dirty and propagation follow', () => {
    const h = createHarness();
    expect(h.run('sadd', 's', 'a', 'b', 'c')).toBe(3);
    expect(h.call('sadd', 's', 'a')).toEqual({ reply: { kind: 'integer', value: 0 }, effects: [] });
    expect(h.dirtyOf('sadd', 's', 'a', 'd', 'd')).toBe(1);
    expect(h.effectsOf('srem', 's', 'a', 'z')).toEqual(['0: srem s a z']);
    expect(h.run('sismember', 's', 'b')).toBe(1);
    expect(h.run('sismember', 's', 'a')).toBe(0);
    expect(h.run('sismember', 'nokey', 'a')).toBe(0);
    expect(h.run('srem', 'nokey', 'a')).toBe(0);
  });

  it('deletes a set emptied by SREM', () => {
    const h = createHarness();
    h.run('sadd', 's', 'a');
    expect(h.run('srem', 's', 'a', 'a')).toBe(1);
    expect(h.run('exists', 's')).toBe(0);
  });

  it('lists integer sets in numeric order (an intset) and others in insertion order', () => {
    const h = createHarness();
    h.run('sadd', 'n', '10', '-3', '2');
    expect(h.run('smembers', 'n')).toEqual(['-3', '2', '10']);
    h.run('sadd', 'm', 'x', '1', 'a');
    expect(h.run('smembers', 'm')).toEqual(['x', '1', 'a']);
    expect(h.run('smembers', 'nokey')).toEqual([]);
  });

  it('is WRONGTYPE on a string', () => {
    const h = createHarness();
    h.run('set', 'k', 'v');
    expect(h.run('sadd', 'k', 'a')).toBe('-WRONGTYPE Operation against a key holding the wrong kind of value');
  });
});

describe('SPOP', () => {
  it('pops one random member and propagates SREM k m, also when the set empties', () => {
    const h = createHarness([0.99]);
    h.run('sadd', 's', 'a', 'b');
    expect(h.call('spop', 's')).toEqual({ reply: { kind: 'bulk', value: 'b' }, effects: [{ db: 0, argv: ['SREM', 's', 'b'] }] });
    expect(h.effectsOf('spop', 's')).toEqual(['0: SREM s a']);
    expect(h.run('exists', 's')).toBe(0);
    expect(h.run('spop', 's')).toBeNull();
  });

  it('with a count below the size propagates one SREM per member, wrapped in MULTI/EXEC', () => {
    const h = createHarness([0]);
    h.run('sadd', 's', 'a', 'b', 'c', 'd', 'e');
    const result = h.call('spop', 's', '2');
    expect(result.reply).toEqual({ kind: 'array', items: [{ kind: 'bulk', value: 'a' }, { kind: 'bulk', value: 'b' }] });
    expect(result.effects.map((effect) => effect.argv.join(' '))).toEqual(['MULTI', 'SREM s a', 'SREM s b', 'EXEC']);
    expect(h.run('smembers', 's')).toEqual(['c', 'd', 'e']);
  });

  it('with count 1 propagates a single bare SREM', () => {
    const h = createHarness([0]);
    h.run('sadd', 's', 'a', 'b');
    expect(h.effectsOf('spop', 's', '1')).toEqual(['0: SREM s a']);
  });

  it('with a count covering the set replies all members and propagates DEL k, dirty + size', () => {
    const h = createHarness();
    h.run('sadd', 's', 'a', 'b', 'c');
    const before = h.keyspace.dirty;
    expect(h.call('spop', 's', '10')).toEqual({
      reply: { kind: 'array', items: ['a', 'b', 'c'].map((value) => ({ kind: 'bulk', value })) },
      effects: [{ db: 0, argv: ['DEL', 's'] }],
    });
    expect(h.keyspace.dirty - before).toBe(3);
  });

  it('counts dirty + count for a partial pop and nothing for count 0 or a missing key', () => {
    const h = createHarness([0.3, 0.6]);
    h.run('sadd', 's', 'a', 'b', 'c', 'd', 'e');
    expect(h.dirtyOf('spop', 's', '2')).toBe(2);
    expect(h.call('spop', 's', '0')).toEqual({ reply: { kind: 'array', items: [] }, effects: [] });
    expect(h.call('spop', 'nokey', '2')).toEqual({ reply: { kind: 'array', items: [] }, effects: [] });
  });

  it.each([
    [['spop', 's', '-1'], '-ERR value is out of range, must be positive'],
    [['spop', 's', 'abc'], '-ERR value is out of range, must be positive'],
    [['spop', 's', '1', '2'], '-ERR syntax error'],
  ])('%j fails with %s', (argv, error) => {
    const h = createHarness();
    h.run('sadd', 's', 'a');
    expect(h.run(...argv)).toBe(error);
  });

  it('refuses a random source outside [0, 1)', () => {
    const h = createHarness([1]);
    h.run('sadd', 's', 'a', 'b');
    expect(() => h.run('spop', 's')).toThrow(/random source/);
  });
});
