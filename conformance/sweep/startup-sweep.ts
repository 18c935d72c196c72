/**
 * The crash-point sweep of start-up flows, which the model treats as one atomic step: the
 * upgrade of a pre-7.0 single-file AOF (RESP, or RDB preamble + RESP tail) to the multi-part
 * layout, and the first start with appendonly yes on an empty directory. The server is started
 * on a prepared disk; before every state-changing file-system operation of the start, a process
 * crash and power-loss states of both profiles are restarted, and each must load exactly the
 * data the disk held before the start (it was all durable; an upgrade or a first start must
 * never lose or refuse it).
 *
 * Invariants:
 * - The prepared files are written and fsynced (file and directory) before the start begins, so
 *   "what the disk held" is every write in them.
 * - Each crash state is judged on its own copy of the disk (CrashFileSystem.fromImage).
 */
import { CrashFileSystem, type StoreConfig, openStore, redisDefaults, ManualScheduler, type FileSystem } from '../../impl/index.ts';
import { encodeAofCommand } from '../../impl/encoding/aof-command-encoder.ts';
import { encodeRdb } from '../../impl/encoding/rdb-dataset.ts';
import type { CrashProfileName } from '../../impl/fs/crash-profiles.ts';
import { seededRandom } from '../../impl/testing/seeded-random.ts';
import { datasetsEqual, describeDataset, type Dataset } from '../../model/index.ts';
import { epochMs } from '../harness/client-writes.ts';
import { type Observed, describeObserved, restartOn } from '../harness/crash-judge.ts';
import { abstractDataset } from '../harness/implementation-dataset.ts';
import { ObservedFileSystem } from '../harness/observed-file-system.ts';
import { storeDirectory } from '../harness/conformance-run.ts';

export interface StartupWorkload {
  readonly name: string;
  readonly flow: string;
  readonly config: Partial<StoreConfig>;
  /** Files written durably under the store directory before the start: name → bytes. */
  readonly files: Readonly<Record<string, Uint8Array>>;
}

export interface StartupCrashRecord {
  readonly operation: number;
  readonly kind: 'process' | 'power';
  readonly profile: CrashProfileName | null;
  readonly description: string;
  readonly observed: Observed;
  readonly ok: boolean;
}

export interface StartupResult {
  readonly workload: StartupWorkload;
  readonly operations: number;
  readonly crashStates: number;
  readonly violations: readonly string[];
}

const resp = (...argv: string[]): Uint8Array => encodeAofCommand(argv);
const join = (...parts: Uint8Array[]): Uint8Array => Buffer.concat(parts);

const legacyCommands = join(resp('SELECT', '0'), resp('SET', 's:1', 'old'), resp('RPUSH', 'l:1', 'a', 'b'), resp('HSET', 'h:1', 'f', 'v'), resp('SELECT', '0'), resp('SADD', 'S:1', 'm'), resp('SET', 's:ttl', 'x', 'PXAT', String(epochMs + 3_600_000)));

function legacyPreamble(): Uint8Array {
  const databases = new Map([[0, new Map([['s:base', { value: { type: 'string' as const, value: 'from the preamble' }, expireAtMs: null }]])]]);
  return join(Buffer.concat(encodeRdb(databases, { aof: true, ctimeSeconds: epochMs / 1000, usedMemory: 0, compression: false })), resp('SELECT', '0'), resp('SET', 's:tail', 'after the preamble'));
}

export const startupCatalogue: readonly StartupWorkload[] = [
  { name: 'legacy-upgrade', flow: 'legacy AOF upgrade (RESP)', config: { appendonly: true, appendfsync: 'always' }, files: { 'appendonly.aof': legacyCommands } },
  { name: 'legacy-upgrade-preamble', flow: 'legacy AOF upgrade (RDB preamble)', config: { appendonly: true, appendfsync: 'everysec' }, files: { 'appendonly.aof': legacyPreamble() } },
  { name: 'first-start', flow: 'first start with appendonly yes', config: { appendonly: true, appendfsync: 'everysec' }, files: {} },
];

async function preparedDisk(files: Readonly<Record<string, Uint8Array>>): Promise<CrashFileSystem> {
  const disk = CrashFileSystem.create();
  await disk.mkdir(storeDirectory, { recursive: false });
  await disk.fsyncDirectory('/');
  for (const [name, bytes] of Object.entries(files)) {
    const handle = await disk.open(`${storeDirectory}/${name}`, 'create-truncate');
    await handle.write(bytes, 0);
    await handle.fsync();
    await handle.close();
  }
  await disk.fsyncDirectory(storeDirectory);
  return disk;
}

async function open(fileSystem: FileSystem, config: StoreConfig): Promise<Observed> {
  const store = await openStore({ fileSystem, directory: storeDirectory, config, clock: { nowMs: () => epochMs }, random: seededRandom(1), scheduler: new ManualScheduler(), processId: 7000 });
  const dataset = abstractDataset(store.dataset(), 0);
  await store.close({ background: 'cancel' });
  return { kind: 'loaded', dataset };
}

export async function runStartupWorkload(workload: StartupWorkload, options: { readonly seed: number; readonly powerStatesPerPoint: number; readonly onCrash?: (record: StartupCrashRecord) => void }): Promise<StartupResult> {
  const config: StoreConfig = { ...redisDefaults, save: [], ...workload.config };
  // What the prepared disk holds: a start on an untouched copy of it.
  const reference = await open(await preparedDisk(workload.files), config);
  const expected: Dataset = reference.kind === 'loaded' ? reference.dataset : new Map();
  const disk = await preparedDisk(workload.files);
  const violations: string[] = [];
  let operations = 0;
  let crashStates = 0;
  let generation = 0;
  const judge = async (operation: number): Promise<void> => {
    const states: { kind: 'process' | 'power'; profile: CrashProfileName | null; description: string; image: ReturnType<CrashFileSystem['pageCache']> }[] = [
      { kind: 'process', profile: null, description: 'process crash', image: disk.pageCache() },
    ];
    for (const profile of ['strict-posix', 'ext4-ordered'] as const) {
      for (const state of disk.powerLossStates(profile, { max: options.powerStatesPerPoint, random: seededRandom(options.seed ^ operation) }).states) states.push({ kind: 'power', profile, description: state.description, image: state.image });
    }
    for (const state of states) {
      generation += 1;
      crashStates += 1;
      const observed = await restartOn(state.image, generation, storeDirectory, config, 0).catch((error: unknown) => ({ kind: 'refused' as const, error: String(error) }));
      const ok = observed.kind === 'loaded' && datasetsEqual(observed.dataset, expected);
      options.onCrash?.({ operation, kind: state.kind, profile: state.profile, description: state.description, observed, ok });
      if (!ok && violations.length < 5) {
        violations.push(`${workload.name}: after a ${state.kind} crash before start-up operation #${operation}${state.profile === null ? '' : ` (${state.profile}: ${state.description})`}, the restart ${describeObserved(observed)}; it must load exactly ${describeDataset(expected)}`);
      }
    }
  };
  const observed = new ObservedFileSystem(disk, {
    before: async (operation) => {
      operations += 1;
      if (operation.effect !== 'none') await judge(operations);
    },
  });
  const started = await open(observed, config);
  if (started.kind !== 'loaded' || !datasetsEqual(started.dataset, expected)) violations.push(`${workload.name}: the start itself ${describeObserved(started)}`);
  await judge(operations + 1);
  return { workload, operations, crashStates, violations };
}
