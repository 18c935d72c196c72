/**
 * Runs Redis's own RDB checker, redis-check-rdb, on a file and reports its verdict.
 *
 * Invariant: `ok` is true only when the tool exits 0 AND prints "RDB looks OK"; the full output
 * is kept for the failure message.
 */
import { spawnSync } from 'node:child_process';

export interface RdbCheckResult {
  readonly ok: boolean;
  readonly status: number | null;
  readonly output: string;
}

export function redisCheckRdb(path: string): RdbCheckResult {
  const result = spawnSync('redis-check-rdb', [path], { encoding: 'utf8', timeout: 30_000 });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}${result.error === undefined ? '' : String(result.error)}`;
  return { ok: result.status === 0 && output.includes('RDB looks OK'), status: result.status, output };
}
