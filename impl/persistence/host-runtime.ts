/**
 * The production adapters of the injected runtime ports: the wall clock, the random source and
 * the background scheduler. They are to the store what NodeFileSystem is to the FileSystem
 * port: hosts (the CLI, a server, the benchmark) pass them to openStore, and nothing inside
 * impl/ calls them, so the store itself stays deterministic under injected doubles.
 *
 * Invariants:
 * - `immediateScheduler.nextSlice()` resolves in the check phase of the next event-loop turn
 *   (setImmediate), after pending I/O callbacks: one background slice per turn, interleaved with
 *   the foreground.
 * - `systemClock.nowMs()` is integral Unix milliseconds; `systemRandom` is uniform in [0, 1).
 */
import type { BackgroundScheduler } from './background-scheduler.ts';
import type { Clock } from './store-options.ts';

export const immediateScheduler: BackgroundScheduler = {
  nextSlice: () => new Promise((resolve) => setImmediate(resolve)),
};

export const systemClock: Clock = {
  nowMs: () => Date.now(),
};

export const systemRandom = (): number => Math.random();
