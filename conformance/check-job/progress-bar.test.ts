/**
 * Goal: the job's progress goes only to its sink (stderr): on a terminal a bar redrawn in place
 * at most every 100 ms and cleared at the end; elsewhere one line per 10%, each at most once,
 * 100% only at the end with the final counts; nothing when off.
 * Method: a captured sink and a hand-driven clock.
 */
import { describe, expect, it } from 'vitest';
import { ProgressBar, type ProgressState, progressLine } from './progress-bar.ts';

const state = (fraction: number, crashStates = 0): ProgressState => ({ fraction, workloads: 3, crashStates, violations: 0, elapsedMs: 12_400 });

function sink() {
  const written: string[] = [];
  return { written, out: { write: (text: string) => written.push(text) } };
}

describe('the progress bar', () => {
  it('draws the share done, the workloads, crash states, violations and seconds (golden text)', () => {
    expect(progressLine(state(0.5, 12345))).toBe('[############------------]  50%  3 workloads, 12,345 crash states, 0 violations, 12 s');
    expect(progressLine({ fraction: 1.7, workloads: 1, crashStates: 1, violations: 1, elapsedMs: 0 })).toBe('[########################] 100%  1 workload, 1 crash state, 1 violation, 0 s');
  });

  it('prints a line per 10% when stderr is not a terminal, each once, and 100% only when finished', () => {
    const { written, out } = sink();
    const bar = new ProgressBar(out, 'lines', () => 0);
    for (const fraction of [0.01, 0.05, 0.1, 0.12, 0.35, 0.36, 0.2, 0.99, 1, 1.2]) bar.update(state(fraction, Math.round(fraction * 100)));
    bar.finish(state(1, 500));
    expect(written).toEqual([
      'durakv check: 10%  3 workloads, 10 crash states, 0 violations, 12 s\n',
      'durakv check: 30%  3 workloads, 35 crash states, 0 violations, 12 s\n',
      'durakv check: 90%  3 workloads, 99 crash states, 0 violations, 12 s\n',
      'durakv check: 100%  3 workloads, 500 crash states, 0 violations, 12 s\n',
    ]);
  });

  it('redraws in place on a terminal at most every 100 ms, and clears its line when finished', () => {
    const { written, out } = sink();
    let now = 0;
    const bar = new ProgressBar(out, 'tty', () => now);
    bar.update(state(0.1));
    now = 50;
    bar.update(state(0.2));
    now = 150;
    bar.update(state(0.3));
    bar.finish(state(1));
    expect(written).toEqual([`\r${progressLine(state(0.1))}\u001b[K`, `\r${progressLine(state(0.3))}\u001b[K`, '\r\u001b[K']);
  });

  it('writes nothing when off', () => {
    const { written, out } = sink();
    const bar = new ProgressBar(out, 'off', () => 0);
    bar.update(state(0.5));
    bar.finish(state(1));
    expect(written).toEqual([]);
  });
});
