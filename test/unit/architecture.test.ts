// The layout's rule (docs/architecture.md), checked over the real tree and, to prove the checker
// fails when it should, over small synthetic trees. The rule itself lives in
// test/support/architecture/rules.ts.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, posix, sep } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { checkArchitecture, describeViolation, findCycles } from '../support/architecture/rules.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function readTree(folder: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const entry of readdirSync(join(ROOT, folder), { recursive: true })) {
    const file = posix.join(folder, String(entry).split(sep).join('/'));
    if (/\.[cm]?[jt]sx?$/.test(file)) files.set(file, readFileSync(join(ROOT, file), 'utf8'));
  }
  return files;
}

/** Violations of a synthetic tree, as the test failure would print them. */
function check(files: Record<string, string>): string[] {
  return checkArchitecture(new Map(Object.entries(files))).map(describeViolation);
}

describe('architecture: the real tree', () => {
  const tree = readTree('src');

  it('src/core imports nothing from adapters or entry points, and no I/O module', () => {
    const core = [...tree.keys()].filter((file) => file.startsWith('src/core/'));
    assert.ok(core.length > 0, 'no source files found under src/core; the scan would pass vacuously');
    const violations = checkArchitecture(tree).filter((v) => v.file.startsWith('src/core/') && v.kind !== 'cycle');
    assert.equal(violations.length, 0, `src/core must stay pure (docs/contributing.md):\n  ${violations.map(describeViolation).join('\n  ')}`);
  });

  it('every arrow in src points down, only the GitHub adapter talks to GitHub, and no import cycle exists', () => {
    assert.ok([...tree.keys()].some((file) => file.startsWith('src/adapters/github/')), 'no GitHub adapter found; the scan would pass vacuously');
    const violations = checkArchitecture(tree);
    assert.equal(violations.length, 0, `the layout's rule is broken (docs/architecture.md):\n  ${violations.map(describeViolation).join('\n  ')}`);
  });
});

describe('architecture: the checker', () => {
  it('finds each import form in core and names file, line and module', () => {
    const fixture = [
      "import { readFile } from 'node:fs/promises';", // 1
      "import type { Octokit } from '@octokit/rest';", // 2
      "export { apply } from '../../adapters/kube/apply.js';", // 3
      "import * as cp from 'child_process';", // 4
      'const https = await import("node:https");', // 5
      "const slack = require('@slack/web-api');", // 6
      "type Client = typeof import('@kubernetes/client-node');", // 7
      "import { Probot } from 'probot';", // 8
      "import run from '../../cli/main.js';", // 9
      'const plugin = await import(pluginName);', // 10
      "import { x } from '../../core-extras/x.js';", // 11
      "import net = require('net');", // 12
    ].join('\n');
    assert.deepEqual(check({ 'src/core/render/render.ts': fixture }), [
      "src/core/render/render.ts:1 imports 'node:fs/promises': node:fs is I/O; core takes data and returns data",
      "src/core/render/render.ts:2 imports '@octokit/rest': GitHub clients belong in src/adapters",
      "src/core/render/render.ts:3 imports '../../adapters/kube/apply.js': core must not depend on src/adapters",
      "src/core/render/render.ts:4 imports 'child_process': node:child_process is I/O; core takes data and returns data",
      "src/core/render/render.ts:5 imports 'node:https': node:https is I/O; core takes data and returns data",
      "src/core/render/render.ts:6 imports '@slack/web-api': Slack SDKs belong in src/adapters",
      "src/core/render/render.ts:7 imports '@kubernetes/client-node': the Kubernetes client belongs in src/adapters",
      "src/core/render/render.ts:8 imports 'probot': the Probot framework belongs in src/app",
      "src/core/render/render.ts:9 imports '../../cli/main.js': core must not depend on src/cli",
      "src/core/render/render.ts:10 imports '<computed>': a computed module name cannot be checked; core imports only fixed modules",
      "src/core/render/render.ts:11 imports '../../core-extras/x.js': reaches outside src/core (to src/core-extras/x.js)",
      "src/core/render/render.ts:12 imports 'net': node:net is I/O; core takes data and returns data",
    ]);
  });

  it('allows pure modules, relative imports within core, and bundled schemas', () => {
    const fixture = [
      "import { z } from 'zod';",
      "import { parse } from 'yaml';",
      "import { createHash } from 'node:crypto';",
      "import { posix } from 'node:path';",
      "import type { Finding } from '../findings.js';",
      "export * from './rules/privileged.js';",
      "import schema from '../../schemas/v1.31/deployment.json' with { type: 'json' };",
      "// import { readFile } from 'node:fs'; a comment is not an import",
      "const text = \"import('node:http')\";",
    ].join('\n');
    assert.deepEqual(check({ 'src/core/validate/schema.ts': fixture }), []);
  });

  it('lets an adapter import core and its own folder, nothing else of ours', () => {
    assert.deepEqual(
      check({
        'src/adapters/slack/notifier.ts': [
          "import type { DriftIncident } from '../../core/alerts/types.js';",
          "import { post } from './transport.js';",
          "import type { AlertSink } from '../../agent/alerts.js';",
          "import { systemClock } from '../clock/clock.js';",
          "import { createKubeClient } from '../kube/client.js';",
          "import { fetch } from 'undici';",
        ].join('\n'),
        'src/adapters/slack/transport.ts': 'export const post = 1;',
        'src/core/alerts/types.ts': 'export interface DriftIncident { id: string }',
      }),
      [
        "src/adapters/slack/notifier.ts:3 imports '../../agent/alerts.js': an adapter must not depend on the entry point src/agent",
        "src/adapters/slack/notifier.ts:4 imports '../clock/clock.js': an adapter imports only core and its own folder, not src/adapters/clock",
        "src/adapters/slack/notifier.ts:5 imports '../kube/client.js': an adapter imports only core and its own folder, not src/adapters/kube",
      ],
    );
  });

  it('keeps entry points apart, except the CLI starting the App or the agent', () => {
    assert.deepEqual(
      check({
        'src/app/commands/diff.ts': "import { formatDiffText } from '../../cli/format/diff-text.js';\nimport { x } from '../../adapters/github/port.js';",
        'src/agent/main.ts': "import { createLadderApp } from '../app/index.js';",
        'src/cli/commands/agent.ts': [
          "import { loadAgentConfig } from '../../agent/wiring/config.js';",
          "const { startAgent } = await import('../../agent/main.js');",
          "import { createLadderApp } from '../../app/index.js';",
          "import { DriftWatcher } from '../../agent/drift/watcher.js';",
        ].join('\n'),
        'src/tools/generate.ts': "import { queue } from '../app/queue.js';",
      }),
      [
        "src/agent/main.ts:1 imports '../app/index.js': entry points never import each other (src/agent → src/app)",
        "src/app/commands/diff.ts:1 imports '../../cli/format/diff-text.js': entry points never import each other (src/app → src/cli)",
        "src/cli/commands/agent.ts:4 imports '../../agent/drift/watcher.js': the CLI may start the App or the agent (src/app/index.ts, src/app/serve.ts, src/agent/main.ts, src/agent/wiring/config.ts, src/agent/wiring/environment-variables.ts), not import src/agent/drift/watcher.ts",
        "src/tools/generate.ts:1 imports '../app/queue.js': entry points never import each other (src/tools → src/app)",
      ],
    );
  });

  it('lets only src/adapters/github import Octokit or call GitHub', () => {
    const calls = [
      "import { Octokit } from '@octokit/rest';",
      'await octokit.rest.repos.get({ owner, repo });',
      'const pulls = await client.paginate(client.rest.pulls.list, { owner, repo });',
      "await github.request('GET /repos/{owner}/{repo}/commits/{ref}', { owner, repo, ref });",
      "await kube.request('GET', '/api/v1/namespaces');",
      'await github.pulls.findOpen(branch, base);',
    ].join('\n');
    assert.deepEqual(check({ 'src/agent/source.ts': calls, 'src/adapters/github/source.ts': calls }), [
      "src/agent/source.ts:1 imports '@octokit/rest': only src/adapters/github talks to GitHub",
      "src/agent/source.ts:2 calls 'octokit.rest.repos': only src/adapters/github calls GitHub; use its port",
      "src/agent/source.ts:3 calls 'client.paginate(client.rest.pulls.list, { owner, repo })': only src/adapters/github calls GitHub; use its port",
      "src/agent/source.ts:3 calls 'client.rest.pulls': only src/adapters/github calls GitHub; use its port",
      "src/agent/source.ts:4 calls 'github.request('GET /repos/{owner}/{repo}/commits/{ref}', { ': only src/adapters/github calls GitHub; use its port",
    ]);
  });

  it('fails on a cycle anywhere in src, type-only imports included, and names its files', () => {
    assert.deepEqual(
      check({
        'src/app/commands/run.ts': "import { diffReply } from './diff.js';",
        'src/app/commands/diff.ts': "import type { CommandRun } from './run.js';",
        'src/core/a.ts': "import { b } from './b.js';",
        'src/core/b.ts': "import { c } from './c.js';",
        'src/core/c.ts': "export { a } from './a.js';",
        'src/core/self.ts': "import { me } from './self.js';",
      }),
      [
        'src/app/commands/diff.ts:1 import cycle: src/app/commands/diff.ts → src/app/commands/run.ts → src/app/commands/diff.ts',
        'src/core/a.ts:1 import cycle: src/core/a.ts → src/core/b.ts → src/core/c.ts → src/core/a.ts',
        'src/core/self.ts:1 import cycle: src/core/self.ts → src/core/self.ts',
      ],
    );
  });

  it('finds no cycle where arrows only join again (a diamond), and one per tangle', () => {
    const graph = (edges: Record<string, string[]>) => new Map(Object.entries(edges).map(([node, targets]) => [node, targets.map((target) => ({ target }))]));
    assert.deepEqual(findCycles(graph({ top: ['left', 'right'], left: ['bottom'], right: ['bottom'], bottom: [] })), []);
    const tangle = findCycles(graph({ a: ['b'], b: ['c', 'a'], c: ['a'], d: ['a'] }));
    assert.equal(tangle.length, 1, JSON.stringify(tangle));
    assert.deepEqual(tangle[0], ['a', 'b']);
  });
});
