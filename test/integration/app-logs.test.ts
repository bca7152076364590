// Issue 12, logs: in production (or with LOG_FORMAT=json) `ladder app` writes one JSON object per line,
// each key once, and every line of a promotion names its service, environment and commit. The App runs
// as a process against the GitHub test bed through a whole promotion: a merge, the dev pull request and
// its gates and auto-merge, dev reported deployed, the stg pull request and its gates, a /ladder command.
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startGitHubServer, userOctokit, type GitHubServer } from '../bed/github/index.js';
import { reserveLoopbackPorts } from '../bed/kube/ports.js';
import { eventually } from '../support/agent/log.js';
import { createService, developer, mergePullRequest } from '../support/github-service.js';
import { duplicateKey, parseJsonLines, type LogLine } from '../support/json-lines.js';
import { appEnvironment, waitUntilReady } from '../support/ladder-app.js';
import { runLadder } from '../support/ladder-process.js';
import { branchSha, pullsInto, reportDeployment } from '../support/promotion-fixtures.js';

let github: GitHubServer;
let dir: string;
before(async () => {
  github = await startGitHubServer();
  dir = await mkdtemp(join(tmpdir(), 'ladder-app-logs-'));
  await writeFile(join(dir, 'app.pem'), github.app.privateKey, { mode: 0o600 });
});
after(() => github?.stop());

describe('the JSON log reader', () => {
  it('finds a key written twice, at any depth, and nothing in JSON without one', () => {
    assert.equal(duplicateKey('{"a":1,"b":{"c":[{"d":1,"d":2}]}}'), 'd');
    assert.equal(duplicateKey('{"name":"probot","name":"event"}'), 'name');
    assert.equal(duplicateKey('{"a":"x\\"a\\":","b":[1,{"a":2}],"c":{"a":3}}'), undefined);
    assert.throws(() => parseJsonLines('{"a":1}\nnot json\n'), /line 2 is not JSON/);
  });
});

describe('ladder app logs in production', () => {
  it('one JSON object per line, each key once, and every line of a promotion names service, environment and commit', async () => {
    const [port] = (await reserveLoopbackPorts(1)) as [number];
    // NODE_ENV=production and no LOG_FORMAT: production alone means JSON.
    const app = runLadder(['app'], { ...appEnvironment(github, join(dir, 'app.pem'), port), LOG_FORMAT: undefined, NODE_ENV: 'production', HOME: dir }, { cwd: dir });
    const url = `http://127.0.0.1:${port}`;
    try {
      await waitUntilReady(url);
      github.webhooks.url = `${url}/api/github/webhooks`;
      const { codeRepo, manifestRepo } = await createService(github, { service: 'logged' });
      const merged = await mergePullRequest(github, codeRepo, { branch: 'feature', title: 'Logged feature', files: { 'src/feature.txt': 'on\n' } });
      // dev auto-merges once its gates pass; the agent then reports dev deployed, which opens stg.
      await eventually(async () => (await pullsInto(github, manifestRepo, 'dev', 'closed')).some((pull) => pull.merged_at), 'the dev promotion auto-merged', 90_000, 250);
      await reportDeployment(github, manifestRepo, { environment: 'dev', sha: await branchSha(github, manifestRepo, 'dev'), state: 'success' });
      const stg = await eventually(async () => (await pullsInto(github, manifestRepo, 'stg'))[0], 'the stg promotion pull request', 90_000, 250);
      await userOctokit(github, developer).rest.issues.createComment({ owner: 'shop', repo: 'logged-manifests', issue_number: stg.number, body: '/ladder lock stg release freeze' });
      await eventually(() => app.stdout().includes('"command":"lock"'), 'the command to run', 60_000, 100);
      await github.webhooks.settled();

      app.child.kill('SIGTERM');
      assert.equal(await app.exited, 0, app.stderr());
      const lines: LogLine[] = parseJsonLines(app.stdout());
      assert.ok(lines.length > 20, `a promotion's worth of lines, got ${lines.length}`);
      for (const line of lines) {
        assert.equal(typeof line.level, 'number');
        assert.equal(typeof line.msg, 'string');
      }
      // Probot's own lines are JSON too, and name themselves once (pino writes a child's `name` after its parent's).
      assert.ok(lines.some((line) => line.name === 'http' || line.name === 'probot' || line.name === 'event'), 'Probot logged too');

      const ofPromotion = lines.filter((line) => line.environment !== undefined && line.feature !== 'commands');
      const missing = ofPromotion.filter((line) => typeof line.service !== 'string' || typeof line.commit !== 'string');
      assert.deepEqual(missing.map((line) => line.msg), [], 'lines of a promotion without service or commit');
      const said = (msg: RegExp, environment: string) => ofPromotion.some((line) => msg.test(String(line.msg)) && line.environment === environment && line.service === 'logged' && line.commit === merged.mergeSha);
      assert.ok(said(/^promotion pull request opened$/, 'dev'), 'the dev pull request opened');
      assert.ok(said(/^Gates evaluated$/, 'dev'), 'the dev gates');
      assert.ok(said(/^Auto-merged promotion pull request$/, 'dev'), 'the dev auto-merge');
      assert.ok(said(/^promotion pull request opened$/, 'stg'), 'the stg pull request opened');
      assert.ok(said(/^promotion after dev deployed: /, 'stg'), 'the promotion after dev was deployed');
      assert.ok(said(/^Gates evaluated$/, 'stg'), 'the stg gates');
      const command = lines.find((line) => line.msg === 'Running command' && line.command === 'lock');
      assert.equal(command?.environment, 'stg');
      assert.equal(command?.service, 'logged');
      assert.ok(!app.stdout().includes(github.app.webhookSecret) && !app.stdout().includes('PRIVATE KEY'), 'a credential reached the log');
    } finally {
      app.child.kill('SIGKILL');
    }
  });
});
