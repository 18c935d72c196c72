/**
 * Goal: the 'vitest-located' runner pairs each dry-run result with its vitest test and reports
 * 0-based start positions; it refuses to guess when results and tests do not pair up.
 */
import { describe, expect, it } from 'vitest';
import { addStartPositions, adaptVitestRunner, type LocatedTestResult, type VitestTaskLike } from './mutation-located-vitest-runner.mjs';

const filepath = '/repo/impl/thing.test.ts';
const file = { filepath };
const test = (name: string, line: number, column: number, ran = true): VitestTaskLike => ({ type: 'test', name, file, location: { line, column }, ...(ran ? { result: { state: 'pass' } } : {}) });
/** A suite whose children point back to it, as vitest's tasks do. */
function suite(name: string, tasks: VitestTaskLike[]): VitestTaskLike {
  const made = { type: 'suite', name, tasks, file };
  for (const task of tasks) (task as { suite?: VitestTaskLike }).suite = made;
  return made;
}

describe('addStartPositions (vitest-located runner)', () => {
  it('gives each result the 0-based line and column of its test, nested suites depth first, skipping tests that did not run', () => {
    const files = [{ tasks: [test('top', 5, 1), suite('group', [test('inner a', 10, 3), test('bailed', 20, 3, false), suite('deeper', [test('inner b', 30, 5)])])] }];
    const results: LocatedTestResult[] = [
      { name: 'top', fileName: filepath },
      { name: 'group inner a', fileName: filepath },
      { name: 'group deeper inner b', fileName: filepath },
    ];
    addStartPositions(files, results);
    expect(results.map((result) => result.startPosition)).toEqual([
      { line: 4, column: 0 },
      { line: 9, column: 2 },
      { line: 29, column: 4 },
    ]);
  });

  it('matches a name with trailing blanks as the runner trims it', () => {
    const results: LocatedTestResult[] = [{ name: 'group ends in blanks', fileName: filepath }];
    addStartPositions([{ tasks: [suite('group', [test('ends in blanks  ', 7, 3)])] }], results);
    expect(results[0]!.startPosition).toEqual({ line: 6, column: 2 });
  });

  it('leaves a result without a position when vitest gave its test none (includeTaskLocation off)', () => {
    const results: LocatedTestResult[] = [{ name: 'no place', fileName: filepath }];
    addStartPositions([{ tasks: [{ type: 'test', name: 'no place', file, result: { state: 'pass' } }] }], results);
    expect(results[0]!.startPosition).toBeUndefined();
  });

  it('throws when the counts differ, when a name does not match, and when the file does not match', () => {
    expect(() => addStartPositions([{ tasks: [test('a', 1, 1)] }], [])).toThrow(/0 test results but 1 vitest tests ran/);
    expect(() => addStartPositions([{ tasks: [test('a', 1, 1)] }], [{ name: 'b', fileName: filepath }])).toThrow(/result "b" does not match vitest test "a"/);
    expect(() => addStartPositions([{ tasks: [suite('outer', [test('a', 1, 1)])] }], [{ name: 'a', fileName: filepath }])).toThrow(/result "a" does not match vitest test "outer a"/);
    expect(() => addStartPositions([{ tasks: [test('a', 1, 1)] }], [{ name: 'a', fileName: '/repo/other.test.ts' }])).toThrow(/does not match/);
  });
});

describe('adaptVitestRunner', () => {
  function fakeRunner(files: VitestTaskLike[], results: LocatedTestResult[]) {
    const seen: Array<{ hitLimit?: number | undefined }> = [];
    const runner = {
      ctx: { state: { getFiles: () => [{ tasks: files }] } },
      dryRun: async (_options: unknown) => ({ status: 'complete', tests: results }),
      mutantRun: async (options: { hitLimit?: number | undefined }) => {
        seen.push(options);
        return { status: 'survived' };
      },
    };
    return { runner: adaptVitestRunner(runner), seen };
  }

  it('adds start positions to a complete dry run', async () => {
    const { runner } = fakeRunner([test('writes', 3, 3)], [{ name: 'writes', fileName: filepath }]);
    const result = await runner.dryRun({});
    expect(result.tests).toEqual([{ name: 'writes', fileName: filepath, startPosition: { line: 2, column: 2 } }]);
  });

  it('hands each mutant run to the vitest runner with a tenth of Stryker\'s hit limit', async () => {
    const { runner, seen } = fakeRunner([], []);
    await runner.mutantRun({ hitLimit: 5000 });
    await runner.mutantRun({ hitLimit: undefined });
    expect(seen).toEqual([{ hitLimit: 500 }, { hitLimit: undefined }]);
  });
});
