/**
 * `tsx scripts/mutation-report.ts [--write]`: docs/mutation.md's tables from reports/mutation/mutation.json:
 * the score per file (timeouts counted as killed, as Stryker does, and shown in their own column),
 * every surviving mutant with its reason from scripts/mutation-triage.ts (or "untriaged"), and the
 * mutants Stryker ignored, with the ignorer's reason.
 *
 * With --write the tables replace what lies between the report markers of docs/mutation.md;
 * without, they go to stdout.
 *
 * Invariant: reads the report only (and, with --write, rewrites only the marked part of the doc); the score is (killed + timeout) / (all − errors) per file,
 * where `all` leaves out Ignored mutants (static code under ignoreStatic, assertion calls).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { type TriageEntry, triage, triageOf } from './mutation-triage.ts';

export interface ReportMutant {
  readonly id: string;
  readonly mutatorName: string;
  readonly status: string;
  readonly statusReason?: string;
  readonly replacement?: string;
  readonly location: { readonly start: { readonly line: number; readonly column: number } };
}

export interface StrykerReport {
  readonly files: Record<string, { readonly source: string; readonly mutants: readonly ReportMutant[] }>;
}

export interface RenderedReport {
  readonly markdown: string;
  readonly score: number;
  readonly untriaged: number;
  /** Entries that explain no survivor of this report (the mutant is now killed, or its code changed): prune them. */
  readonly unusedEntries: readonly TriageEntry[];
}

const cell = (text: string, length: number): string => text.replace(/\s+/g, ' ').trim().slice(0, length).replace(/\|/g, '\\|');

export function renderMutationReport(report: StrykerReport, entries: readonly TriageEntry[]): RenderedReport {
  const rows = ['| file | mutants | killed | timeout | survived | no coverage | errors | ignored | score |', '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |'];
  const totals = { all: 0, killed: 0, timeout: 0, survived: 0, noCoverage: 0, errors: 0, ignored: 0 };
  const survivors: string[] = [];
  const ignored: string[] = [];
  let untriaged = 0;
  const used = new Set<TriageEntry>();
  for (const [file, { source, mutants }] of Object.entries(report.files).sort(([left], [right]) => left.localeCompare(right))) {
    const count = (status: string): number => mutants.filter((mutant) => mutant.status === status).length;
    const row = { all: mutants.length - count('Ignored'), killed: count('Killed'), timeout: count('Timeout'), survived: count('Survived'), noCoverage: count('NoCoverage'), errors: count('CompileError') + count('RuntimeError'), ignored: count('Ignored') };
    for (const key of Object.keys(totals) as (keyof typeof totals)[]) totals[key] += row[key];
    const score = ((row.killed + row.timeout) / Math.max(1, row.all - row.errors)) * 100;
    rows.push(`| ${file} | ${row.all} | ${row.killed} | ${row.timeout} | ${row.survived} | ${row.noCoverage} | ${row.errors} | ${row.ignored} | ${score.toFixed(2)}% |`);
    const lines = source.split('\n');
    const ordered = [...mutants].sort((left, right) => left.location.start.line - right.location.start.line || left.location.start.column - right.location.start.column);
    for (const mutant of ordered) {
      const line = lines[mutant.location.start.line - 1] ?? '';
      const where = `${file}:${mutant.location.start.line}:${mutant.location.start.column}`;
      const change = `\`${cell(line, 80)}\` → \`${cell(mutant.replacement ?? '', 50)}\``;
      if (mutant.status === 'Survived' || mutant.status === 'NoCoverage') {
        const entry = triageOf(entries, file, mutant.mutatorName, line, mutant.replacement ?? '');
        if (entry === undefined) untriaged += 1;
        else used.add(entry);
        survivors.push(`| ${where} | ${mutant.status} | ${mutant.mutatorName} | ${change} | ${entry === undefined ? '**untriaged**' : cell(entry.reason, 300)} |`);
      } else if (mutant.status === 'Ignored') {
        ignored.push(`| ${where} | ${mutant.mutatorName} | ${change} | ${cell(mutant.statusReason ?? '', 120)} |`);
      }
    }
  }
  const score = ((totals.killed + totals.timeout) / Math.max(1, totals.all - totals.errors)) * 100;
  rows.push(`| **all** | ${totals.all} | ${totals.killed} | ${totals.timeout} | ${totals.survived} | ${totals.noCoverage} | ${totals.errors} | ${totals.ignored} | **${score.toFixed(2)}%** |`);
  const markdown = [
    '### Scores per file', '', ...rows, '',
    `### Surviving mutants (${survivors.length}; ${untriaged} untriaged)`, '',
    '| mutant | status | mutator | original → replacement | reason |', '| --- | --- | --- | --- | --- |', ...survivors, '',
    `### Ignored mutants (${ignored.length})`, '',
    '<details><summary>every ignored mutant and the ignorer\'s reason</summary>', '',
    '| mutant | mutator | original → replacement | reason |', '| --- | --- | --- | --- |', ...ignored, '', '</details>', '',
  ].join('\n');
  return { markdown, score, untriaged, unusedEntries: entries.filter((entry) => !used.has(entry)) };
}

export const reportStart = '<!-- mutation-report:start (scripts/mutation-report.ts --write) -->';
export const reportEnd = '<!-- mutation-report:end -->';

/** The document with the text between its report markers replaced by `markdown`. */
export function spliceReport(document: string, markdown: string): string {
  const start = document.indexOf(reportStart);
  const end = document.indexOf(reportEnd);
  if (start < 0 || end < start) throw new Error(`docs/mutation.md lacks the markers ${reportStart} … ${reportEnd}`);
  return `${document.slice(0, start + reportStart.length)}\n\n${markdown}\n${document.slice(end)}`;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const report = JSON.parse(readFileSync('reports/mutation/mutation.json', 'utf8')) as StrykerReport;
  const rendered = renderMutationReport(report, triage);
  if (process.argv.includes('--write')) writeFileSync('docs/mutation.md', spliceReport(readFileSync('docs/mutation.md', 'utf8'), rendered.markdown));
  else process.stdout.write(rendered.markdown);
  process.stderr.write(`mutation score ${rendered.score.toFixed(2)}%, ${rendered.untriaged} untriaged survivor(s), ${rendered.unusedEntries.length} triage entr(ies) matching no survivor\n`);
  for (const entry of rendered.unusedEntries) process.stderr.write(`  unused: ${entry.file} ${entry.mutator} ${JSON.stringify(entry.code)}\n`);
}
