/**
 * A Stryker ignorer plugin (stryker.config.json "ignorers": ["assertions"]): mutants inside a call of
 * node:assert (`assert(...)`, `assert.ok(...)`, `assert.equal(...)`, ...) are reported Ignored.
 *
 * Why: those calls state invariants for the programmer: a condition that can only fail on a bug in
 * durakv itself, never on input, disk state or a crash. Weakening one (its condition to `true`, its
 * message to "") changes nothing a correct program does, so no behavioural test can kill it; making
 * one stricter fails the tests that reach it and is killed anyway. docs/mutation.md lists them.
 * Plain JavaScript because Stryker imports plugins with Node's own loader.
 */
import { PluginKind, declareValuePlugin } from '@stryker-mutator/api/plugin';

const reason = 'inside a node:assert invariant check (programmer error only; see docs/mutation.md)';

/** True for the callee of `assert(...)` and `assert.<method>(...)`. */
export function isAssertCallee(callee) {
  if (callee.type === 'Identifier') return callee.name === 'assert';
  return callee.type === 'MemberExpression' && callee.object.type === 'Identifier' && callee.object.name === 'assert';
}

export const assertionIgnorer = {
  shouldIgnore(path) {
    return path.isCallExpression() && isAssertCallee(path.node.callee) ? reason : undefined;
  },
};

export const strykerPlugins = [declareValuePlugin(PluginKind.Ignore, 'assertions', assertionIgnorer)];
