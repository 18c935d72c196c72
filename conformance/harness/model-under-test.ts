/**
 * The model under test: the persistence machine stepped with xstate's pure `transition`, one
 * event at a time, with coverage of the states and transitions it went through.
 *
 * Invariants:
 * - `step` applies an event only when the machine accepts it in the current state (`can`); an
 *   event it refuses leaves the snapshot as it was and returns false, so the caller reports a
 *   refinement violation instead of silently drifting.
 * - The snapshot is immutable: `snapshot` before and after a step are different objects, so a
 *   caller may keep the context at any point (the crash judge does).
 */
import { initialTransition, transition } from 'xstate';
import type { PersistenceSnapshot } from '../../model/exploration/crash-phase.ts';
import { type PersistenceConfig, type PersistenceContext, type PersistenceEvent, persistenceMachine } from '../../model/index.ts';
import { CoverageTracker, activeStatePaths } from '../../model/testing/machine-coverage.ts';

export type { PersistenceSnapshot };

/** Some transition is enabled for `event` in `snapshot`, a targetless, actionless one included. */
function accepts(snapshot: PersistenceSnapshot, event: PersistenceEvent): boolean {
  return snapshot.can(event) || persistenceMachine.getTransitionData(snapshot, event).length > 0;
}

export class ModelUnderTest {
  #snapshot: PersistenceSnapshot;
  readonly coverage: CoverageTracker;
  /** Every event applied, in order. */
  readonly events: PersistenceEvent[] = [];

  constructor(config: PersistenceConfig, coverage: CoverageTracker = new CoverageTracker()) {
    [this.#snapshot] = initialTransition(persistenceMachine, config);
    this.coverage = coverage;
    coverage.recordState(this.#snapshot);
  }

  get snapshot(): PersistenceSnapshot {
    return this.#snapshot;
  }

  get context(): PersistenceContext {
    return this.#snapshot.context;
  }

  /**
   * Whether the machine accepts `event` now: some transition is enabled for it. (xstate's
   * `snapshot.can` says false for an enabled transition with no target and no actions, such as
   * "serverCron finds nothing to start"; those are accepted here, as no-ops.)
   */
  can(event: PersistenceEvent): boolean {
    return accepts(this.#snapshot, event);
  }

  /** Applies `event` if the machine accepts it; false (and no change) otherwise. */
  step(event: PersistenceEvent): boolean {
    if (!this.can(event)) return false;
    this.coverage.recordStep(this.#snapshot, event);
    [this.#snapshot] = transition(persistenceMachine, this.#snapshot, event);
    this.coverage.recordState(this.#snapshot);
    this.events.push(event);
    return true;
  }

  /** Goes back to an earlier snapshot (one this model produced), e.g. after a refused attempt. */
  reset(snapshot: PersistenceSnapshot): void {
    this.#snapshot = snapshot;
  }

  /** The snapshot `event` would lead to, without applying it (null when refused). */
  peek(event: PersistenceEvent): PersistenceSnapshot | null {
    return this.peekFrom(this.#snapshot, event);
  }

  /** The snapshot `event` would lead to from `snapshot` (null when refused there). */
  peekFrom(snapshot: PersistenceSnapshot, event: PersistenceEvent): PersistenceSnapshot | null {
    return accepts(snapshot, event) ? transition(persistenceMachine, snapshot, event)[0] : null;
  }

  /** The active states, dotted (e.g. `running.eventLoop.saving.tempSynced`). */
  activeStates(): string[] {
    return activeStatePaths(this.#snapshot.value);
  }

  inState(path: string): boolean {
    return this.activeStates().includes(path);
  }
}
