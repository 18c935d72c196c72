/**
 * Goal: the Stryker ignorer skips exactly the calls of node:assert (`assert(...)` and
 * `assert.<method>(...)`), and nothing else: other calls, other objects' methods and non-calls stay
 * mutated. Method: hand-made Babel-shaped node paths.
 */
import { describe, expect, it } from 'vitest';
import { type CalleeNode, type IgnorerPath, assertionIgnorer, strykerPlugins } from './mutation-ignore-assertions.mjs';

const identifier = (name: string): CalleeNode => ({ type: 'Identifier', name });
const member = (object: CalleeNode): CalleeNode => ({ type: 'MemberExpression', object });
const call = (callee: CalleeNode): IgnorerPath => ({ isCallExpression: () => true, node: { callee } });

describe('the assertion ignorer of the mutation job', () => {
  it.each([
    ['assert(x)', identifier('assert')],
    ['assert.ok(x)', member(identifier('assert'))],
  ])('ignores the mutants inside %s, naming why', (_text, callee) => {
    expect(assertionIgnorer.shouldIgnore(call(callee))).toMatch(/node:assert invariant/);
  });

  it.each([
    ['fsync(fd)', identifier('fsync')],
    ['this.assert(x)', member({ type: 'ThisExpression' })],
    ['check.ok(x)', member(identifier('check'))],
    ['assertEvent(x)', identifier('assertEvent')],
  ])('keeps the mutants inside %s', (_text, callee) => {
    expect(assertionIgnorer.shouldIgnore(call(callee))).toBeUndefined();
  });

  it('keeps the mutants of a node that is not a call', () => {
    expect(assertionIgnorer.shouldIgnore({ isCallExpression: () => false, node: {} })).toBeUndefined();
  });

  it('registers one plugin', () => {
    expect(strykerPlugins).toHaveLength(1);
  });
});
