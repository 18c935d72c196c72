/**
 * Goal: RdbSnapshot writes the keyspace as it was at the cut whatever happens between slices
 * (a key created after the cut is absent; one deleted, changed, expired or flushed after it is
 * present with its old value), serializes each entry once, reports copy-on-write bytes (0 with
 * no concurrent writes, > 0 with them), and starts in O(databases): the start does the same
 * keyspace work for 10 and for 10,000 keys and serializes nothing.
 * Method: a Keyspace driven by a ClientSession on a manual clock; the snapshot is the observer
 * (background mode) and its chunks are pulled one slice at a time with commands in between; the
 * concatenated chunks are decoded and compared with a copy taken at the cut. The O(1) check
 * counts keyspace method calls through a Proxy.
 */
import { describe, expect, it } from 'vitest';
import { decodeRdb } from '../encoding/rdb-dataset.ts';
import { canonicalDataset } from '../encoding/testing/dataset-canonical-form.ts';
import { ClientSession, Keyspace } from '../keyspace/index.ts';
import type { DatabaseContents } from '../values/redis-value.ts';
import { RdbSnapshot, type SnapshotMode } from './rdb-snapshot.ts';
import { rdbSnapshotFormat } from './snapshot-format.ts';
import { TestClock } from './testing/store-harness.ts';

const encoder = { aof: false, ctimeSeconds: 1_700_000_000, usedMemory: 0, compression: true };

function setup() {
  const clock = new TestClock();
  const keyspace = new Keyspace({ now: () => clock.nowMs() });
  const session = new ClientSession({ keyspace, random: () => 0.5 });
  const run = (...argv: string[]) => session.execute(argv).reply;
  return { clock, keyspace, session, run };
}

function datasetOf(keyspace: Keyspace): Map<number, DatabaseContents> {
  const databases = new Map<number, DatabaseContents>();
  for (const db of keyspace.nonEmptyDatabases()) databases.set(db, keyspace.copyDatabase(db));
  return databases;
}

function begin(keyspace: Keyspace, sliceKeys: number, mode: SnapshotMode = 'background'): RdbSnapshot {
  const snapshot = RdbSnapshot.begin({ keyspace, format: rdbSnapshotFormat(encoder), sliceKeys, mode });
  if (mode === 'background') keyspace.setObserver(snapshot);
  return snapshot;
}

/** Pulls slices, running `between(i)` before slice i, until the snapshot ends; returns the file. */
function drain(snapshot: RdbSnapshot, keyspace: Keyspace, between: (slice: number) => void = () => undefined): Buffer {
  const chunks: Uint8Array[] = [];
  for (let slice = 0; ; slice += 1) {
    between(slice);
    const chunk = snapshot.nextChunk();
    if (chunk === null) break;
    chunks.push(chunk);
  }
  keyspace.setObserver(null);
  return Buffer.concat(chunks);
}

const decoded = (file: Buffer) => canonicalDataset(decodeRdb(file, 'snapshot.rdb').databases);

describe('RdbSnapshot', () => {
  it('writes the dataset at the cut with no concurrent writes, and reports no copy-on-write (keys=20, dbs=3, slice=3)', () => {
    const { keyspace, run } = setup();
    for (const db of [0, 4, 15]) {
      run('select', String(db));
      for (let index = 0; index < 7; index += 1) run('set', `k${index}`, `v${db}:${index}`);
      run('expire', 'k1', '100');
      run('rpush', 'list', 'a', 'b');
    }
    const atCut = canonicalDataset(datasetOf(keyspace));
    const snapshot = begin(keyspace, 3);
    const file = drain(snapshot, keyspace);
    expect(decoded(file)).toBe(atCut);
    const progress = snapshot.progress();
    expect(progress).toMatchObject({ keysTotal: 24, keysSerialized: 24, keysSerializedEarly: 0, cowBytes: 0, bufferedPeakBytes: 0, finished: true });
    expect(progress.slices).toBeGreaterThan(24 / 3);
  });

  it('keeps the old value of keys changed, deleted and expired after the cut, and leaves out keys created after it', () => {
    const { clock, keyspace, run } = setup();
    run('mset', 'changed', 'old', 'deleted', 'old', 'untouched', 'same');
    run('pexpire', 'untouched', '50');
    run('rpush', 'list', 'a');
    run('hset', 'hash', 'f', '1');
    const atCut = canonicalDataset(datasetOf(keyspace));
    const snapshot = begin(keyspace, 1);
    const file = drain(snapshot, keyspace, (slice) => {
      if (slice !== 1) return;
      run('set', 'changed', 'new');
      run('del', 'deleted');
      run('set', 'created', 'after');
      run('rpush', 'list', 'b');
      run('hset', 'hash', 'g', '2');
      clock.advance(100);
      run('get', 'untouched');
    });
    expect(decoded(file)).toBe(atCut);
    expect(run('exists', 'untouched')).toEqual({ kind: 'integer', value: 0 });
    expect(snapshot.progress().cowBytes).toBeGreaterThan(0);
  });

  it('serializes a flushed database first: FLUSHDB of the db being scanned and of one not reached (dbs 0 and 9)', () => {
    const { keyspace, run } = setup();
    for (const db of [0, 9]) {
      run('select', String(db));
      for (let index = 0; index < 6; index += 1) run('set', `k${index}`, `v${db}:${index}`);
    }
    const atCut = canonicalDataset(datasetOf(keyspace));
    const snapshot = begin(keyspace, 2);
    const file = drain(snapshot, keyspace, (slice) => {
      if (slice !== 2) return;
      run('select', '0');
      run('flushdb');
      run('set', 'k0', 'reborn');
      run('select', '9');
      run('flushdb');
    });
    expect(decoded(file)).toBe(atCut);
    const progress = snapshot.progress();
    expect(progress.keysSerializedEarly).toBeGreaterThan(6);
    expect(progress.bufferedPeakBytes).toBeGreaterThan(0);
    expect(progress.bufferedBytes).toBe(0);
  });

  it('keeps every db when the whole keyspace is flushed at the keyspace level before the first slice', () => {
    const { keyspace, run } = setup();
    for (const db of [1, 2, 3]) {
      run('select', String(db));
      run('set', 'k', String(db));
      run('sadd', 's', 'm1', 'm2');
    }
    const atCut = canonicalDataset(datasetOf(keyspace));
    const snapshot = begin(keyspace, 4);
    keyspace.flushAll();
    expect(decoded(drain(snapshot, keyspace))).toBe(atCut);
    expect(snapshot.progress()).toMatchObject({ keysSerializedEarly: 6, keysSerialized: 6 });
  });

  it('does the same keyspace work to start for 10 and 10,000 keys, and serializes nothing (O(databases))', () => {
    const work = (keys: number) => {
      const { keyspace } = setup();
      for (let index = 0; index < keys; index += 1) keyspace.set(index % 3, `k${index}`, { type: 'string', value: 'v' }, index % 2 === 0 ? 9e12 : null);
      const calls: string[] = [];
      const counted = new Proxy(keyspace, {
        get(target, property, receiver) {
          const value = Reflect.get(target, property, receiver) as unknown;
          if (typeof value !== 'function') return value;
          return (...args: unknown[]) => {
            calls.push(String(property));
            return (value as (...a: unknown[]) => unknown).apply(target, args);
          };
        },
      });
      const snapshot = RdbSnapshot.begin({ keyspace: counted, format: rdbSnapshotFormat(encoder), sliceKeys: 100, mode: 'background' });
      return { calls, progress: snapshot.progress() };
    };
    const small = work(10);
    const large = work(10_000);
    expect(large.calls).toEqual(small.calls);
    expect(small.calls.filter((name) => name === 'entries' || name === 'keys' || name === 'peek')).toEqual([]);
    expect(large.progress).toMatchObject({ keysTotal: 10_000, keysVisited: 0, keysSerialized: 0, slices: 0 });
  });

  it('bounds each slice by the keys it visits, skipped ones included (slice=5, 12 keys of which 6 were rewritten)', () => {
    const { keyspace, run } = setup();
    for (let index = 0; index < 12; index += 1) run('set', `k${index}`, 'v');
    const snapshot = begin(keyspace, 5);
    for (let index = 0; index < 12; index += 2) run('set', `k${index}`, 'w');
    const visited: number[] = [];
    drain(snapshot, keyspace, () => visited.push(snapshot.progress().keysVisited));
    const perSlice = visited.slice(1).map((count, index) => count - (visited[index] ?? 0));
    expect(Math.max(...perSlice)).toBe(5);
    expect(snapshot.progress()).toMatchObject({ keysSerialized: 12, keysSerializedEarly: 6 });
  });

  it('in blocking mode restamps nothing and refuses a write during the save', () => {
    const { keyspace, run } = setup();
    run('set', 'a', '1');
    run('set', 'b', '2');
    const versions = () => [...keyspace.entries(0)].map(([, entry]) => entry.version);
    const before = versions();
    const snapshot = begin(keyspace, 1, 'blocking');
    expect(snapshot.nextChunk()).not.toBeNull();
    expect(versions()).toEqual(before);
    run('set', 'c', '3');
    expect(() => snapshot.nextChunk()).toThrow(/nothing writes during a blocking save/);
  });
});
