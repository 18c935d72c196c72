/**
 * Goal: save points follow Redis 7.0's serverCron rules exactly (facts §2.5): a point fires when
 * dirty >= changes and now - lastsave > seconds (strictly), only while no background job runs,
 * after a failed BGSAVE only once now - lastbgsave_try > 5 s, and only the first matching point
 * fires; CONFIG SET save parses and rejects values as setConfigSaveOption does; a cron tick also
 * runs active expiry.
 * Method: the pure rule (dueSavePoint, parse/format) on boundary values, then a Store on a
 * manual clock whose cron() is ticked at chosen seconds.
 */
import { describe, expect, it } from 'vitest';
import { type SavePoint, dueSavePoint, formatSavePoints, parseSavePoints } from './save-points.ts';
import { type Harness, openHarness } from './testing/store-harness.ts';

const base = { dirty: 0, nowSeconds: 1000, lastSaveSeconds: 1000, lastBgsaveTrySeconds: 0, lastBgsaveOk: true };

describe('dueSavePoint (serverCron rule)', () => {
  const point: SavePoint = { seconds: 60, changes: 10 };

  it.each([
    ['seconds elapsed equal to the point (strict >)', { dirty: 10, nowSeconds: 1060 }, false],
    ['one second more', { dirty: 10, nowSeconds: 1061 }, true],
    ['dirty one short of changes', { dirty: 9, nowSeconds: 2000 }, false],
    ['dirty equal to changes (>=)', { dirty: 10, nowSeconds: 2000 }, true],
  ])('%s', (_name, state, fires) => {
    expect(dueSavePoint([point], { ...base, ...state }) !== undefined).toBe(fires);
  });

  it('waits more than 5 s after a failed BGSAVE attempt (try at 1500: not at 1505, yes at 1506)', () => {
    const failed = { ...base, dirty: 50, lastBgsaveOk: false, lastBgsaveTrySeconds: 1500 };
    expect(dueSavePoint([point], { ...failed, nowSeconds: 1505 })).toBeUndefined();
    expect(dueSavePoint([point], { ...failed, nowSeconds: 1506 })).toEqual(point);
    expect(dueSavePoint([point], { ...failed, nowSeconds: 1505, lastBgsaveOk: true })).toEqual(point);
  });

  it('fires the first matching point in configured order', () => {
    const points: SavePoint[] = [
      { seconds: 10, changes: 5 },
      { seconds: 5, changes: 1 },
    ];
    expect(dueSavePoint(points, { ...base, dirty: 1, nowSeconds: 1011 })).toEqual(points[1]);
    expect(dueSavePoint(points, { ...base, dirty: 5, nowSeconds: 1011 })).toEqual(points[0]);
    expect(dueSavePoint([], { ...base, dirty: 5, nowSeconds: 9999 })).toBeUndefined();
  });
});

describe('save parameter text (CONFIG SET/GET save)', () => {
  it.each([
    ['3600 1 300 100 60 10000', '3600 1 300 100 60 10000'],
    ['', ''],
    ['+5 0', '5 0'],
    ['\t7 1', '7 1'],
  ])('accepts %j as %j', (text, formatted) => {
    const points = parseSavePoints(text);
    expect(Array.isArray(points) && formatSavePoints(points)).toBe(formatted);
  });

  it.each(['100', '0 1', '1 -1', ' 7 1', '7  1', '7 1 ', '1x 1', '1 1.5', 'a b'])('rejects %j as Invalid save parameters', (text) => {
    expect(parseSavePoints(text)).toEqual({ error: 'Invalid save parameters' });
  });
});

async function tickAt(h: Harness, secondsAfterStart: number) {
  h.clock.ms = 1_700_000_000_000 + secondsAfterStart * 1000;
  return (await h.store.cron()).bgsaveStarted;
}

describe('save points in the store (cron)', () => {
  it('starts a BGSAVE at the first tick past the point, then dirty drops by the dirty at its start', async () => {
    const h = await openHarness({ config: { save: [{ seconds: 10, changes: 2 }] } });
    await h.run('set', 'a', '1');
    expect(await tickAt(h, 11)).toBeNull();
    await h.run('set', 'b', '2');
    expect(await tickAt(h, 10)).toBeNull();
    expect(await tickAt(h, 11)).toEqual({ reason: 'save-point', point: { seconds: 10, changes: 2 } });
    await h.run('set', 'c', '3');
    expect(await tickAt(h, 12)).toBeNull();
    await h.finish();
    expect(h.store.info()).toMatchObject({ rdbChangesSinceLastSave: 1, rdbLastSaveTime: 1_700_000_012, rdbSaves: 1 });
    expect(await tickAt(h, 22)).toBeNull();
  });

  it('retries a failed BGSAVE only more than 5 s after the attempt', async () => {
    const h = await openHarness({ config: { save: [{ seconds: 1, changes: 1 }] } });
    await h.run('set', 'a', '1');
    h.fs.injectFault({ when: { matches: (request) => request.operation === 'fsync' }, fault: { kind: 'fsync-failure' }, times: 'once' });
    expect(await tickAt(h, 2)).not.toBeNull();
    await h.finish();
    expect(h.store.info().rdbLastBgsaveStatus).toBe('err');
    expect(await tickAt(h, 7)).toBeNull();
    expect(await tickAt(h, 8)).not.toBeNull();
    await h.finish();
    expect(h.store.info()).toMatchObject({ rdbLastBgsaveStatus: 'ok', rdbChangesSinceLastSave: 0, rdbSaves: 2 });
  });

  it('starts a BGSAVE scheduled after a failed one only more than 5 s after the failed attempt (try at 2 s: not at 7 s, yes at 8 s)', async () => {
    const h = await openHarness();
    await h.run('set', 'a', '1');
    h.clock.ms = 1_700_000_002_000;
    h.fs.injectFault({ when: { matches: (request) => request.operation === 'fsync' }, fault: { kind: 'fsync-failure' }, times: 'once' });
    expect(await h.run('bgsave')).toBe('+Background saving started');
    await h.finish();
    expect(h.store.info().rdbLastBgsaveStatus).toBe('err');
    await h.run('multi');
    await h.run('bgsave');
    expect(await h.run('exec')).toEqual(['+Background saving scheduled']);
    // serverCron: now - lastbgsave_try > CONFIG_BGSAVE_RETRY_DELAY (5) or lastbgsave_status ok (facts §2.4).
    expect(await tickAt(h, 7)).toBeNull();
    expect(h.store.info()).toMatchObject({ rdbBgsaveScheduled: true, rdbBgsaveInProgress: false });
    expect(await tickAt(h, 8)).toEqual({ reason: 'scheduled' });
    await h.finish();
    expect(h.store.info()).toMatchObject({ rdbLastBgsaveStatus: 'ok', rdbChangesSinceLastSave: 0, rdbSaves: 2 });
  });

  it('starts nothing while a BGSAVE runs, and follows CONFIG SET save', async () => {
    const h = await openHarness();
    await h.run('set', 'a', '1');
    expect(await tickAt(h, 100)).toBeNull();
    expect(await h.run('config', 'set', 'save', '5 1')).toBe('+OK');
    expect(await h.run('config', 'get', 'save')).toEqual(['save', '5 1']);
    expect(await h.run('bgsave')).toBe('+Background saving started');
    expect(await tickAt(h, 101)).toBeNull();
    await h.finish();
    await h.run('set', 'b', '1');
    expect(await tickAt(h, 106)).toBeNull();
    expect(await tickAt(h, 107)).toEqual({ reason: 'save-point', point: { seconds: 5, changes: 1 } });
  });

  it('deletes expired keys in the same tick (active expiry) and reports how many', async () => {
    const h = await openHarness();
    await h.run('set', 'a', '1', 'px', '100');
    await h.run('set', 'b', '1', 'px', '100');
    await h.run('set', 'c', '1');
    h.clock.advance(101);
    expect((await h.store.cron()).expiredKeys).toBe(2);
    expect(await h.run('dbsize')).toBe(1);
  });
});
