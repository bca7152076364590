#!/usr/bin/env node
// Runs the whole suite: type-checks, makes sure the test binaries are built
// and, for the tests under test/image, that Ladder's image is built from the
// Dockerfile (first run only; later runs reuse the caches), then runs every
// `*.test.ts` under test/ with Node's test runner, and checks that the GitHub routes and events the
// tests used are those docs/testing-github.md's fidelity table lists.
//   node test/run.mjs                 everything
//   node test/run.mjs --only unit     just test/unit (no binaries, no image)
//   node test/run.mjs --only image    just the image's tests (test/image)
//   node test/run.mjs test/unit/x.test.ts ...   the named files
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const onlyIndex = args.indexOf('--only');
const only = onlyIndex >= 0 ? args.splice(onlyIndex, 2)[1] : undefined;
const named = args.filter((a) => !a.startsWith('--'));
const passThrough = args.filter((a) => a.startsWith('--'));

function run(command, commandArgs, label) {
  const started = Date.now();
  console.error(`[test] ${label}`);
  const result = spawnSync(command, commandArgs, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`[test] ${label}: failed (exit ${result.status ?? result.signal})`);
    process.exit(result.status || 1);
  }
  console.error(`[test] ${label}: done in ${((Date.now() - started) / 1000).toFixed(1)}s`);
}

const files = named.length
  ? named
  : readdirSync(join(root, 'test', only ?? ''), { recursive: true })
      .map((f) => join('test', only ?? '', String(f)))
      .filter((f) => f.endsWith('.test.ts') && !f.split(/[\\/]/).includes('node_modules'))
      .sort();
const needsControlPlane = files.some((f) => relative('test/unit', f).startsWith('..'));
const needsImage = files.some((f) => !relative('test/image', f).startsWith('..'));

if (!named.length) run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json', '--noEmit'], 'type-check');
// The whole suite's Debian packages (Buildah, Podman, runc, mmdebstrap, shellcheck): installed when
// root and missing, otherwise one line naming them. Named files check for what they need themselves.
if (!named.length && needsControlPlane) run('bash', [join(root, 'test/bed/install-packages.sh')], 'Debian packages');
if (needsControlPlane && !process.env.LADDER_SKIP_BINARIES) {
  run('bash', [join(root, 'test/bed/build-binaries.sh'), 'tests'], 'test binaries: control plane, kustomize, helm, actionlint, yq, Prometheus (built once, then cached)');
}
// Builds the image of the current sources unless it was built before; fails with one line saying
// what is missing.
if (needsImage) run(process.execPath, ['--import', 'tsx', join(root, 'test/bed/image/build.ts')], 'the image, from the Dockerfile (built when its inputs change)');
if (files.length === 0) {
  console.error('[test] no test files found');
  process.exit(1);
}
// The GitHub bed delivers webhooks out of order, twice and concurrently from a seed: one for the
// whole run, printed here (and by a failing file), so any failure can be replayed.
process.env.LADDER_BED_SEED ||= randomBytes(4).toString('hex');
console.error(`[test] GitHub bed webhook delivery seed ${process.env.LADDER_BED_SEED} (replay: LADDER_BED_SEED=${process.env.LADDER_BED_SEED} node test/run.mjs <file>)`);
// Every test process's GitHub bed appends the routes it answers and the events it raises to this
// file; after the tests it is compared with the fidelity table in docs/testing-github.md.
const usageDir = needsControlPlane && !process.env.LADDER_BED_USAGE_FILE ? mkdtempSync(join(tmpdir(), 'ladder-bed-usage-')) : undefined;
if (usageDir) {
  process.env.LADDER_BED_USAGE_FILE = join(usageDir, 'github-usage.tsv');
  process.on('exit', () => rmSync(usageDir, { recursive: true, force: true }));
}
if (needsControlPlane) writeFileSync(process.env.LADDER_BED_USAGE_FILE, '');
run(
  process.execPath,
  // A hung test fails after 5 minutes instead of eating CI's time budget.
  ['--import', 'tsx', '--test', `--test-concurrency=${process.env.LADDER_TEST_CONCURRENCY ?? 2}`, '--test-timeout=300000', ...passThrough, ...files],
  `${files.length} test files`,
);
if (needsControlPlane) {
  // The whole suite must use exactly what the table lists; some files (or tests filtered by a flag
  // such as --test-name-pattern) only nothing it leaves out.
  const complete = !named.length && !only && !passThrough.length;
  run(
    process.execPath,
    ['--import', 'tsx', join(root, 'test/bed/github/check-fidelity.ts'), process.env.LADDER_BED_USAGE_FILE, ...(complete ? ['--complete'] : [])],
    `the fidelity table in docs/testing-github.md against the GitHub routes and events the ${complete ? 'suite' : 'tests'} used`,
  );
}
