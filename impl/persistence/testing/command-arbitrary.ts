/**
 * Test support: fast-check arbitraries for command sequences that exercise a point-in-time
 * snapshot: writes of every type, deletes, expiries (relative, absolute past, persist), lazy
 * expiry by access, SELECT over three databases, MULTI/EXEC, FLUSHDB and FLUSHALL, with clock
 * advances, active-expiry cycles and background slices interleaved.
 *
 * Invariant: argv are plain ASCII commands the keyspace knows (unknown ones only on purpose);
 * every step kind the property tests handle is listed in `SnapshotStep`.
 */
import fc from 'fast-check';

const key = fc.constantFrom('a', 'b', 'c', 'd', 'e');
const value = fc.constantFrom('1', '2', 'x', 'long-value-'.repeat(3), '', '-3');
const member = fc.constantFrom('m1', 'm2', 'm3', '7');
const some = <T>(arbitrary: fc.Arbitrary<T>) => fc.array(arbitrary, { minLength: 1, maxLength: 3 });

export const writeCommand: fc.Arbitrary<string[]> = fc
  .oneof(
    { weight: 4, arbitrary: fc.tuple(key, value, fc.constantFrom([], ['px', '40'], ['ex', '1'], ['keepttl'], ['nx'])).map(([k, v, options]) => ['set', k, v, ...options]) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom('get', 'incr', 'del', 'persist', 'ttl', 'exists'), key) },
    { weight: 1, arbitrary: some(fc.tuple(key, value)).map((pairs) => ['mset', ...pairs.flat()]) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom('pexpire', 'expire'), key, fc.constantFrom('30', '1', '-1', '100')) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom('rpush', 'lpush', 'sadd', 'srem'), key, some(member)).map(([name, k, items]) => [name, k, ...items]) },
    { weight: 1, arbitrary: fc.tuple(key, some(fc.tuple(member, value))).map(([k, pairs]) => ['hset', k, ...pairs.flat()]) },
    { weight: 1, arbitrary: fc.tuple(key, some(fc.tuple(fc.constantFrom('1', '2.5', '-1'), member))).map(([k, pairs]) => ['zadd', k, ...pairs.flat()]) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom('lpop', 'spop', 'getdel'), key) },
    { weight: 2, arbitrary: fc.constantFrom(['select', '0'], ['select', '1'], ['select', '2']) },
    { weight: 1, arbitrary: fc.constantFrom(['multi'], ['exec'], ['discard']) },
    { weight: 1, arbitrary: fc.constantFrom(['flushdb'], ['flushall']) },
  )
  .map((argv): string[] => [...argv]);

export type SnapshotStep =
  | { readonly kind: 'command'; readonly client: 0 | 1; readonly argv: readonly string[] }
  | { readonly kind: 'advance'; readonly ms: number }
  | { readonly kind: 'activeExpire' }
  | { readonly kind: 'slice' };

export const snapshotStep: fc.Arbitrary<SnapshotStep> = fc.oneof(
  { weight: 10, arbitrary: fc.tuple(fc.constantFrom<0 | 1>(0, 1), writeCommand).map(([client, argv]): SnapshotStep => ({ kind: 'command', client, argv })) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 60 }).map((ms): SnapshotStep => ({ kind: 'advance', ms })) },
  { weight: 1, arbitrary: fc.constant<SnapshotStep>({ kind: 'activeExpire' }) },
  { weight: 6, arbitrary: fc.constant<SnapshotStep>({ kind: 'slice' }) },
);

/** Initial population: plain writes in dbs 0..2 (no flushes, no transactions). */
export const populationCommand: fc.Arbitrary<string[]> = writeCommand.filter((argv) => !['flushdb', 'flushall', 'multi', 'exec', 'discard'].includes(argv[0] ?? ''));
