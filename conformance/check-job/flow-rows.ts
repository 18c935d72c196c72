/**
 * Per flow (Workload.flow): which workloads tested it, whether every run reached the model states
 * its workload claims (`reaches`), and which crash phases were tried under a process crash and
 * under a power loss.
 *
 * Invariants:
 * - No I/O, no clock; flows appear in the order their first run was added, phases in the model's
 *   priority order (crashPhases), so the rows are a function of the work list.
 * - A flow is reached only when no run of it missed a claimed state: a run that never reached
 *   the flow it claims to test is a failure of the job, never a pass.
 */
import type { CrashKind } from '../../model/index.ts';
import { crashPhases } from '../../model/exploration/crash-phase.ts';

export interface UnreachedRun {
  readonly workload: string;
  readonly states: readonly string[];
  /** The run stopped at a violation (or threw) before it could reach them. */
  readonly stoppedAtViolation: boolean;
}

export interface FlowRow {
  readonly flow: string;
  readonly workloads: readonly string[];
  readonly runs: number;
  /** Model states the flow's workloads claim to reach (their union, in first-seen order). */
  readonly reaches: readonly string[];
  readonly reached: boolean;
  readonly unreached: readonly UnreachedRun[];
  readonly processPhases: readonly string[];
  readonly powerPhases: readonly string[];
}

interface MutableFlow {
  readonly workloads: string[];
  runs: number;
  readonly reaches: string[];
  readonly unreached: UnreachedRun[];
  readonly phases: Record<CrashKind, Set<string>>;
}

function phaseOrder(phases: ReadonlySet<string>): string[] {
  const known: readonly string[] = crashPhases;
  const ordered = known.filter((phase) => phases.has(phase));
  const others = [...phases].filter((phase) => !known.includes(phase)).sort();
  return [...ordered, ...others];
}

export class FlowTally {
  readonly #flows = new Map<string, MutableFlow>();

  #flow(name: string): MutableFlow {
    let flow = this.#flows.get(name);
    if (flow === undefined) {
      flow = { workloads: [], runs: 0, reaches: [], unreached: [], phases: { process: new Set(), power: new Set() } };
      this.#flows.set(name, flow);
    }
    return flow;
  }

  /** One finished run of `workload`; `unreached`: the claimed states it never visited. */
  addRun(workload: { readonly name: string; readonly flow: string; readonly reaches: readonly string[] }, unreached: readonly string[], stoppedAtViolation = false): void {
    const flow = this.#flow(workload.flow);
    flow.runs += 1;
    if (!flow.workloads.includes(workload.name)) flow.workloads.push(workload.name);
    for (const state of workload.reaches) if (!flow.reaches.includes(state)) flow.reaches.push(state);
    if (unreached.length > 0) flow.unreached.push({ workload: workload.name, states: [...unreached], stoppedAtViolation });
  }

  addCrash(flowName: string, kind: CrashKind, phase: string): void {
    this.#flow(flowName).phases[kind].add(phase);
  }

  rows(): FlowRow[] {
    return [...this.#flows].map(([flow, tally]) => ({
      flow,
      workloads: [...tally.workloads],
      runs: tally.runs,
      reaches: [...tally.reaches],
      reached: tally.unreached.length === 0,
      unreached: [...tally.unreached],
      processPhases: phaseOrder(tally.phases.process),
      powerPhases: phaseOrder(tally.phases.power),
    }));
  }
}
