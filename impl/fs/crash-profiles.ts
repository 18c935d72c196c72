/**
 * Crash persistence profiles: which recorded effects a power loss must keep, may keep, or may
 * tear, and how. This is the fault model of CrashFileSystem; it is a pure function of the history.
 *
 * Common to every profile:
 * - Data effects are write (append = write at the end) and truncate; directory effects are link
 *   (create, mkdir), unlink and rename. Each recorded effect is durable, pending or discarded.
 * - fsync/fdatasync of a file makes all its earlier data effects durable (data and size).
 * - A failed fsync (fsyncgate) discards the file's pending data effects: they never persist,
 *   even after a later successful fsync, and a later write persisted beyond them leaves a hole
 *   of zeros (in every profile). Reads still return the page-cache bytes. A failed
 *   fsyncDirectory persists nothing.
 * - A power loss keeps every durable effect, drops every discarded one, and keeps a
 *   profile-allowed choice of the pending ones; the kept effects are applied in log order to
 *   the base image. Only the file size is modelled as metadata (no times, modes, links).
 * - rename is atomic in both profiles: a kept rename moves the name in one step (the target
 *   shows the old inode or the new one, never neither). POSIX promises this and every
 *   temp+rename protocol, Redis's included, depends on it.
 *
 * strict-posix (ALICE-like abstract persistence model; deliberately weaker than real file systems):
 * - A pending write persists per 512-byte sector (pieces cut at file offsets that are multiples
 *   of 512): any subset of its sectors, from any pending writes, may persist, in any order. A
 *   later sector kept without an earlier one leaves a hole that reads as zeros, and the size
 *   grows to the end of the last kept sector. Torn writes never contain bytes that were not
 *   written (no garbage), only old bytes or zeros.
 * - A pending truncate persists or not, independently.
 * - fsync of a file does NOT make its directory entry durable. fsyncDirectory(d) makes durable
 *   every pending directory effect whose source or target directory is d (nothing else).
 * - Pending directory effects are NOT ordered, not even within one directory: each create,
 *   rename and unlink may be lost independently of the others (a later rename may persist while
 *   an earlier create is lost).
 *
 * ext4-ordered (ext4 data=ordered with a journal; "like" ext4, not a model of its code):
 * - Data reaches the disk before the size that exposes it: per file, the pending data effects
 *   persist as a prefix in log order, and the first one not fully kept may be torn at a 4 KiB
 *   file-offset boundary (a prefix of its blocks). So an unsynced append is lost as a tail,
 *   never with a hole and never with zeros beyond durable data. Files are independent.
 * - Directory effects are journaled: the pending ones persist as a prefix of the log order
 *   (all directories together). fsyncDirectory of any directory, and fsync of any file,
 *   commit the journal: every earlier directory effect becomes durable.
 * - Directory entries are independent of data: a kept create or rename may expose a file whose
 *   unsynced data was lost (the zero-length-file outcome).
 */
import assert from 'node:assert/strict';
import type { ByteRange, DiskEffect, InodeId } from './crash-disk-image.ts';

export type CrashProfileName = 'strict-posix' | 'ext4-ordered';
export const crashProfileNames: readonly CrashProfileName[] = ['strict-posix', 'ext4-ordered'];

export const sectorBytes = 512;
export const blockBytes = 4096;

/** The unit a pending write may be torn at under the profile. */
export function tearBytes(profile: CrashProfileName): number {
  return profile === 'strict-posix' ? sectorBytes : blockBytes;
}

export type EffectStatus = 'durable' | 'pending' | 'discarded' | 'marker';

/** What a power loss keeps of a pending effect: all of it, or some byte ranges of a write. */
export type KeptPart = 'all' | readonly ByteRange[];
/** Pending effect index → kept part; a pending effect absent from the map is dropped. */
export type PowerLossChoice = ReadonlyMap<number, KeptPart>;

export function isDataEffect(effect: DiskEffect): effect is Extract<DiskEffect, { kind: 'write' | 'truncate' }> {
  return effect.kind === 'write' || effect.kind === 'truncate';
}

export function isDirectoryEffect(effect: DiskEffect): effect is Extract<DiskEffect, { kind: 'link' | 'unlink' | 'rename' }> {
  return effect.kind === 'link' || effect.kind === 'unlink' || effect.kind === 'rename';
}

function appendTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

function touchesDirectory(effect: DiskEffect, directory: InodeId): boolean {
  if (effect.kind === 'rename') return effect.sourceDirectory === directory || effect.targetDirectory === directory;
  return (effect.kind === 'link' || effect.kind === 'unlink') && effect.directory === directory;
}

/** Each effect's status at the end of the history, under the profile. */
export function settleEffects(effects: readonly DiskEffect[], profile: CrashProfileName): EffectStatus[] {
  const statuses: EffectStatus[] = effects.map((effect) => (isDataEffect(effect) || isDirectoryEffect(effect) ? 'pending' : 'marker'));
  const pendingData = new Map<InodeId, number[]>();
  let pendingDirectory: number[] = [];
  const settleData = (inode: InodeId, status: 'durable' | 'discarded'): void => {
    for (const index of pendingData.get(inode) ?? []) statuses[index] = status;
    pendingData.delete(inode);
  };
  const commitDirectories = (keep: (effect: DiskEffect) => boolean): void => {
    pendingDirectory = pendingDirectory.filter((index) => {
      const effect = effects[index];
      assert.ok(effect !== undefined);
      if (!keep(effect)) return true;
      statuses[index] = 'durable';
      return false;
    });
  };
  for (const [index, effect] of effects.entries()) {
    if (isDataEffect(effect)) appendTo(pendingData, effect.inode, index);
    else if (isDirectoryEffect(effect)) pendingDirectory.push(index);
    else if (effect.kind === 'sync-file') {
      settleData(effect.inode, 'durable');
      if (profile === 'ext4-ordered') commitDirectories(() => true);
    } else if (effect.kind === 'sync-failed') settleData(effect.inode, 'discarded');
    else if (profile === 'ext4-ordered') commitDirectories(() => true);
    else commitDirectories((pending) => touchesDirectory(pending, effect.directory));
  }
  return statuses;
}

/** Offsets inside a write (relative, strictly between 0 and its length) where `unit`-aligned file blocks begin. */
export function cutPoints(effect: Extract<DiskEffect, { kind: 'write' }>, unit: number): number[] {
  const cuts: number[] = [];
  const first = Math.floor(effect.offset / unit) * unit + unit;
  for (let absolute = first; absolute < effect.offset + effect.bytes.length; absolute += unit) cuts.push(absolute - effect.offset);
  return cuts;
}

/** The write split into its `unit`-aligned pieces, as relative ranges covering it. */
export function writePieces(effect: Extract<DiskEffect, { kind: 'write' }>, unit: number): ByteRange[] {
  const bounds = [0, ...cutPoints(effect, unit), effect.bytes.length];
  return bounds.slice(1).map((end, index) => [bounds[index] ?? 0, end] as const);
}

/** Why the choice is not allowed under the profile, or undefined when it is. */
export function choiceViolation(profile: CrashProfileName, effects: readonly DiskEffect[], statuses: readonly EffectStatus[], choice: PowerLossChoice): string | undefined {
  for (const [index, part] of choice) {
    const effect = effects[index];
    if (effect === undefined || statuses[index] !== 'pending') return `effect ${index} is not pending`;
    if (part === 'all') continue;
    if (effect.kind !== 'write') return `effect ${index} (${effect.kind}) cannot be torn`;
    const allowedBounds = new Set([0, effect.bytes.length, ...cutPoints(effect, tearBytes(profile))]);
    if (!part.every(([start, end]) => allowedBounds.has(start) && allowedBounds.has(end) && start < end)) return `effect ${index} is torn off a ${tearBytes(profile)} B boundary`;
    if (profile === 'ext4-ordered' && (part.length !== 1 || part[0]?.[0] !== 0)) return `effect ${index} is torn with a hole (ext4-ordered keeps a prefix)`;
  }
  if (profile === 'strict-posix') return undefined;
  const sequences = new Map<string, number[]>();
  for (const [index, effect] of effects.entries()) {
    if (statuses[index] !== 'pending') continue;
    const key = isDataEffect(effect) ? `file ${effect.inode}` : 'journal';
    appendTo(sequences, key, index);
  }
  for (const [key, indexes] of sequences) {
    let ended = false;
    for (const index of indexes) {
      const part = choice.get(index);
      if (ended && part !== undefined) return `${key}: effect ${index} kept after an earlier one was dropped or torn`;
      if (part !== 'all') ended = true;
    }
  }
  return undefined;
}

function randomBelow(random: () => number, count: number): number {
  const value = random();
  assert.ok(value >= 0 && value < 1, 'random() returns a number in [0, 1)');
  return Math.floor(value * count);
}

/** A random choice allowed by the profile (for property tests and `crash('power', { random })`). */
export function randomChoice(profile: CrashProfileName, effects: readonly DiskEffect[], statuses: readonly EffectStatus[], random: () => number): PowerLossChoice {
  const choice = new Map<number, KeptPart>();
  const pending = [...effects.entries()].filter(([index]) => statuses[index] === 'pending');
  if (profile === 'strict-posix') {
    for (const [index, effect] of pending) {
      const mode = randomBelow(random, 3);
      if (mode === 0) choice.set(index, 'all');
      if (mode !== 2 || effect.kind !== 'write') continue;
      const kept = writePieces(effect, sectorBytes).filter(() => randomBelow(random, 2) === 1);
      if (kept.length > 0) choice.set(index, kept);
    }
    return choice;
  }
  const sequences = new Map<string, Array<[number, DiskEffect]>>();
  for (const [index, effect] of pending) {
    const key = isDataEffect(effect) ? `file ${effect.inode}` : 'journal';
    appendTo(sequences, key, [index, effect]);
  }
  for (const sequence of sequences.values()) {
    const keptCount = randomBelow(random, sequence.length + 1);
    for (const [index] of sequence.slice(0, keptCount)) choice.set(index, 'all');
    const next = sequence[keptCount];
    if (next === undefined || next[1].kind !== 'write' || randomBelow(random, 2) === 0) continue;
    const cuts = cutPoints(next[1], blockBytes);
    const cut = cuts[randomBelow(random, cuts.length)];
    if (cut !== undefined) choice.set(next[0], [[0, cut]]);
  }
  return choice;
}
