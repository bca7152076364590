import { loadSchemaBundle } from '../adapters/fs/schema-bundle.js';
import { createSchemaCompilers, type SchemaCompilers } from '../core/validate/schema/index.js';

/**
 * Compiled schema validators per Kubernetes version, created once per
 * process: compiling is the expensive part of validation, and the App
 * validates every promotion.
 */
export interface SchemaStore {
  /** Compilers for a minor version (`1.35`), or the newest bundled one. */
  compilersFor(version?: string): Promise<SchemaCompilers>;
}

export function createSchemaStore(): SchemaStore {
  const byVersion = new Map<string, Promise<SchemaCompilers>>();
  return {
    compilersFor(version) {
      const key = version ?? 'newest';
      let compilers = byVersion.get(key);
      if (!compilers) {
        compilers = loadSchemaBundle(version).then(createSchemaCompilers);
        // A failed load (unknown version) must not stick: the next config may be fixed.
        compilers.catch(() => byVersion.delete(key));
        byVersion.set(key, compilers);
      }
      return compilers;
    },
  };
}
