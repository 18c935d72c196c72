/**
 * Derives the guarantee table by exploring the model: seeded random walks from each persistence
 * configuration, and at every step the oracle's worst case for each crash kind. Nothing in the
 * table is typed by hand: each figure is the worst this exploration found.
 *
 * Exploration policy (stated in the generated doc, so readers know what "worst" means):
 * - No I/O errors (no failed write or fsync), no OS writeback (the worst case for appendfsync no).
 * - A background fsync finishes within 1 s of starting (Redis's own assumption for "about 2 s").
 * - appendfsync is never changed at runtime; appendonly may be turned on or off.
 * - Growth: the exploration runs at two lengths; a loss whose age grows with the walk length is
 *   reported as unbounded.
 *
 * Invariant: the same options give the same rows (seeded, no clock).
 */
import assert from 'node:assert/strict';
import { initialTransition, transition } from 'xstate';
import { commonPrefixLength } from '../abstract-dataset.ts';
import { defaultConfig } from '../persistence-actions.ts';
import { persistenceMachine } from '../persistence-machine.ts';
import type { CrashKind, FsyncPolicy, PersistenceConfig, PersistenceContext, PersistenceEvent } from '../persistence-types.ts';
import { allowedOutcomes } from '../oracle/allowed-outcomes.ts';
import { type CrashPhase, type PersistenceSnapshot, crashPhaseOf, crashPhases } from './crash-phase.ts';
import { eventMenu } from './event-menu.ts';
import { type Random, pick, seededRandom } from './seeded-random.ts';

export interface ExplorationOptions {
  readonly seed: number;
  readonly walksPerConfig: number;
  readonly stepsPerWalk: number;
}

export interface LossCell {
  statesSeen: number;
  worstLostWrites: number;
  worstLostAgeMs: number;
  refusalPossible: boolean;
  sources: Set<string>;
}

export interface GuaranteeRow {
  readonly appendonly: boolean;
  readonly appendfsync: FsyncPolicy | null;
  readonly crashKind: CrashKind;
  readonly phase: CrashPhase;
  readonly statesSeen: number;
  readonly worstLostWrites: number;
  readonly worstLostAgeMs: number;
  readonly refusalPossible: boolean;
  readonly sources: readonly string[];
  readonly unbounded: boolean;
}

export const explorationConfigs: readonly PersistenceConfig[] = [
  { ...defaultConfig, appendonly: false, savePoints: [{ seconds: 2, changes: 1 }] },
  { ...defaultConfig, appendonly: true, appendfsync: 'always' },
  { ...defaultConfig, appendonly: true, appendfsync: 'everysec' },
  { ...defaultConfig, appendonly: true, appendfsync: 'no' },
];

const excludedEvents = new Set<PersistenceEvent['type']>([
  'AOF_WRITE_FAILED', 'AOF_FSYNC_FAILED', 'OS_WRITEBACK', 'SET_APPENDFSYNC', 'CRASH', 'RESTART', 'SET_AOF_LOAD_TRUNCATED',
]);

/** The worst loss of acknowledged writes a crash of this kind allows, right now. */
export function worstLoss(context: PersistenceContext, kind: CrashKind) {
  const allowed = allowedOutcomes(context, kind);
  let lostWrites = 0;
  let lostAgeMs = 0;
  for (const load of allowed.loads) {
    const kept = commonPrefixLength(context.history, context.ackedLength, load.log, load.lengthMin);
    const lost = context.ackedLength - kept;
    if (lost <= 0) continue;
    const oldest = context.history[kept];
    assert.ok(oldest !== undefined);
    lostWrites = Math.max(lostWrites, lost);
    lostAgeMs = Math.max(lostAgeMs, context.nowMs - oldest.atMs);
  }
  return { lostWrites, lostAgeMs, refusalPossible: allowed.refusalReasons.length > 0, sources: allowed.loads.map((l) => l.source) };
}

function nextEvent(snapshot: PersistenceSnapshot, random: Random): PersistenceEvent {
  const { aof, nowMs } = snapshot.context;
  const running = aof.backgroundFsync;
  if (running !== null && nowMs - running.startedAtMs >= 1_000) return { type: 'BG_FSYNC_DONE' };
  const menu = eventMenu(snapshot.context).filter((event) => {
    if (excludedEvents.has(event.type)) return false;
    if (event.type === 'TICK' && running !== null) return nowMs + event.ms - running.startedAtMs <= 1_000;
    return true;
  });
  // Writes and turn ends dominate real traffic; weight them up.
  const weighted = menu.flatMap<PersistenceEvent>((event) =>
    event.type === 'WRITE' || event.type === 'BEFORE_SLEEP' ? [event, event, event, event] : [event],
  );
  return pick(random, weighted);
}

function cellKey(config: PersistenceConfig, kind: CrashKind, phase: CrashPhase): string {
  return JSON.stringify([config.appendonly, config.appendonly ? config.appendfsync : null, kind, phase]);
}

function explore(options: ExplorationOptions): Map<string, LossCell> {
  const cells = new Map<string, LossCell>();
  const random = seededRandom(options.seed);
  for (const config of explorationConfigs) {
    for (let walk = 0; walk < options.walksPerConfig; walk += 1) {
      let [snapshot] = initialTransition(persistenceMachine, config);
      for (let step = 0; step < options.stepsPerWalk; step += 1) {
        const [next] = transition(persistenceMachine, snapshot, nextEvent(snapshot, random));
        if (next === snapshot) continue;
        snapshot = next;
        if (!snapshot.matches('running')) break;
        const phase = crashPhaseOf(snapshot);
        for (const kind of ['process', 'power'] as const) {
          const loss = worstLoss(snapshot.context, kind);
          const key = cellKey(snapshot.context.config, kind, phase);
          const cell = cells.get(key) ?? { statesSeen: 0, worstLostWrites: 0, worstLostAgeMs: 0, refusalPossible: false, sources: new Set() };
          cell.statesSeen += 1;
          cell.worstLostWrites = Math.max(cell.worstLostWrites, loss.lostWrites);
          cell.worstLostAgeMs = Math.max(cell.worstLostAgeMs, loss.lostAgeMs);
          cell.refusalPossible ||= loss.refusalPossible;
          for (const source of loss.sources) cell.sources.add(source);
          cells.set(key, cell);
        }
      }
    }
  }
  return cells;
}

/**
 * Explore at the given length, twice it and four times it. A loss whose worst age keeps growing
 * by half again at each doubling is reported as unbounded: nothing in the model caps it.
 */
export function exploreGuarantees(options: ExplorationOptions): GuaranteeRow[] {
  const runs = [1, 2, 4].map((factor) => explore({ ...options, stepsPerWalk: options.stepsPerWalk * factor }));
  const [short, medium, long] = runs;
  assert.ok(short !== undefined && medium !== undefined && long !== undefined);
  const ageOf = (cells: Map<string, LossCell>, key: string) => cells.get(key)?.worstLostAgeMs ?? 0;
  const rows: GuaranteeRow[] = [];
  for (const [key, cell] of long) {
    const [appendonly, appendfsync, crashKind, phase] = JSON.parse(key) as [boolean, FsyncPolicy | null, CrashKind, CrashPhase];
    const grows = (from: number, to: number) => to > 0 && to >= from * 1.5;
    const unbounded = grows(ageOf(short, key), ageOf(medium, key)) && grows(ageOf(medium, key), ageOf(long, key));
    rows.push({
      appendonly, appendfsync, crashKind, phase,
      statesSeen: cell.statesSeen,
      worstLostWrites: cell.worstLostWrites,
      worstLostAgeMs: cell.worstLostAgeMs,
      refusalPossible: cell.refusalPossible,
      sources: [...cell.sources].sort(),
      unbounded,
    });
  }
  const policyOrder = (policy: FsyncPolicy | null) => (policy === null ? 0 : ['always', 'everysec', 'no'].indexOf(policy) + 1);
  return rows.sort(
    (left, right) =>
      Number(left.appendonly) - Number(right.appendonly) ||
      policyOrder(left.appendfsync) - policyOrder(right.appendfsync) ||
      right.crashKind.localeCompare(left.crashKind) ||
      crashPhases.indexOf(left.phase) - crashPhases.indexOf(right.phase),
  );
}

export const defaultExploration: ExplorationOptions = { seed: 20_261_124, walksPerConfig: 100, stepsPerWalk: 100 };
