/**
 * Paths accepted by the FileSystem port: absolute, normalized POSIX strings.
 *
 * Invariants: a valid path starts with '/', has no empty, '.' or '..' component and no trailing
 * slash (except the root '/' itself). Anything else is rejected with EINVAL by both
 * implementations, so a path means the same thing on every FileSystem.
 */
import assert from 'node:assert/strict';
import type { FsOperationName } from './file-system.ts';
import { FsError } from './fs-error.ts';

export function isValidPath(path: string): boolean {
  if (path === '/') return true;
  if (!path.startsWith('/') || path.endsWith('/')) return false;
  return path
    .slice(1)
    .split('/')
    .every((part) => part !== '' && part !== '.' && part !== '..' && !part.includes('\0'));
}

/** Throws EINVAL unless `path` is valid. */
export function checkPath(path: string, operation: FsOperationName): string {
  if (!isValidPath(path)) throw new FsError('EINVAL', operation, path);
  return path;
}

/** The components of a valid path: '/a/b' → ['a', 'b'], '/' → []. */
export function pathComponents(path: string): string[] {
  assert.ok(isValidPath(path), `valid path: ${path}`);
  return path === '/' ? [] : path.slice(1).split('/');
}

/** The directory holding the name: '/a/b' → '/a', '/a' → '/'. */
export function parentPath(path: string): string {
  assert.ok(isValidPath(path) && path !== '/', `a path with a parent: ${path}`);
  const cut = path.lastIndexOf('/');
  return cut === 0 ? '/' : path.slice(0, cut);
}

export function joinPath(directory: string, name: string): string {
  assert.ok(isValidPath(directory), `valid directory: ${directory}`);
  assert.ok(name !== '' && !name.includes('/'), `one component: ${name}`);
  return directory === '/' ? `/${name}` : `${directory}/${name}`;
}
