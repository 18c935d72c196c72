/**
 * Whether the real Redis tools the interop tests need are installed: redis-server 7.0.x and the
 * checkers a suite names (redis-check-rdb, redis-check-aof; Debian's redis-server and
 * redis-tools packages; .ci/run installs them).
 *
 * Invariant: the check runs each tool once (redis-server and redis-check-rdb with --version,
 * redis-check-aof, which has no --version, with no argument: it must print its usage line);
 * `available` is false with a reason naming what is missing or which version was found, never
 * an exception.
 */
import { spawnSync } from 'node:child_process';

export interface RedisTools {
  readonly available: boolean;
  /** Why not, when not available; the version line when available. */
  readonly detail: string;
}

export type RedisChecker = 'redis-check-rdb' | 'redis-check-aof';

const requiredMajorMinor = '7.0.';

function versionOf(tool: string): string | undefined {
  const result = spawnSync(tool, ['--version'], { encoding: 'utf8', timeout: 10_000 });
  if (result.error !== undefined || result.status !== 0) return undefined;
  return result.stdout.trim();
}

function installed(checker: RedisChecker): boolean {
  if (checker === 'redis-check-rdb') return versionOf(checker) !== undefined;
  const result = spawnSync(checker, [], { encoding: 'utf8', timeout: 10_000 });
  return result.error === undefined && `${result.stdout}${result.stderr}`.includes(`Usage: ${checker}`);
}

export function detectRedisTools(checkers: readonly RedisChecker[] = ['redis-check-rdb']): RedisTools {
  const server = versionOf('redis-server');
  if (server === undefined) return { available: false, detail: 'redis-server is not installed (Debian: apt-get install redis-server redis-tools)' };
  for (const checker of checkers) {
    if (!installed(checker)) return { available: false, detail: `${checker} is not installed (Debian: apt-get install redis-tools)` };
  }
  const version = /v=([0-9.]+)/.exec(server)?.[1] ?? server;
  if (!version.startsWith(requiredMajorMinor)) return { available: false, detail: `redis-server ${version} found; these tests pin Redis 7.0's formats` };
  return { available: true, detail: `redis-server ${version}` };
}
