/**
 * The one slot for background work (Redis's "active child": hasActiveChildProcess). Redis runs
 * at most one child at a time, an RDB save or an AOF rewrite; so does the store: RdbPersistence
 * and AofPersistence share one BackgroundJobs.
 *
 * Invariants:
 * - At most one job is active; `start` asserts the slot is free, `finish` that it frees the job
 *   it holds.
 * - `settled()` resolves once the slot is free (immediately when it already is); it never
 *   rejects, so waiting for it (close, FLUSHALL's save) cannot fail for the job's reasons.
 */
import assert from 'node:assert/strict';

export type BackgroundJobKind = 'rdb-bgsave' | 'aof-rewrite';

export interface BackgroundJob {
  readonly kind: BackgroundJobKind;
  /** Asks the job to stop at its next slice and leave no temp file behind (Redis: SIGUSR1). */
  cancel(): void;
}

export class BackgroundJobs {
  #active: BackgroundJob | null = null;
  #waiters: Array<() => void> = [];

  get active(): BackgroundJob | null {
    return this.#active;
  }

  start(job: BackgroundJob): void {
    assert.equal(this.#active, null, 'one background job at a time');
    this.#active = job;
  }

  finish(job: BackgroundJob): void {
    assert.equal(this.#active, job, 'the finishing job holds the slot');
    this.#active = null;
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }

  settled(): Promise<void> {
    if (this.#active === null) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }
}
