/**
 * The crash FS's page cache: the live image every read sees, and the history that produced it
 * (the image the machine started from plus every recorded effect since).
 *
 * Invariants:
 * - live = base with every recorded effect applied in order (`applyEffect`), always.
 * - Namespace calls are split into plan and commit: `plan*` validates against the live image
 *   and throws FsError (ENOENT, EEXIST, ENOTDIR, EISDIR, ENOTEMPTY, EINVAL) without changing
 *   anything; the returned commit records the effects. The file system injects faults in
 *   between, so a failed or faulted call leaves no trace in the history.
 * - A process crash keeps the history (the kernel still holds the unsynced pages): `clone()`
 *   copies it, so a later power loss may still lose what the previous process wrote.
 */
import assert from 'node:assert/strict';
import {
  type DiskEffect,
  type DiskImage,
  type DirectoryNode,
  type FileNode,
  type InodeId,
  type RecordedEffect,
  applyEffect,
  cloneImage,
  rootInode,
} from './crash-disk-image.ts';
import { type FsOperationName, type OpenMode, modeCreates } from './file-system.ts';
import { FsError } from './fs-error.ts';
import { pathComponents } from './fs-path.ts';

/** The machine's history since its base image; what the crash profiles reason about. */
export interface CrashHistory {
  readonly base: DiskImage;
  readonly effects: readonly RecordedEffect[];
}

export type Commit = (label: string) => void;

interface ParentLookup {
  readonly directory: InodeId;
  readonly node: DirectoryNode;
  readonly name: string;
  readonly existing: InodeId | undefined;
}

export class CrashPageCache {
  readonly #base: DiskImage;
  readonly #live: DiskImage;
  readonly #effects: RecordedEffect[];
  /** Inode numbers are never reused within a history (effects name inodes). */
  #nextInode: InodeId;

  private constructor(base: DiskImage, live: DiskImage, effects: RecordedEffect[], nextInode: InodeId) {
    this.#base = base;
    this.#live = live;
    this.#effects = effects;
    this.#nextInode = nextInode;
  }

  static fromImage(image: DiskImage): CrashPageCache {
    const nextInode = Math.max(rootInode, ...image.nodes.keys()) + 1;
    return new CrashPageCache(cloneImage(image), cloneImage(image), [], nextInode);
  }

  clone(): CrashPageCache {
    return new CrashPageCache(this.#base, cloneImage(this.#live), [...this.#effects], this.#nextInode);
  }

  get history(): CrashHistory {
    return { base: this.#base, effects: this.#effects };
  }

  /** A copy of the live image (the page cache as a process crash would leave it). */
  snapshot(): DiskImage {
    return cloneImage(this.#live);
  }

  record(effect: DiskEffect, label: string): void {
    applyEffect(this.#live, effect);
    this.#effects.push({ effect, label });
  }

  #allocateInode(): InodeId {
    const inode = this.#nextInode;
    this.#nextInode += 1;
    assert.ok(!this.#live.nodes.has(inode), 'a fresh inode number');
    return inode;
  }

  /** The inode at `path`; errors name `reportedPath` (the path the caller passed). */
  lookup(path: string, operation: FsOperationName, reportedPath = path): { inode: InodeId; node: FileNode | DirectoryNode } {
    let inode = rootInode;
    for (const name of pathComponents(path)) {
      const node = this.#live.nodes.get(inode);
      assert.ok(node !== undefined, 'bound inodes exist');
      if (node.kind !== 'directory') throw new FsError('ENOTDIR', operation, reportedPath);
      const child = node.entries.get(name);
      if (child === undefined) throw new FsError('ENOENT', operation, reportedPath);
      inode = child;
    }
    const node = this.#live.nodes.get(inode);
    assert.ok(node !== undefined, 'bound inodes exist');
    return { inode, node };
  }

  #lookupParent(path: string, operation: FsOperationName, reportedPath = path): ParentLookup {
    const components = pathComponents(path);
    const name = components.pop();
    if (name === undefined) throw new FsError('EINVAL', operation, reportedPath);
    const parent = this.lookup(`/${components.join('/')}`, operation, reportedPath);
    if (parent.node.kind !== 'directory') throw new FsError('ENOTDIR', operation, reportedPath);
    return { directory: parent.inode, node: parent.node, name, existing: parent.node.entries.get(name) };
  }

  file(inode: InodeId): FileNode {
    const node = this.#live.nodes.get(inode);
    assert.ok(node !== undefined && node.kind === 'file', `inode ${inode} is a file`);
    return node;
  }

  planOpen(path: string, mode: OpenMode): { inode: InodeId; commit: Commit } {
    const parent = this.#lookupParent(path, 'open');
    if (parent.existing === undefined) {
      if (!modeCreates(mode)) throw new FsError('ENOENT', 'open', path);
      const inode = this.#allocateInode();
      return { inode, commit: (label) => this.record({ kind: 'link', directory: parent.directory, name: parent.name, inode, nodeKind: 'file' }, label) };
    }
    if (mode === 'create-exclusive') throw new FsError('EEXIST', 'open', path);
    const inode = parent.existing;
    if (this.#live.nodes.get(inode)?.kind === 'directory') throw new FsError('EISDIR', 'open', path);
    const truncates = mode === 'create-truncate' && this.file(inode).size > 0;
    return { inode, commit: (label) => (truncates ? this.record({ kind: 'truncate', inode, size: 0 }, label) : undefined) };
  }

  planRename(source: string, target: string): Commit {
    const path = `${source} -> ${target}`;
    const from = this.#lookupParent(source, 'rename', path);
    if (from.existing === undefined) throw new FsError('ENOENT', 'rename', path);
    const to = this.#lookupParent(target, 'rename', path);
    const inode = from.existing;
    const moving = this.#live.nodes.get(inode);
    assert.ok(moving !== undefined, 'bound inodes exist');
    if (moving.kind === 'directory' && (target === source || target.startsWith(`${source}/`))) throw new FsError('EINVAL', 'rename', path);
    if (to.existing === inode) return () => undefined;
    if (to.existing !== undefined) {
      const replaced = this.#live.nodes.get(to.existing);
      assert.ok(replaced !== undefined, 'bound inodes exist');
      if (moving.kind === 'file' && replaced.kind === 'directory') throw new FsError('EISDIR', 'rename', path);
      if (moving.kind === 'directory' && replaced.kind === 'file') throw new FsError('ENOTDIR', 'rename', path);
      if (replaced.kind === 'directory' && replaced.entries.size > 0) throw new FsError('ENOTEMPTY', 'rename', path);
    }
    const effect: DiskEffect = {
      kind: 'rename',
      sourceDirectory: from.directory,
      sourceName: from.name,
      targetDirectory: to.directory,
      targetName: to.name,
      inode,
      nodeKind: moving.kind,
    };
    return (label) => this.record(effect, label);
  }

  planUnlink(path: string): Commit {
    const parent = this.#lookupParent(path, 'unlink');
    if (parent.existing === undefined) throw new FsError('ENOENT', 'unlink', path);
    const inode = parent.existing;
    if (this.#live.nodes.get(inode)?.kind === 'directory') throw new FsError('EISDIR', 'unlink', path);
    return (label) => this.record({ kind: 'unlink', directory: parent.directory, name: parent.name, inode }, label);
  }

  planMkdir(path: string, recursive: boolean): Commit {
    const components = pathComponents(path);
    if (components.length === 0 && !recursive) throw new FsError('EEXIST', 'mkdir', path);
    let directory = rootInode;
    let index = 0;
    for (; index < components.length; index += 1) {
      const node = this.#live.nodes.get(directory);
      assert.ok(node !== undefined && node.kind === 'directory', 'walked inodes are directories');
      const child = node.entries.get(components[index] ?? '');
      if (child === undefined) break;
      const childKind = this.#live.nodes.get(child)?.kind;
      const isLast = index === components.length - 1;
      if (isLast && (!recursive || childKind !== 'directory')) throw new FsError('EEXIST', 'mkdir', path);
      if (childKind !== 'directory') throw new FsError('ENOTDIR', 'mkdir', path);
      directory = child;
    }
    const missing = components.slice(index);
    if (!recursive && missing.length > 1) throw new FsError('ENOENT', 'mkdir', path);
    return (label) => {
      let parent = directory;
      for (const name of missing) {
        const inode = this.#allocateInode();
        this.record({ kind: 'link', directory: parent, name, inode, nodeKind: 'directory' }, label);
        parent = inode;
      }
    };
  }
}
