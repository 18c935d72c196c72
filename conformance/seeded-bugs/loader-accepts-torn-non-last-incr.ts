/**
 * Seeded bug: a loader that accepts a torn AOF file that is not the last (restart side).
 *
 * What it breaks: Redis 7.0 refuses to start when a file other than the last one of the
 * manifest ends inside a command (or inside a MULTI), whatever aof-load-truncated says: cutting
 * it would drop the writes after the tear while later files replay on top. Here the file system
 * the restart reads presents every incr file that the manifest lists but not last, and whose
 * tail is torn, as if it ended at its last complete command (outside a MULTI): stat, size, read
 * and readFile all see the cut file, so the loader replays it as complete and starts. The disk
 * itself is never changed.
 *
 * A correct writer never leaves such a file, so crash states alone cannot expose this; the
 * damaged-AOF check (conformance/damaged-aof/damaged-aof-check.ts) does.
 *
 * Caught by: the damaged-AOF check (the store starts instead of refusing), not by any
 * ViolationCheck of a conformance run.
 */
import type { FileHandle, FileStat, FileSystem, OpenMode } from '../../impl/index.ts';
import { parseAofManifest } from '../../impl/encoding/aof-manifest-codec.ts';
import { scanAofCommands } from '../damaged-aof/aof-command-scan.ts';
import { ForwardingFileSystem, ForwardingHandle } from '../../impl/fs/testing/forwarding-file-system.ts';

const incrName = /^(.+)\.\d+\.incr\.aof$/;

class CutView extends ForwardingHandle {
  constructor(
    inner: FileHandle,
    readonly visibleSize: number,
  ) {
    super(inner);
  }

  override size(): Promise<number> {
    return Promise.resolve(this.visibleSize);
  }

  override async read(offset: number, length: number): Promise<Uint8Array> {
    if (offset >= this.visibleSize) return new Uint8Array(0);
    return this.inner.read(offset, Math.min(length, this.visibleSize - offset));
  }
}

class LoaderAcceptsTornNonLastIncr extends ForwardingFileSystem {
  /** The size the loader is shown: the end of the last complete command, or null (the file as it is). */
  async #visibleSize(path: string): Promise<number | null> {
    const cut = path.lastIndexOf('/');
    const name = path.slice(cut + 1);
    const prefix = incrName.exec(name)?.[1];
    if (prefix === undefined) return null;
    const manifestPath = `${path.slice(0, cut)}/${prefix}.manifest`;
    let incrs: string[];
    try {
      incrs = parseAofManifest(await this.inner.readFile(manifestPath), manifestPath).incrs.map((entry) => entry.fileName);
    } catch {
      return null;
    }
    const index = incrs.indexOf(name);
    if (index === -1 || index === incrs.length - 1) return null;
    const scan = scanAofCommands(await this.inner.readFile(path));
    return scan.clean ? null : scan.validUpTo;
  }

  override async open(path: string, mode: OpenMode): Promise<FileHandle> {
    const handle = await this.inner.open(path, mode);
    if (mode !== 'read') return handle;
    const visible = await this.#visibleSize(path);
    return visible === null ? handle : new CutView(handle, visible);
  }

  override async stat(path: string): Promise<FileStat> {
    const stat = await this.inner.stat(path);
    if (stat.isDirectory) return stat;
    const visible = await this.#visibleSize(path);
    return visible === null ? stat : { size: visible, isDirectory: false };
  }

  override async readFile(path: string): Promise<Uint8Array> {
    const bytes = await this.inner.readFile(path);
    const visible = await this.#visibleSize(path);
    return visible === null ? bytes : bytes.slice(0, visible);
  }
}

/** A restart decorator: a torn incr file that is not the last reads as if cut at its last complete command. */
export function loaderAcceptsTornNonLastIncr(): (fs: FileSystem) => FileSystem {
  return (fs) => new LoaderAcceptsTornNonLastIncr(fs);
}
