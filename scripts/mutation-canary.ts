/**
 * The mutation job's canary (run by `npm run mutate` after Stryker): the one mutant that removes
 * the fsync of the temp file before the rename in the atomic write (the body of `makeDurable` in
 * impl/fs/write-file-atomically.ts emptied) must be reported Killed. The vitest runner has had
 * false-survivor bugs (stryker-js#6210, #6213); a run that lets this mutant survive, or does not
 * contain it, proves nothing and fails.
 *
 * Invariant: reads reports/mutation/mutation.json only; exit 0 when the canary is Killed, 1 when
 * it is anything else or missing (saying what was found), 2 when the report is missing.
 */
import { existsSync, readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

export interface MutationReport {
  readonly files: Readonly<Record<string, { readonly source: string; readonly mutants: readonly { readonly mutatorName: string; readonly status: string; readonly location: { readonly start: { readonly line: number } } }[] }>>;
}

export const canaryFile = 'impl/fs/write-file-atomically.ts';

/** The canary's verdict on a Stryker JSON report. */
export function checkCanary(report: MutationReport): { readonly ok: boolean; readonly message: string } {
  const file = report.files[canaryFile];
  if (file === undefined) return { ok: false, message: `${canaryFile} was not mutated in this run` };
  const functionLine = file.source.split('\n').findIndex((line) => line.startsWith('async function makeDurable(')) + 1;
  const canary = file.mutants.find((mutant) => mutant.mutatorName === 'BlockStatement' && mutant.location.start.line === functionLine);
  if (functionLine === 0 || canary === undefined) return { ok: false, message: `no BlockStatement mutant of makeDurable (line ${functionLine}) in ${canaryFile}` };
  if (canary.status !== 'Killed') return { ok: false, message: `removing the temp file's fsync before the rename was ${canary.status}, not Killed: the mutation run cannot be trusted` };
  return { ok: true, message: `removing the temp file's fsync before the rename (${canaryFile}:${functionLine}) is Killed` };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const reportPath = 'reports/mutation/mutation.json';
  if (!existsSync(reportPath)) {
    process.stderr.write(`mutation canary: ${reportPath} is missing (run npx stryker run first)\n`);
    process.exit(2);
  }
  const verdict = checkCanary(JSON.parse(readFileSync(reportPath, 'utf8')) as MutationReport);
  (verdict.ok ? process.stdout : process.stderr).write(`mutation canary: ${verdict.message}\n`);
  process.exit(verdict.ok ? 0 : 1);
}
