/**
 * A disk image (an inode table) and the effects that change it: the one definition of what each
 * recorded file-system change does to bytes and names.
 *
 * The crash FS keeps one image as its page cache (every effect applied, in order), and builds a
 * post-crash image by applying a profile-chosen subset of the same effects, in the same order, to
 * the image it started from. Because both go through `applyEffect`, "everything kept" is exactly
 * the page cache.
 *
 * Invariants:
 * - Inode 0 is the root directory and always exists.
 * - A file's `data` may be longer than `size` (capacity); the bytes past `size` are all zero, so
 *   extending a file (write past the end, truncate up) exposes zeros, never stale bytes.
 * - Effects name inodes, not paths. Applying an effect to an image where its inode is missing
 *   creates the inode (a later effect may be kept while the create that preceded it was lost):
 *   a write creates an unreachable file; a link or rename binds the name to a fresh node.
 * - `unlink` removes a binding only if it still names the effect's inode, and `rename` removes
 *   the source binding on the same condition; the target binding is replaced.
 * - Sync effects are markers for the crash profiles; they do not change an image.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { summarizeBytes } from './fs-operation-log.ts';
import { joinPath } from './fs-path.ts';

export type InodeId = number;
export const rootInode: InodeId = 0;

export interface FileNode {
  readonly kind: 'file';
  data: Uint8Array;
  size: number;
}

export interface DirectoryNode {
  readonly kind: 'directory';
  readonly entries: Map<string, InodeId>;
}

export type DiskNode = FileNode | DirectoryNode;
export type NodeKind = DiskNode['kind'];

export interface DiskImage {
  readonly nodes: Map<InodeId, DiskNode>;
}

export type DiskEffect =
  | { readonly kind: 'write'; readonly inode: InodeId; readonly offset: number; readonly bytes: Uint8Array }
  | { readonly kind: 'truncate'; readonly inode: InodeId; readonly size: number }
  | { readonly kind: 'link'; readonly directory: InodeId; readonly name: string; readonly inode: InodeId; readonly nodeKind: NodeKind }
  | { readonly kind: 'unlink'; readonly directory: InodeId; readonly name: string; readonly inode: InodeId }
  | {
      readonly kind: 'rename';
      readonly sourceDirectory: InodeId;
      readonly sourceName: string;
      readonly targetDirectory: InodeId;
      readonly targetName: string;
      readonly inode: InodeId;
      readonly nodeKind: NodeKind;
    }
  | { readonly kind: 'sync-file'; readonly inode: InodeId }
  | { readonly kind: 'sync-failed'; readonly inode: InodeId }
  | { readonly kind: 'sync-directory'; readonly directory: InodeId };

/** An effect as recorded by the crash FS, with a label naming the operation it came from. */
export interface RecordedEffect {
  readonly effect: DiskEffect;
  readonly label: string;
}

/** A half-open byte range [start, end) relative to a write effect's bytes. */
export type ByteRange = readonly [start: number, end: number];

export function emptyImage(): DiskImage {
  return { nodes: new Map([[rootInode, { kind: 'directory', entries: new Map() }]]) };
}

export function cloneImage(image: DiskImage): DiskImage {
  const nodes = new Map<InodeId, DiskNode>();
  for (const [inode, node] of image.nodes) {
    nodes.set(
      inode,
      node.kind === 'file' ? { kind: 'file', data: node.data.slice(0, node.size), size: node.size } : { kind: 'directory', entries: new Map(node.entries) },
    );
  }
  return { nodes };
}

function ensureNode(image: DiskImage, inode: InodeId, kind: NodeKind): DiskNode {
  const existing = image.nodes.get(inode);
  if (existing !== undefined) {
    assert.equal(existing.kind, kind, `inode ${inode} is a ${existing.kind}, not a ${kind}`);
    return existing;
  }
  const created: DiskNode = kind === 'file' ? { kind: 'file', data: new Uint8Array(0), size: 0 } : { kind: 'directory', entries: new Map() };
  image.nodes.set(inode, created);
  return created;
}

function ensureFile(image: DiskImage, inode: InodeId): FileNode {
  const node = ensureNode(image, inode, 'file');
  assert.ok(node.kind === 'file');
  return node;
}

function ensureDirectory(image: DiskImage, inode: InodeId): DirectoryNode {
  const node = ensureNode(image, inode, 'directory');
  assert.ok(node.kind === 'directory');
  return node;
}

function reserve(file: FileNode, sizeNeeded: number): void {
  if (file.data.length >= sizeNeeded) return;
  const grown = new Uint8Array(Math.max(sizeNeeded, file.data.length * 2, 64));
  grown.set(file.data.subarray(0, file.size));
  file.data = grown;
}

export function writeFileBytes(file: FileNode, offset: number, bytes: Uint8Array): void {
  assert.ok(Number.isSafeInteger(offset) && offset >= 0, 'write offset is a byte count');
  reserve(file, offset + bytes.length);
  file.data.set(bytes, offset);
  file.size = Math.max(file.size, offset + bytes.length);
}

export function truncateFileBytes(file: FileNode, size: number): void {
  assert.ok(Number.isSafeInteger(size) && size >= 0, 'truncate size is a byte count');
  if (size < file.size) file.data.fill(0, size, file.size);
  else reserve(file, size);
  file.size = size;
}

/** Applies one effect to `image` in place; a write may be limited to some of its byte ranges. */
export function applyEffect(image: DiskImage, effect: DiskEffect, keptRanges: readonly ByteRange[] | 'all' = 'all'): void {
  if (keptRanges !== 'all') assert.equal(effect.kind, 'write', 'only a write can be partly applied');
  switch (effect.kind) {
    case 'write': {
      const file = ensureFile(image, effect.inode);
      const ranges: readonly ByteRange[] = keptRanges === 'all' ? [[0, effect.bytes.length]] : keptRanges;
      for (const [start, end] of ranges) {
        assert.ok(0 <= start && start < end && end <= effect.bytes.length, `range [${start},${end}) inside the write`);
        writeFileBytes(file, effect.offset + start, effect.bytes.subarray(start, end));
      }
      return;
    }
    case 'truncate':
      truncateFileBytes(ensureFile(image, effect.inode), effect.size);
      return;
    case 'link':
      ensureNode(image, effect.inode, effect.nodeKind);
      ensureDirectory(image, effect.directory).entries.set(effect.name, effect.inode);
      return;
    case 'unlink': {
      const directory = ensureDirectory(image, effect.directory);
      if (directory.entries.get(effect.name) === effect.inode) directory.entries.delete(effect.name);
      return;
    }
    case 'rename': {
      ensureNode(image, effect.inode, effect.nodeKind);
      const source = ensureDirectory(image, effect.sourceDirectory);
      if (source.entries.get(effect.sourceName) === effect.inode) source.entries.delete(effect.sourceName);
      ensureDirectory(image, effect.targetDirectory).entries.set(effect.targetName, effect.inode);
      return;
    }
    case 'sync-file':
    case 'sync-failed':
    case 'sync-directory':
      return;
  }
}

export type ImageEntry = { readonly path: string; readonly kind: 'directory' } | { readonly path: string; readonly kind: 'file'; readonly bytes: Uint8Array };

/** Every name reachable from the root, depth first in name order (the root itself excluded). */
export function imageEntries(image: DiskImage): ImageEntry[] {
  const entries: ImageEntry[] = [];
  // A post-crash image may bind one directory twice, even in a cycle (directory renames kept
  // without the renames they depended on); a directory already on the current path is skipped.
  const onPath = new Set<InodeId>([rootInode]);
  const visit = (directory: DirectoryNode, path: string): void => {
    for (const name of [...directory.entries.keys()].sort()) {
      const inode = directory.entries.get(name);
      const node = inode === undefined ? undefined : image.nodes.get(inode);
      assert.ok(node !== undefined, `entry ${name} names an existing inode`);
      const childPath = joinPath(path, name);
      if (node.kind === 'file') entries.push({ path: childPath, kind: 'file', bytes: node.data.slice(0, node.size) });
      else if (inode !== undefined && !onPath.has(inode)) {
        entries.push({ path: childPath, kind: 'directory' });
        onPath.add(inode);
        visit(node, childPath);
        onPath.delete(inode);
      }
    }
  };
  const root = image.nodes.get(rootInode);
  assert.ok(root !== undefined && root.kind === 'directory', 'the root is a directory');
  visit(root, '/');
  return entries;
}

/** Drops inodes no name reaches (a post-crash image holds only what a mount would show). */
export function pruneImage(image: DiskImage): void {
  const reachable = new Set<InodeId>([rootInode]);
  const pending: InodeId[] = [rootInode];
  for (let inode = pending.pop(); inode !== undefined; inode = pending.pop()) {
    const node = image.nodes.get(inode);
    if (node?.kind !== 'directory') continue;
    for (const child of node.entries.values()) {
      if (!reachable.has(child)) {
        reachable.add(child);
        pending.push(child);
      }
    }
  }
  for (const inode of [...image.nodes.keys()]) if (!reachable.has(inode)) image.nodes.delete(inode);
}

/** A digest of the visible tree (names, kinds, bytes): equal images have equal fingerprints. */
export function imageFingerprint(image: DiskImage): string {
  const hash = createHash('sha256');
  for (const entry of imageEntries(image)) {
    hash.update(`${entry.kind}\0${entry.path}\0`);
    if (entry.kind === 'file') hash.update(`${entry.bytes.length}\0`).update(entry.bytes);
  }
  return hash.digest('hex');
}

/** One line per entry, e.g. `/d/aof 34 B "*2\r\n$3…"` or `/d/`, for reports and test failures. */
export function describeImage(image: DiskImage): string {
  const lines = imageEntries(image).map((entry) => (entry.kind === 'directory' ? `${entry.path}/` : `${entry.path} ${summarizeBytes(entry.bytes)}`));
  return lines.length === 0 ? '(empty)' : lines.join('\n');
}
