/** Goal: the layer rule rejects the imports it names and accepts the allowed ones. */
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { layerViolation } from './check-layers.ts';

const root = resolve(import.meta.dirname, '..');
const at = (path: string) => join(root, path);

describe('check-layers', () => {
  it('rejects model importing impl and impl importing model', () => {
    expect(layerViolation(at('model/a.ts'), at('impl/b.ts'))).toBeDefined();
    expect(layerViolation(at('impl/b.ts'), at('model/a.ts'))).toBeDefined();
  });
  it('rejects an encoder importing the file system', () => {
    expect(layerViolation(at('impl/encoding/rdb-encoder.ts'), at('impl/fs/file-system.ts'))).toBeDefined();
  });
  it('lets encoding tests use test support, but not encoding code', () => {
    expect(layerViolation(at('impl/encoding/lzf.test.ts'), at('scripts/testing/property-seed.ts'))).toBeUndefined();
    expect(layerViolation(at('impl/encoding/lzf.ts'), at('scripts/testing/property-seed.ts'))).toBeDefined();
  });
  it('allows conformance to import both, and model to import itself', () => {
    expect(layerViolation(at('conformance/x.ts'), at('model/a.ts'))).toBeUndefined();
    expect(layerViolation(at('conformance/x.ts'), at('impl/b.ts'))).toBeUndefined();
    expect(layerViolation(at('model/a.ts'), at('model/oracle/c.ts'))).toBeUndefined();
  });
});
