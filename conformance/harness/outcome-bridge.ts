/**
 * What a restart may produce after a crash that lands INSIDE one model step: between the first
 * and the last file-system operation that the step stands for (the model's BEFORE_SLEEP under
 * appendfsync always is one step, "write the AOF buffer, fdatasync it"; the file system sees an
 * append, then an fdatasync, and a crash can fall between them).
 *
 * Rule: the outcomes allowed before the step, those allowed after it, and, for an AOF that the
 * step extends, every prefix between the two: [min of the lower bounds, max of the upper bounds]
 * of the after-step log (which extends the before-step one). Refusal reasons are the union, plus,
 * after a power loss, those the oracle gives any unsynced AOF tail when the bridge spans one.
 *
 * Invariant: the bridge only widens: everything allowed before or after the step stays allowed.
 */
import { type AllowedLoad, type AllowedOutcomes, type OracleAssumptions } from '../../model/index.ts';
import { refusalHoleyTail, refusalTornTail, sameLogPrefix } from '../../model/oracle/allowed-outcomes.ts';

export function bridgeOutcomes(before: AllowedOutcomes, after: AllowedOutcomes, assumptions: OracleAssumptions, loadTruncated: boolean): AllowedOutcomes {
  const loads: AllowedLoad[] = [...before.loads, ...after.loads];
  const refusals = new Set([...before.refusalReasons, ...after.refusalReasons]);
  for (const late of after.loads) {
    if (late.source !== 'aof') continue;
    for (const early of before.loads) {
      if (early.source !== 'aof' || !sameLogPrefix(late.log, early.log, early.lengthMax)) continue;
      const bridged: AllowedLoad = { source: 'aof', log: late.log, lengthMin: Math.min(early.lengthMin, late.lengthMin), lengthMax: Math.max(early.lengthMax, late.lengthMax) };
      loads.push(bridged);
      // Between the two, the tail past the lower bound may be unsynced: what the oracle says of any unsynced tail.
      if (after.crashKind === 'power' && bridged.lengthMin < bridged.lengthMax) {
        if (!loadTruncated) refusals.add(refusalTornTail);
        if (assumptions.unsyncedAppendsMayLeaveHoles) refusals.add(refusalHoleyTail);
      }
    }
  }
  return { crashKind: after.crashKind, loads, refusalReasons: [...refusals] };
}
