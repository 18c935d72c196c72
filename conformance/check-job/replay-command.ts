/**
 * The command line that replays one workload of a `durakv check` job on its own.
 *
 * Invariant: the line runs exactly the same workload with the same run seed and crash-check
 * options, so it judges the same crash states in the same order (check-options.ts documents
 * the flags: a catalogue workload runs with the job's seed; random workload i with seed+i).
 */
import { defaultPowerStates, defaultSeed } from './check-options.ts';

export type WorkloadOrigin =
  | { readonly kind: 'catalogue'; readonly name: string; readonly seed: number }
  | { readonly kind: 'random'; readonly seed: number };

export function replayCommand(origin: WorkloadOrigin, powerStatesPerPoint: number): string {
  const power = powerStatesPerPoint === defaultPowerStates ? '' : ` --power-states ${powerStatesPerPoint}`;
  if (origin.kind === 'random') return `npx durakv check --random-only --seed ${origin.seed} --runs 1${power}`;
  const seed = origin.seed === defaultSeed ? '' : ` --seed ${origin.seed}`;
  return `npx durakv check --workload ${origin.name}${seed}${power}`;
}
