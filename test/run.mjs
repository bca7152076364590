#!/usr/bin/env node
// Runs the whole suite: type-checks, makes sure the test binaries are built
// and, for the tests under test/image, that Ladder's image is built from the
// Dockerfile (first run only; later runs reuse the caches), then runs every
// `*.test.ts` under test/ with Node's test runner.
//   node test/run.mjs                 everything
//   node test/run.mjs --only unit     just test/unit (no binaries, no image)
//   node test/run.mjs --only image    just the image's tests (test/image)
//   node test/run.mjs test/unit/x.test.ts ...   the named files
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
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
  run('bash', [join(root, 'test/bed/build-binaries.sh'), 'tests'], 'test binaries: control plane, kustomize, actionlint, yq, Prometheus (built once, then cached)');
}
// Builds the image of the current sources unless it was built before; fails with one line saying
// what is missing.
if (needsImage) run(process.execPath, ['--import', 'tsx', join(root, 'test/bed/image/build.ts')], 'the image, from the Dockerfile (built when its inputs change)');
if (files.length === 0) {
  console.error('[test] no test files found');
  process.exit(1);
}
run(
  process.execPath,
  // A hung test fails after 5 minutes instead of eating CI's time budget.
  ['--import', 'tsx', '--test', `--test-concurrency=${process.env.LADDER_TEST_CONCURRENCY ?? 2}`, '--test-timeout=300000', ...passThrough, ...files],
  `${files.length} test files`,
);
