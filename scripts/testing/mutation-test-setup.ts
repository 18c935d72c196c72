/**
 * Set-up of the mutation job's vitest run (vitest.mutation.config.ts): fast-check properties that
 * do not pass their own parameters get the job's fixed seed and run cap too, so every mutant meets
 * the same cases and a rerun of the job gives the same verdicts.
 */
import fc from 'fast-check';

const seed = Number(process.env['DURAKV_SEED']);
const numRuns = Number(process.env['DURAKV_MAX_RUNS']);
if (!Number.isSafeInteger(seed) || !Number.isSafeInteger(numRuns) || numRuns < 1) {
  throw new Error('the mutation job needs DURAKV_SEED and DURAKV_MAX_RUNS (set in vitest.mutation.config.ts)');
}
fc.configureGlobal({ seed, numRuns });
