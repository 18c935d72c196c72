/**
 * Goal: MULTI/EXEC/DISCARD semantics and the MULTI/EXEC wrapping of propagated effects, as
 * redis-server 7.0.15 (replies and AOF contents observed on a live server).
 * Method: commands through ClientSessions on a manual clock.
 */
import { describe, expect, it } from 'vitest';
import { ClientSession } from './client-session.ts';
import { Keyspace } from './keyspace.ts';
import { lines, show } from './testing/session-harness.ts';
import { createHarness } from './testing/session-harness.ts';

const execAbort = '-EXECABORT Transaction discarded because of previous errors.';

describe('MULTI / EXEC / DISCARD', () => {
  it('queues commands and runs them at EXEC, errors inside EXEC not stopping the others', () => {
    const h = createHarness();
    expect(h.run('multi')).toBe('+OK');
    expect(h.run('set', 'a', '3')).toBe('+QUEUED');
    expect(h.run('lpush', 'a', 'x')).toBe('+QUEUED');
    expect(h.run('incr', 'a')).toBe('+QUEUED');
    expect(h.run('get', 'a')).toBe('+QUEUED');
    expect(h.run('exists', 'a')).toBe('+QUEUED');
    expect(h.run('exec')).toEqual(['+OK', '-WRONGTYPE Operation against a key holding the wrong kind of value', 4, '4', 1]);
    expect(h.session.inTransaction).toBe(false);
  });

  it('answers EXECABORT after a queued unknown command or arity error, running nothing', () => {
    for (const bad of [['foo', 'bar'], ['set', 'a']]) {
      const h = createHarness();
      h.run('multi');
      h.run('set', 'a', '1');
      expect(h.run(...bad)).toMatch(/^-ERR (unknown command|wrong number of arguments)/);
      expect(h.call('exec')).toEqual({ reply: { kind: 'error', message: execAbort.slice(1) }, effects: [] });
      expect(h.run('exists', 'a')).toBe(0);
      expect(h.session.inTransaction).toBe(false);
    }
  });

  it('does not abort for a nested MULTI, and runs syntax errors at EXEC time', () => {
    const h = createHarness();
    h.run('multi');
    expect(h.run('multi')).toBe('-ERR MULTI calls can not be nested');
    h.run('set', 'a', '1', 'badopt');
    h.run('set', 'b', '1');
    expect(h.run('exec')).toEqual(['-ERR syntax error', '+OK']);
  });

  it('rejects EXEC and DISCARD outside a transaction, and DISCARD drops the queue', () => {
    const h = createHarness();
    expect(h.run('exec')).toBe('-ERR EXEC without MULTI');
    expect(h.run('discard')).toBe('-ERR DISCARD without MULTI');
    h.run('multi');
    h.run('set', 'a', '1');
    h.run('select', '2');
    expect(h.call('discard')).toEqual({ reply: { kind: 'simple', value: 'OK' }, effects: [] });
    expect(h.run('exists', 'a')).toBe(0);
    expect(h.session.db).toBe(0);
  });

  it('keeps queues per client: another client runs normally meanwhile', () => {
    const h = createHarness();
    const other = new ClientSession(h.environment);
    h.run('multi');
    h.run('set', 'a', '1');
    expect(show(other.execute(['set', 'a', '2']).reply)).toBe('+OK');
    expect(h.session.queuedCommands).toEqual([{ argv: ['set', 'a', '1'], write: true }]);
    h.run('exec');
    expect(show(other.execute(['get', 'a']).reply)).toBe('1');
  });
});

describe('propagation of a transaction', () => {
  it('leaves a single write bare and wraps two or more in MULTI/EXEC with their dbs', () => {
    const h = createHarness();
    h.run('multi');
    h.run('set', 'a', '2');
    h.run('get', 'a');
    expect(lines(h.call('exec').effects)).toEqual(['0: set a 2']);
    h.run('multi');
    h.run('set', 'a', '3');
    h.run('select', '2');
    h.run('set', 'b', '2');
    h.run('incr', 'nokey');
    h.run('lpush', 'b', 'x');
    expect(lines(h.call('exec').effects)).toEqual(['0: MULTI', '0: set a 3', '2: set b 2', '2: incr nokey', '2: EXEC']);
    expect(h.session.db).toBe(2);
  });

  it('propagates nothing for a read-only or all-failing transaction', () => {
    const h = createHarness();
    h.run('multi');
    h.run('get', 'a');
    h.run('set', 'a', 'v', 'nx', 'xx');
    expect(h.call('exec').effects).toEqual([]);
  });

  it('reads the clock once per EXEC: every queued command sees the same time', () => {
    let nowMs = 1_000_000;
    const keyspace = new Keyspace({ now: () => (nowMs += 10) });
    const session = new ClientSession({ keyspace, random: () => 0 });
    for (const argv of [['multi'], ['set', 'k', 'v', 'px', '5'], ['pttl', 'k'], ['get', 'k']]) session.execute(argv);
    expect(show(session.execute(['exec']).reply)).toEqual(['+OK', 5, 'v']);
    expect(show(session.execute(['get', 'k']).reply)).toBeNull();
  });

  it('wraps an expiry DEL found inside EXEC together with the writes', () => {
    const h = createHarness();
    h.run('set', 'e', '1', 'px', '30');
    h.clock.advance(31);
    h.run('multi');
    h.run('get', 'e');
    h.run('set', 'e2', '1');
    expect(lines(h.call('exec').effects)).toEqual(['0: MULTI', '0: DEL e', '0: set e2 1', '0: EXEC']);
  });
});
