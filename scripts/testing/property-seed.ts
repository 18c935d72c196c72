/**
 * fast-check parameters for property tests: a seed and an explicit run count.
 *
 * Invariant: every property test prints its seed and can be replayed. The seed is DURAKV_SEED when
 * set, else derived from the clock and pid (test support, above the deterministic layers); either
 * way one line names it, and `DURAKV_SEED=<seed> npx vitest run <file>` replays the same cases.
 * DURAKV_MAX_RUNS caps the run count (the mutation job sets it with a fixed seed, so that every
 * mutant meets the same cases and a rerun gives the same verdict).
 */
export interface PropertyParameters {
  readonly seed: number;
  readonly numRuns: number;
}

/** How to rerun a property with this seed. */
export function replayHint(seed: number): string {
  return `DURAKV_SEED=${seed}`;
}

function seedFromEnvironment(): number | undefined {
  const text = process.env['DURAKV_SEED']?.trim();
  if (text === undefined || text === '') return undefined;
  const seed = Number(text);
  if (!/^-?\d+$/.test(text) || !Number.isSafeInteger(seed)) throw new Error(`DURAKV_SEED must be an integer, got ${JSON.stringify(text)}`);
  return seed;
}

function runCapFromEnvironment(): number | undefined {
  const text = process.env['DURAKV_MAX_RUNS']?.trim();
  if (text === undefined || text === '') return undefined;
  const cap = Number(text);
  if (!/^\d+$/.test(text) || cap < 1 || !Number.isSafeInteger(cap)) throw new Error(`DURAKV_MAX_RUNS must be a positive integer, got ${JSON.stringify(text)}`);
  return cap;
}

export function propertyParameters(name: string, requestedRuns: number): PropertyParameters {
  const seed = seedFromEnvironment() ?? Date.now() ^ (process.pid << 16);
  const numRuns = Math.min(requestedRuns, runCapFromEnvironment() ?? requestedRuns);
  console.log(`[property] ${name}: seed=${seed} numRuns=${numRuns} (replay: ${replayHint(seed)})`);
  return { seed, numRuns };
}
