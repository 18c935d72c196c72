/**
 * The fast-check commands of the model-based conformance property: each is one client or
 * environment action applied to the system under test (a ConformanceRun, which keeps the
 * implementation and the model in step and checks both after every file-system operation).
 *
 * Commands: client writes of every type (alone, several clients in one turn, MULTI/EXEC), SAVE,
 * BGSAVE, BGREWRITEAOF, CONFIG SET appendonly/appendfsync, clock ticks (which run serverCron:
 * fsync, save points, scheduled and automatic rewrites), background slices (the BGSAVE or
 * rewrite child, the everysec fsync), a crash before a chosen later file-system operation
 * (process, or a chosen power-loss state of either profile), and a crash right now. Every
 * crash is followed by a restart that the oracle must allow, after which the run goes on.
 *
 * Invariants:
 * - A command never asserts on its own: the run's checks do, and a violation fails the command
 *   with the run's report (message and timeline).
 * - Once a run cannot go on (a refused start, which the oracle allowed, or a restart the model
 *   cannot follow) the remaining commands are skipped (`check` is false), never failed.
 * - Background work is serialized with the commands through `RealSystem.serial`, so a
 *   scheduler may interleave them in any order without two steps overlapping.
 */
import fc from 'fast-check';
import type { ClientWrite } from '../harness/client-writes.ts';
import type { ConformanceRun, CrashPlan, WorkloadStep } from '../harness/conformance-run.ts';
import { stepLabel } from '../harness/conformance-run.ts';

export interface ConformanceModel {
  ended: boolean;
}

export class RealSystem {
  #queue: Promise<unknown> = Promise.resolve();
  constructor(readonly run: ConformanceRun) {}

  /** Runs `work` after everything queued before it. */
  serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(work);
    this.#queue = next.catch(() => undefined);
    return next;
  }

  /** Fails with the run's first violation, if any. */
  assertNoViolation(): void {
    const violation = this.run.violations[0];
    if (violation !== undefined) throw new Error(`${violation.check} violation: ${violation.message}\ntimeline (last entries):\n${violation.timeline}`);
  }
}

type Command = fc.AsyncCommand<ConformanceModel, RealSystem>;

class StepCommand implements Command {
  constructor(readonly step: WorkloadStep) {}
  check(model: Readonly<ConformanceModel>): boolean {
    return !model.ended;
  }
  async run(model: ConformanceModel, real: RealSystem): Promise<void> {
    await real.serial(() => real.run.step(this.step));
    real.assertNoViolation();
    if (real.run.ended !== null) model.ended = true;
  }
  toString(): string {
    return stepLabel(this.step);
  }
}

class ArmCrashCommand implements Command {
  constructor(readonly plan: CrashPlan) {}
  check(model: Readonly<ConformanceModel>): boolean {
    return !model.ended;
  }
  async run(_model: ConformanceModel, real: RealSystem): Promise<void> {
    await real.serial(async () => real.run.armCrash(this.plan));
  }
  toString(): string {
    return `crash(${this.plan.kind}${this.plan.kind === 'power' ? ` ${this.plan.profile} #${this.plan.choice}` : ''} before the ${this.plan.after}th next operation)`;
  }
}

class CrashNowCommand implements Command {
  constructor(readonly plan: Omit<CrashPlan, 'after'>) {}
  check(model: Readonly<ConformanceModel>): boolean {
    return !model.ended;
  }
  async run(model: ConformanceModel, real: RealSystem): Promise<void> {
    await real.serial(() => real.run.crashNow(this.plan));
    real.assertNoViolation();
    if (real.run.ended !== null) model.ended = true;
  }
  toString(): string {
    return `crashNow(${this.plan.kind}${this.plan.kind === 'power' ? ` ${this.plan.profile} #${this.plan.choice}` : ''})`;
  }
}

const keyIndex = fc.integer({ min: 0, max: 3 });
const small = fc.integer({ min: 0, max: 999 });

function simpleWrite(): fc.Arbitrary<ClientWrite> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.record({ key: keyIndex, value: small }).map(({ key, value }): ClientWrite => ({ kind: 'set', key: `s:${key}`, value: `v${value}` })) },
    { weight: 2, arbitrary: fc.record({ key: keyIndex, value: small, ttl: fc.integer({ min: 300, max: 6_000 }) }).map(({ key, value, ttl }): ClientWrite => ({ kind: 'set', key: `s:${key}`, value: `t${value}`, ttlMs: ttl })) },
    { weight: 2, arbitrary: keyIndex.map((key): ClientWrite => ({ kind: 'incr', key: `c:${key}` })) },
    { weight: 2, arbitrary: fc.record({ key: keyIndex, item: small }).map(({ key, item }): ClientWrite => ({ kind: 'rpush', key: `l:${key}`, items: [`i${item}`] })) },
    { weight: 2, arbitrary: fc.record({ key: keyIndex, field: fc.integer({ min: 0, max: 2 }), value: small }).map(({ key, field, value }): ClientWrite => ({ kind: 'hset', key: `h:${key}`, field: `f${field}`, value: `v${value}` })) },
    { weight: 2, arbitrary: fc.record({ key: keyIndex, member: fc.integer({ min: 0, max: 5 }) }).map(({ key, member }): ClientWrite => ({ kind: 'sadd', key: `S:${key}`, member: `m${member}` })) },
    { weight: 2, arbitrary: fc.record({ key: keyIndex, score: fc.integer({ min: -4, max: 8 }), member: fc.integer({ min: 0, max: 3 }) }).map(({ key, score, member }): ClientWrite => ({ kind: 'zadd', key: `z:${key}`, score: score / 2, member: `m${member}` })) },
    { weight: 2, arbitrary: fc.record({ prefix: fc.constantFrom('s', 'l', 'h', 'S', 'z', 'c'), key: keyIndex }).map(({ prefix, key }): ClientWrite => ({ kind: 'del', key: `${prefix}:${key}` })) },
    { weight: 1, arbitrary: fc.record({ key: keyIndex, ttl: fc.integer({ min: -500, max: 4_000 }) }).map(({ key, ttl }): ClientWrite => ({ kind: 'pexpire', key: `s:${key}`, ttlMs: ttl })) },
    { weight: 1, arbitrary: keyIndex.map((key): ClientWrite => ({ kind: 'persist', key: `s:${key}` })) },
  );
}

const crashPlan = fc.record({
  after: fc.integer({ min: 1, max: 12 }),
  kind: fc.constantFrom('process' as const, 'power' as const),
  profile: fc.constantFrom('strict-posix' as const, 'ext4-ordered' as const),
  choice: fc.nat({ max: 1_000 }),
});

/** Every command, weighted so that writes and background slices dominate and crashes are rare. */
export function conformanceCommands(): fc.Arbitrary<Command>[] {
  const step = (arbitrary: fc.Arbitrary<WorkloadStep>): fc.Arbitrary<Command> => arbitrary.map((s) => new StepCommand(s));
  return [
    step(simpleWrite().map((write): WorkloadStep => ({ kind: 'write', write }))),
    step(simpleWrite().map((write): WorkloadStep => ({ kind: 'write', write }))),
    step(simpleWrite().map((write): WorkloadStep => ({ kind: 'write', write }))),
    step(fc.array(simpleWrite(), { minLength: 2, maxLength: 3 }).map((writes): WorkloadStep => ({ kind: 'turn', writes }))),
    step(fc.array(simpleWrite(), { minLength: 2, maxLength: 3 }).map((writes): WorkloadStep => ({ kind: 'write', write: { kind: 'multi', writes } }))),
    step(fc.constant<WorkloadStep>({ kind: 'bgsave' })),
    step(fc.constant<WorkloadStep>({ kind: 'save' })),
    step(fc.constant<WorkloadStep>({ kind: 'bgrewriteaof' })),
    step(fc.constantFrom<WorkloadStep>({ kind: 'config', name: 'appendonly', value: 'yes' }, { kind: 'config', name: 'appendonly', value: 'no' })),
    step(fc.constantFrom<WorkloadStep>({ kind: 'config', name: 'appendfsync', value: 'always' }, { kind: 'config', name: 'appendfsync', value: 'everysec' }, { kind: 'config', name: 'appendfsync', value: 'no' })),
    step(fc.constantFrom(200, 600, 1_100).map((ms): WorkloadStep => ({ kind: 'tick', ms }))),
    step(fc.constantFrom(200, 600, 1_100).map((ms): WorkloadStep => ({ kind: 'tick', ms }))),
    step(fc.constantFrom<1 | 2 | 'all'>(1, 2, 'all').map((slices): WorkloadStep => ({ kind: 'background', slices }))),
    step(fc.constantFrom<1 | 2 | 'all'>(1, 2, 'all').map((slices): WorkloadStep => ({ kind: 'background', slices }))),
    crashPlan.map((plan) => new ArmCrashCommand(plan)),
    crashPlan.map(({ kind, profile, choice }) => new CrashNowCommand({ kind, profile, choice })),
  ];
}
