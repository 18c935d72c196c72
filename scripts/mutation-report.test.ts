/**
 * Goal: the mutation report counts timeouts as killed but in their own column, leaves Ignored
 * mutants out of the score, writes each survivor's triage reason (or "untriaged") and each ignored
 * mutant's reason. Method: hand-made Stryker reports.
 */
import { describe, expect, it } from 'vitest';
import { type ReportMutant, renderMutationReport, reportEnd, reportStart, spliceReport } from './mutation-report.ts';
import type { TriageEntry } from './mutation-triage.ts';

const source = 'const a = 1;\nif (size >= 0) write();\nassert.ok(a > 0);\n';
const mutant = (id: string, status: string, line: number, mutatorName = 'ConditionalExpression', replacement = 'true', statusReason?: string): ReportMutant => ({
  id, status, mutatorName, replacement, location: { start: { line, column: 1 } }, ...(statusReason === undefined ? {} : { statusReason }),
});
const report = {
  files: {
    'impl/x.ts': {
      source,
      mutants: [
        mutant('1', 'Killed', 1), mutant('2', 'Timeout', 1), mutant('3', 'Survived', 2, 'EqualityOperator', 'size > 0'),
        mutant('4', 'NoCoverage', 2), mutant('5', 'Ignored', 3, 'ConditionalExpression', 'true', 'inside a node:assert invariant check'),
      ],
    },
  },
};
const entry: TriageEntry = { file: 'impl/x.ts', mutator: 'EqualityOperator', code: 'size >= 0', replacement: 'size > 0', reason: 'size is never 0 here' };

describe('the mutation report', () => {
  it('scores (killed + timeout) / (all − errors) without the ignored mutants, timeouts in their own column', () => {
    const rendered = renderMutationReport(report, []);
    expect(rendered.score).toBe(50);
    expect(rendered.markdown).toContain('| impl/x.ts | 4 | 1 | 1 | 1 | 1 | 0 | 1 | 50.00% |');
  });

  it('writes the triage reason beside a matching survivor and counts the rest as untriaged', () => {
    const rendered = renderMutationReport(report, [entry]);
    expect(rendered.untriaged).toBe(1);
    expect(rendered.markdown).toContain('| impl/x.ts:2:1 | Survived | EqualityOperator | `if (size >= 0) write();` → `size > 0` | size is never 0 here |');
    expect(rendered.markdown).toContain('| impl/x.ts:2:1 | NoCoverage | ConditionalExpression | `if (size >= 0) write();` → `true` | **untriaged** |');
    expect(renderMutationReport(report, []).untriaged).toBe(2);
  });

  it('does not match an entry whose code, replacement, mutator or file differ', () => {
    for (const changed of [{ code: 'size >= 1' }, { replacement: 'size < 0' }, { mutator: 'StringLiteral' }, { file: 'impl/y.ts' }]) {
      expect(renderMutationReport(report, [{ ...entry, ...changed }]).untriaged).toBe(2);
    }
  });

  it('names the entries that explain no survivor (killed since, or their code changed), and only those', () => {
    const stale: TriageEntry = { ...entry, code: 'a = 1', mutator: 'StringLiteral' };
    const rendered = renderMutationReport(report, [entry, stale]);
    expect(rendered.unusedEntries).toEqual([stale]);
    expect(renderMutationReport(report, [entry]).unusedEntries).toEqual([]);
  });

  it('lists each ignored mutant with the ignorer\'s reason', () => {
    expect(renderMutationReport(report, []).markdown).toContain('| impl/x.ts:3:1 | ConditionalExpression | `assert.ok(a > 0);` → `true` | inside a node:assert invariant check |');
  });
});

describe('writing the report into docs/mutation.md', () => {
  it('replaces only the text between the markers', () => {
    const document = `# title\n${reportStart}\nold tables\n${reportEnd}\nafter\n`;
    expect(spliceReport(document, 'new tables\n')).toBe(`# title\n${reportStart}\n\nnew tables\n\n${reportEnd}\nafter\n`);
  });

  it('refuses a document without both markers', () => {
    expect(() => spliceReport(`# title\n${reportEnd}\n${reportStart}\n`, 'x')).toThrow(/lacks the markers/);
    expect(() => spliceReport('# title\n', 'x')).toThrow(/lacks the markers/);
  });
});
