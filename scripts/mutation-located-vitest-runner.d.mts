/** Types of scripts/mutation-located-vitest-runner.mjs (plain JavaScript so that Stryker can import it). */
export interface VitestTaskLike {
  readonly type: 'suite' | 'test' | string;
  readonly name: string;
  readonly tasks?: readonly VitestTaskLike[];
  readonly result?: unknown;
  readonly location?: { readonly line: number; readonly column: number };
  readonly file?: { readonly filepath?: string };
  readonly suite?: VitestTaskLike;
}
export interface VitestFileLike {
  readonly tasks: readonly VitestTaskLike[];
}
export interface LocatedTestResult {
  readonly name: string;
  readonly fileName?: string;
  startPosition?: { line: number; column: number };
}
export function fullNameOf(task: VitestTaskLike): string;
export function testsOf(task: VitestFileLike): VitestTaskLike[];
export function addStartPositions<T extends LocatedTestResult>(files: readonly VitestFileLike[], results: T[]): T[];
export interface AdaptableRunner {
  ctx?: { state: { getFiles(): readonly VitestFileLike[] } };
  dryRun(options: unknown): Promise<{ status: string; tests?: LocatedTestResult[] }>;
  mutantRun(options: { readonly hitLimit?: number | undefined }): Promise<unknown>;
}
export function adaptVitestRunner<R extends AdaptableRunner>(runner: R): R;
export const strykerPlugins: readonly unknown[];
