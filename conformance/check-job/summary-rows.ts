/**
 * The summary table's rows: crash states judged, tallied per (appendonly x appendfsync x crash
 * kind), with the worst loss of acknowledged writes observed beside the model's bound.
 *
 * Invariants:
 * - No I/O, no clock: the rows are a function of the samples added, whatever their order (each
 *   figure is a count or a maximum).
 * - Only the few numbers a row needs are kept, never the records (a job judges ~10^5 of them);
 *   a crash state's identity is kept as its workload and a 96-bit digest of its fingerprint
 *   (fingerprints name the dropped writes and run to hundreds of characters).
 * - There is always one row per combination, in a fixed order (appendonly no has one row per
 *   crash kind, as appendfsync does not apply to it); a combination no crash state exercised
 *   shows 0 crash states.
 * - Worst loss: the largest lostAcknowledged and the largest lostWindowMs over the row's crash
 *   states (each maximised on its own); bound: the same over boundAcknowledged/boundWindowMs.
 */
import { createHash } from 'node:crypto';
import type { CrashKind } from '../../model/index.ts';
import { type StoreConfig, redisDefaults } from '../../impl/index.ts';
import type { CrashRecord } from '../harness/conformance-run.ts';
import type { Judgement } from '../harness/crash-judge.ts';

export type Appendfsync = StoreConfig['appendfsync'];

/** The configuration a crash state is classified under. */
export interface CrashSetting {
  readonly appendonly: boolean;
  readonly appendfsync: Appendfsync;
}

/** The parts of a CrashRecord the summary reads (a CrashRecord is one). */
export type CrashFacts = Pick<CrashRecord, 'kind' | 'profile' | 'phase' | 'fingerprint'> & {
  readonly judgement: Pick<Judgement, 'verdict' | 'lostAcknowledged' | 'lostWindowMs' | 'boundAcknowledged' | 'boundWindowMs'>;
};

export interface CrashSample {
  /** The workload's name: a fingerprint is unique within one workload's run. */
  readonly workload: string;
  readonly setting: CrashSetting;
  readonly record: CrashFacts;
}

export interface Loss {
  readonly acknowledged: number;
  readonly windowMs: number;
}

export interface SummaryRow {
  readonly appendonly: 'yes' | 'no';
  /** null under appendonly no (the AOF's fsync policy does not apply). */
  readonly appendfsync: Appendfsync | null;
  readonly crash: CrashKind;
  readonly crashStates: number;
  /** Crash states whose restart the model does not allow. */
  readonly violations: number;
  /** Power losses under strict-posix that left zeros in unsynced AOF bytes, loaded as Redis would. */
  readonly silentCorruption: number;
  readonly worstLoss: Loss;
  readonly bound: Loss;
}

const crashKinds: readonly CrashKind[] = ['process', 'power'];
const policies: readonly Appendfsync[] = ['always', 'everysec', 'no'];

/** The row keys in table order. */
export const rowKeys: readonly { readonly appendonly: 'yes' | 'no'; readonly appendfsync: Appendfsync | null; readonly crash: CrashKind }[] = [
  ...crashKinds.map((crash) => ({ appendonly: 'no' as const, appendfsync: null, crash })),
  ...policies.flatMap((appendfsync) => crashKinds.map((crash) => ({ appendonly: 'yes' as const, appendfsync, crash }))),
];

function keyOf(appendonly: 'yes' | 'no', appendfsync: Appendfsync | null, crash: CrashKind): string {
  return `${appendonly}|${appendfsync ?? '-'}|${crash}`;
}

/** A workload's starting configuration, as ConformanceRun completes it (Redis's defaults beneath). */
export function workloadSetting(config: Partial<StoreConfig>): CrashSetting {
  return { appendonly: config.appendonly ?? redisDefaults.appendonly, appendfsync: config.appendfsync ?? redisDefaults.appendfsync };
}

interface MutableRow {
  crashStates: number;
  violations: number;
  silentCorruption: number;
  lost: number;
  lostWindowMs: number;
  bound: number;
  boundWindowMs: number;
}

export class CrashTally {
  readonly #rows = new Map<string, MutableRow>();
  readonly #distinct = new Set<string>();
  #total = 0;

  add(sample: CrashSample): void {
    const { setting, record } = sample;
    const appendonly = setting.appendonly ? 'yes' : 'no';
    const key = keyOf(appendonly, setting.appendonly ? setting.appendfsync : null, record.kind);
    let row = this.#rows.get(key);
    if (row === undefined) {
      row = { crashStates: 0, violations: 0, silentCorruption: 0, lost: 0, lostWindowMs: 0, bound: 0, boundWindowMs: 0 };
      this.#rows.set(key, row);
    }
    const { judgement } = record;
    row.crashStates += 1;
    if (judgement.verdict === 'violation') row.violations += 1;
    if (judgement.verdict === 'silent-corruption') row.silentCorruption += 1;
    row.lost = Math.max(row.lost, judgement.lostAcknowledged);
    row.lostWindowMs = Math.max(row.lostWindowMs, judgement.lostWindowMs);
    row.bound = Math.max(row.bound, judgement.boundAcknowledged);
    row.boundWindowMs = Math.max(row.boundWindowMs, judgement.boundWindowMs);
    this.#total += 1;
    this.#distinct.add(`${sample.workload}\u0000${createHash('sha1').update(record.fingerprint).digest('base64').slice(0, 16)}`);
  }

  /** Crash states judged, counting a repeated one each time. */
  get crashStatesChecked(): number {
    return this.#total;
  }

  /** Crash states judged, a (workload, fingerprint) pair counted once. */
  get distinctCrashStates(): number {
    return this.#distinct.size;
  }

  rows(): SummaryRow[] {
    return rowKeys.map(({ appendonly, appendfsync, crash }) => {
      const row = this.#rows.get(keyOf(appendonly, appendfsync, crash));
      return {
        appendonly,
        appendfsync,
        crash,
        crashStates: row?.crashStates ?? 0,
        violations: row?.violations ?? 0,
        silentCorruption: row?.silentCorruption ?? 0,
        worstLoss: { acknowledged: row?.lost ?? 0, windowMs: row?.lostWindowMs ?? 0 },
        bound: { acknowledged: row?.bound ?? 0, windowMs: row?.boundWindowMs ?? 0 },
      };
    });
  }
}

/** The rows of a finished list of samples (tests, small jobs). */
export function summaryRows(samples: Iterable<CrashSample>): SummaryRow[] {
  const tally = new CrashTally();
  for (const sample of samples) tally.add(sample);
  return tally.rows();
}
