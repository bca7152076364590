// Bundles `ladder validate` (npm run build runs this after tsc):
//   node dist/tools/bundle-cli.js        dist/cli/validate-main.js and validate-worker.js become
//                                        bundles of everything they import from Ladder
// Loading Ladder's modules one by one (resolving, reading and instantiating 120 files) was a
// third of a 20-resource run; one file takes a fraction of that (docs/performance.md). Only
// validate is bundled: the other commands load the App's and the agent's modules, which find
// files beside their own code. Packages stay in node_modules, loaded as before (on use).
import { readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/** Entry points of the bundle, by their name in src/cli/ and dist/cli/. */
export const bundledEntries = ['validate-main', 'validate-worker'] as const;

/**
 * Bundles the entries found in `cliDir` (src/cli, TypeScript, or dist/cli, tsc's JavaScript)
 * into `outDir`, replacing files of the same name there. Chunks stay beside the entries:
 * validate-shards.ts finds the worker next to its own code.
 */
export async function bundleValidate(cliDir: string, outDir: string, extension: 'ts' | 'js'): Promise<void> {
  for (const name of readdirSync(outDir, { withFileTypes: true })) {
    if (name.isFile() && /^chunk-[A-Z0-9]+\.js(\.map)?$/.test(name.name)) rmSync(join(outDir, name.name));
  }
  await build({
    entryPoints: bundledEntries.map((name) => join(cliDir, `${name}.${extension}`)),
    outdir: outDir,
    allowOverwrite: true,
    bundle: true,
    splitting: true, // what validate imports on use (the config parser, render) stays in chunks loaded on use
    format: 'esm',
    platform: 'node',
    target: 'node22',
    packages: 'external',
    sourcemap: true,
    logLevel: 'warning',
  });
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const dist = fileURLToPath(new URL('../cli/', import.meta.url));
  await bundleValidate(dist, dist, 'js');
}
