/**
 * The job's progress, on stderr: a bar redrawn in place on a terminal ('tty'), or one line per
 * 10% otherwise ('lines', for CI logs), or nothing ('off').
 *
 * Invariants:
 * - Writes only to the sink it is given (stderr), so it never mixes into a --json stdout.
 * - Reads time only through the injected clock, and only to limit how often a terminal redraws.
 * - 'lines' prints each tenth at most once, in increasing order; 100% only from `finish`, with
 *   the final counts (a budget can run out while the last workload still runs).
 * - 'tty' leaves the line cleared at the end, so what follows starts on a clean line.
 */
import type { TextOutput } from '../../impl/cli/cli-context.ts';
import { grouped } from './summary-table.ts';

export type ProgressMode = 'tty' | 'lines' | 'off';

export interface ProgressState {
  /** 0..1: the larger of the time budget's and the planned workloads' share done. */
  readonly fraction: number;
  readonly workloads: number;
  readonly crashStates: number;
  readonly violations: number;
  readonly elapsedMs: number;
}

function clamp(fraction: number): number {
  return Math.min(1, Math.max(0, Number.isFinite(fraction) ? fraction : 0));
}

/** `[########----------------]  33%  12 workloads, 4,567 crash states, 0 violations, 41 s`. */
export function progressLine(state: ProgressState, width = 24): string {
  const fraction = clamp(state.fraction);
  const filled = Math.floor(fraction * width);
  const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${percent}  ${progressCounts(state)}`;
}

function progressCounts(state: ProgressState): string {
  const plural = (count: number, word: string) => `${grouped(count)} ${word}${count === 1 ? '' : 's'}`;
  return `${plural(state.workloads, 'workload')}, ${plural(state.crashStates, 'crash state')}, ${plural(state.violations, 'violation')}, ${Math.round(state.elapsedMs / 1000)} s`;
}

export class ProgressBar {
  readonly #out: TextOutput;
  readonly #mode: ProgressMode;
  readonly #clockMs: () => number;
  readonly #redrawMs: number;
  #lastDraw = Number.NEGATIVE_INFINITY;
  #lastTenth = -1;
  #drawn = false;

  constructor(out: TextOutput, mode: ProgressMode, clockMs: () => number, redrawMs = 100) {
    this.#out = out;
    this.#mode = mode;
    this.#clockMs = clockMs;
    this.#redrawMs = redrawMs;
  }

  update(state: ProgressState): void {
    if (this.#mode === 'tty') {
      const now = this.#clockMs();
      if (now - this.#lastDraw < this.#redrawMs) return;
      this.#lastDraw = now;
      this.#out.write(`\r${progressLine(state)}\u001b[K`);
      this.#drawn = true;
    } else if (this.#mode === 'lines') {
      this.#line(Math.min(9, Math.floor(clamp(state.fraction) * 10)), state);
    }
  }

  #line(tenth: number, state: ProgressState): void {
    if (tenth <= this.#lastTenth || tenth === 0) return;
    this.#lastTenth = tenth;
    this.#out.write(`durakv check: ${tenth * 10}%  ${progressCounts(state)}\n`);
  }

  finish(state: ProgressState): void {
    if (this.#mode === 'tty') {
      if (this.#drawn) this.#out.write('\r\u001b[K');
    } else if (this.#mode === 'lines') {
      this.#line(10, state);
    }
  }
}
