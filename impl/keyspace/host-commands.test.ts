/**
 * Goal: the two hooks the host (the persistence layer) uses on a session: host commands, which
 * extend or replace the keyspace's table directly and inside MULTI/EXEC, and `reject`, Redis's
 * rejectCommand (the reply observed on redis-server 7.0.15 for a MISCONF-refused EXEC:
 * "EXECABORT Transaction discarded because of: MISCONF ...").
 * Method: sessions over a harness environment with a small host table; replies and effects read
 * back with the harness renderers.
 */
import { describe, expect, it } from 'vitest';
import { ClientSession } from './client-session.ts';
import type { CommandEnvironment } from './command-context.ts';
import { type CommandSpec, command } from './command-spec.ts';
import { lookupCommand } from './command-table.ts';
import { integerReply } from './reply.ts';
import { createHarness, lines, show } from './testing/session-harness.ts';

function hostSession(log: string[]) {
  const h = createHarness();
  const flushall = lookupCommand('flushall');
  if (flushall === undefined) throw new Error('flushall is in the table');
  const host: CommandSpec[] = [
    command('hello', 1, false, () => {
      log.push('hello');
      return integerReply(log.length);
    }),
    command('flushall', -1, true, (context) => {
      const reply = flushall.handler(context);
      log.push(`flushed, dirty=${context.keyspace.dirty}`);
      return reply;
    }),
  ];
  const environment: CommandEnvironment = { ...h.environment, hostCommands: new Map(host.map((spec) => [spec.name, spec])) };
  return { h, session: new ClientSession(environment) };
}

describe('host commands', () => {
  it('runs a host command directly and looks it up case-insensitively', () => {
    const log: string[] = [];
    const { session } = hostSession(log);
    expect(show(session.execute(['HeLLo']).reply)).toBe(1);
    expect(session.lookup('HELLO')?.name).toBe('hello');
    expect(session.lookup('get')?.name).toBe('get');
    expect(session.lookup('nosuch')).toBeUndefined();
  });

  it('queues host commands in MULTI and runs them in order at EXEC (hello, set, hello)', () => {
    const log: string[] = [];
    const { session } = hostSession(log);
    session.execute(['multi']);
    expect(show(session.execute(['hello']).reply)).toBe('+QUEUED');
    session.execute(['set', 'k', 'v']);
    session.execute(['hello']);
    expect(log).toEqual([]);
    expect(show(session.execute(['exec']).reply)).toEqual([1, '+OK', 2]);
  });

  it('replaces a keyspace command: the host FLUSHALL wraps the keyspace one and keeps its effects', () => {
    const log: string[] = [];
    const { session } = hostSession(log);
    session.execute(['set', 'k', 'v']);
    const result = session.execute(['flushall']);
    expect(show(result.reply)).toBe('+OK');
    expect(lines(result.effects)).toEqual(['0: flushall']);
    expect(log).toEqual(['flushed, dirty=2']);
  });

  it('keeps the arity check for host commands (hello x)', () => {
    const { session } = hostSession([]);
    expect(show(session.execute(['hello', 'x']).reply)).toBe("-ERR wrong number of arguments for 'hello' command");
  });
});

describe('reject (rejectCommand)', () => {
  const misconf = 'MISCONF stand-in';

  it('answers the error and runs nothing outside a transaction', () => {
    const h = createHarness();
    const result = h.session.reject(['set', 'k', 'v'], misconf);
    expect(show(result.reply)).toBe(`-${misconf}`);
    expect(result.effects).toEqual([]);
    expect(h.run('get', 'k')).toBeNull();
  });

  it('flags an open transaction so EXEC aborts (rejected SET inside MULTI)', () => {
    const h = createHarness();
    h.run('multi');
    h.run('set', 'a', '1');
    expect(show(h.session.reject(['set', 'k', 'v'], misconf).reply)).toBe(`-${misconf}`);
    expect(h.run('exec')).toBe('-EXECABORT Transaction discarded because of previous errors.');
    expect(h.run('get', 'a')).toBeNull();
  });

  it('discards the transaction when EXEC itself is rejected, naming the error', () => {
    const h = createHarness();
    h.run('multi');
    h.run('set', 'a', '1');
    expect(show(h.session.reject(['EXEC'], misconf).reply)).toBe(`-EXECABORT Transaction discarded because of: ${misconf}`);
    expect(h.session.inTransaction).toBe(false);
    expect(h.run('exec')).toBe('-ERR EXEC without MULTI');
    expect(h.run('get', 'a')).toBeNull();
  });

  it('does not disturb a later transaction once the rejected one ended', () => {
    const h = createHarness();
    h.session.reject(['set', 'k', 'v'], misconf);
    h.run('multi');
    h.run('set', 'a', '1');
    expect(h.run('exec')).toEqual(['+OK']);
  });
});
