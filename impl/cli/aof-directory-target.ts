/**
 * Which multi-part AOF a path argument names, for `durakv inspect`: an AOF directory
 * (appendonlydir) or its manifest. The answer is an AofLayout (Redis 7.0's names, facts §4.1)
 * whose appendfilename is the manifest's name without `.manifest`, and the names to show.
 *
 * Invariants:
 * - A path ending in `.manifest` that is a file names that manifest; a directory names the one
 *   manifest in it (`<appendfilename>.manifest`, Redis's temp-*.manifest left out): none, or
 *   more than one, is a CliInputError saying so. Any other file is not an AOF (null: the
 *   caller reads it as an RDB file).
 * - Every file the manifest lists is resolved in the manifest's directory, as Redis and
 *   redis-check-aof resolve them; names are shown as the user's path joined with the file name.
 * - Reads only: stat and readdir.
 */
import { posix } from 'node:path';
import type { FileSystem } from '../fs/file-system.ts';
import { parentPath } from '../fs/fs-path.ts';
import { AofLayout } from '../persistence/aof-layout.ts';
import { isPlainFileName } from '../persistence/store-config.ts';
import { CliInputError } from './cli-errors.ts';
import type { PathArgument } from './cli-paths.ts';

export interface AofTarget {
  readonly layout: AofLayout;
  /** The AOF directory as the user's path shows it ('.' when the path was a bare manifest name). */
  readonly shownDirectory: string;
  /** The manifest's name inside the directory. */
  readonly manifestName: string;
}

const manifestSuffix = '.manifest';

function isManifestName(name: string): boolean {
  return name.endsWith(manifestSuffix) && name.length > manifestSuffix.length && !name.startsWith('temp-');
}

function targetOf(path: PathArgument, directory: string, shownDirectory: string, manifestName: string): AofTarget {
  const appendfilename = manifestName.slice(0, -manifestSuffix.length);
  const appenddirname = posix.basename(directory);
  if (directory === '/' || !isPlainFileName(appendfilename) || !isPlainFileName(appenddirname)) {
    throw new CliInputError(path.shown, `not an AOF directory Redis could use (directory ${JSON.stringify(directory)}, manifest ${JSON.stringify(manifestName)})`);
  }
  return { layout: new AofLayout(parentPath(directory), appendfilename, appenddirname), shownDirectory, manifestName };
}

/** The AOF `path` names, or null when it is a file that is not a manifest. */
export async function aofTargetOf(fs: FileSystem, path: PathArgument): Promise<AofTarget | null> {
  const stat = await fs.stat(path.absolute);
  if (!stat.isDirectory) {
    const name = posix.basename(path.absolute);
    if (!isManifestName(name)) return null;
    return targetOf(path, parentPath(path.absolute), posix.dirname(path.shown), name);
  }
  const names = await fs.readdir(path.absolute);
  const manifests = names.filter(isManifestName);
  if (manifests.length === 0) {
    const hint = names.includes('appendonlydir') ? ` (its appendonlydir/ may be one: durakv inspect ${posix.join(path.shown, 'appendonlydir')})` : '';
    throw new CliInputError(path.shown, `not an AOF directory: it holds no manifest (*.manifest)${hint}`);
  }
  if (manifests.length > 1) throw new CliInputError(path.shown, `holds ${manifests.length} manifests (${manifests.join(', ')}): name the one to read`);
  return targetOf(path, path.absolute, path.shown, manifests[0] as string);
}

/** How a file of the AOF directory is shown: the user's directory joined with its name. */
export function shownAofFile(target: AofTarget, name: string): string {
  return posix.join(target.shownDirectory, name);
}
