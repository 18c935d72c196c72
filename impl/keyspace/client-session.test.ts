/**
 * Goal: what ClientSession adds around the commands: a session made with `propagate: false`
 * (the AOF loader's fake client) runs every command exactly as a propagating one (replies,
 * keyspace with versions, dirty, selected db) and only reports no effects; `lookup` is
 * ASCII-case-insensitive whatever spelling it found before (it remembers the last one), host
 * commands first; `executeLookedUp` with the looked-up spec is `execute`.
 * Method: the same script on two keyspaces on manual clocks, one session of each kind; lookups
 * of one name in many spellings interleaved with other names.
 */
import { describe, expect, it } from 'vitest';
import { ClientSession } from './client-session.ts';
import type { CommandEnvironment } from './command-context.ts';
import { command } from './command-spec.ts';
import { lookupCommand } from './command-table.ts';
import { Keyspace } from './keyspace.ts';
import { integerReply } from './reply.ts';
import { snapshotKeyspace } from './testing/observer-audit.ts';
import { ManualClock, lines, show } from './testing/session-harness.ts';

const script: Array<string[] | { advance: number }> = [
  ['SET', 'a', '1', 'PX', '100'],
  ['set', 'b', 'x', 'EX', '10', 'GET'],
  ['SADD', 's', 'm1', 'm2', 'm3'],
  ['EXPIRE', 's', '1000'],
  { advance: 200 },
  ['GET', 'a'],
  ['SPOP', 's', '2'],
  ['MULTI'],
  ['INCR', 'n'],
  ['RPUSH', 'l', 'v1', 'v2'],
  ['SELECT', '3'],
  ['SET', 'c', 'y'],
  ['EXEC'],
  ['APPEND', 'c', 'z'],
  ['FLUSHDB'],
  ['SELECT', '0'],
  ['GETDEL', 'b'],
  ['SET', 'n', '5', 'KEEPTTL'],
  ['NOPE', 'x'],
  ['SET', 'a'],
];

function runScript(propagate: boolean) {
  const clock = new ManualClock();
  const keyspace = new Keyspace({ now: clock.now });
  let draws = 0;
  const session = new ClientSession({ keyspace, random: () => [0.1, 0.7, 0.4][draws++ % 3] ?? 0 }, { propagate });
  const replies = [];
  const effects: string[] = [];
  for (const step of script) {
    if ('advance' in step) {
      clock.advance(step.advance);
      continue;
    }
    const result = session.execute(step);
    replies.push(show(result.reply));
    effects.push(...lines(result.effects));
  }
  return { replies, effects, keyspace: snapshotKeyspace(keyspace), dirty: keyspace.dirty, epoch: keyspace.epoch, db: session.db };
}

describe('ClientSession', () => {
  it('propagate: false changes nothing but the effects, which are none', () => {
    const propagating = runScript(true);
    const silent = runScript(false);
    expect(propagating.effects.length).toBeGreaterThan(5);
    expect(propagating.effects).toContain('0: DEL a');
    expect(silent.effects).toEqual([]);
    expect({ ...silent, effects: null }).toEqual({ ...propagating, effects: null });
  });

  it('looks names up ASCII-case-insensitively in any order of spellings, host commands first', () => {
    const clock = new ManualClock();
    const keyspace = new Keyspace({ now: clock.now });
    const hostGet = command('get', 2, false, () => integerReply(42));
    const environment: CommandEnvironment = { keyspace, random: () => 0, hostCommands: new Map([['get', hostGet]]) };
    const session = new ClientSession(environment);
    const set = lookupCommand('set');
    for (const name of ['SET', 'SET', 'set', 'nope', 'SeT', 'sET', 'SET\0', 'SETX', 's\u00c9t', 'SET', 'GET', 'get', 'SET', 'gEt', 'ge', '']) {
      const expected = { set: set, get: hostGet }[name.replace(/[A-Z]/g, (char) => char.toLowerCase())];
      expect(session.lookup(name), name).toBe(expected);
    }
    expect(show(session.execute(['GET', 'k']).reply)).toBe(42);
    expect(show(session.executeLookedUp(['SET', 'k', 'v'], session.lookup('SET')).reply)).toBe('+OK');
    expect(show(session.executeLookedUp(['NOPE'], session.lookup('NOPE')).reply)).toBe("-ERR unknown command 'NOPE', with args beginning with: ");
    expect(keyspace.peek(0, 'k')?.value).toEqual({ type: 'string', value: 'v' });
  });
});
