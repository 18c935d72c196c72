/**
 * `npm run replay -- <seed> <path> [replayPath]`: reruns one counterexample of the model-based
 * conformance property (conformance/property/conformance-property.ts) as a failure report gave
 * it, prints whether it still fails, and the run's report (the violation and its timeline).
 * `--shrink` also shrinks it to a smaller counterexample first.
 *
 * Invariant: the same seed, path and replayPath always run the same commands on the same
 * generated configuration; exit 1 when it fails, 0 when it passes, 2 on bad arguments.
 */
import { runConformanceProperty } from '../conformance/property/conformance-property.ts';

const args = process.argv.slice(2).filter((arg) => arg !== '--shrink');
const shrink = process.argv.includes('--shrink');
const [seedText, path, replayPath] = args;
if (seedText === undefined || path === undefined || !/^-?\d+$/.test(seedText)) {
  process.stderr.write('usage: npm run replay -- <seed> <path> [replayPath] [--shrink]\n');
  process.exit(2);
}
const outcome = await runConformanceProperty({ seed: Number(seedText), numRuns: 1, path, shrink, ...(replayPath === undefined || replayPath === '' ? {} : { replayPath }) });
if (!outcome.failed) {
  process.stdout.write(`seed ${seedText} path ${path}: passes\n`);
  process.exit(0);
}
process.stdout.write(`${outcome.report}\n\nreplay: ${outcome.replayCommand ?? ''}\n`);
process.exit(1);
