/**
 * Goal: the manifest on disk is read the way Redis 7.0 reads it at start-up (no directory or no
 * file: no AOF; a manifest it refuses, or one naming something that is not a plain file name:
 * 'bad-manifest' naming the manifest), and a failed commit tells whether the new manifest was
 * already renamed into place (only a failed fsync of appendonlydir comes after the rename).
 * Method: readManifest / persistManifest on a CrashFileSystem holding hand-written manifests,
 * one fault injected per step of the commit; the page cache shows which manifest is in effect.
 */
import { describe, expect, it } from 'vitest';
import type { InjectedFault } from '../fs/crash-faults.ts';
import type { FsOperationName } from '../fs/file-system.ts';
import { FsError } from '../fs/fs-error.ts';
import type { AofManifest, AofManifestEntry } from '../encoding/aof-manifest.ts';
import { AofManifestError } from '../encoding/aof-manifest-codec.ts';
import { ensureAofDirectory } from './aof-legacy-upgrade.ts';
import { AofLayout } from './aof-layout.ts';
import { AofLoadError } from './aof-load-error.ts';
import { hasNoFiles, persistManifest, readManifest, renamedBeforeFailure } from './aof-manifest-file.ts';
import { aofDir, diskWith, manifestOf, manifestPath, manifestText } from './testing/aof-harness.ts';
import { directory } from './testing/store-harness.ts';

const layout = new AofLayout(directory, 'appendonly.aof', 'appendonlydir');
const entry = (fileName: string, seq: number, type: AofManifestEntry['type']): AofManifestEntry => ({ fileName, seq, type });

async function loadError(promise: Promise<unknown>): Promise<AofLoadError> {
  const error = await promise.then(
    () => null,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(AofLoadError);
  return error as AofLoadError;
}

describe('readManifest', () => {
  it('reads no manifest (null) when appendonlydir is missing, the manifest is missing, or appendonlydir is a regular file (ENOTDIR)', async () => {
    expect(await readManifest(await diskWith(null), layout)).toBeNull();
    expect(await readManifest(await diskWith({ 'appendonly.aof.1.incr.aof': '' }), layout)).toBeNull();
    expect(await readManifest(await diskWith(null, { appendonlydir: 'not a directory' }), layout)).toBeNull();
  });

  it('rejects, rather than reading no AOF, when the manifest cannot be read for another reason (a directory in its place: EISDIR)', async () => {
    const fs = await diskWith({});
    await fs.mkdir(manifestPath, { recursive: false });
    const error = await readManifest(fs, layout).then(
      () => null,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(FsError);
    expect(error).toMatchObject({ code: 'EISDIR' });
  });

  it('reads the entries of a manifest Redis accepts', async () => {
    const fs = await diskWith({ 'appendonly.aof.manifest': manifestOf('file appendonly.aof.2.base.rdb seq 2 type b', 'file appendonly.aof.1.base.rdb seq 1 type h', 'file appendonly.aof.3.incr.aof seq 3 type i') });
    expect(await readManifest(fs, layout)).toEqual({
      base: entry('appendonly.aof.2.base.rdb', 2, 'base'),
      history: [entry('appendonly.aof.1.base.rdb', 1, 'history')],
      incrs: [entry('appendonly.aof.3.incr.aof', 3, 'incr')],
    });
  });

  it('refuses a manifest Redis refuses as bad-manifest, naming the manifest, the line offset and the reason', async () => {
    const fs = await diskWith({ 'appendonly.aof.manifest': manifestOf('file appendonly.aof.1.base.rdb seq 1 type b', 'file appendonly.aof.2.base.rdb seq 2 type b') });
    const error = await loadError(readManifest(fs, layout));
    expect(error).toMatchObject({ kind: 'bad-manifest', fileName: manifestPath, offset: 44 });
    expect(error.reason).toContain('Found duplicate base file information');
    expect(error.cause).toBeInstanceOf(AofManifestError);
  });

  it.each([
    ['base', '..', 'file .. seq 1 type b'],
    ['history', '.', 'file . seq 1 type h'],
    ['incr', '', 'file "" seq 1 type i'],
    ['incr', '', 'file "\\x00x" seq 1 type i'],
  ])('refuses the %s entry named %j (not a plain file name) as bad-manifest naming the manifest', async (_, name, line) => {
    const fs = await diskWith({ 'appendonly.aof.manifest': manifestOf(line) });
    const error = await loadError(readManifest(fs, layout));
    expect(error).toMatchObject({ kind: 'bad-manifest', fileName: manifestPath, offset: 0, reason: `listed name ${JSON.stringify(name)} is not a plain file name` });
    expect(error.message).toBe(`${manifestPath}: cannot load the AOF (bad-manifest) at offset 0: listed name ${JSON.stringify(name)} is not a plain file name`);
  });
});

describe('persistManifest: which manifest is in effect after a failed step (renamedBeforeFailure)', () => {
  const oldText = manifestOf('file appendonly.aof.1.base.rdb seq 1 type b', 'file appendonly.aof.1.incr.aof seq 1 type i');
  const next: AofManifest = { base: entry('appendonly.aof.2.base.rdb', 2, 'base'), history: [entry('appendonly.aof.1.base.rdb', 1, 'history')], incrs: [entry('appendonly.aof.2.incr.aof', 2, 'incr')] };
  const nextText = manifestOf('file appendonly.aof.2.base.rdb seq 2 type b', 'file appendonly.aof.1.base.rdb seq 1 type h', 'file appendonly.aof.2.incr.aof seq 2 type i');

  it('commits the new manifest: its bytes replace the old ones', async () => {
    const fs = await diskWith({ 'appendonly.aof.manifest': oldText });
    await persistManifest(fs, layout, next);
    expect(await manifestText(fs)).toBe(nextText);
    expect(await readManifest(fs, layout)).toEqual(next);
  });

  const steps: ReadonlyArray<readonly [FsOperationName, string, InjectedFault, boolean]> = [
    ['open', layout.tempManifestPath, { kind: 'error', code: 'ENOSPC' }, false],
    ['write', layout.tempManifestPath, { kind: 'error', code: 'EIO' }, false],
    ['fsync', layout.tempManifestPath, { kind: 'fsync-failure' }, false],
    ['rename', `${layout.tempManifestPath} -> ${layout.manifestPath}`, { kind: 'error', code: 'EIO' }, false],
    ['fsyncDirectory', aofDir, { kind: 'fsync-failure' }, true],
  ];

  it.each(steps)('a failed %s of %s (%o): renamed before the failure = %s, the new manifest in effect only then', async (operation, path, fault, renamed) => {
    const fs = await diskWith({ 'appendonly.aof.manifest': oldText });
    fs.injectFault({ when: { matches: (request) => request.operation === operation && request.path === path }, fault, times: 'once' });
    const error = await persistManifest(fs, layout, next).then(
      () => null,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(FsError);
    expect(error).toMatchObject({ operation });
    expect(renamedBeforeFailure(error as FsError, layout)).toBe(renamed);
    expect(await manifestText(fs)).toBe(renamed ? nextText : oldText);
  });

  it('counts only the fsync of appendonlydir: a failed fsync of the store directory, or another failed call on appendonlydir, is not after the rename', async () => {
    const fs = await diskWith(null);
    fs.injectFault({ when: { matches: (request) => request.operation === 'fsyncDirectory' && request.path === directory }, fault: { kind: 'fsync-failure' }, times: 'once' });
    const storeDirectoryFsync = await ensureAofDirectory(fs, layout).then(
      () => null,
      (thrown: unknown) => thrown,
    );
    expect(storeDirectoryFsync).toMatchObject({ operation: 'fsyncDirectory', path: directory });
    expect(renamedBeforeFailure(storeDirectoryFsync as FsError, layout)).toBe(false);

    fs.injectFault({ when: { matches: (request) => request.operation === 'readdir' && request.path === aofDir }, fault: { kind: 'error', code: 'EIO' }, times: 'once' });
    const listing = await fs.readdir(aofDir).then(
      () => null,
      (thrown: unknown) => thrown,
    );
    expect(listing).toMatchObject({ operation: 'readdir', path: aofDir });
    expect(renamedBeforeFailure(listing as FsError, layout)).toBe(false);
  });
});

describe('hasNoFiles: the manifests Redis treats as "no AOF"', () => {
  it.each([
    ['no manifest', null, true],
    ['comments only', { base: null, history: [], incrs: [] }, true],
    ['history entries only', { base: null, history: [entry('appendonly.aof.1.base.rdb', 1, 'history')], incrs: [] }, true],
    ['a base only', { base: entry('appendonly.aof.1.base.rdb', 1, 'base'), history: [], incrs: [] }, false],
    ['an incr only', { base: null, history: [], incrs: [entry('appendonly.aof.1.incr.aof', 1, 'incr')] }, false],
  ] as const)('%s: %s', (_, manifest, expected) => {
    expect(hasNoFiles(manifest as AofManifest | null)).toBe(expected);
  });
});
