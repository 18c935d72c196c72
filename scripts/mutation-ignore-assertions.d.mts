/** Types of scripts/mutation-ignore-assertions.mjs (plain JavaScript so that Stryker can import it). */
export interface CalleeNode {
  readonly type: string;
  readonly name?: string;
  readonly object?: CalleeNode;
}
export interface IgnorerPath {
  isCallExpression(): boolean;
  readonly node: { readonly callee?: CalleeNode };
}
export function isAssertCallee(callee: CalleeNode): boolean;
export const assertionIgnorer: { shouldIgnore(path: IgnorerPath): string | undefined };
export const strykerPlugins: readonly unknown[];
