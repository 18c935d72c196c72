/**
 * Where the AOF's files live (Redis 7.0 MP-AOF naming; facts §4.1, §2.3): the directory
 * `<dir>/<appenddirname>` holding the manifest, the base and incr files and the temp manifest
 * and temp incr; the rewrite's temp base in `<dir>` itself; the legacy single file `<dir>/<appendfilename>`.
 *
 * Invariants:
 * - Every name comes from the codec's naming helpers (aof-manifest.ts) with prefix =
 *   appendfilename, so they are exactly Redis's: `appendonly.aof.<seq>.base.rdb|aof`,
 *   `appendonly.aof.<seq>.incr.aof`, `appendonly.aof.manifest`, `temp-appendonly.aof.manifest`,
 *   `temp-appendonly.aof.incr`, and `temp-rewriteaof-bg-<id>.aof` for a rewrite's base.
 * - `filePath(name)` accepts only a plain file name (what a manifest may list): never a path
 *   outside appendonlydir (checked by the caller with `isPlainFileName`).
 */
import assert from 'node:assert/strict';
import { baseFileName, incrFileName, manifestFileName, tempIncrFileName, tempManifestFileName } from '../encoding/aof-manifest.ts';
import { joinPath } from '../fs/fs-path.ts';
import { isPlainFileName } from './store-config.ts';

export class AofLayout {
  /** The store's directory (Redis's `dir`). */
  readonly directory: string;
  /** appendfilename: the prefix of every AOF file name. */
  readonly prefix: string;
  /** `<dir>/<appenddirname>`. */
  readonly dirPath: string;
  readonly manifestPath: string;
  readonly tempManifestPath: string;
  readonly tempIncrName: string;
  /** `<dir>/<appendfilename>`: a pre-7.0 single-file AOF. */
  readonly legacyPath: string;

  constructor(directory: string, appendfilename: string, appenddirname: string) {
    assert.ok(isPlainFileName(appendfilename) && isPlainFileName(appenddirname), 'AOF names are plain file names');
    this.directory = directory;
    this.prefix = appendfilename;
    this.dirPath = joinPath(directory, appenddirname);
    this.manifestPath = joinPath(this.dirPath, manifestFileName(appendfilename));
    this.tempManifestPath = joinPath(this.dirPath, tempManifestFileName(appendfilename));
    this.tempIncrName = tempIncrFileName(appendfilename);
    this.legacyPath = joinPath(directory, appendfilename);
  }

  /** A file of the multi-part AOF, by the name the manifest lists. */
  filePath(name: string): string {
    assert.ok(isPlainFileName(name), `a manifest name is a plain file name: ${JSON.stringify(name)}`);
    return joinPath(this.dirPath, name);
  }

  baseName(seq: number, rdbPreamble: boolean): string {
    return baseFileName(this.prefix, seq, rdbPreamble ? 'rdb' : 'aof');
  }

  incrName(seq: number): string {
    return incrFileName(this.prefix, seq);
  }

  /** The rewrite's temp base, in `<dir>` as Redis's child writes it (temp-rewriteaof-bg-<pid>.aof). */
  tempRewritePath(id: number): string {
    assert.ok(Number.isSafeInteger(id) && id >= 0, 'a pid-like id');
    return joinPath(this.directory, `temp-rewriteaof-bg-${id}.aof`);
  }
}
