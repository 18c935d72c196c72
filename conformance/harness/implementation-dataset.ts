/**
 * The implementation's dataset as the model sees data: model key `<db>:<key>` → canonical value
 * (client-writes.ts) and expiry in model time, with the keys expired at `nowMs` left out, the
 * way the model's datasetOfPrefix leaves them out.
 *
 * Invariant: two datasets are equal here exactly when every key, value and expiry is equal.
 */
import type { Dataset, DatasetEntry } from '../../model/index.ts';
import type { DatabaseContents } from '../../impl/index.ts';
import { abstractValue, epochMs } from './client-writes.ts';

/** `nowMs` null keeps the keys stored past their expiry (what a later access or cycle deletes). */
export function abstractDataset(databases: ReadonlyMap<number, DatabaseContents>, nowMs: number | null): Dataset {
  const dataset = new Map<string, DatasetEntry>();
  for (const [db, contents] of databases) {
    for (const [key, entry] of contents) {
      const expireAtMs = entry.expireAtMs === null ? null : entry.expireAtMs - epochMs;
      if (expireAtMs !== null && nowMs !== null && nowMs > expireAtMs) continue;
      dataset.set(`${db}:${key}`, { value: abstractValue(entry.value), expireAtMs });
    }
  }
  return dataset;
}
