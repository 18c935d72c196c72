/**
 * `tsx scripts/mutation-report.ts`: the per-file table and the list of surviving mutants of
 * reports/mutation/mutation.json, as Markdown, for docs/mutation.md (timeouts counted as killed,
 * as Stryker does, and shown in their own column).
 *
 * Invariant: reads the report only; the score is (killed + timeout) / (all − errors) per file,
 * where `all` leaves out the mutants Stryker ignored (static code: ignoreStatic).
 */
import { readFileSync } from 'node:fs';

interface Mutant {
  readonly id: string;
  readonly mutatorName: string;
  readonly status: string;
  readonly replacement?: string;
  readonly location: { readonly start: { readonly line: number; readonly column: number } };
}

const report = JSON.parse(readFileSync('reports/mutation/mutation.json', 'utf8')) as { files: Record<string, { source: string; mutants: Mutant[] }> };
const rows: string[] = ['| file | mutants | killed | timeout | survived | no coverage | errors | score |', '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |'];
const totals = { all: 0, killed: 0, timeout: 0, survived: 0, noCoverage: 0, errors: 0 };
const survivors: string[] = [];
for (const [file, { source, mutants }] of Object.entries(report.files).sort(([left], [right]) => left.localeCompare(right))) {
  const count = (status: string): number => mutants.filter((mutant) => mutant.status === status).length;
  const row = { all: mutants.length - count('Ignored'), killed: count('Killed'), timeout: count('Timeout'), survived: count('Survived'), noCoverage: count('NoCoverage'), errors: count('CompileError') + count('RuntimeError') };
  for (const key of Object.keys(totals) as (keyof typeof totals)[]) totals[key] += row[key];
  const score = ((row.killed + row.timeout) / Math.max(1, row.all - row.errors)) * 100;
  rows.push(`| ${file} | ${row.all} | ${row.killed} | ${row.timeout} | ${row.survived} | ${row.noCoverage} | ${row.errors} | ${score.toFixed(2)}% |`);
  const lines = source.split('\n');
  for (const mutant of mutants.filter((candidate) => candidate.status === 'Survived' || candidate.status === 'NoCoverage')) {
    const code = (lines[mutant.location.start.line - 1] ?? '').trim().slice(0, 90).replace(/\|/g, '\\|');
    survivors.push(`| ${file}:${mutant.location.start.line}:${mutant.location.start.column} | ${mutant.status} | ${mutant.mutatorName} | \`${code}\` → \`${(mutant.replacement ?? '').replace(/\s+/g, ' ').slice(0, 60).replace(/\|/g, '\\|')}\` |`);
  }
}
const score = ((totals.killed + totals.timeout) / Math.max(1, totals.all - totals.errors)) * 100;
rows.push(`| **all** | ${totals.all} | ${totals.killed} | ${totals.timeout} | ${totals.survived} | ${totals.noCoverage} | ${totals.errors} | **${score.toFixed(2)}%** |`);
process.stdout.write(`${rows.join('\n')}\n\n| mutant | status | mutator | original → replacement |\n| --- | --- | --- | --- |\n${survivors.join('\n')}\n`);
