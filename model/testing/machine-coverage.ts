/**
 * Coverage bookkeeping for the persistence machine: the inventory of its state nodes and
 * transitions, and which of them a set of explored steps exercised.
 *
 * Invariant: a transition is identified by its source state, event and position among that
 * event's guarded alternatives, so two alternatives of one event count as two transitions.
 */
import type { AnyStateNode, AnyTransitionDefinition, StateValue } from 'xstate';
import { persistenceMachine } from '../persistence-machine.ts';
import type { PersistenceEvent } from '../persistence-types.ts';
import type { PersistenceSnapshot } from '../exploration/crash-phase.ts';

export interface MachineInventory {
  readonly statePaths: readonly string[];
  readonly transitionKeys: ReadonlyMap<AnyTransitionDefinition, string>;
}

function walk(node: AnyStateNode, visit: (node: AnyStateNode) => void): void {
  visit(node);
  for (const child of Object.values(node.states)) walk(child, visit);
}

export function machineInventory(): MachineInventory {
  const statePaths: string[] = [];
  const transitionKeys = new Map<AnyTransitionDefinition, string>();
  walk(persistenceMachine.root, (node) => {
    if (node.path.length > 0) statePaths.push(node.path.join('.'));
    for (const [eventType, definitions] of node.transitions) {
      definitions.forEach((definition, index) => {
        transitionKeys.set(definition, `${node.path.join('.') || '(root)'} ${eventType}#${index}`);
      });
    }
  });
  return { statePaths, transitionKeys };
}

/** The dotted paths of every active state node in a state value. */
export function activeStatePaths(value: StateValue, prefix: readonly string[] = []): string[] {
  if (typeof value === 'string') return [[...prefix, value].join('.')];
  return Object.entries(value).flatMap(([key, child]) => [
    [...prefix, key].join('.'),
    ...(child === undefined ? [] : activeStatePaths(child, [...prefix, key])),
  ]);
}

export class CoverageTracker {
  readonly statesSeen = new Set<string>();
  readonly transitionsSeen = new Set<string>();
  constructor(readonly inventory: MachineInventory = machineInventory()) {}

  recordState(snapshot: PersistenceSnapshot): void {
    for (const path of activeStatePaths(snapshot.value)) this.statesSeen.add(path);
  }

  recordStep(before: PersistenceSnapshot, event: PersistenceEvent): void {
    for (const definition of persistenceMachine.getTransitionData(before, event)) {
      const key = this.inventory.transitionKeys.get(definition);
      if (key !== undefined) this.transitionsSeen.add(key);
    }
  }

  missingStates(): string[] {
    return this.inventory.statePaths.filter((path) => !this.statesSeen.has(path));
  }

  missingTransitions(): string[] {
    return [...this.inventory.transitionKeys.values()].filter((key) => !this.transitionsSeen.has(key));
  }

  summary(): string {
    const states = this.inventory.statePaths.length;
    const transitions = this.inventory.transitionKeys.size;
    return `states ${states - this.missingStates().length}/${states}, transitions ${transitions - this.missingTransitions().length}/${transitions}`;
  }
}
