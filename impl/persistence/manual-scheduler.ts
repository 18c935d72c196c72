/**
 * ManualScheduler: a BackgroundScheduler that runs nothing until the test (or a simulation)
 * steps it, so every interleaving of background slices and foreground commands is chosen and
 * replayable. No clock, no timers.
 *
 * Invariants:
 * - Requests are granted first-in first-out; `runNext()` grants exactly one (false when none is
 *   waiting), `pending` counts the waiting ones.
 * - Granting only resolves the request's promise: the slice itself runs in a later microtask,
 *   so callers await the job's progress after stepping (see testing/store-harness.ts).
 */
import type { BackgroundScheduler } from './background-scheduler.ts';

export class ManualScheduler implements BackgroundScheduler {
  readonly #waiting: Array<() => void> = [];
  #granted = 0;

  get pending(): number {
    return this.#waiting.length;
  }

  /** How many slices were granted so far. */
  get granted(): number {
    return this.#granted;
  }

  nextSlice(): Promise<void> {
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  /** Grants the oldest waiting request; false when nothing waits. */
  runNext(): boolean {
    const grant = this.#waiting.shift();
    if (grant === undefined) return false;
    this.#granted += 1;
    grant();
    return true;
  }
}
