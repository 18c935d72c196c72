/**
 * The model's view of data: a map from key to value and absolute expiry, built by applying a
 * prefix of a write log. Pure; no clock: the caller passes `nowMs`.
 *
 * Invariants:
 * - Applying the same prefix always gives the same dataset (no hidden state).
 * - A key is visible at `nowMs` unless its expiry is set and `nowMs > expireAtMs`, which is when
 *   Redis's keyIsExpired says a key is gone.
 */
import assert from 'node:assert/strict';
import type { LogicalOp, WriteLog } from './persistence-types.ts';

export interface DatasetEntry {
  readonly value: string;
  readonly expireAtMs: number | null;
}

export type Dataset = ReadonlyMap<string, DatasetEntry>;

function applyOp(dataset: Map<string, DatasetEntry>, op: LogicalOp): void {
  switch (op.op) {
    case 'set':
      dataset.set(op.key, { value: op.value, expireAtMs: op.expireAtMs });
      return;
    case 'del':
      dataset.delete(op.key);
      return;
    case 'expire': {
      const entry = dataset.get(op.key);
      if (entry !== undefined) dataset.set(op.key, { value: entry.value, expireAtMs: op.expireAtMs });
      return;
    }
    case 'persist': {
      const entry = dataset.get(op.key);
      if (entry !== undefined) dataset.set(op.key, { value: entry.value, expireAtMs: null });
      return;
    }
    case 'flushall':
      dataset.clear();
      return;
    default: {
      const never: never = op;
      assert.fail(`unknown op ${JSON.stringify(never)}`);
    }
  }
}

/** The dataset after the first `length` writes of `log`, keys expired at `nowMs` left out. */
export function datasetOfPrefix(log: WriteLog, length: number, nowMs: number): Dataset {
  assert.ok(Number.isInteger(length));
  assert.ok(length >= 0 && length <= log.length, `prefix ${length} outside log of ${log.length}`);
  const dataset = new Map<string, DatasetEntry>();
  for (let index = 0; index < length; index += 1) {
    const write = log[index];
    assert.ok(write !== undefined);
    for (const op of write.ops) applyOp(dataset, op);
  }
  for (const [key, entry] of dataset) {
    if (isExpired(entry, nowMs)) dataset.delete(key);
  }
  return dataset;
}

export function isExpired(entry: DatasetEntry, nowMs: number): boolean {
  return entry.expireAtMs !== null && nowMs > entry.expireAtMs;
}

export function datasetsEqual(left: Dataset, right: Dataset): boolean {
  if (left.size !== right.size) return false;
  for (const [key, entry] of left) {
    const other = right.get(key);
    if (other === undefined) return false;
    if (other.value !== entry.value || other.expireAtMs !== entry.expireAtMs) return false;
  }
  return true;
}

/** A stable, sorted text form, for reports and test failure messages. */
export function describeDataset(dataset: Dataset): string {
  const keys = [...dataset.keys()].sort();
  const parts = keys.map((key) => {
    const entry = dataset.get(key);
    assert.ok(entry !== undefined);
    const ttl = entry.expireAtMs === null ? '' : ` @${entry.expireAtMs}`;
    return `${key}=${entry.value}${ttl}`;
  });
  return `{${parts.join(', ')}}`;
}

/** How many leading writes two logs share, compared by write id. */
export function commonPrefixLength(left: WriteLog, leftLength: number, right: WriteLog, rightLength: number): number {
  const limit = Math.min(leftLength, rightLength);
  let index = 0;
  while (index < limit && left[index]?.id === right[index]?.id) index += 1;
  return index;
}
