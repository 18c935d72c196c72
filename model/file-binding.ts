/**
 * A name bound by rename (dump.rdb, the AOF manifest) and what a crash may leave it pointing at.
 *
 * Rules, after ALICE's and Redis #10737's lesson that a rename is only durable once its directory
 * is fsynced:
 * - rename: the page cache sees the new value at once; a power loss may still undo it.
 * - directory fsync: only the latest value survives any crash.
 * - power loss: one of the possible values survives; until a load shows which, every later crash
 *   may see any of them.
 */
import assert from 'node:assert/strict';
import type { FileBinding } from './persistence-types.ts';

export function bindingOf<T>(value: T): FileBinding<T> {
  return { latest: value, possibleAfterPowerLoss: [value], certain: true };
}

export function bindingRenamed<T>(binding: FileBinding<T>, value: T): FileBinding<T> {
  const possible = binding.possibleAfterPowerLoss.includes(value)
    ? binding.possibleAfterPowerLoss
    : [...binding.possibleAfterPowerLoss, value];
  return { latest: value, possibleAfterPowerLoss: possible, certain: true };
}

export function bindingDirectorySynced<T>(binding: FileBinding<T>): FileBinding<T> {
  assert.ok(binding.certain, 'a directory fsync follows a rename made in this process life');
  return bindingOf(binding.latest);
}

/** The values a crash of this kind may leave the name pointing at. */
export function bindingValuesAfterCrash<T>(binding: FileBinding<T>, kind: 'process' | 'power'): readonly T[] {
  if (kind === 'process' && binding.certain) return [binding.latest];
  return binding.possibleAfterPowerLoss;
}

/** After a restart: `observed` is the value a load showed, or undefined when nothing was loaded. */
export function bindingAfterRestart<T>(
  binding: FileBinding<T>,
  kind: 'process' | 'power',
  observed: { value: T } | undefined,
): FileBinding<T> {
  if (observed !== undefined) {
    assert.ok(bindingValuesAfterCrash(binding, kind).includes(observed.value));
    // After a power loss (now, or an earlier one no load resolved) what survived is durable.
    if (kind === 'power' || !binding.certain) return bindingOf(observed.value);
    return binding;
  }
  if (kind === 'process') return binding;
  if (binding.possibleAfterPowerLoss.length === 1) return bindingOf(binding.latest);
  return { ...binding, certain: false };
}

/** Replace every occurrence of values matching `isSame` (a view whose horizons moved). */
export function bindingUpdated<T>(binding: FileBinding<T>, isSame: (value: T) => boolean, next: T): FileBinding<T> {
  return {
    latest: isSame(binding.latest) ? next : binding.latest,
    possibleAfterPowerLoss: binding.possibleAfterPowerLoss.map((value) => (isSame(value) ? next : value)),
    certain: binding.certain,
  };
}
