/**
 * Judges one crash state: restarts the implementation on the disk image a crash left, and asks
 * the model's oracle whether what came back is an outcome the model allows.
 *
 * Verdicts:
 * - 'allowed': the restart loaded a dataset equal to an allowed prefix of an allowed log, or
 *   refused to start (AofLoadError, RdbDecodeError) where the oracle allows a refusal.
 * - 'silent-corruption': only after a power loss under strict-posix, the load equals an allowed
 *   AOF prefix except for keys whose bytes hold zeros and that only writes beyond the durable
 *   horizon touched: sectors of an unsynced append persisted out of order left zeros inside a
 *   bulk string whose framing survived. Redis 7.0 loads such an AOF the same way (the AOF has
 *   no checksum); the model's oracle assumes every hole is refused, so these are counted apart,
 *   never hidden, and are not violations.
 * - 'violation': anything else, including an exception that is neither a crash nor a load error.
 *
 * Invariants:
 * - The restart runs on a fresh CrashFileSystem built from the image (the crashed file system
 *   is never touched), with the configuration the server had when it crashed, and the clock at
 *   the crash's time (the server's clock, which a pending tick may have moved past the model's
 *   context); its dataset is compared at that time (expired keys left out).
 * - The loss figures compare the matched outcome with the model's acknowledged horizon: how
 *   many acknowledged writes did not come back, and the bound the oracle allowed at the same
 *   crash state (the fewest writes any allowed load keeps).
 */
import {
  type AllowedOutcomes,
  type CrashKind,
  type Dataset,
  type OracleAssumptions,
  type PersistenceContext,
  type RestartOutcome,
  type WriteLog,
  allowedOutcomes,
  datasetOfPrefix,
  describeDataset,
  findMatchingOutcome,
} from '../../model/index.ts';
import {
  AofLoadError,
  CrashFileSystem,
  type FileSystem,
  ManualScheduler,
  RdbDecodeError,
  type StoreConfig,
  openStore,
} from '../../impl/index.ts';
import type { DiskImage } from '../../impl/fs/crash-disk-image.ts';
import type { CrashProfileName } from '../../impl/fs/crash-profiles.ts';
import { seededRandom } from '../../impl/testing/seeded-random.ts';
import { epochMs } from './client-writes.ts';
import { abstractDataset } from './implementation-dataset.ts';
import { bridgeOutcomes } from './outcome-bridge.ts';

export type Verdict = 'allowed' | 'silent-corruption' | 'violation';

export type Observed =
  | { readonly kind: 'loaded'; readonly dataset: Dataset }
  | { readonly kind: 'refused'; readonly error: string };

export interface CrashState {
  readonly kind: CrashKind;
  /** The power-loss profile (null for a process crash). */
  readonly profile: CrashProfileName | null;
  /** What the crash kept and dropped (the crash file system's description). */
  readonly description: string;
  readonly image: DiskImage;
}

export interface Judgement {
  readonly verdict: Verdict;
  readonly observed: Observed;
  readonly matched: RestartOutcome | null;
  readonly allowed: AllowedOutcomes;
  /** Acknowledged writes that did not come back (0 when none, or when nothing matched). */
  readonly lostAcknowledged: number;
  /** Model time between the first lost acknowledged write and the crash, ms. */
  readonly lostWindowMs: number;
  /** The most acknowledged writes the oracle allowed to lose at this crash state. */
  readonly boundAcknowledged: number;
  readonly boundWindowMs: number;
}

export interface JudgeInput {
  /** The model's context at the crash. */
  readonly context: PersistenceContext;
  /** The context after the step the crash interrupted, when it fell inside one. */
  readonly afterStep: PersistenceContext | null;
  readonly state: CrashState;
  readonly directory: string;
  readonly config: StoreConfig;
  readonly generation: number;
  /** The time of the crash (model time): the restart's clock, and when expiries are judged. */
  readonly nowMs: number;
  /** Wraps the restart's file system (a seeded loader bug, in the suite's own tests). */
  readonly decorateRestart?: (fs: FileSystem) => FileSystem;
}

function assumptionsOf(state: CrashState): OracleAssumptions {
  return { unsyncedAppendsMayLeaveHoles: state.profile === 'strict-posix' };
}

/** What the implementation makes of the image: its dataset at `nowMs`, or its refusal. */
export async function restartOn(image: DiskImage, generation: number, directory: string, config: StoreConfig, nowMs: number, decorate?: (fs: FileSystem) => FileSystem): Promise<Observed> {
  const disk = CrashFileSystem.fromImage(image, generation);
  const fileSystem = decorate?.(disk) ?? disk;
  try {
    const store = await openStore({ fileSystem, directory, config, clock: { nowMs: () => epochMs + nowMs }, random: seededRandom(generation), scheduler: new ManualScheduler(), processId: 9000 + generation });
    const dataset = abstractDataset(store.dataset(), nowMs);
    await store.close({ background: 'cancel' });
    return { kind: 'loaded', dataset };
  } catch (error) {
    if (error instanceof AofLoadError || error instanceof RdbDecodeError) return { kind: 'refused', error: error.message };
    throw error;
  }
}

/** Writes of `log[from, to)` that touched `key` (by model key). */
function touched(log: WriteLog, from: number, to: number, key: string): boolean {
  for (let index = from; index < to; index += 1) {
    for (const op of log[index]?.ops ?? []) if (op.op === 'flushall' || op.key === key) return true;
  }
  return false;
}

/** The silent-corruption match described in the header, or undefined. */
function zeroFilledMatch(allowed: AllowedOutcomes, context: PersistenceContext, observed: Dataset, nowMs: number): RestartOutcome | undefined {
  for (const load of allowed.loads) {
    if (load.source !== 'aof') continue;
    const durable = Math.min(context.aof.durableLength, load.lengthMax);
    for (let length = load.lengthMax; length >= load.lengthMin; length -= 1) {
      const expected = datasetOfPrefix(load.log, length, nowMs);
      const keys = new Set([...expected.keys(), ...observed.keys()]);
      let differing = 0;
      let explained = true;
      for (const key of keys) {
        const want = expected.get(key);
        const got = observed.get(key);
        if (want !== undefined && got !== undefined && want.value === got.value && want.expireAtMs === got.expireAtMs) continue;
        differing += 1;
        const zeros = key.includes('\u0000') || (got?.value.includes('\u0000') ?? false);
        if (!zeros || !touched(load.log, durable, length, key)) explained = false;
      }
      if (differing > 0 && explained) return { kind: 'loaded', source: 'aof', log: load.log, length };
    }
  }
  return undefined;
}

/**
 * Acknowledged writes of the history at the crash that the outcome does not hold: the outcome
 * keeps the first `kept` writes of `log`; only the part of them that is the history counts.
 */
function lossOf(context: PersistenceContext, log: WriteLog, kept: number): { writes: number; windowMs: number } {
  const acked = context.ackedLength;
  let shared = 0;
  while (shared < kept && shared < context.history.length && log[shared]?.id === context.history[shared]?.id) shared += 1;
  if (shared >= acked) return { writes: 0, windowMs: 0 };
  const firstLost = context.history[shared];
  return { writes: acked - shared, windowMs: firstLost === undefined ? 0 : context.nowMs - firstLost.atMs };
}

function boundOf(context: PersistenceContext, allowed: AllowedOutcomes): { writes: number; windowMs: number } {
  let worst = { writes: 0, windowMs: 0 };
  for (const load of allowed.loads) {
    const loss = lossOf(context, load.log, load.lengthMin);
    if (loss.writes > worst.writes || (loss.writes === worst.writes && loss.windowMs > worst.windowMs)) worst = loss;
  }
  return worst;
}

export async function judgeCrash(input: JudgeInput): Promise<Judgement> {
  const observed = await restartOn(input.state.image, input.generation, input.directory, input.config, input.nowMs, input.decorateRestart);
  return judgeObserved(input, observed);
}

/** The verdict on what a restart produced (`observed`), against what the model allows. */
export function judgeObserved(input: Omit<JudgeInput, 'directory' | 'config' | 'generation' | 'decorateRestart'>, observed: Observed): Judgement {
  const { context, state, nowMs } = input;
  const assumptions = assumptionsOf(state);
  const before = allowedOutcomes(context, state.kind, assumptions);
  // The restart runs with the configuration at the crash (a CONFIG SET in progress has not taken
  // effect), so what the interrupted step would leave is judged under that configuration too.
  const afterStep = input.afterStep === null ? null : { ...input.afterStep, config: { ...input.afterStep.config, appendonly: context.config.appendonly, aofLoadTruncated: context.config.aofLoadTruncated } };
  const allowed = afterStep === null ? before : bridgeOutcomes(before, allowedOutcomes(afterStep, state.kind, assumptions), assumptions, context.config.aofLoadTruncated);
  // Losses count acknowledgements as of the crash: replies of an interrupted turn were not sent.
  const reference = context;
  const bound = boundOf(reference, allowed);
  const base = { observed, allowed, boundAcknowledged: bound.writes, boundWindowMs: bound.windowMs };
  if (observed.kind === 'refused') {
    const verdict: Verdict = allowed.refusalReasons.length > 0 ? 'allowed' : 'violation';
    const matched: RestartOutcome = { kind: 'refused', source: context.config.appendonly ? 'aof' : 'rdb', reason: observed.error };
    return { ...base, verdict, matched, lostAcknowledged: 0, lostWindowMs: 0 };
  }
  const exact = findMatchingOutcome(allowed, observed.dataset, nowMs);
  if (exact !== undefined) {
    const loss = lossOf(reference, exact.log, exact.length);
    return { ...base, verdict: 'allowed', matched: exact, lostAcknowledged: loss.writes, lostWindowMs: loss.windowMs };
  }
  if (state.kind === 'power' && state.profile === 'strict-posix') {
    const zeroed = zeroFilledMatch(allowed, reference, observed.dataset, nowMs);
    if (zeroed !== undefined && zeroed.kind === 'loaded') {
      const loss = lossOf(reference, zeroed.log, zeroed.length);
      return { ...base, verdict: 'silent-corruption', matched: zeroed, lostAcknowledged: loss.writes, lostWindowMs: loss.windowMs };
    }
  }
  return { ...base, verdict: 'violation', matched: null, lostAcknowledged: 0, lostWindowMs: 0 };
}

/** The allowed outcomes, readable: `aof [3..5] of 7 writes; rdb [2..2] of 2; refusal: ...`. */
export function describeAllowed(allowed: AllowedOutcomes, nowMs: number): string {
  const loads = allowed.loads.map((load) => {
    const range = load.lengthMin === load.lengthMax ? `${load.lengthMin}` : `${load.lengthMin}..${load.lengthMax}`;
    const lowest = datasetOfPrefix(load.log, load.lengthMin, nowMs);
    return `${load.source} prefix ${range} of ${load.log.length} writes (shortest: ${describeDataset(lowest).slice(0, 200)})`;
  });
  const refusals = allowed.refusalReasons.length === 0 ? 'no refusal allowed' : `refusal allowed: ${allowed.refusalReasons.join('; ')}`;
  return [...new Set(loads)].join(' | ') + `; ${refusals}`;
}

/** How `observed` differs from the allowed load closest to it (fewest differing keys), for reports. */
export function describeDifference(allowed: AllowedOutcomes, observed: Observed, nowMs: number): string {
  if (observed.kind === 'refused') return '';
  let best: { length: number; source: string; keys: string[] } | null = null;
  for (const load of allowed.loads) {
    for (let length = load.lengthMin; length <= load.lengthMax; length += 1) {
      const expected = datasetOfPrefix(load.log, length, nowMs);
      const keys = [...new Set([...expected.keys(), ...observed.dataset.keys()])].filter((key) => {
        const want = expected.get(key);
        const got = observed.dataset.get(key);
        return want?.value !== got?.value || want?.expireAtMs !== got?.expireAtMs;
      });
      if (best === null || keys.length < best.keys.length) {
        const show = (entry: { value: string; expireAtMs: number | null } | undefined): string => (entry === undefined ? '(missing)' : `${entry.value.slice(0, 60)}${entry.expireAtMs === null ? '' : ` @${entry.expireAtMs}`}`);
        best = { length, source: load.source, keys: keys.slice(0, 6).map((key) => `${key}: loaded ${show(observed.dataset.get(key))}, allowed ${show(expected.get(key))}`) };
      }
    }
  }
  return best === null ? '' : `closest allowed: ${best.source} prefix ${best.length}; differing keys: ${best.keys.join('; ')}`;
}

export function describeObserved(observed: Observed): string {
  return observed.kind === 'refused' ? `refused to start: ${observed.error}` : `loaded ${describeDataset(observed.dataset).slice(0, 400)}`;
}

