/**
 * SimulatedCrash: the rejection CrashFileSystem uses to stop the code under test at a crash point.
 *
 * Invariants: it is not an FsError, so persistence code that maps FsError codes to domain results
 * cannot swallow it by accident; once a CrashFileSystem has crashed, every later call rejects
 * with a SimulatedCrash naming the operation that crashed first.
 */
export class SimulatedCrash extends Error {
  override readonly name = 'SimulatedCrash';
  /** The sequence number of the operation that did not happen because of the crash. */
  readonly crashedBeforeOperation: number;

  constructor(crashedBeforeOperation: number, reason: string) {
    super(`simulated crash before operation #${crashedBeforeOperation} (${reason})`);
    this.crashedBeforeOperation = crashedBeforeOperation;
  }
}

export function isSimulatedCrash(error: unknown): error is SimulatedCrash {
  return error instanceof SimulatedCrash;
}
