/**
 * CONFIG GET / CONFIG SET over the store's persistence parameters (Redis 7.0 config.c:
 * configGetCommand, configSetCommand), as pure functions from a StoreConfig to replies or a new
 * StoreConfig. Messages match redis-server 7.0.15 (checked by hand on a live server).
 *
 * Invariants:
 * - Known parameters: save, stop-writes-on-bgsave-error, rdbcompression (mutable), dbfilename
 *   (protected: refused unless enable-protected-configs), rdbchecksum, enable-protected-configs
 *   and dir (immutable here; Redis's dir is protected, but an open store cannot move); the AOF's
 *   appendonly, appendfsync, aof-load-truncated, aof-use-rdb-preamble,
 *   auto-aof-rewrite-percentage, auto-aof-rewrite-min-size, aof-timestamp-enabled (mutable) and
 *   appendfilename, appenddirname (immutable). Setting appendonly only changes the config here:
 *   the store starts or stops the AOF when it sees the change (store.ts).
 * - Numbers parse as Redis 7.0's numericParseString: an int config takes string2ll's canonical
 *   decimal; a memory config (auto-aof-rewrite-min-size) takes memtoull's digits with an optional
 *   unit b, k, kb, m, mb, g, gb (case-insensitive; k = 1000, kb = 1024); then the bounds.
 * - CONFIG GET matches each argument case-insensitively: a name without glob characters is
 *   looked up and echoed as given; a pattern (*, ?, [...]) matches parameter names. Each
 *   parameter appears once, in order of first match (Redis orders by its hash table).
 * - CONFIG SET is all or nothing: every name is checked (unknown, immutable, protected,
 *   duplicate) and every value parsed before anything changes.
 */
import type { SavePoint } from './save-points.ts';
import { formatSavePoints, parseSavePoints } from './save-points.ts';
import { type StoreConfig, appendFsyncPolicies, autoAofRewritePercentageMax, isPlainFileName } from './store-config.ts';

type Protection = 'mutable' | 'protected' | 'immutable';

interface Parameter {
  readonly name: string;
  readonly protection: Protection;
  get(config: StoreConfig, directory: string): string;
  set(config: StoreConfig, value: string): StoreConfig | { readonly error: string };
}

const yesNo = (value: boolean): string => (value ? 'yes' : 'no');

function parseYesNo(value: string): boolean | { readonly error: string } {
  const lower = value.toLowerCase();
  if (lower === 'yes') return true;
  if (lower === 'no') return false;
  return { error: "argument must be 'yes' or 'no'" };
}

type BooleanField = 'stopWritesOnBgsaveError' | 'rdbcompression' | 'appendonly' | 'aofLoadTruncated' | 'aofUseRdbPreamble' | 'aofTimestampEnabled';

function booleanParameter(name: string, field: BooleanField): Parameter {
  return {
    name,
    protection: 'mutable',
    get: (config) => yesNo(config[field]),
    set: (config, value) => {
      const parsed = parseYesNo(value);
      return typeof parsed === 'boolean' ? { ...config, [field]: parsed } : parsed;
    },
  };
}

const immutable = (): { readonly error: string } => ({ error: "can't set immutable config" });

const int64Max = (1n << 63n) - 1n;

/** string2ll: canonical decimal int64 text, else undefined. */
function parseStrictInteger(value: string): bigint | undefined {
  if (!/^(?:0|-?[1-9][0-9]{0,18})$/.test(value)) return undefined;
  const parsed = BigInt(value);
  return parsed >= -int64Max - 1n && parsed <= int64Max ? parsed : undefined;
}

const memoryUnits: ReadonlyMap<string, bigint> = new Map([
  ['', 1n],
  ['b', 1n],
  ['k', 1000n],
  ['kb', 1024n],
  ['m', 1000n ** 2n],
  ['mb', 1024n ** 2n],
  ['g', 1000n ** 3n],
  ['gb', 1024n ** 3n],
]);

/** memtoull: leading digits and an optional unit, as an unsigned 64-bit count; undefined on error. */
export function parseMemory(value: string): bigint | undefined {
  const match = /^([0-9]*)(.*)$/s.exec(value);
  const unit = memoryUnits.get((match?.[2] ?? '').toLowerCase());
  if (match === null || unit === undefined) return undefined;
  const digits = BigInt(match[1] === '' ? '0' : (match[1] ?? '0'));
  const bytes = digits * unit;
  return bytes <= 2n ** 64n - 1n ? bytes : undefined;
}

function boundsError(lower: bigint, upper: bigint): { readonly error: string } {
  return { error: `argument must be between ${lower} and ${upper} inclusive` };
}

/** A long long memory config (0..LLONG_MAX in Redis; durakv also needs it to be a safe integer). */
function memoryParameter(name: string, field: 'autoAofRewriteMinSize'): Parameter {
  return {
    name,
    protection: 'mutable',
    get: (config) => String(config[field]),
    set: (config, value) => {
      const parsed = parseMemory(value);
      if (parsed === undefined) return { error: 'argument must be a memory value' };
      // memtoull's unsigned value read as a signed long long, as numericParseString does.
      const signed = parsed > int64Max ? parsed - 2n ** 64n : parsed;
      if (signed < 0n || signed > int64Max) return boundsError(0n, int64Max);
      if (signed > BigInt(Number.MAX_SAFE_INTEGER)) return boundsError(0n, BigInt(Number.MAX_SAFE_INTEGER));
      return { ...config, [field]: Number(signed) };
    },
  };
}

function intParameter(name: string, field: 'autoAofRewritePercentage', lower: number, upper: number): Parameter {
  return {
    name,
    protection: 'mutable',
    get: (config) => String(config[field]),
    set: (config, value) => {
      const parsed = parseStrictInteger(value);
      if (parsed === undefined) return { error: "argument couldn't be parsed into an integer" };
      if (parsed < BigInt(lower) || parsed > BigInt(upper)) return boundsError(BigInt(lower), BigInt(upper));
      return { ...config, [field]: Number(parsed) };
    },
  };
}

const parameters: readonly Parameter[] = [
  {
    name: 'save',
    protection: 'mutable',
    get: (config) => formatSavePoints(config.save),
    set: (config, value) => {
      const parsed: SavePoint[] | { readonly error: string } = parseSavePoints(value);
      return Array.isArray(parsed) ? { ...config, save: parsed } : parsed;
    },
  },
  booleanParameter('stop-writes-on-bgsave-error', 'stopWritesOnBgsaveError'),
  booleanParameter('rdbcompression', 'rdbcompression'),
  {
    name: 'dbfilename',
    protection: 'protected',
    get: (config) => config.dbfilename,
    set: (config, value) => (isPlainFileName(value) ? { ...config, dbfilename: value } : { error: "dbfilename can't be a path, just a filename" }),
  },
  { name: 'rdbchecksum', protection: 'immutable', get: (config) => yesNo(config.rdbchecksum), set: immutable },
  { name: 'enable-protected-configs', protection: 'immutable', get: (config) => yesNo(config.enableProtectedConfigs), set: immutable },
  { name: 'dir', protection: 'immutable', get: (_config, directory) => directory, set: immutable },
  booleanParameter('appendonly', 'appendonly'),
  {
    name: 'appendfsync',
    protection: 'mutable',
    get: (config) => config.appendfsync,
    set: (config, value) => {
      const policy = appendFsyncPolicies.find((candidate) => candidate === value.toLowerCase());
      // Redis lists the enum in its table's order: everysec, always, no.
      return policy === undefined ? { error: 'argument(s) must be one of the following: everysec, always, no' } : { ...config, appendfsync: policy };
    },
  },
  { name: 'appendfilename', protection: 'immutable', get: (config) => config.appendfilename, set: immutable },
  { name: 'appenddirname', protection: 'immutable', get: (config) => config.appenddirname, set: immutable },
  booleanParameter('aof-load-truncated', 'aofLoadTruncated'),
  booleanParameter('aof-use-rdb-preamble', 'aofUseRdbPreamble'),
  intParameter('auto-aof-rewrite-percentage', 'autoAofRewritePercentage', 0, autoAofRewritePercentageMax),
  memoryParameter('auto-aof-rewrite-min-size', 'autoAofRewriteMinSize'),
  booleanParameter('aof-timestamp-enabled', 'aofTimestampEnabled'),
];

const byName = new Map(parameters.map((parameter) => [parameter.name, parameter]));

/** Redis's stringmatchlen with nocase: *, ?, [set] with ranges and ^, and \ escapes. */
export function globMatches(pattern: string, text: string): boolean {
  const p = pattern.toLowerCase();
  const t = text.toLowerCase();
  const match = (pi: number, ti: number): boolean => {
    while (pi < p.length) {
      const char = p[pi];
      if (char === '*') {
        while (p[pi + 1] === '*') pi += 1;
        if (pi + 1 === p.length) return true;
        for (let at = ti; at <= t.length; at += 1) if (match(pi + 1, at)) return true;
        return false;
      }
      if (ti >= t.length) return false;
      if (char === '?') {
        pi += 1;
        ti += 1;
        continue;
      }
      if (char === '[') {
        const end = setEnd(p, pi);
        if (!setContains(p.slice(pi + 1, end), t[ti] ?? '')) return false;
        pi = end + 1;
        ti += 1;
        continue;
      }
      const literal = char === '\\' && pi + 1 < p.length ? p[++pi] : char;
      if (literal !== t[ti]) return false;
      pi += 1;
      ti += 1;
    }
    return ti === t.length;
  };
  return match(0, 0);
}

function setEnd(pattern: string, open: number): number {
  let at = open + 1;
  if (pattern[at] === '^') at += 1;
  while (at < pattern.length && pattern[at] !== ']') at += pattern[at] === '\\' ? 2 : 1;
  return Math.min(at, pattern.length);
}

function setContains(body: string, char: string): boolean {
  const negated = body.startsWith('^');
  let found = false;
  for (let at = negated ? 1 : 0; at < body.length; at += 1) {
    if (body[at] === '\\' && at + 1 < body.length) {
      if (body[++at] === char) found = true;
    } else if (body[at + 1] === '-' && at + 2 < body.length) {
      const [low, high] = [body[at] ?? '', body[at + 2] ?? ''].sort();
      if (char >= (low ?? '') && char <= (high ?? '')) found = true;
      at += 2;
    } else if (body[at] === char) found = true;
  }
  return negated ? !found : found;
}

/** CONFIG GET arguments → [name, value] pairs in reply order. */
export function configGet(config: StoreConfig, directory: string, arguments_: readonly string[]): Array<[string, string]> {
  const seen = new Set<string>();
  const pairs: Array<[string, string]> = [];
  for (const argument of arguments_) {
    if (!/[[*?]/.test(argument)) {
      const parameter = byName.get(argument.toLowerCase());
      if (parameter === undefined || seen.has(parameter.name)) continue;
      seen.add(parameter.name);
      pairs.push([argument, parameter.get(config, directory)]);
      continue;
    }
    for (const parameter of parameters) {
      if (seen.has(parameter.name) || !globMatches(argument, parameter.name)) continue;
      seen.add(parameter.name);
      pairs.push([parameter.name, parameter.get(config, directory)]);
    }
  }
  return pairs;
}

const failed = (name: string, reason: string): string => `ERR CONFIG SET failed (possibly related to argument '${name}') - ${reason}`;

/** CONFIG SET name value [name value ...] → the new config, or Redis's error message. */
export function configSet(config: StoreConfig, pairs: ReadonlyArray<readonly [string, string]>): { readonly config: StoreConfig } | { readonly error: string } {
  const seen = new Set<string>();
  for (const [name] of pairs) {
    const parameter = byName.get(name.toLowerCase());
    if (parameter === undefined) return { error: `ERR Unknown option or number of arguments for CONFIG SET - '${name}'` };
    if (parameter.protection === 'immutable') return { error: failed(name, "can't set immutable config") };
    if (parameter.protection === 'protected' && !config.enableProtectedConfigs) return { error: failed(name, "can't set protected config") };
    if (seen.has(parameter.name)) return { error: failed(name, 'duplicate parameter') };
    seen.add(parameter.name);
  }
  let next = config;
  for (const [name, value] of pairs) {
    const parameter = byName.get(name.toLowerCase());
    if (parameter === undefined) return { error: `ERR Unknown option or number of arguments for CONFIG SET - '${name}'` };
    const result = parameter.set(next, value);
    if ('error' in result) return { error: failed(name, result.error) };
    next = result;
  }
  return { config: next };
}
