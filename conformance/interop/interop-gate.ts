/**
 * The gate every interop suite starts with: detect the Redis tools it needs, and without them
 * either skip (a visible warning on the console) or, when CI is set, fail the suite's "tools
 * installed" test.
 *
 * Invariant: `ci` is true when process.env.CI is set to anything but '' or 'false'; `run` is
 * whether the suite's server tests run (tools available).
 */
import { detectRedisTools, type RedisChecker, type RedisTools } from './redis-tools.ts';

export interface InteropGate {
  readonly tools: RedisTools;
  readonly ci: boolean;
  readonly run: boolean;
}

export function interopGate(suite: string, checkers: readonly RedisChecker[]): InteropGate {
  const tools = detectRedisTools(checkers);
  const ci = (process.env['CI'] ?? '') !== '' && process.env['CI'] !== 'false';
  if (!tools.available) console.warn(`[interop] ${ci ? 'FAILING (CI is set)' : 'SKIPPING'} ${suite}: ${tools.detail}`);
  return { tools, ci, run: tools.available };
}
