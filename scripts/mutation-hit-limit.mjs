/**
 * The hit limit the 'vitest-located' runner (scripts/mutation-located-vitest-runner.mjs) gives
 * each mutant run: how many times the active mutant's switch may be reached before the run
 * stops with "Hit count limit reached", which Stryker reports as a Timeout.
 *
 * Stryker 9 sets the limit to 100 times the switch's hits in the dry run, over every test that
 * covers it. Our tests are deterministic (fixed seeds, a manual clock and scheduler), so an
 * unchanged program reaches a switch exactly as often as in the dry run, or less when the run
 * stops at its first failing test. A hot line (the manifest tokenizer, the snapshot's chunk
 * loop) has about a million dry-run hits, so an endless loop there spins 100 million times,
 * for seconds, and often outlasts the wall-clock timeout instead: that costs the timeout (about
 * 18 s with the store tests) plus a restarted worker. With the limit at 10 times, the loop stops
 * after a tenth of the work; a mutant that makes a line run ten times as often as the whole
 * covering suite does is a Timeout either way, only found sooner.
 *
 * Invariants:
 * - The limit only shrinks, never below one hit, and an absent limit stays absent.
 * - The same limit goes to the runner and to its check of the hit count after the run.
 */
/** Stryker 9's factor (mutant-test-planner.ts, HIT_LIMIT_FACTOR). */
export const strykerHitLimitFactor = 100;
/** The factor durakv's mutation runs use. */
export const hitLimitFactor = 10;

/** The run options with Stryker's hit limit scaled from strykerHitLimitFactor to hitLimitFactor. */
export function withTightHitLimit(options) {
  if (options.hitLimit === undefined) return options;
  const hitLimit = Math.max(1, Math.ceil((options.hitLimit * hitLimitFactor) / strykerHitLimitFactor));
  return { ...options, hitLimit };
}
