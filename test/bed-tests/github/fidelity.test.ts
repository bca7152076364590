import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { loadSpec } from '../../bed/github/contract/spec.js';
import { compareFidelity, readFidelityTable, tableProblems, type FidelityTable } from '../../bed/github/fidelity.js';
import { parseUsage } from '../../bed/github/usage.js';
import { webhookName } from '../../bed/github/webhooks/deliver.js';

// The fidelity table in docs/testing-github.md is checked by test/run.mjs against the routes and
// events the bed recorded over the whole suite. These tests prove that check can fail: a row
// missing, a row too many, a caller the table leaves out, a row that says nothing.

const root = fileURLToPath(new URL('../../../', import.meta.url));

const sample = `
## Fidelity: every route and event the suite uses

| route | called by | fidelity | notes |
|---|---|---|---|
| \`GET /repos/{owner}/{repo}\` | App, tests | faithful | |
| \`POST /repos/{owner}/{repo}/git/trees\` | App | differs: strict \`base_tree\`, which GitHub may not be | safe: Ladder sends a tree sha |

| event | fidelity | notes |
|---|---|---|
| \`push\` | faithful | |

## Next section

| \`GET /not/in/the/section\` | App | faithful | |
`;

/** Usage text as the bed writes it: one line per route and caller, one per event. */
function usageOf(table: FidelityTable): string {
  const lines = [...table.routes].flatMap(([route, callers]) => [...callers].map((caller) => `route\t${route}\t${caller}`));
  return [...lines, ...[...table.events].map((event) => `event\t${event}`)].join('\n');
}

describe('fidelity table: kept equal to what the suite uses of GitHub', () => {
  it('reads the routes with their callers and fidelity, and the events, from the Fidelity section only', () => {
    const table = readFidelityTable(sample);
    assert.deepEqual([...table.routes.keys()], ['GET /repos/{owner}/{repo}', 'POST /repos/{owner}/{repo}/git/trees']);
    assert.deepEqual([...(table.routes.get('GET /repos/{owner}/{repo}') ?? [])], ['App', 'tests']);
    assert.deepEqual([...table.events], ['push']);
    assert.equal(table.verdicts.get('POST /repos/{owner}/{repo}/git/trees'), 'differs: strict `base_tree`, which GitHub may not be');
    assert.deepEqual(tableProblems(table), []);
  });

  it('a route or event used but missing from the table fails, whole suite or not', () => {
    const table = readFidelityTable(sample);
    const usage = parseUsage(`${usageOf(table)}\nroute\tGET /repos/{owner}/{repo}/pulls\tApp\nevent\tpull_request.closed`);
    const expected = [
      'GET /repos/{owner}/{repo}/pulls is used (by App) but not in the fidelity table',
      'event pull_request.closed is raised but not in the fidelity table',
    ];
    assert.deepEqual(compareFidelity(table, usage, true), expected);
    assert.deepEqual(compareFidelity(table, usage, false), expected);
  });

  it('a row nobody used fails a whole-suite run only', () => {
    const table = readFidelityTable(sample);
    const usage = parseUsage(usageOf(table).replace(/^route\tPOST [^\n]*\n/m, '').replace(/^event\tpush$/m, ''));
    assert.deepEqual(compareFidelity(table, usage, true), [
      'POST /repos/{owner}/{repo}/git/trees is in the fidelity table but no test used it',
      'event push is in the fidelity table but was never raised',
    ]);
    assert.deepEqual(compareFidelity(table, usage, false), []);
  });

  it('callers must match too: one the table leaves out always, one the suite never was on a whole run', () => {
    const table = readFidelityTable(sample);
    const usage = parseUsage('route\tGET /repos/{owner}/{repo}\tagent\nroute\tGET /repos/{owner}/{repo}\ttests\nroute\tPOST /repos/{owner}/{repo}/git/trees\tApp\nevent\tpush');
    assert.deepEqual(compareFidelity(table, usage, false), ['GET /repos/{owner}/{repo} is called by agent too; the table says App, tests']);
    assert.deepEqual(compareFidelity(table, usage, true), [
      'GET /repos/{owner}/{repo} is called by agent too; the table says App, tests',
      'GET /repos/{owner}/{repo}: the table says App call it, but none did',
    ]);
  });

  it('a row twice, an unknown caller or a fidelity cell that does not say how it differs is a problem of the table', () => {
    const broken = sample
      .replace('| App, tests | faithful |', '| App, people | faithful |')
      .replace('| differs: strict `base_tree`, which GitHub may not be |', '| differs |')
      .replace('| `push` | faithful | |', '| `push` | faithful | |\n| `push` | mostly | |');
    assert.deepEqual(tableProblems(readFidelityTable(broken)), [
      'push is listed more than once',
      'GET /repos/{owner}/{repo}: "called by" must name App, agent, tests; it says App, people',
      'POST /repos/{owner}/{repo}/git/trees: the fidelity cell must be "faithful" or "differs: how"; it is "differs"',
      'push: the fidelity cell must be "faithful" or "differs: how"; it is "mostly"',
    ]);
  });
});

describe('fidelity table: docs/testing-github.md', () => {
  const table = readFidelityTable();

  it('lists routes and events, each with a fidelity that says something', () => {
    assert.ok(table.routes.size >= 40, `only ${table.routes.size} routes listed`);
    assert.ok(table.events.size >= 10, `only ${table.events.size} events listed`);
    assert.deepEqual(tableProblems(table), []);
  });

  it("names only GitHub's own routes and webhooks (from GitHub's OpenAPI description)", () => {
    const spec = loadSpec();
    const notGitHubs = [...table.routes.keys()].filter((route) => {
      const [method = '', path = ''] = route.split(' ');
      return !spec.paths[path]?.[method.toLowerCase()];
    });
    assert.deepEqual(notGitHubs, []);
    const notWebhooks = [...table.events].filter((event) => {
      const [name = '', action] = event.split('.');
      return !spec['x-webhooks'][webhookName(name, action)];
    });
    assert.deepEqual(notWebhooks, []);
  });

  it("covers every event Ladder's App subscribes to (app.yml)", () => {
    const appYml = parse(readFileSync(join(root, 'app.yml'), 'utf8')) as { default_events: string[] };
    const listed = new Set([...table.events].map((event) => event.split('.')[0]));
    assert.deepEqual(appYml.default_events.filter((event) => !listed.has(event)), []);
  });

  it('Ladder uses neither GraphQL nor review comments, which the bed does not have', () => {
    const sources = readdirSync(join(root, 'src'), { recursive: true })
      .map(String)
      .filter((file) => file.endsWith('.ts'));
    const uses = sources.filter((file) => {
      const text = readFileSync(join(root, 'src', file), 'utf8');
      return /\.graphql\s*[(`<]|review_comment|ReviewComment|\/pulls\/\{pull_number\}\/comments/.test(text);
    });
    assert.ok(sources.length > 50, 'read the sources');
    assert.deepEqual(uses, []);
    const appYml = parse(readFileSync(join(root, 'app.yml'), 'utf8')) as { default_events: string[] };
    assert.ok(!appYml.default_events.includes('pull_request_review_comment'));
  });

  describe('the check test/run.mjs runs after the suite', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ladder-fidelity-'));
    after(() => rmSync(dir, { recursive: true, force: true }));
    const check = (usage: string, ...flags: string[]) => {
      const file = join(dir, 'usage.tsv');
      writeFileSync(file, usage);
      return spawnSync(process.execPath, ['--import', 'tsx', join(root, 'test/bed/github/check-fidelity.ts'), file, ...flags], { cwd: root, encoding: 'utf8' });
    };
    const exact = usageOf(table);
    const [firstRoute = ''] = table.routes.keys();

    it('passes when the suite used exactly what the table lists', () => {
      const result = check(exact, '--complete');
      assert.equal(result.status, 0, result.stderr);
      assert.match(result.stderr, /none listed unused/);
    });

    it('fails when a row is missing: the suite used a route the table does not list', () => {
      const result = check(`${exact}\nroute\tGET /repos/{owner}/{repo}/pulls/{pull_number}/comments\tApp\n`, '--complete');
      assert.equal(result.status, 1);
      assert.match(result.stderr, /GET \/repos\/\{owner\}\/\{repo\}\/pulls\/\{pull_number\}\/comments is used \(by App\) but not in the fidelity table/);
      assert.equal(check(`${exact}\nevent\tpull_request_review_comment.created\n`).status, 1, 'a partial run fails on it too');
    });

    it('fails when a row is extra: the table lists a route the suite never used', () => {
      const without = exact.split('\n').filter((line) => line.split('\t')[1] !== firstRoute).join('\n');
      const result = check(without, '--complete');
      assert.equal(result.status, 1);
      assert.ok(result.stderr.includes(`${firstRoute} is in the fidelity table but no test used it`), result.stderr);
      assert.equal(check(without).status, 0, 'a run of some files only need not use every row');
    });
  });
});
