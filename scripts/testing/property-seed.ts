/**
 * fast-check parameters for property tests: a seed and an explicit run count.
 *
 * Invariant: every property test prints its seed and can be replayed. The seed is DURAKV_SEED when
 * set, else derived from the clock and pid (test support, above the deterministic layers); either
 * way one line names it, and `DURAKV_SEED=<seed> npx vitest run <file>` replays the same cases.
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

export function propertyParameters(name: string, numRuns: number): PropertyParameters {
  const seed = seedFromEnvironment() ?? Date.now() ^ (process.pid << 16);
  console.log(`[property] ${name}: seed=${seed} numRuns=${numRuns} (replay: ${replayHint(seed)})`);
  return { seed, numRuns };
}
