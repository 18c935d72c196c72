/**
 * Goal: the subcommand argument parser accepts flags, `--opt value` / `--opt=value` and `--`,
 * and turns everything outside the spec into a CliUsageError.
 */
import { describe, expect, it } from 'vitest';
import { parseArguments, requiredOption } from './cli-arguments.ts';
import { CliUsageError } from './cli-errors.ts';

const spec = { positionals: ['path'], flags: ['--json'], options: ['--from'] } as const;

describe('parseArguments', () => {
  it.each([
    [['a', '--json', '--from', 'b'], 'a', true, 'b'],
    [['--from=b', 'a'], 'a', false, 'b'],
    [['--', '--json'], '--json', false, undefined],
    [['-'], '-', false, undefined],
  ])('%j → path %s, json %s, from %s', (args, path, json, from) => {
    const parsed = parseArguments(args, spec);
    expect([parsed.positionals[0], parsed.flags.has('--json'), parsed.options.get('--from')]).toEqual([path, json, from]);
  });

  it.each([
    [['a', '-x'], 'unknown option -x'],
    [['a', '--from='], '--from needs a value'],
    [['a', '--json=1'], '--json takes no value'],
    [['a', 'b'], 'expected <path>, got 2 arguments'],
  ])('%j is a usage error: %s', (args, message) => {
    expect(() => parseArguments(args, spec)).toThrow(new CliUsageError(message));
  });

  it('requiredOption names the missing option', () => {
    expect(() => requiredOption(parseArguments(['a'], spec), '--from')).toThrow(new CliUsageError('--from is required'));
  });
});
