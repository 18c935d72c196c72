/** Types of scripts/mutation-hit-limit.mjs (plain JavaScript so that Stryker can import it). */
export const strykerHitLimitFactor: number;
export const hitLimitFactor: number;
export function withTightHitLimit<T extends { readonly hitLimit?: number | undefined }>(options: T): T;
