/**
 * A small argument parser for the subcommands: positionals, boolean flags and options with one
 * value (`--from x` or `--from=x`); `--` ends the options, so a path may start with '-'.
 *
 * Invariant: anything not in the spec — an unknown option, a missing option value, a flag given
 * a value, an option repeated, the wrong number of positionals — is a CliUsageError.
 */
import { CliUsageError } from './cli-errors.ts';

export interface ArgumentSpec {
  readonly positionals: readonly string[];
  readonly flags: readonly string[];
  readonly options: readonly string[];
}

export interface ParsedArguments {
  readonly positionals: readonly string[];
  readonly flags: ReadonlySet<string>;
  readonly options: ReadonlyMap<string, string>;
}

export function parseArguments(args: readonly string[], spec: ArgumentSpec): ParsedArguments {
  const positionals: string[] = [];
  const flags = new Set<string>();
  const options = new Map<string, string>();
  let onlyPositionals = false;
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index] as string;
    if (onlyPositionals || !arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    if (arg === '--') {
      onlyPositionals = true;
      continue;
    }
    const equals = arg.indexOf('=');
    const name = equals === -1 ? arg : arg.slice(0, equals);
    if (spec.flags.includes(name)) {
      if (equals !== -1) throw new CliUsageError(`${name} takes no value`);
      flags.add(name);
    } else if (spec.options.includes(name)) {
      if (options.has(name)) throw new CliUsageError(`${name} is given twice`);
      let value = equals === -1 ? args[index + 1] : arg.slice(equals + 1);
      if (equals === -1) index += 1;
      if (value === undefined || value === '') throw new CliUsageError(`${name} needs a value`);
      options.set(name, value);
    } else {
      throw new CliUsageError(`unknown option ${name}`);
    }
  }
  if (positionals.length !== spec.positionals.length) {
    const expected = spec.positionals.map((name) => `<${name}>`).join(' ');
    throw new CliUsageError(`expected ${expected}, got ${positionals.length} argument${positionals.length === 1 ? '' : 's'}`);
  }
  return { positionals, flags, options };
}

/** An option the command cannot run without. */
export function requiredOption(parsed: ParsedArguments, name: string): string {
  const value = parsed.options.get(name);
  if (value === undefined) throw new CliUsageError(`${name} is required`);
  return value;
}
