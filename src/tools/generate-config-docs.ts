// Regenerates the config docs from src/core/config/schema.ts and src/core/services/schema.ts:
//   node --import tsx src/tools/generate-config-docs.ts           write docs/ladder.schema.json, docs/configuration.md,
//                                                                 docs/services.schema.json and docs/services.md
//   node --import tsx src/tools/generate-config-docs.ts --check   only report stale files (exit 1), for CI
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LadderInputError } from '../core/errors.js';
import { configDocPaths, renderConfigDocs } from '../core/config/docs.js';
import { renderServicesDocs, servicesDocPaths } from '../core/services/docs.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const check = process.argv.includes('--check');

function readOrEmpty(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

try {
  const files = new Map([
    ...renderConfigDocs(readFileSync(join(root, configDocPaths.example), 'utf8')),
    ...renderServicesDocs(readFileSync(join(root, servicesDocPaths.example), 'utf8')),
  ]);
  let stale = 0;
  for (const [path, content] of files) {
    const absolute = join(root, path);
    if (readOrEmpty(absolute) === content) continue;
    stale++;
    if (check) console.error(`${path} is out of date`);
    else {
      writeFileSync(absolute, content);
      console.error(`wrote ${path}`);
    }
  }
  if (check && stale > 0) {
    console.error('run: node --import tsx src/tools/generate-config-docs.ts');
    process.exitCode = 1;
  } else if (stale === 0) {
    console.error('config docs are up to date');
  }
} catch (error) {
  // A broken example config is the one expected failure; say where, without a stack.
  if (!(error instanceof LadderInputError)) throw error;
  console.error(error.message);
  process.exitCode = 1;
}
