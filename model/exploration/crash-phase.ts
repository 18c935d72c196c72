/**
 * Names the phase a running server is in, for the guarantee table: which background work or AOF
 * condition a crash would interrupt. Read from the snapshot's state value and context only.
 *
 * Invariant: every running snapshot has exactly one phase; the order below is the priority.
 */
import type { SnapshotFrom } from 'xstate';
import type { PersistenceMachine } from '../persistence-machine.ts';

export type PersistenceSnapshot = SnapshotFrom<PersistenceMachine>;

export const crashPhases = [
  'after a failed AOF fsync',
  'after a failed AOF write',
  'AOF being enabled (waiting for the first rewrite)',
  'AOF being enabled (first manifest renamed, directory not yet fsynced)',
  'AOF write postponed behind a running fsync',
  'SAVE in progress',
  'rewrite: opening a new incr',
  'rewrite: child writing the base',
  'rewrite: parent installing the base',
  'BGSAVE child running',
  'steady',
] as const;

export type CrashPhase = (typeof crashPhases)[number];

export function crashPhaseOf(snapshot: PersistenceSnapshot): CrashPhase {
  const { aof } = snapshot.context;
  if (aof.mode !== 'off' && aof.lastFsyncStatus === 'err') return 'after a failed AOF fsync';
  if (aof.mode !== 'off' && aof.lastWriteStatus === 'err') return 'after a failed AOF write';
  if (aof.mode === 'waitRewrite') return 'AOF being enabled (waiting for the first rewrite)';
  const newViewPending = snapshot.context.aofManifest.possibleAfterPowerLoss.length > 1;
  if (aof.mode === 'on' && newViewPending) return 'AOF being enabled (first manifest renamed, directory not yet fsynced)';
  if (aof.postponedSinceMs !== null) return 'AOF write postponed behind a running fsync';
  if (snapshot.matches({ running: { eventLoop: 'saving' } })) return 'SAVE in progress';
  if (snapshot.matches({ running: { eventLoop: 'rotatingIncr' } })) return 'rewrite: opening a new incr';
  if (snapshot.matches({ running: { eventLoop: 'finishingRewrite' } })) return 'rewrite: parent installing the base';
  if (snapshot.matches({ running: { child: 'rewriteChild' } })) return 'rewrite: child writing the base';
  if (snapshot.matches({ running: { child: 'rdbChild' } })) return 'BGSAVE child running';
  return 'steady';
}
