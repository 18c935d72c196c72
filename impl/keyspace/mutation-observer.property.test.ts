/**
 * Goal: the mutation-observer contract holds for any command sequence: every key whose entry
 * changed (value, expiry, version, creation, deletion, expiry by access or by the active cycle,
 * FLUSHDB/FLUSHALL) had beforeMutate(db, key) (or beforeFlush(db)) called first, seeing the
 * entry as it was; written entries get versions above the previous epoch; no collection is left
 * empty; and dirty never decreases.
 * Method: fast-check generates 5–60 steps over two clients (commands of every family on four
 * keys, SELECT, MULTI/EXEC/DISCARD, FLUSHDB/FLUSHALL), clock advances and active-expiry cycles;
 * after each step `observerViolations` audits it. The seed is printed (DURAKV_SEED replays). A
 * second test feeds the audit broken histories, so the property is known to be able to fail.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { propertyParameters } from '../../scripts/testing/property-seed.ts';
import { ClientSession } from './client-session.ts';
import { type ObserverCall, observerViolations, recordingObserver, snapshotKeyspace } from './testing/observer-audit.ts';
import { createHarness } from './testing/session-harness.ts';

const key = fc.constantFrom('a', 'b', 'c', 'd');
const value = fc.constantFrom('1', '2', 'x', '1.5', '', '-3');
const member = fc.constantFrom('m1', 'm2', 'm3');
const some = <T>(arbitrary: fc.Arbitrary<T>) => fc.array(arbitrary, { minLength: 1, maxLength: 3 });
const setOptions = fc.constantFrom([], ['nx'], ['xx'], ['get'], ['keepttl'], ['px', '50'], ['ex', '1'], ['pxat', '1']);

const command: fc.Arbitrary<string[]> = fc
  .oneof(
    fc.tuple(key, value, setOptions).map(([k, v, options]) => ['set', k, v, ...options]),
    fc.tuple(fc.constantFrom('get', 'getdel', 'incr', 'decr', 'type', 'ttl', 'persist', 'llen', 'smembers', 'hgetall'), key),
    fc.tuple(fc.constantFrom('append', 'incrby', 'incrbyfloat'), key, value),
    some(fc.tuple(key, value)).map((pairs) => ['mset', ...pairs.flat()]),
    some(key).map((keys) => ['del', ...keys]),
    fc.tuple(fc.constantFrom('expire', 'pexpire'), key, fc.constantFrom('0', '-1', '1', '30', '100'), fc.constantFrom([], ['nx'], ['xx'], ['gt'], ['lt'])).map(
      ([name, k, time, flags]) => [name, k, time, ...flags],
    ),
    fc.tuple(fc.constantFrom('lpush', 'rpush', 'sadd', 'srem'), key, some(member)).map(([name, k, items]) => [name, k, ...items]),
    fc.tuple(fc.constantFrom('lpop', 'rpop', 'spop'), key, fc.constantFrom([], ['1'], ['2'], ['5'])).map(([name, k, count]) => [name, k, ...count]),
    fc.tuple(key, some(fc.tuple(member, value))).map(([k, pairs]) => ['hset', k, ...pairs.flat()]),
    fc.tuple(fc.constantFrom('hdel', 'zrem'), key, some(member)).map(([name, k, items]) => [name, k, ...items]),
    fc.tuple(key, member, fc.constantFrom('1', '-2', 'x')).map(([k, field, increment]) => ['hincrby', k, field, increment]),
    fc.tuple(key, fc.constantFrom([], ['nx'], ['xx'], ['gt'], ['incr']), some(fc.tuple(fc.constantFrom('1', '2', '-1', 'inf'), member))).map(
      ([k, flags, pairs]) => ['zadd', k, ...flags, ...pairs.flat()],
    ),
    fc.constantFrom(['multi'], ['exec'], ['discard'], ['select', '0'], ['select', '1'], ['flushdb'], ['flushall'], ['foo']),
  )
  .map((argv): string[] => [...argv]);

type Step = { kind: 'command'; client: 0 | 1; argv: string[] } | { kind: 'advance'; ms: number } | { kind: 'activeExpire'; maxKeys: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 12, arbitrary: fc.tuple(fc.constantFrom<0 | 1>(0, 1), command).map(([client, argv]): Step => ({ kind: 'command', client, argv })) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 80 }).map((ms): Step => ({ kind: 'advance', ms })) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 6 }).map((maxKeys): Step => ({ kind: 'activeExpire', maxKeys })) },
);

function emptyCollections(snapshot: ReturnType<typeof snapshotKeyspace>): string[] {
  return [...snapshot].flatMap(([id, entry]) => {
    const value = entry.value as { type: string; items?: unknown[]; fields?: Map<unknown, unknown>; members?: Set<unknown>; scores?: Map<unknown, unknown> };
    const size = value.items?.length ?? value.fields?.size ?? value.members?.size ?? value.scores?.size;
    return size === 0 ? [`${id} holds an empty ${value.type}`] : [];
  });
}

describe('mutation observer contract', () => {
  it('holds after every step of random command sequences', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 5, maxLength: 60 }), fc.array(fc.double({ min: 0, max: 0.999, noNaN: true }), { minLength: 1, maxLength: 5 }), (steps, draws) => {
        const h = createHarness(draws);
        const clients = [h.session, new ClientSession(h.environment)];
        const calls: ObserverCall[] = [];
        h.keyspace.setObserver(recordingObserver(h.keyspace, calls));
        for (const current of steps) {
          const before = snapshotKeyspace(h.keyspace);
          const epochBefore = h.keyspace.epoch;
          const dirtyBefore = h.keyspace.dirty;
          calls.length = 0;
          if (current.kind === 'command') clients[current.client]?.execute(current.argv);
          else if (current.kind === 'advance') h.clock.advance(current.ms);
          else h.keyspace.activeExpireCycle(current.maxKeys);
          const after = snapshotKeyspace(h.keyspace);
          const problems = [...observerViolations(before, after, calls, epochBefore), ...emptyCollections(after)];
          if (h.keyspace.epoch < epochBefore) problems.push('epoch went backwards');
          if (h.keyspace.dirty < dirtyBefore) problems.push('dirty went backwards');
          expect(problems, `after ${JSON.stringify(current)}`).toEqual([]);
        }
      }),
      propertyParameters('mutation observer contract', 300),
    );
  });

  it('audit reports a change made behind the observer’s back or announced too late', () => {
    const h = createHarness();
    const calls: ObserverCall[] = [];
    h.keyspace.setObserver(recordingObserver(h.keyspace, calls));
    h.run('rpush', 'l', 'a');
    let before = snapshotKeyspace(h.keyspace);
    calls.length = 0;
    const view = h.keyspace.peek(0, 'l')?.value as unknown as { items: string[] };
    view.items.push('sneaky');
    expect(observerViolations(before, snapshotKeyspace(h.keyspace), calls, h.keyspace.epoch)).toEqual(['0/l changed without an observer call']);
    before = snapshotKeyspace(h.keyspace);
    const epochBefore = h.keyspace.epoch;
    view.items.push('early');
    h.keyspace.touch(0, 'l');
    const problems = observerViolations(before, snapshotKeyspace(h.keyspace), calls, epochBefore);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^0\/l: the first observer call saw .*early/);
  });
});
