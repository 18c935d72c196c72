/**
 * Goal: the model's invariants hold after every step of any event sequence, from every
 * persistence configuration, and every crash leaves the oracle a non-empty, well-formed set of
 * allowed loads.
 * Method: fast-check generates a configuration and a sequence of 50 to 300 integers; each integer
 * picks the next event among the menu events the current snapshot accepts (`snapshot.can`),
 * weighted (see `weightOf`). The seed is printed and replayable (DURAKV_SEED); a failure names the
 * violated invariants and the event trace; the run prints its state and transition coverage. A
 * second test feeds `invariantViolations` a broken context, so the property is known to be able to
 * fail.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { initialTransition, transition } from 'xstate';
import { propertyParameters } from '../scripts/testing/property-seed.ts';
import type { PersistenceSnapshot } from './exploration/crash-phase.ts';
import { eventLabel, eventMenu } from './exploration/event-menu.ts';
import { type AllowedOutcomes, allowedOutcomes } from './oracle/allowed-outcomes.ts';
import { createInitialContext, defaultConfig } from './persistence-actions.ts';
import { type InvariantInput, invariantViolations } from './persistence-invariants.ts';
import { persistenceMachine } from './persistence-machine.ts';
import { CoverageTracker } from './testing/machine-coverage.ts';
import type { FsyncPolicy, PersistenceConfig, PersistenceEvent } from './persistence-types.ts';

const minSteps = 50;
const maxSteps = 300;

const startConfigs: readonly PersistenceConfig[] = [true, false].flatMap((appendonly) =>
  (['always', 'everysec', 'no'] as const satisfies readonly FsyncPolicy[]).map((appendfsync) => ({
    ...defaultConfig,
    appendonly,
    appendfsync,
    // RDB-only servers save on a save point, as a default redis.conf does.
    savePoints: appendonly ? [] : [{ seconds: 2, changes: 1 }],
  })),
);

function invariantInput(snapshot: PersistenceSnapshot): InvariantInput {
  return {
    context: snapshot.context,
    rdbChildRunning: snapshot.matches({ running: { child: 'rdbChild' } }),
    rewriteChildRunning: snapshot.matches({ running: { child: 'rewriteChild' } }),
    rewriteFinishing: snapshot.matches({ running: { eventLoop: 'finishingRewrite' } }),
    running: snapshot.matches('running'),
  };
}

/** What is wrong with the oracle's answer for the crash the snapshot just recorded. */
function crashOracleProblems(snapshot: PersistenceSnapshot): string[] {
  const record = snapshot.context.crash;
  if (record === null) return ['crashed without a crash record'];
  let allowed: AllowedOutcomes;
  try {
    allowed = allowedOutcomes(record.before, record.kind);
  } catch (error) {
    // The oracle asserts its own answer; report that with the trace rather than a bare throw.
    return [`${record.kind} crash: the oracle failed: ${(error as Error).message}`];
  }
  const problems: string[] = [];
  if (allowed.loads.length === 0) problems.push(`${record.kind} crash: no allowed load`);
  for (const load of allowed.loads) {
    const within = Number.isInteger(load.lengthMin) && 0 <= load.lengthMin && load.lengthMin <= load.lengthMax && load.lengthMax <= load.log.length;
    if (!within) problems.push(`${record.kind} crash: ${load.source} range [${load.lengthMin}, ${load.lengthMax}] outside its log of ${load.log.length}`);
  }
  return problems;
}

interface WalkResult {
  readonly trace: readonly string[];
  readonly problems: readonly string[];
  readonly crashes: number;
}

/** The steps of children and file protocols. */
const protocolStep = /^(RDB_|MANIFEST_|AOF_(INCR|BASE|HISTORY|REWRITE))/;

/**
 * How many times an accepted event appears among the candidates. Writes and turn ends dominate
 * real traffic, and a protocol should get to its end; crashes are rarer than anything else, so a
 * walk goes deep (a refused start ends it) yet still crashes every few dozen steps.
 */
function weightOf(event: PersistenceEvent): number {
  if (event.type === 'CRASH') return 1;
  if (event.type === 'WRITE' || event.type === 'BEFORE_SLEEP' || protocolStep.test(event.type)) return 8;
  return 2;
}

function weighted(events: readonly PersistenceEvent[]): PersistenceEvent[] {
  return events.flatMap((event) => Array.from({ length: weightOf(event) }, () => event));
}

/** Walk from `config`, each choice picking among the accepted menu events; stop at the first problem. */
function walk(config: PersistenceConfig, choices: readonly number[], coverage?: CoverageTracker): WalkResult {
  let [snapshot] = initialTransition(persistenceMachine, config);
  coverage?.recordState(snapshot);
  const trace: string[] = [];
  let crashes = 0;
  const initialProblems = invariantViolations(invariantInput(snapshot));
  if (initialProblems.length > 0) return { trace, problems: initialProblems, crashes };
  for (const choice of choices) {
    const accepted = eventMenu(snapshot.context).filter((event) => snapshot.can(event));
    // refusedToStart accepts nothing: the walk is over.
    if (accepted.length === 0) break;
    const candidates = weighted(accepted);
    const event = candidates[choice % candidates.length] as PersistenceEvent;
    trace.push(eventLabel(event));
    coverage?.recordStep(snapshot, event);
    const [next] = transition(persistenceMachine, snapshot, event);
    snapshot = next;
    coverage?.recordState(snapshot);
    const problems = invariantViolations(invariantInput(snapshot));
    // Every accepted event in `crashed` leaves it, so being there means this step crashed: a CRASH,
    // or a failed AOF write or fsync under appendfsync always.
    if (snapshot.matches('crashed')) {
      crashes += 1;
      problems.push(...crashOracleProblems(snapshot));
    }
    if (problems.length > 0) return { trace, problems, crashes };
  }
  return { trace, problems: [], crashes };
}

describe('persistence model invariants (property)', () => {
  it(`hold after every step of random event sequences (${minSteps}-${maxSteps} steps, appendonly yes/no x appendfsync always/everysec/no)`, () => {
    let walks = 0;
    let steps = 0;
    let crashes = 0;
    const coverage = new CoverageTracker();
    fc.assert(
      fc.property(
        fc.constantFrom(...startConfigs),
        // size 'max': without it fast-check's default size caps the length at 2 * minLength + 10.
        fc.array(fc.nat({ max: 1_000 }), { minLength: minSteps, maxLength: maxSteps, size: 'max' }),
        (config, choices) => {
          const result = walk(config, choices, coverage);
          walks += 1;
          steps += result.trace.length;
          crashes += result.crashes;
          if (result.problems.length > 0) {
            const start = `appendonly=${config.appendonly ? 'yes' : 'no'} appendfsync=${config.appendfsync}`;
            throw new Error(`${result.problems.join('; ')}\n  from ${start} after:\n    ${result.trace.join('\n    ')}`);
          }
        },
      ),
      propertyParameters('model invariants', 200),
    );
    console.log(`[property] model invariants: ${walks} walks, ${steps} steps, ${crashes} crashes checked; ${coverage.summary()}`);
  });

  it('reports a violation for a broken context (durable horizon beyond the written one)', () => {
    const context = createInitialContext({ ...defaultConfig, appendonly: true, appendfsync: 'always' });
    const broken = { ...context, aof: { ...context.aof, durableLength: 1 } };
    const input = { context: broken, rdbChildRunning: false, rewriteChildRunning: false, rewriteFinishing: false, running: true };
    expect(invariantViolations({ ...input, context })).toEqual([]);
    expect(invariantViolations(input)).toContain('durable 1 > written 0');
    expect(invariantViolations({ ...input, context, rdbChildRunning: true, rewriteChildRunning: true })).toEqual([
      'two children at once',
    ]);
  });
});
