// The one place a promotion's outcome becomes words on the code commit: every kind of outcome,
// which of them are reported at all, and which are worth retrying.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { configCheckRun, promotionCheckName, promotionCheckRun, rollbackCheckRun, validateCheckRun } from '../../src/core/promotion/check-runs.js';
import { describePromotion, isRetryable, type PromotionOutcome } from '../../src/core/promotion/outcome.js';
import type { ValidationReport } from '../../src/core/validate/run.js';

const pull = { number: 7, url: 'https://github.example/shop/m/pull/7', headSha: 'a'.repeat(40) };
const report: ValidationReport = {
  findings: [{ file: 'manifests/deployment-web.yaml', line: 3, column: 5, rule: 'privileged', severity: 'error', message: 'container web runs privileged' }],
  suppressed: [],
  resources: 4,
};

const outcomes: Record<string, PromotionOutcome> = {
  opened: { kind: 'opened', environment: 'dev', pullRequest: pull, manifestRepo: 'shop/m', branch: 'ladder/web/dev' },
  upToDate: { kind: 'unchanged', environment: 'dev', reason: 'up-to-date', manifestRepo: 'shop/m', envBranch: 'dev' },
  alreadyPromoted: { kind: 'unchanged', environment: 'dev', reason: 'already-promoted', pullRequest: pull },
  superseded: { kind: 'superseded', environment: 'dev', newer: 'b'.repeat(40), pullRequest: pull },
  noConfig: { kind: 'invalid', environment: 'dev', reason: 'no-config', message: 'shop/web has no .github/ladder.yml at cccccccccccc' },
  render: { kind: 'invalid', environment: 'dev', reason: 'render', message: 'deploy/t.yaml.hbs:4:3: "values.port" is not defined', location: { file: 'deploy/t.yaml.hbs', line: 4 }, templatesInRepo: true },
  validation: { kind: 'invalid', environment: 'dev', reason: 'validation', report, kubernetesVersion: '1.36' },
  pullRefused: { kind: 'failed', environment: 'dev', stage: 'pull-request', reason: 'GitHub answered 502', branch: 'ladder/web/dev', branchRemoved: true },
  failed: { kind: 'failed', environment: 'dev', stage: 'promotion', reason: 'GitHub answered 500 to GET /repos/shop/m/git/ref/heads/dev' },
};

describe('promotion outcomes as check runs', () => {
  it('reports success, up to date, superseded and failures on the code commit, and stays silent where nothing new happened', () => {
    const text = (name: string) => promotionCheckRun(outcomes[name]!);
    assert.deepEqual(text('opened'), {
      conclusion: 'success',
      title: 'Promotion pull request #7 opened',
      summary: `The manifests for \`dev\` are in ${pull.url} (shop/m, branch \`ladder/web/dev\`).`,
      detailsUrl: pull.url,
    });
    assert.equal(text('upToDate')?.conclusion, 'success');
    assert.match(text('upToDate')?.summary ?? '', /equal what branch `dev` of shop\/m already has/);
    assert.equal(text('superseded')?.conclusion, 'neutral');
    assert.equal(text('superseded')?.title, 'Superseded by bbbbbbbbbbbb');
    assert.match(text('superseded')?.summary ?? '', /already being promoted to `dev` in https:\/\/github\.example\/shop\/m\/pull\/7/);
    assert.equal(text('alreadyPromoted'), undefined, 'an earlier delivery reported it');
    assert.equal(text('noConfig'), undefined, 'not a Ladder service: nothing to say on its commits');
  });

  it('annotates a render error on the template when the templates are in the repository', () => {
    const text = promotionCheckRun(outcomes.render!)!;
    assert.equal(text.conclusion, 'failure');
    assert.equal(text.title, 'Rendering for dev failed');
    assert.deepEqual(text.annotations, [{ path: 'deploy/t.yaml.hbs', start_line: 4, end_line: 4, annotation_level: 'failure', message: 'deploy/t.yaml.hbs:4:3: "values.port" is not defined', title: 'render' }]);
    const defaults = promotionCheckRun({ ...(outcomes.render as Extract<PromotionOutcome, { reason: 'render' }>), templatesInRepo: false, location: { file: 'deployment.yaml.hbs', line: 4 } })!;
    assert.deepEqual(defaults.annotations, [], "Ladder's own templates are not in the repository");
  });

  it('lists validation errors, and says what a failed pull request left behind', () => {
    const invalid = promotionCheckRun(outcomes.validation!)!;
    assert.equal(invalid.title, 'Validation failed for dev: 1 error');
    assert.match(invalid.text ?? '', /container web runs privileged/);
    assert.match(promotionCheckRun(outcomes.pullRefused!)!.summary, /refused the pull request: GitHub answered 502\. Branch `ladder\/web\/dev` was deleted again/);
    const kept = promotionCheckRun({ ...(outcomes.pullRefused as Extract<PromotionOutcome, { stage: 'pull-request' }>), branchRemoved: false, stalePull: 7 })!;
    assert.match(kept.summary, /Pull request #7 still describes the previous commit/);
    assert.match(promotionCheckRun(outcomes.failed!)!.summary, /re-run by redelivering the webhook or with `\/ladder promote dev`/);
  });

  it('only GitHub failures are retryable; every other outcome is terminal', () => {
    const retryable = Object.entries(outcomes).filter(([, outcome]) => isRetryable(outcome)).map(([name]) => name);
    assert.deepEqual(retryable, ['pullRefused', 'failed']);
  });

  it('describes each outcome in one line for logs and replies', () => {
    assert.deepEqual(Object.fromEntries(Object.entries(outcomes).map(([name, outcome]) => [name, describePromotion(outcome)])), {
      opened: 'promotion pull request #7 opened',
      upToDate: 'dev is already up to date',
      alreadyPromoted: 'already promoted in #7',
      superseded: `superseded by ${'b'.repeat(40)}`,
      noConfig: 'shop/web has no .github/ladder.yml at cccccccccccc',
      render: 'deploy/t.yaml.hbs:4:3: "values.port" is not defined',
      validation: 'validation failed for dev',
      pullRefused: 'GitHub answered 502',
      failed: 'GitHub answered 500 to GET /repos/shop/m/git/ref/heads/dev',
    });
    assert.equal(promotionCheckName('stg'), 'ladder/promote (stg)');
  });
});

describe('the other check runs', () => {
  it('ladder/config lists every problem and annotates the file only when it is in the code repository', () => {
    const problems = [{ message: 'is required', key: 'image', line: 2, column: 1 }];
    const own = configCheckRun({ path: '.github/ladder.yml', display: '.github/ladder.yml', inCodeRepo: true }, problems);
    assert.equal(own.title, '.github/ladder.yml is invalid: 1 problem');
    assert.match(own.summary, /- `\.github\/ladder\.yml:2:1 image: is required`/);
    assert.equal(own.annotations?.length, 1);
    const shared = configCheckRun({ path: '.github/ladder.yml', display: 'shop/.github: .github/ladder.yml', inCodeRepo: false }, problems);
    assert.deepEqual(shared.annotations, []);
  });

  it('ladder/validate fails on errors, names warnings, and annotates findings where they are', () => {
    const failing = validateCheckRun(report, '1.36');
    assert.equal(failing.conclusion, 'failure');
    assert.equal(failing.annotations?.[0]?.path, 'manifests/deployment-web.yaml');
    const clean = validateCheckRun({ findings: [], suppressed: [], resources: 4 }, '1.36');
    assert.deepEqual([clean.conclusion, clean.title, clean.text], ['success', '4 resources valid for Kubernetes 1.36', undefined]);
  });

  it('a rollback passes when the restored bytes were validated, and is visibly unproven when not', () => {
    const input = { versionCommit: 'c'.repeat(40), fromCommit: 'd'.repeat(40), environment: 'prd' };
    assert.equal(rollbackCheckRun({ ...input, validated: true }).conclusion, 'success');
    const unproven = rollbackCheckRun({ ...input, validated: false });
    assert.equal(unproven.conclusion, 'neutral');
    assert.match(unproven.summary, /Review the diff before merging into `prd`/);
  });
});
