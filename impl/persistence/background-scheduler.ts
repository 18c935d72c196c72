/**
 * BackgroundScheduler: the port through which background work (a BGSAVE's scan and writes, an
 * AOF rewrite's base, the everysec background fsync that Redis runs in its bio thread) gets CPU
 * time between foreground commands. Node has no fork(): the snapshot runs on the event loop,
 * one slice at a time, and each slice (or fsync) starts only when the scheduler says so.
 *
 * Invariants (what callers may rely on, on every implementation):
 * - `nextSlice()` resolves at some later point, never synchronously inside the call, so
 *   foreground commands issued before it resolves run first; it never rejects.
 * - Implementations: `ManualScheduler` (tests and simulations: resolves only when stepped) and
 *   `immediateScheduler` (production: one slice per event-loop turn, via setImmediate).
 */
export interface BackgroundScheduler {
  /** Resolves when the background job may run its next slice. */
  nextSlice(): Promise<void>;
}
