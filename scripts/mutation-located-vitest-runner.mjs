/**
 * A Stryker test runner plugin, 'vitest-located' (stryker.config.json "testRunner"): Stryker 9's
 * vitest runner, with the place of each test in its file reported. This is the change of
 * stryker-js PR #6188 (issue #6186), which shipped in Stryker 10; Stryker 10 needs Node 22.
 *
 * Why: incremental mode identifies a test by its file, name and start position, and a test
 * spans from its start to the next test's start. The 9.x vitest runner reports no position, so
 * Stryker takes every test to span its whole file: one edited line in a test file re-tests every
 * mutant that any test of that file killed or covers. With positions, only the edited tests'
 * mutants are re-tested. Like Jest's runner, a change outside every test (a shared table or a
 * helper above the first test, or in another module) is not seen: `npx stryker run --force`.
 *
 * It also runs each mutant with the tighter hit limit of scripts/mutation-hit-limit.mjs, so an
 * endless loop stops on the hit count instead of the wall-clock timeout.
 *
 * Invariants:
 * - Everything else is the vitest runner's: the dry run's test results gain `startPosition`, and
 *   a mutant run's hit limit is scaled down; nothing else changes.
 * - Results are paired with vitest's tasks in the order the runner builds them (files in state
 *   order, tests depth first, those that ran). Each pair must agree (same file, the result's name
 *   is the task's full name) or the dry run fails: a wrong position would reuse results wrongly.
 * - Positions are 0-based as Stryker keeps them; vitest's task locations are 1-based (line and
 *   column, from a V8 stack). A task without a location (includeTaskLocation off) stays whole-file.
 * Plain JavaScript because Stryker imports plugins with Node's own loader.
 */
import path from 'node:path';
import { PluginKind, commonTokens, declareFactoryPlugin, tokens } from '@stryker-mutator/api/plugin';
import { strykerPlugins as vitestRunnerPlugins } from '@stryker-mutator/vitest-runner';
import { withTightHitLimit } from './mutation-hit-limit.mjs';

/** The tests of a vitest file or suite task, depth first, as the vitest runner collects them. */
export function testsOf(task) {
  return task.tasks.flatMap((child) => (child.type === 'suite' ? testsOf(child) : child.type === 'test' ? [child] : []));
}

/** A test's full name as the vitest runner reports it: its suites' names and its own, joined by spaces, trimmed. */
export function fullNameOf(task) {
  const parts = [task.name];
  for (let suite = task.suite; suite !== undefined; suite = suite.suite) parts.unshift(suite.name);
  return parts.join(' ').trim();
}

/**
 * Adds startPosition (0-based) to each dry-run test result from its vitest task, in place.
 * `files` are vitest's file tasks of the run; `results` the runner's test results of that run.
 */
export function addStartPositions(files, results) {
  const tasks = files.flatMap(testsOf).filter((task) => task.result);
  if (tasks.length !== results.length) {
    throw new Error(`vitest-located: ${results.length} test results but ${tasks.length} vitest tests ran; cannot pair them`);
  }
  results.forEach((result, index) => {
    const task = tasks[index];
    const sameFile = result.fileName === undefined || task.file?.filepath === undefined || path.resolve(task.file.filepath) === path.resolve(result.fileName);
    if (!sameFile || result.name !== fullNameOf(task)) {
      throw new Error(`vitest-located: result ${JSON.stringify(result.name)} does not match vitest test ${JSON.stringify(fullNameOf(task))} of ${task.file?.filepath}`);
    }
    if (task.location !== undefined) result.startPosition = { line: task.location.line - 1, column: task.location.column - 1 };
  });
  return results;
}

const vitestPlugin = vitestRunnerPlugins.find((plugin) => plugin.kind === PluginKind.TestRunner && plugin.name === 'vitest');
if (vitestPlugin?.factory === undefined) throw new Error("vitest-located: @stryker-mutator/vitest-runner declares no 'vitest' test runner factory (a version other than 9.x?)");
const vitestFactory = vitestPlugin.factory;

/**
 * Adapts a vitest runner in place: its dry run reports test positions, and each mutant run gets
 * the tighter hit limit of scripts/mutation-hit-limit.mjs. Everything else is the runner's own.
 */
export function adaptVitestRunner(runner) {
  const dryRun = runner.dryRun.bind(runner);
  runner.dryRun = async (options) => {
    const result = await dryRun(options);
    if (result.status === 'complete') addStartPositions(runner.ctx.state.getFiles(), result.tests);
    return result;
  };
  const mutantRun = runner.mutantRun.bind(runner);
  runner.mutantRun = (options) => mutantRun(withTightHitLimit(options));
  return runner;
}

function createLocatedVitestRunner(injector) {
  return adaptVitestRunner(vitestFactory(injector));
}
createLocatedVitestRunner.inject = tokens(commonTokens.injector);

export const strykerPlugins = [declareFactoryPlugin(PluginKind.TestRunner, 'vitest-located', createLocatedVitestRunner)];
