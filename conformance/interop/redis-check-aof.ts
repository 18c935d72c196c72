/**
 * Runs Redis's own AOF checker, redis-check-aof, on a manifest (or a single AOF file), plain or
 * with --fix, and reports its verdict.
 *
 * Invariants:
 * - `valid` is true only when the tool exits 0 AND prints "All AOF files and manifest are
 *   valid" (the multi-part verdict); `fixed` only when `--fix` exited 0 AND printed
 *   "Successfully truncated AOF". The full output is kept for the failure message.
 * - --fix asks "Continue? [y/N]" on stdin: `fix` answers with the given line ("y" by default).
 */
import { spawnSync } from 'node:child_process';

export interface AofCheckResult {
  readonly status: number | null;
  readonly output: string;
  readonly valid: boolean;
  readonly fixed: boolean;
}

function run(args: readonly string[], input: string): AofCheckResult {
  const result = spawnSync('redis-check-aof', args, { encoding: 'utf8', input, timeout: 60_000 });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}${result.error === undefined ? '' : String(result.error)}`;
  return {
    status: result.status,
    output,
    valid: result.status === 0 && output.includes('All AOF files and manifest are valid'),
    fixed: result.status === 0 && output.includes('Successfully truncated AOF'),
  };
}

export function redisCheckAof(manifestPath: string): AofCheckResult {
  return run([manifestPath], '');
}

export function redisCheckAofFix(manifestPath: string, answer = 'y'): AofCheckResult {
  return run(['--fix', manifestPath], `${answer}\n`);
}
