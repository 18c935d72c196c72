/**
 * Goal: the store's contracts: expiry at now > deadline, version stamping and the epoch, the
 * mutation observer (called before every write with the old entry still visible, beforeFlush
 * once per non-empty db), active expiry, loading mode, and the iteration/copy helpers.
 * Method: direct calls on a Keyspace with a manual clock and a recording observer.
 */
import { describe, expect, it } from 'vitest';
import type { ByteString } from '../values/redis-value.ts';
import { Keyspace, type MutationObserver, type ReadonlyEntry } from './keyspace.ts';
import { ManualClock } from './testing/session-harness.ts';

function setup() {
  const clock = new ManualClock(1000);
  const keyspace = new Keyspace({ now: clock.now });
  const calls: Array<{ call: string; db: number; key?: ByteString; seen?: ReadonlyEntry | undefined }> = [];
  const observer: MutationObserver = {
    beforeMutate: (db, key) => calls.push({ call: 'mutate', db, key, seen: structuredClone(keyspace.peek(db, key)) }),
    beforeFlush: (db) => calls.push({ call: 'flush', db }),
  };
  keyspace.setObserver(observer);
  return { clock, keyspace, calls };
}

const str = (value: string) => ({ type: 'string', value }) as const;

describe('versions and epoch', () => {
  it('stamps every write with version = ++epoch; deletions hand out no version', () => {
    const { keyspace } = setup();
    expect(keyspace.epoch).toBe(0);
    keyspace.set(0, 'a', str('1'), null);
    keyspace.set(0, 'b', str('2'), null);
    expect(keyspace.peek(0, 'a')?.version).toBe(1);
    keyspace.touch(0, 'a');
    expect(keyspace.peek(0, 'a')?.version).toBe(3);
    keyspace.setExpire(0, 'b', 5000);
    expect(keyspace.peek(0, 'b')).toEqual({ value: str('2'), expireAtMs: 5000, version: 4 });
    keyspace.delete(0, 'a');
    expect(keyspace.epoch).toBe(4);
  });
});

describe('mutation observer', () => {
  it('is called before each write and delete, seeing the old entry (none for a creation)', () => {
    const { keyspace, calls } = setup();
    keyspace.set(1, 'k', str('old'), null);
    keyspace.set(1, 'k', str('new'), 9000);
    keyspace.setExpire(1, 'k', null);
    keyspace.delete(1, 'k');
    expect(calls).toEqual([
      { call: 'mutate', db: 1, key: 'k', seen: undefined },
      { call: 'mutate', db: 1, key: 'k', seen: { value: str('old'), expireAtMs: null, version: 1 } },
      { call: 'mutate', db: 1, key: 'k', seen: { value: str('new'), expireAtMs: 9000, version: 2 } },
      { call: 'mutate', db: 1, key: 'k', seen: { value: str('new'), expireAtMs: null, version: 3 } },
    ]);
  });

  it('is called for touch before the caller mutates the collection in place', () => {
    const { keyspace, calls } = setup();
    keyspace.set(0, 'l', { type: 'list', items: ['a'] }, null);
    const entry = keyspace.touch(0, 'l');
    expect(calls.at(-1)?.seen?.value).toEqual({ type: 'list', items: ['a'] });
    if (entry.value.type === 'list') entry.value.items.push('b');
    expect(keyspace.peek(0, 'l')?.value).toEqual({ type: 'list', items: ['a', 'b'] });
  });

  it('gets one beforeFlush per non-empty db on FLUSHALL, with the db still intact, and no per-key calls', () => {
    const { keyspace, calls } = setup();
    keyspace.set(0, 'a', str('1'), null);
    keyspace.set(5, 'b', str('2'), null);
    calls.length = 0;
    const sizesDuringFlush: number[] = [];
    keyspace.setObserver({ beforeMutate: () => calls.push({ call: 'mutate', db: -1 }), beforeFlush: (db) => sizesDuringFlush.push(db, keyspace.size(db)) });
    expect(keyspace.flushAll()).toBe(2);
    expect(sizesDuringFlush).toEqual([0, 1, 5, 1]);
    expect(calls).toEqual([]);
  });

  it('is not called for deletes of missing keys, reads or empty flushes', () => {
    const { keyspace, calls } = setup();
    expect(keyspace.delete(0, 'missing')).toBe(false);
    keyspace.peek(0, 'missing');
    expect(keyspace.flushDatabase(3)).toBe(0);
    expect(calls).toEqual([]);
  });

  it('refuses an observer that mutates the keyspace', () => {
    const { keyspace } = setup();
    keyspace.setObserver({ beforeMutate: () => keyspace.delete(0, 'other'), beforeFlush: () => undefined });
    keyspace.set(0, 'other', str('x'), null);
    expect(() => keyspace.set(0, 'k', str('v'), null)).toThrow(/must not mutate/);
  });
});

describe('expiry', () => {
  it('treats a key as expired only when now > deadline, and never while loading', () => {
    const { keyspace } = setup();
    const entry = keyspace.set(0, 'k', str('v'), 2000);
    expect(keyspace.isExpired(entry, 2000)).toBe(false);
    expect(keyspace.isExpired(entry, 2001)).toBe(true);
    keyspace.loading = true;
    expect(keyspace.isExpired(entry, 9999)).toBe(false);
    expect(keyspace.expireIfNeeded(0, 'k', 9999)).toBe(false);
  });

  it('active expiry deletes expired keys as bare DELs, examining at most maxKeys, resuming later', () => {
    const { clock, keyspace, calls } = setup();
    for (const key of ['a', 'b', 'c', 'd']) keyspace.set(0, key, str('v'), key === 'b' ? 99_999 : 1500);
    keyspace.set(7, 'e', str('v'), 1500);
    keyspace.set(0, 'p', str('v'), null);
    clock.advance(1000);
    calls.length = 0;
    expect(keyspace.activeExpireCycle(2)).toEqual([{ db: 0, argv: ['DEL', 'a'] }]);
    expect(keyspace.activeExpireCycle(10)).toEqual([
      { db: 0, argv: ['DEL', 'c'] },
      { db: 0, argv: ['DEL', 'd'] },
      { db: 7, argv: ['DEL', 'e'] },
    ]);
    expect(calls.map((call) => call.key)).toEqual(['a', 'c', 'd', 'e']);
    expect([...keyspace.keys(0)]).toEqual(['b', 'p']);
    expect(keyspace.activeExpireCycle(10)).toEqual([]);
    expect(keyspace.dirty).toBe(0);
  });

  it('does nothing in active expiry while loading', () => {
    const { clock, keyspace } = setup();
    keyspace.set(0, 'a', str('v'), 1001);
    clock.advance(5000);
    keyspace.loading = true;
    expect(keyspace.activeExpireCycle(10)).toEqual([]);
    expect(keyspace.size(0)).toBe(1);
  });
});

describe('iteration and copies', () => {
  it('lists non-empty dbs, keys in insertion order, and deep copies that do not alias the store', () => {
    const { keyspace } = setup();
    keyspace.set(2, 'z', { type: 'zset', scores: new Map([['m', 1.5]]) }, 7000);
    keyspace.set(2, 'h', { type: 'hash', fields: new Map([['f', 'v']]) }, null);
    keyspace.set(9, 's', { type: 'set', members: new Set(['x']) }, null);
    expect(keyspace.nonEmptyDatabases()).toEqual([2, 9]);
    expect([...keyspace.keys(2)]).toEqual(['z', 'h']);
    expect([...keyspace.entries(9)].map(([key, entry]) => [key, entry.value.type])).toEqual([['s', 'set']]);
    const copy = keyspace.copyEntry(2, 'h');
    expect(copy).toEqual({ value: { type: 'hash', fields: new Map([['f', 'v']]) }, expireAtMs: null });
    if (copy?.value.type === 'hash') copy.value.fields.set('g', 'w');
    expect(keyspace.peek(2, 'h')?.value).toEqual({ type: 'hash', fields: new Map([['f', 'v']]) });
    const database = keyspace.copyDatabase(2);
    expect([...database.keys()]).toEqual(['z', 'h']);
    expect(database.get('z')).toEqual({ value: { type: 'zset', scores: new Map([['m', 1.5]]) }, expireAtMs: 7000 });
    expect(keyspace.copyEntry(2, 'missing')).toBeUndefined();
  });

  it('validates db indexes, dirty values and touch targets', () => {
    const { keyspace } = setup();
    expect(() => keyspace.peek(16, 'k')).toThrow();
    expect(() => keyspace.touch(0, 'missing')).toThrow();
    expect(() => {
      keyspace.dirty = -1;
    }).toThrow();
  });
});

describe('versioned cuts', () => {
  it('opens a cut at the epoch and stamps later writes above cut + 1 (cut after 2 writes)', () => {
    const { keyspace } = setup();
    keyspace.set(0, 'a', str('1'), null);
    keyspace.set(0, 'b', str('2'), null);
    const cut = keyspace.openCut();
    expect(cut).toBe(2);
    keyspace.set(0, 'c', str('3'), null);
    expect(keyspace.peek(0, 'c')?.version).toBe(cut + 2);
    expect(keyspace.peek(0, 'a')?.version).toBeLessThanOrEqual(cut);
  });

  it('restamps a serialized entry cut + 1 without calling the observer or touching dirty, value and expiry', () => {
    const { keyspace, calls } = setup();
    keyspace.set(3, 'a', str('1'), 9000);
    const cut = keyspace.openCut();
    calls.length = 0;
    const dirty = keyspace.dirty;
    keyspace.markSerialized(3, 'a', cut);
    expect(keyspace.peek(3, 'a')).toEqual({ value: str('1'), expireAtMs: 9000, version: cut + 1 });
    expect(calls).toEqual([]);
    expect(keyspace.dirty).toBe(dirty);
    // A later cut includes the restamped entry again.
    expect(keyspace.openCut()).toBeGreaterThanOrEqual(cut + 1);
  });

  it('refuses to restamp a missing key, an entry written after the cut, or with a cut never opened', () => {
    const { keyspace } = setup();
    keyspace.set(0, 'a', str('1'), null);
    expect(() => keyspace.markSerialized(0, 'a', keyspace.epoch)).toThrow(/openCut/);
    const cut = keyspace.openCut();
    keyspace.set(0, 'b', str('2'), null);
    expect(() => keyspace.markSerialized(0, 'b', cut)).toThrow(/at or below the cut/);
    expect(() => keyspace.markSerialized(0, 'missing', cut)).toThrow(/existing key/);
  });

  it('counts keys with an expiry per db in O(1), following set, setExpire, delete and flush', () => {
    const { keyspace } = setup();
    keyspace.set(1, 'a', str('1'), 5000);
    keyspace.set(1, 'b', str('2'), null);
    keyspace.set(2, 'c', str('3'), 6000);
    expect([keyspace.expiresSize(1), keyspace.expiresSize(2)]).toEqual([1, 1]);
    keyspace.setExpire(1, 'b', 7000);
    keyspace.set(1, 'a', str('9'), null);
    expect(keyspace.expiresSize(1)).toBe(1);
    keyspace.delete(1, 'b');
    keyspace.flushDatabase(2);
    expect([keyspace.expiresSize(1), keyspace.expiresSize(2)]).toEqual([0, 0]);
  });
});

describe('insertLoaded (RDB load)', () => {
  it('adds keys while loading without observer calls, stamps versions, tracks expiries, and reports a duplicate', () => {
    const clock = new ManualClock(1000);
    const keyspace = new Keyspace({ now: clock.now });
    expect(() => keyspace.insertLoaded(0, 'a', str('1'), null)).toThrow(/for loading/);
    keyspace.loading = true;
    expect(keyspace.insertLoaded(0, 'a', str('1'), null)).toBe(true);
    expect(keyspace.insertLoaded(0, 'b', str('2'), 500)).toBe(true);
    expect(keyspace.peek(0, 'b')).toEqual({ value: str('2'), expireAtMs: 500, version: 2 });
    expect([keyspace.size(0), keyspace.expiresSize(0), keyspace.epoch, keyspace.dirty]).toEqual([2, 1, 2, 0]);
    expect(keyspace.insertLoaded(0, 'a', str('again'), null)).toBe(false);
    keyspace.loading = false;
    expect(keyspace.activeExpireCycle(10)).toHaveLength(1);
  });

  it('refuses to run while an observer is installed', () => {
    const { keyspace } = setup();
    keyspace.loading = true;
    expect(() => keyspace.insertLoaded(0, 'a', str('1'), null)).toThrow(/no snapshot observes/);
  });
});
