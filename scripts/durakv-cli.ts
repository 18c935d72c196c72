/**
 * The durakv command line. Subcommands:
 * - `guarantees`: print what each persistence setting guarantees, derived from the model.
 * Later issues add `check` (the conformance suite), `inspect` and `write`.
 */
import { defaultExploration, exploreGuarantees } from '../model/index.ts';
import { renderGuaranteeSummary, renderGuaranteesMarkdown } from './guarantees-markdown.ts';

const usage = `usage: durakv <command>
  guarantees [--markdown]   what each appendonly/appendfsync setting guarantees on a crash (from the model)`;

export async function runCli(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'guarantees': {
      const rows = exploreGuarantees(defaultExploration);
      console.log(rest.includes('--markdown') ? renderGuaranteesMarkdown(rows) : renderGuaranteeSummary(rows));
      if (!rest.includes('--markdown')) console.log('\nFull table, per phase: docs/generated/guarantees.md (npm run docs).');
      return 0;
    }
    case undefined:
    case '--help':
    case '-h':
      console.log(usage);
      return command === undefined ? 2 : 0;
    default:
      console.error(`durakv: unknown command '${command}'\n${usage}`);
      return 2;
  }
}
