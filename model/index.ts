/**
 * The model's public surface: the machine, its types, the oracle and the exploration tools.
 * The only barrel in model/. Nothing here imports impl/.
 */
export { persistenceMachine, type PersistenceMachine } from './persistence-machine.ts';
export * from './persistence-types.ts';
export { createInitialContext, defaultConfig } from './persistence-actions.ts';
export { type Dataset, type DatasetEntry, datasetOfPrefix, datasetsEqual, describeDataset, isExpired } from './abstract-dataset.ts';
export {
  type AllowedLoad,
  type AllowedOutcomes,
  type OracleAssumptions,
  allowedOutcomes,
  findMatchingOutcome,
  isOutcomeAllowed,
  strictPosixAssumptions,
} from './oracle/allowed-outcomes.ts';
export { invariantViolations } from './persistence-invariants.ts';
export { eventMenu, eventLabel } from './exploration/event-menu.ts';
export { crashPhaseOf, type CrashPhase } from './exploration/crash-phase.ts';
export { exploreGuarantees, defaultExploration, type GuaranteeRow } from './exploration/guarantee-exploration.ts';
