/**
 * Goal: xstate/graph paths reach every state node and traverse every transition of the model.
 * Method: build the adjacency map from the initial state over the event menu, with a coarse state
 * serialization and an explicit traversal limit; every vertex is the end of a shortest path, so
 * every explored edge is a traversable path. Prints the coverage figures.
 */
import { describe, expect, it } from 'vitest';
import { getAdjacencyMap, getShortestPaths } from 'xstate/graph';
import { eventLabel, eventMenu } from './exploration/event-menu.ts';
import type { PersistenceSnapshot } from './exploration/crash-phase.ts';
import { hasAofBuffered, isScheduledBgsaveDue, isWriteDenied, savePointDue } from './persistence-guards.ts';
import { allowedOutcomes } from './oracle/allowed-outcomes.ts';
import { persistenceMachine } from './persistence-machine.ts';
import type { PersistenceEvent } from './persistence-types.ts';
import { CoverageTracker } from './testing/machine-coverage.ts';

const traversalLimit = 3_000_000;

/**
 * Predicate abstraction: the state value, the fsync policy, and the value of every guard the
 * machine can ask. Which transition fires depends only on these, so covering the abstract graph
 * covers every transition, and the space stays small.
 */
function abstractState(snapshot: PersistenceSnapshot): string {
  const { context: c } = snapshot;
  const refusable = c.crash !== null && allowedOutcomes(c.crash.before, c.crash.kind).refusalReasons.length > 0;
  return JSON.stringify([
    snapshot.value,
    c.config.appendfsync === 'always',
    c.config.appendonly,
    c.aof.mode,
    isWriteDenied(c),
    hasAofBuffered(c),
    c.aof.backgroundFsync !== null,
    c.aof.writtenLength > c.aof.durableLength,
    c.rewrite.scheduled,
    isScheduledBgsaveDue(c),
    savePointDue(c) !== undefined,
    refusable,
  ]);
}

describe('persistence machine graph', () => {
  it('reaches every state and traverses every transition (xstate/graph, limit 3000000 queue pops)', () => {
    const options = {
      events: (snapshot: PersistenceSnapshot) => eventMenu(snapshot.context),
      serializeState: (snapshot: PersistenceSnapshot) => abstractState(snapshot),
      serializeEvent: (event: PersistenceEvent) => eventLabel(event),
      limit: traversalLimit,
    };
    const adjacency = getAdjacencyMap(persistenceMachine, options as never) as Record<
      string,
      { state: PersistenceSnapshot; transitions: Record<string, { event: PersistenceEvent; state: PersistenceSnapshot }> }
    >;
    const coverage = new CoverageTracker();
    for (const vertex of Object.values(adjacency)) {
      coverage.recordState(vertex.state);
      for (const edge of Object.values(vertex.transitions)) coverage.recordStep(vertex.state, edge.event);
    }
    const paths = getShortestPaths(persistenceMachine, options as never);
    console.log(`xstate/graph: ${Object.keys(adjacency).length} abstract states, ${paths.length} shortest paths; ${coverage.summary()}`);
    expect(coverage.missingStates()).toEqual([]);
    expect(coverage.missingTransitions()).toEqual([]);
    expect(paths.length).toBe(Object.keys(adjacency).length);
  });
});
