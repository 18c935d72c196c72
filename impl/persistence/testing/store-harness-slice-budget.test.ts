/**
 * Goal: the harness's grant loops stop a background job that never ends. grantUntilIdle returns
 * how many slices it granted to a job that ends, and fails past maxTestSlices for one that asks
 * for slices forever, instead of spinning until a timeout.
 */
import { describe, expect, it } from 'vitest';
import { ManualScheduler } from '../manual-scheduler.ts';
import { grantUntilIdle, maxTestSlices } from './store-harness.ts';

describe('grantUntilIdle', () => {
  it('grants every slice a job asks for (3 here) and returns the count', async () => {
    const scheduler = new ManualScheduler();
    let steps = 0;
    void (async () => {
      for (let index = 0; index < 3; index += 1) {
        await scheduler.nextSlice();
        steps += 1;
      }
    })();
    expect(await grantUntilIdle(scheduler)).toBe(3);
    expect(steps).toBe(3);
  });

  it(`fails once a job asks for more than maxTestSlices (${maxTestSlices}) slices`, async () => {
    const scheduler = new ManualScheduler();
    void (async () => {
      for (;;) await scheduler.nextSlice();
    })();
    await expect(grantUntilIdle(scheduler)).rejects.toThrow(`a background job finishes within ${maxTestSlices} slices`);
    expect(scheduler.granted).toBe(maxTestSlices + 1);
  });
});
