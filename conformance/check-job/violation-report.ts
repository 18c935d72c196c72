/**
 * Renders the violations a job found: per violation its workload, seed, check, message, the
 * run's timeline up to it, and the command that replays it.
 *
 * Invariants: pure (violations in, text out); the first `fullLimit` violations are shown with
 * their timeline, every further one on one line, each always with its replay command.
 */
import type { ReportedViolation } from './check-report.ts';

export function renderViolations(violations: readonly ReportedViolation[], fullLimit = 10): string {
  if (violations.length === 0) return '';
  const blocks = violations.map((violation, index) => {
    const title = `VIOLATION ${index + 1}/${violations.length} (${violation.check}) in workload ${violation.workload}, seed ${violation.seed}`;
    if (index >= fullLimit) return `${title}: ${violation.message.split('\n')[0] ?? ''}\n  replay: ${violation.replay}`;
    const timeline = violation.timeline === '' ? '  (no timeline)' : violation.timeline;
    return [title, `  ${violation.message}`, '  timeline:', timeline, `  replay: ${violation.replay}`].join('\n');
  });
  return `${blocks.join('\n\n')}\n\n`;
}
