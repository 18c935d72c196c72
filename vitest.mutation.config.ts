/**
 * The vitest configuration of the mutation job (stryker.config.json): the unit and property
 * tests of impl/ and model/ that exercise the durability code, without the suites that are slow
 * per run and cover everything (conformance/, the interop tests, the model's graph traversal and
 * walks, two slow decoder suites), so each mutant reruns only the fast tests that cover it.
 * Properties run with one fixed seed and at most DURAKV_MAX_RUNS cases, so verdicts repeat.
 * includeTaskLocation gives each test its place in its file, which the 'vitest-located' runner
 * (scripts/mutation-located-vitest-runner.mjs) hands to Stryker's incremental diff.
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['impl/**/*.test.ts', 'model/**/*.test.ts'],
    exclude: [
      '**/node_modules/**',
      'impl/cli/**',
      // Seconds per run, and they cover what faster tests of the same code cover: the model's graph
      // traversal and invariant walks, the decoder's memory bound and its 1,500-case corrupt-input property.
      'model/persistence-machine.graph.test.ts',
      'model/persistence-invariants.property.test.ts',
      'impl/encoding/rdb-decoder-memory.test.ts',
      'impl/encoding/rdb-bad-input.property.test.ts',
    ],
    env: { DURAKV_SEED: '20261124', DURAKV_MAX_RUNS: '25' },
    setupFiles: ['scripts/testing/mutation-test-setup.ts'],
    isolate: false,
    includeTaskLocation: true,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
