/**
 * The commands the store adds to (or wraps in) the keyspace's table: SAVE, BGSAVE [SCHEDULE],
 * BGREWRITEAOF, LASTSAVE, INFO, CONFIG GET/SET, and FLUSHALL (which must stop a BGSAVE and,
 * with save points, save synchronously: Redis 7.0 db.c:flushAllDataAndResetRDB). They run through the client
 * session like any command, so they queue inside MULTI and run at EXEC.
 *
 * Invariants:
 * - Arity and flags are Redis 7.0's; none of them is a write except FLUSHALL, so they stay
 *   usable under MISCONF (that is how an operator recovers).
 * - SAVE never runs as a handler: the store runs it (it is asynchronous I/O) outside MULTI and
 *   refuses it inside (NO_MULTI); its entry here serves lookup and the arity check.
 * - `configPreflight` gives the error Redis's processCommand gives for an unknown CONFIG
 *   subcommand or a subcommand arity error (before queueing, so it flags a transaction).
 * - Replies and errors match redis-server 7.0.15 byte for byte (checked by hand).
 */
import assert from 'node:assert/strict';
import {
  type CommandSpec,
  type Reply,
  arityError,
  arrayReply,
  bulkReply,
  checkFlushOptions,
  command,
  cString,
  fail,
  integerReply,
  lookupCommand,
  okReply,
  optionName,
  syntaxError,
} from '../keyspace/index.ts';
import type { ByteString } from '../values/redis-value.ts';
import { configGet, configSet } from './config-parameters.ts';
import { infoWantsPersistence, type PersistenceInfo, persistenceInfoText } from './persistence-info.ts';
import type { StoreConfig } from './store-config.ts';

/** What the commands need from the store. */
export interface StoreCommandHost {
  /** BGSAVE's whole decision (bgsaveCommand); `schedule` is the SCHEDULE option. */
  bgsave(schedule: boolean): Reply;
  /** BGREWRITEAOF (bgrewriteaofCommand): the reply, or the start the store runs after it. */
  bgrewriteaof(): Reply;
  lastSaveSeconds(): number;
  persistenceInfo(): PersistenceInfo;
  config(): StoreConfig;
  readonly directory: string;
  setConfig(config: StoreConfig): void;
  /** Before FLUSHALL empties the keyspace: stop a running BGSAVE (killRDBChild). */
  beforeFlushAll(): void;
  /** After it: with save points, a synchronous save of the (empty) dataset is due. */
  afterFlushAll(): void;
}

export const notAllowedInTransactionError = 'ERR Command not allowed inside a transaction';

const configSubcommandArity: ReadonlyMap<string, number> = new Map([
  ['get', -3],
  ['set', -4],
]);

/** processCommand's error for a CONFIG subcommand it cannot dispatch, or undefined. */
export function configPreflight(argv: readonly ByteString[]): string | undefined {
  if (argv.length < 2 || optionName(argv[0] ?? '') !== 'config') return undefined;
  const subcommand = argv[1] ?? '';
  const arity = configSubcommandArity.get(optionName(subcommand));
  if (arity === undefined) return `ERR unknown subcommand '${cString(subcommand).slice(0, 128)}'. Try CONFIG HELP.`;
  if (argv.length < -arity) return arityError(`config|${optionName(subcommand)}`);
  return undefined;
}

function configCommand(host: StoreCommandHost, argv: readonly ByteString[]): Reply {
  const preflight = configPreflight(argv);
  if (preflight !== undefined) fail(preflight);
  const subcommand = optionName(argv[1] ?? '');
  if (subcommand === 'get') {
    const pairs = configGet(host.config(), host.directory, argv.slice(2));
    return arrayReply(pairs.flatMap(([name, value]) => [bulkReply(name), bulkReply(value)]));
  }
  assert.equal(subcommand, 'set');
  if (argv.length % 2 === 1) fail(syntaxError);
  const pairs: Array<[string, string]> = [];
  for (let index = 2; index < argv.length; index += 2) pairs.push([argv[index] ?? '', argv[index + 1] ?? '']);
  const result = configSet(host.config(), pairs);
  if ('error' in result) fail(result.error);
  host.setConfig(result.config);
  return okReply;
}

export function storeCommands(host: StoreCommandHost): ReadonlyMap<string, CommandSpec> {
  const flushall = lookupCommand('flushall');
  assert.ok(flushall !== undefined, 'the keyspace has FLUSHALL');
  const specs: CommandSpec[] = [
    command('save', 1, false, () => assert.fail('SAVE is run by the store, never dispatched')),
    command('bgsave', -1, false, (context) => {
      if (context.argc > 2 || (context.argc === 2 && optionName(context.arg(1)) !== 'schedule')) fail(syntaxError);
      return host.bgsave(context.argc === 2);
    }),
    command('bgrewriteaof', 1, false, () => host.bgrewriteaof()),
    command('lastsave', 1, false, () => integerReply(host.lastSaveSeconds())),
    command('info', -1, false, (context) => {
      const text = infoWantsPersistence(context.argv.slice(1)) ? persistenceInfoText(host.persistenceInfo()) : '';
      return bulkReply(text);
    }),
    command('config', -2, false, (context) => configCommand(host, context.argv)),
    command('flushall', -1, true, (context) => {
      checkFlushOptions(context);
      host.beforeFlushAll();
      const reply = flushall.handler(context);
      host.afterFlushAll();
      return reply;
    }),
  ];
  return new Map(specs.map((spec) => [spec.name, spec]));
}
