import { createRequire } from 'node:module';

/**
 * The `yaml` library, loaded on first use: most manifests take the quick path
 * (the block reader), and loading `yaml`'s 70 modules is a fair
 * share of a small `ladder validate`. Node resolves `yaml` to the same
 * CommonJS build for `import` and `require`, so this is the one instance.
 */
let library: typeof import('yaml') | undefined;

export function yamlLibrary(): typeof import('yaml') {
  library ??= createRequire(import.meta.url)('yaml') as typeof import('yaml');
  return library;
}
