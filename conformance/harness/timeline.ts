/**
 * The readable story of a run, for failure reports: client commands, acknowledgements, the
 * file-system operations with their numbers, the model events they became, the crash point,
 * the disk state chosen, what the restart loaded and what the oracle allowed.
 *
 * Invariants: entries keep their order; only the last `limit` are kept (a long run's report
 * shows the end that matters), and the number dropped is said.
 */
export type TimelineKind = 'start' | 'client' | 'ack' | 'fs' | 'model' | 'clock' | 'crash' | 'restart' | 'oracle' | 'note';

export interface TimelineEntry {
  readonly index: number;
  readonly kind: TimelineKind;
  readonly text: string;
}

export class Timeline {
  readonly #entries: TimelineEntry[] = [];
  readonly #limit: number;
  #count = 0;

  constructor(limit = 400) {
    this.#limit = limit;
  }

  add(kind: TimelineKind, text: string): void {
    this.#count += 1;
    this.#entries.push({ index: this.#count, kind, text });
    if (this.#entries.length > this.#limit) this.#entries.shift();
  }

  get entries(): readonly TimelineEntry[] {
    return this.#entries;
  }

  /** The last `lines` entries, one per line: `  123 fs      #45 rename /data/temp-7.rdb -> /data/dump.rdb`. */
  render(lines = 80): string {
    const shown = this.#entries.slice(-lines);
    const dropped = this.#count - shown.length;
    const head = dropped > 0 ? [`  (${dropped} earlier entries not shown)`] : [];
    return [...head, ...shown.map((entry) => `  ${String(entry.index).padStart(5)} ${entry.kind.padEnd(7)} ${entry.text}`)].join('\n');
  }
}
