/**
 * The disk states a power loss may leave, enumerated or sampled from a crash history under a
 * profile (ALICE / CrashMonkey style), each with a description for reports.
 *
 * Candidate generators over the pending effects P (in log order, n = |P|):
 * - "durable only" (every pending effect dropped), "everything" (all kept: the page cache minus
 *   what a failed fsync lost), "data only", "directories only";
 * - prefixes: P[0..k) kept, 0 < k < n (crash-after-each-op);
 * - omissions: P[i] dropped while P[0..j] is kept, i < j (ALICE "omit op i, keep later ones");
 * - torn writes: P[0..p) kept and write P[p] cut at each 512 B (strict-posix) or 4 KiB boundary
 *   inside it (at most `cutsPerWriteMax` cuts per write, evenly spread);
 * - holes (strict-posix): P[0..p) kept and write P[p] without its first sector, or with only its
 *   last sector.
 * Every candidate is checked against the profile (`choiceViolation`) and disallowed ones are
 * skipped, then candidates producing the same visible tree are merged.
 *
 * Invariants:
 * - At most `max` states; "durable only" and "everything" come first when allowed.
 * - When more than 8·max candidates exist, 8·max of them are drawn with the injected random;
 *   when more than `max` distinct states remain, `max` are drawn; either way `sampled` is true.
 *   Same history, profile, max and random sequence ⇒ same states in the same order.
 */
import assert from 'node:assert/strict';
import { type DiskEffect, type DiskImage, applyEffect, cloneImage, imageFingerprint, pruneImage } from './crash-disk-image.ts';
import type { CrashHistory } from './crash-page-cache.ts';
import {
  type CrashProfileName,
  type EffectStatus,
  type KeptPart,
  type PowerLossChoice,
  choiceViolation,
  cutPoints,
  isDataEffect,
  isDirectoryEffect,
  randomChoice,
  sectorBytes,
  settleEffects,
  tearBytes,
  writePieces,
} from './crash-profiles.ts';

export interface PowerLossState {
  readonly profile: CrashProfileName;
  /** What was kept, dropped and torn, e.g. `prefix; kept 2/4 pending; dropped #7 rename …`. */
  readonly description: string;
  readonly image: DiskImage;
  readonly fingerprint: string;
}

export interface PowerLossStates {
  readonly profile: CrashProfileName;
  readonly states: readonly PowerLossState[];
  /** How many candidates the generators proposed (before profile filtering and merging). */
  readonly candidateCount: number;
  readonly sampled: boolean;
}

export interface PowerLossOptions {
  readonly max: number;
  readonly random: () => number;
}

export const cutsPerWriteMax = 16;
const candidatesPerStateMax = 8;

interface Analysis {
  readonly profile: CrashProfileName;
  readonly effects: readonly DiskEffect[];
  readonly labels: readonly string[];
  readonly statuses: readonly EffectStatus[];
  readonly pending: readonly number[];
  readonly prefixImage: DiskImage;
  readonly prefixLength: number;
}

interface Candidate {
  readonly family: string;
  readonly choice: PowerLossChoice;
}

interface Family {
  readonly size: number;
  at(k: number): Candidate;
}

function analyze(history: CrashHistory, profile: CrashProfileName): Analysis {
  const effects = history.effects.map((recorded) => recorded.effect);
  const statuses = settleEffects(effects, profile);
  const pending = [...statuses.keys()].filter((index) => statuses[index] === 'pending');
  const prefixLength = pending[0] ?? effects.length;
  const prefixImage = cloneImage(history.base);
  for (const [index, effect] of effects.slice(0, prefixLength).entries()) if (statuses[index] === 'durable') applyEffect(prefixImage, effect);
  const labels = history.effects.map((recorded) => recorded.label);
  return { profile, effects, labels, statuses, pending, prefixImage, prefixLength };
}

function materialize(analysis: Analysis, choice: PowerLossChoice): DiskImage {
  const image = cloneImage(analysis.prefixImage);
  for (let index = analysis.prefixLength; index < analysis.effects.length; index += 1) {
    const effect = analysis.effects[index];
    assert.ok(effect !== undefined);
    const status = analysis.statuses[index];
    if (status === 'durable') applyEffect(image, effect);
    if (status !== 'pending') continue;
    const part = choice.get(index);
    if (part !== undefined) applyEffect(image, effect, part);
  }
  pruneImage(image);
  return image;
}

function listLabels(analysis: Analysis, indexes: readonly number[]): string {
  const shown = indexes.slice(0, 3).map((index) => analysis.labels[index] ?? `effect ${index}`);
  return indexes.length > 3 ? `${shown.join(', ')} (+${indexes.length - 3} more)` : shown.join(', ');
}

function describeCandidate(analysis: Analysis, candidate: Candidate): string {
  const dropped = analysis.pending.filter((index) => !candidate.choice.has(index));
  const torn = analysis.pending.filter((index) => Array.isArray(candidate.choice.get(index)));
  const discarded = [...analysis.statuses.keys()].filter((index) => analysis.statuses[index] === 'discarded');
  const wholeCount = analysis.pending.length - dropped.length - torn.length;
  const parts = [`${candidate.family}; kept ${wholeCount}/${analysis.pending.length} pending`];
  if (dropped.length > 0) parts.push(`dropped ${listLabels(analysis, dropped)}`);
  for (const index of torn) {
    const ranges = (candidate.choice.get(index) as readonly (readonly [number, number])[]).map(([start, end]) => `[${start},${end})`);
    parts.push(`torn ${analysis.labels[index] ?? index} keeping bytes ${ranges.join(' ')}`);
  }
  if (discarded.length > 0) parts.push(`lost to a failed fsync ${listLabels(analysis, discarded)}`);
  return parts.join('; ');
}

function keepAll(indexes: readonly number[], extra: ReadonlyArray<readonly [number, KeptPart]> = []): PowerLossChoice {
  return new Map<number, KeptPart>([...indexes.map((index) => [index, 'all'] as const), ...extra]);
}

function evenlySpread<T>(items: readonly T[], count: number): T[] {
  if (items.length <= count) return [...items];
  return Array.from({ length: count }, (_, k) => items[Math.round((k * (items.length - 1)) / (count - 1))] as T);
}

function families(analysis: Analysis): Family[] {
  const pending = analysis.pending;
  const n = pending.length;
  const effectAt = (index: number): DiskEffect => analysis.effects[index] as DiskEffect;
  const fixed: Candidate[] = [
    { family: 'durable only', choice: new Map() },
    { family: 'everything', choice: keepAll(pending) },
    { family: 'data only', choice: keepAll(pending.filter((index) => isDataEffect(effectAt(index)))) },
    { family: 'directories only', choice: keepAll(pending.filter((index) => isDirectoryEffect(effectAt(index)))) },
  ];
  const torn: Candidate[] = [];
  const holes: Candidate[] = [];
  for (const [position, index] of pending.entries()) {
    const effect = effectAt(index);
    if (effect.kind !== 'write') continue;
    const before = pending.slice(0, position);
    for (const cut of evenlySpread(cutPoints(effect, tearBytes(analysis.profile)), cutsPerWriteMax)) {
      torn.push({ family: 'torn write', choice: keepAll(before, [[index, [[0, cut]]]]) });
    }
    const sectors = writePieces(effect, sectorBytes);
    if (analysis.profile !== 'strict-posix' || sectors.length < 2) continue;
    holes.push({ family: 'hole (first sector lost)', choice: keepAll(before, [[index, sectors.slice(1)]]) });
    holes.push({ family: 'hole (only last sector kept)', choice: keepAll(before, [[index, sectors.slice(-1)]]) });
  }
  const rowStarts: number[] = [];
  for (let i = 0, start = 0; i < n; start += n - 1 - i, i += 1) rowStarts.push(start);
  return [
    { size: fixed.length, at: (k) => fixed[k] as Candidate },
    { size: Math.max(n - 1, 0), at: (k) => ({ family: 'prefix', choice: keepAll(pending.slice(0, k + 1)) }) },
    {
      size: (n * (n - 1)) / 2,
      at: (k) => {
        let i = 0;
        while (i + 1 < n && (rowStarts[i + 1] ?? Infinity) <= k) i += 1;
        const j = i + 1 + (k - (rowStarts[i] ?? 0));
        const kept = pending.slice(0, j + 1).filter((_, position) => position !== i);
        return { family: `omit ${analysis.labels[pending[i] ?? 0] ?? i}`, choice: keepAll(kept) };
      },
    },
    { size: torn.length, at: (k) => torn[k] as Candidate },
    { size: holes.length, at: (k) => holes[k] as Candidate },
  ];
}

function candidateAt(all: readonly Family[], k: number): Candidate {
  let rest = k;
  for (const family of all) {
    if (rest < family.size) return family.at(rest);
    rest -= family.size;
  }
  assert.fail(`candidate ${k} out of range`);
}

/** `count` distinct integers from [low, high), ascending (Floyd's algorithm). */
function sampleIndexes(low: number, high: number, count: number, random: () => number): number[] {
  const range = high - low;
  assert.ok(count <= range, 'sample no more than the range holds');
  const chosen = new Set<number>();
  for (let j = range - count; j < range; j += 1) {
    const t = Math.floor(random() * (j + 1));
    chosen.add(chosen.has(t) ? j : t);
  }
  return [...chosen].map((offset) => low + offset).sort((a, b) => a - b);
}

export function powerLossStates(history: CrashHistory, profile: CrashProfileName, options: PowerLossOptions): PowerLossStates {
  assert.ok(Number.isSafeInteger(options.max) && options.max >= 1, 'max is a positive count');
  const analysis = analyze(history, profile);
  const all = families(analysis);
  const candidateCount = all.reduce((sum, family) => sum + family.size, 0);
  const budget = options.max * candidatesPerStateMax;
  const fixedCount = all[0]?.size ?? 0;
  const tried = candidateCount <= budget ? [...Array(candidateCount).keys()] : [...Array(fixedCount).keys(), ...sampleIndexes(fixedCount, candidateCount, budget - fixedCount, options.random)];
  const states: PowerLossState[] = [];
  const seen = new Set<string>();
  for (const k of tried) {
    const candidate = candidateAt(all, k);
    if (choiceViolation(profile, analysis.effects, analysis.statuses, candidate.choice) !== undefined) continue;
    const image = materialize(analysis, candidate.choice);
    const fingerprint = imageFingerprint(image);
    if (seen.has(fingerprint)) continue;
    seen.add(fingerprint);
    states.push({ profile, description: describeCandidate(analysis, candidate), image, fingerprint });
  }
  const sampled = tried.length < candidateCount || states.length > options.max;
  if (states.length <= options.max) return { profile, states, candidateCount, sampled };
  const keptFirst = Math.min(2, options.max);
  const rest = sampleIndexes(keptFirst, states.length, options.max - keptFirst, options.random);
  return { profile, states: [...states.slice(0, keptFirst), ...rest.map((k) => states[k] as PowerLossState)], candidateCount, sampled };
}

/** One state drawn at random among those the profile allows (any subset, not only the generators'). */
export function randomPowerLossState(history: CrashHistory, profile: CrashProfileName, random: () => number): PowerLossState {
  const analysis = analyze(history, profile);
  const choice = randomChoice(profile, analysis.effects, analysis.statuses, random);
  assert.equal(choiceViolation(profile, analysis.effects, analysis.statuses, choice), undefined, 'a random choice obeys the profile');
  const image = materialize(analysis, choice);
  return { profile, description: describeCandidate(analysis, { family: 'random', choice }), image, fingerprint: imageFingerprint(image) };
}
