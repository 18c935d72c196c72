/**
 * Renders a job's report as the text summary `durakv check` ends with: the table per
 * appendonly x appendfsync x crash kind, its footnotes, the totals and rate, the model's
 * coverage, the flows, and the verdict.
 *
 * Invariants:
 * - Pure: report in, text out (no clock, no locale: numbers are grouped by hand).
 * - Every figure printed comes from the report; the only fixed text is headings and legends.
 */
import type { CheckReport } from './check-report.ts';
import type { FlowRow } from './flow-rows.ts';
import type { Loss, SummaryRow } from './summary-rows.ts';

/** 1234567 -> "1,234,567". */
export function grouped(value: number): string {
  const [whole, fraction] = String(value).split('.');
  const digits = (whole ?? '').replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return fraction === undefined ? digits : `${digits}.${fraction}`;
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(2);
}

export function lossText(loss: Loss): string {
  if (loss.acknowledged === 0 && loss.windowMs === 0) return 'none';
  return `${loss.acknowledged} write${loss.acknowledged === 1 ? '' : 's'}, ${seconds(loss.windowMs)} s`;
}

/** Columns padded to their widest cell; `right` columns are right-aligned. */
export function renderColumns(rows: readonly (readonly string[])[], right: ReadonlySet<number>): string[] {
  const widths = rows.reduce<number[]>((acc, row) => row.map((cell, index) => Math.max(acc[index] ?? 0, cell.length)), []);
  return rows.map((row) =>
    row
      .map((cell, index) => (right.has(index) ? cell.padStart(widths[index] ?? 0) : index === row.length - 1 ? cell : cell.padEnd(widths[index] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
}

function rowCells(row: SummaryRow): string[] {
  const exercised = row.crashStates > 0;
  return [
    row.appendonly,
    row.appendfsync ?? '—',
    row.crash,
    grouped(row.crashStates),
    grouped(row.violations),
    grouped(row.silentCorruption),
    exercised ? lossText(row.worstLoss) : '—',
    exercised ? lossText(row.bound) : '—',
  ];
}

export function renderSummaryTable(rows: readonly SummaryRow[]): string[] {
  const header = ['appendonly', 'appendfsync', 'crash', 'crash states', 'violations', 'silent corruption', 'worst loss observed', 'model bound'];
  const sum = (pick: (row: SummaryRow) => number) => grouped(rows.reduce((total, row) => total + pick(row), 0));
  const total = ['total', '', '', sum((row) => row.crashStates), sum((row) => row.violations), sum((row) => row.silentCorruption), '', ''];
  return renderColumns([header, ...rows.map(rowCells), total], new Set([3, 4, 5]));
}

function listed(items: readonly string[], max: number): string {
  if (items.length <= max) return items.join(', ');
  return `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}

function renderFlow(flow: FlowRow): string[] {
  const workloads = flow.workloads.length <= 3 ? flow.workloads.join(', ') : `${grouped(flow.workloads.length)} workloads`;
  const claim =
    flow.reaches.length === 0
      ? 'no state claimed'
      : flow.reached
        ? `reached ${flow.reaches.join(', ')}`
        : `NOT REACHED: ${flow.unreached.map((run) => `${run.workload} never visited ${run.states.join(', ')}${run.stoppedAtViolation ? ' (stopped at a violation)' : ''}`).join('; ')}`;
  const phases = (list: readonly string[]) => (list.length === 0 ? '(none)' : list.join(', '));
  return [`  ${flow.flow} (${workloads}): ${claim}`, `    process: ${phases(flow.processPhases)}`, `    power:   ${phases(flow.powerPhases)}`];
}

export function renderSummary(report: CheckReport): string {
  const lines: string[] = [];
  const randomSeeds = report.runs === 0 ? '' : ` (seeds ${report.seed}..${report.seed + report.runs - 1})`;
  lines.push(
    `durakv check: seed ${report.seed}; ${report.catalogueWorkloads.length} catalogue workload${report.catalogueWorkloads.length === 1 ? '' : 's'}, ${grouped(report.runs)} random workload${report.runs === 1 ? '' : 's'}${randomSeeds}; ${report.seconds.toFixed(1)} s`,
    '',
    ...renderSummaryTable(report.rows),
    '',
    'worst loss observed: over the row\'s crash states, the most acknowledged writes a restart lost and the',
    '  age (model time) of the oldest lost one; model bound: the same for the worst outcome the model allowed.',
    '  Acknowledged means replied to before the crash: the writes of an interrupted turn do not count.',
    'silent corruption: power losses under strict-posix that left zeros inside unsynced AOF bytes which the',
    '  restart loaded, as Redis 7.0 also does (the AOF has no checksum); counted apart, not violations.',
    'violations: per row, crash states whose restart the model does not allow; the total also counts',
    '  violations found outside a crash (refinement, acknowledgement, dataset, divergence).',
  );
  if (report.configChanges.length > 0) {
    lines.push(
      `rows classify crash states by the configuration at the crash; these workloads change it at runtime: ${report.configChanges.map((change) => `${change.workload} (${change.changes.join(', ')})`).join(', ')}`,
    );
  }
  for (const flow of report.startupFlows) {
    lines.push(`start-up flow ${flow.flow} (${flow.name}): ${grouped(flow.operations)} operations, ${grouped(flow.crashStates)} crash states, ${flow.violations} violation${flow.violations === 1 ? '' : 's'} (each restart must load exactly what the disk held)`);
  }
  if (report.damagedAof !== null) lines.push(`damaged AOF check: ${report.damagedAof.cases} torn non-last incr files, ${report.damagedAof.failures} not refused`);
  const { states, transitions } = report.coverage;
  lines.push(
    '',
    `crash states: ${grouped(report.crashStatesChecked)} checked, ${grouped(report.distinctCrashStates)} distinct (workload + fingerprint), ${grouped(Math.round(report.statesPerSecond))} per second`,
    `model coverage: states ${states.covered}/${states.total}, transitions ${transitions.covered}/${transitions.total}`,
  );
  if (states.missing.length > 0) lines.push(`  states not visited: ${listed(states.missing, 12)}`);
  if (transitions.missing.length > 0) lines.push(`  transitions not taken: ${listed(transitions.missing, 12)}`);
  lines.push('', 'flows (the states each claims to reach; the crash phases tried):');
  for (const flow of report.flows) lines.push(...renderFlow(flow));
  for (const run of report.stoppedRuns) lines.push(`stopped early without a violation: ${run.workload} ran ${run.stepsRun}/${run.steps} steps (replay: ${run.replay})`);
  const unreached = report.flows.filter((flow) => !flow.reached).length;
  const problems = [
    `${grouped(report.violations)} violation${report.violations === 1 ? '' : 's'}`,
    unreached === 0 ? 'every flow reached' : `${unreached} flow${unreached === 1 ? '' : 's'} not reached`,
    ...(report.stoppedRuns.length === 0 ? [] : [`${report.stoppedRuns.length} run${report.stoppedRuns.length === 1 ? '' : 's'} stopped early`]),
  ];
  lines.push('', `result: ${report.passed ? 'PASS' : 'FAIL'} (${problems.join(', ')})`);
  return `${lines.join('\n')}\n`;
}
