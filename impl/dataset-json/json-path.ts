/**
 * JSON paths as DatasetJsonError reports them: `$` for the document, `["key"]` for an object
 * key (JSON-quoted as written in the document), `[3]` for an array index, and `.name` for the
 * properties of a key's entry object (the third level of a dataset: `$[db][key].property`).
 * Example: `$["0"]["mykey"].value[3]`.
 *
 * Invariant: a path is rendered only when an error is reported; parsing keeps raw segments.
 */

/** An object key (string) or an array index (number). */
export type PathSegment = string | number;

export const rootPath = '$';

/** The depth of an entry's properties (`type`, `value`, `expireAtMs`) in a dataset document. */
const entryPropertyDepth = 2;
const identifier = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

export function pathText(segments: readonly PathSegment[]): string {
  let text = rootPath;
  segments.forEach((segment, depth) => {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (depth === entryPropertyDepth && identifier.test(segment)) text += `.${segment}`;
    else text += `[${JSON.stringify(segment)}]`;
  });
  return text;
}
