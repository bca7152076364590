import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

// What `ladder validate` loads is most of a small run's time (docs/performance.md): a module
// imported at the top of any command is paid by every command. These guard the cheap path.
const root = fileURLToPath(new URL('../..', import.meta.url));
const recorder = fileURLToPath(new URL('../support/record-modules.mjs', import.meta.url));

function modulesLoadedBy(args: string[], exitCode = 0): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'ladder-startup-'));
  try {
    const file = join(dir, 'modules.txt');
    const result = spawnSync(process.execPath, ['--import', 'tsx', '--import', recorder, 'src/cli/main.ts', ...args], {
      cwd: root,
      env: { ...process.env, LADDER_MODULES_FILE: file, LADDER_CACHE_DIR: join(dir, 'cache'), NO_COLOR: '1' },
      encoding: 'utf8',
    });
    assert.equal(result.status, exitCode, result.stderr);
    return readFileSync(file, 'utf8').split('\n').filter(Boolean);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const packageOf = (url: string) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1];

test('ladder validate of valid manifests loads neither the config parser (zod, yaml) nor the App or the agent', () => {
  // Schema-valid manifests with policy errors (exit 1): every rule runs.
  const loaded = modulesLoadedBy(['validate', 'test/fixtures/manifests/valid'], 1);
  const packages = new Set(loaded.map(packageOf).filter(Boolean));
  assert.ok(loaded.some((url) => url.endsWith('/src/core/manifests/block-index.ts')), 'the manifests were parsed on the quick path');
  for (const heavy of ['zod', 'yaml', 'probot', '@octokit/rest', '@kubernetes/client-node', 'handlebars']) {
    assert.ok(!packages.has(heavy), `${heavy} was loaded: ${loaded.find((url) => packageOf(url) === heavy)}`);
  }
  const own = loaded.filter((url) => url.includes('/src/'));
  assert.deepEqual(own.filter((url) => /\/src\/(agent|app)\//.test(url) && !url.endsWith('/agent/wiring/environment-variables.ts')), []);
});

test('ladder --help lists the agent\'s variables without loading its config parser', () => {
  const loaded = modulesLoadedBy(['agent', '--help']);
  assert.ok(loaded.some((url) => url.endsWith('/src/agent/wiring/environment-variables.ts')));
  assert.ok(!loaded.some((url) => packageOf(url) === 'zod'), 'zod was loaded for help');
});
