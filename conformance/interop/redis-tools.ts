/**
 * Whether the real Redis tools the interop tests need are installed: redis-server and
 * redis-check-rdb 7.0.x (Debian's redis-server and redis-tools packages; .ci/run installs them).
 *
 * Invariant: the check runs each tool once with --version; `available` is false with a reason
 * naming what is missing or which version was found, never an exception.
 */
import { spawnSync } from 'node:child_process';

export interface RedisTools {
  readonly available: boolean;
  /** Why not, when not available; the version line when available. */
  readonly detail: string;
}

const requiredMajorMinor = '7.0.';

function versionOf(tool: string): string | undefined {
  const result = spawnSync(tool, ['--version'], { encoding: 'utf8', timeout: 10_000 });
  if (result.error !== undefined || result.status !== 0) return undefined;
  return result.stdout.trim();
}

export function detectRedisTools(): RedisTools {
  const server = versionOf('redis-server');
  if (server === undefined) return { available: false, detail: 'redis-server is not installed (Debian: apt-get install redis-server redis-tools)' };
  const check = versionOf('redis-check-rdb');
  if (check === undefined) return { available: false, detail: 'redis-check-rdb is not installed (Debian: apt-get install redis-tools)' };
  const version = /v=([0-9.]+)/.exec(server)?.[1] ?? server;
  if (!version.startsWith(requiredMajorMinor)) return { available: false, detail: `redis-server ${version} found; these tests pin Redis 7.0's RDB format` };
  return { available: true, detail: `redis-server ${version}` };
}
