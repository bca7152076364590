import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { AgentConfigError, parseAgentConfig } from '../../src/agent/wiring/config.js';
import { runLadder } from './cli-run.js';

const webhookSecret = 'https://hooks.slack.com/services/T000/B000/SuperSecretWebhookPart';
const tokenSecret = 'ghs_NotForPrintingXYZ123';
const slackTokenSecret = 'xoxb-111-222-SecretBotToken';

const minimal = `repository: shop/checkout-manifests
environment: dev
path: manifests
namespaces: [shop-dev]
github:
  appId: 12
  installationId: 34
  privateKeyPath: /var/run/secrets/ladder/app.pem
`;

function problemsOf(text: string, env: Record<string, string> = {}): string[] {
  try {
    parseAgentConfig(text, 'agent.yaml', env);
  } catch (error) {
    assert.ok(error instanceof AgentConfigError, `expected AgentConfigError, got ${String(error)}`);
    return error.problems;
  }
  assert.fail('the config was accepted');
}

describe('agent config: file plus LADDER_* variables', () => {
  it('fills defaults and lets variables override the file', () => {
    const config = parseAgentConfig(minimal, 'agent.yaml', {
      LADDER_BRANCH: 'env/dev',
      LADDER_NAMESPACES: 'shop-dev, shop-jobs',
      LADDER_SELF_HEAL: 'true',
      LADDER_POLL_INTERVAL_SECONDS: '5',
      LADDER_PRUNE_MAX_DELETIONS: '3',
      LADDER_PRUNE_NAMESPACES: 'true',
      LADDER_SLACK_WEBHOOK_URL: webhookSecret,
      LADDER_GITHUB_API_URL: 'https://github.example.com/api/v3',
    });
    assert.equal(config.branch, 'env/dev');
    assert.deepEqual(config.namespaces, ['shop-dev', 'shop-jobs']);
    assert.equal(config.selfHeal, true);
    assert.equal(config.intervals.pollSeconds, 5);
    assert.equal(config.intervals.healthTimeoutSeconds, 300);
    assert.equal(config.prune.maxDeletions, 3);
    assert.equal(config.prune.allowEmpty, false);
    assert.equal(config.prune.namespaces, true);
    assert.equal(config.slack?.webhookUrl, webhookSecret);
    assert.equal(config.github.apiUrl, 'https://github.example.com/api/v3');
    assert.equal(config.github.appId, 12);
    assert.equal(config.agentNamespace, 'ladder-system');
    // The apply's defaults docs/agent.md gives, measured in docs/performance.md (issue 16).
    assert.deepEqual([config.apply.concurrency, config.kubernetes.qps, config.kubernetes.burst, config.kubernetes.http2], [16, 1000, 4000, true]);
  });

  it('runs from variables alone, with a token instead of the App', () => {
    const config = parseAgentConfig('', '<environment>', {
      LADDER_REPOSITORY: 'shop/m',
      LADDER_ENVIRONMENT: 'prd',
      LADDER_NAMESPACE: 'shop',
      LADDER_GITHUB_TOKEN: tokenSecret,
      LADDER_SLACK_TOKEN: slackTokenSecret,
      LADDER_SLACK_CHANNEL: 'ops',
    });
    assert.equal(config.github.token, tokenSecret);
    assert.deepEqual(config.namespaces, ['shop']);
    assert.equal(config.slack?.channel, 'ops');
  });

  it('names file, line, column and key for each problem in the file', () => {
    const problems = problemsOf(`${minimal}selfHeal: sometimes\nintervals:\n  pollSecond: 5\nprune:\n  maxDeletions: -1\n`);
    assert.deepEqual(problems.length, 3, problems.join('\n'));
    assert.match(problems[0]!, /^agent\.yaml:9:11 selfHeal: .*boolean/);
    assert.match(problems[1]!, /^agent\.yaml:11:3 intervals\.pollSecond: unknown key \(did you mean 'pollSeconds'\?\)/);
    assert.match(problems[2]!, /^agent\.yaml:13:17 prune\.maxDeletions: /);
  });

  it('names the variable when a variable is wrong', () => {
    assert.deepEqual(problemsOf(minimal, { LADDER_POLL_INTERVAL_SECONDS: 'ten' }), ["LADDER_POLL_INTERVAL_SECONDS: must be a whole number, not 'ten'"]);
    assert.deepEqual(problemsOf(minimal, { LADDER_SELF_HEAL: 'maybe' }), ["LADDER_SELF_HEAL: must be true or false, not 'maybe'"]);
    const [problem] = problemsOf(minimal, { LADDER_AGENT_NAMESPACE: 'Ladder_System' });
    assert.match(problem!, /^LADDER_AGENT_NAMESPACE: must be a Kubernetes name/);
  });

  it('says which variable can supply a missing key', () => {
    const problems = problemsOf('repository: shop/m\n');
    assert.ok(problems.some((p) => /\(environment\): is required; set it in the file or with LADDER_ENVIRONMENT/.test(p)), problems.join('\n'));
    assert.ok(problems.some((p) => /\(namespaces\): is required; .*LADDER_NAMESPACES/.test(p)), problems.join('\n'));
    assert.ok(problems.some((p) => /\(github\): needs credentials/.test(p)), problems.join('\n'));
  });

  it('never prints a secret, whether it came from the file or a variable', () => {
    const fromFile = problemsOf(`${minimal.replace(/github:[\s\S]*/, '')}github:\n  token: "${tokenSecret} with spaces"\nslack:\n  webhookUrl: "not-a-url-${webhookSecret}"\n`);
    const fromEnv = problemsOf(minimal, { LADDER_SLACK_WEBHOOK_URL: `x${webhookSecret}`, LADDER_SLACK_TOKEN: `${slackTokenSecret} x`, LADDER_PORT: 'http' });
    const text = [...fromFile, ...fromEnv].join('\n');
    assert.ok(fromFile.length >= 2 && fromEnv.length >= 1, text);
    for (const secret of [tokenSecret, webhookSecret, slackTokenSecret, 'SuperSecret', 'SecretBotToken']) assert.ok(!text.includes(secret), `leaked: ${text}`);
    assert.match(text, /value not shown/);
  });

  it('refuses leader-election timings that cannot renew in time', () => {
    const problems = problemsOf(`${minimal}leaderElection: { leaseDurationSeconds: 2, renewDeadlineSeconds: 1, retryPeriodSeconds: 1 }\n`);
    assert.ok(problems.some((p) => /leaderElection.*retryPeriodSeconds must be shorter than renewDeadlineSeconds/.test(p)), problems.join('\n'));
  });

  it('refuses a mix of App and token credentials, and a bot token without a channel', () => {
    assert.ok(problemsOf(minimal, { LADDER_GITHUB_TOKEN: tokenSecret }).some((p) => /either the GitHub App .* or a token/.test(p)));
    assert.ok(problemsOf(minimal, { LADDER_SLACK_TOKEN: slackTokenSecret }).some((p) => /^LADDER_SLACK_TOKEN|slack\.channel.*required with a bot token/.test(p)));
  });

  it('takes tokens from the Ladder App (appUrl) alone, never beside a key or a token', () => {
    const vended = minimal.replace(/  appId: 12\n  installationId: 34\n  privateKeyPath: .*\n/, '  appUrl: https://ladder.example.com\n');
    const config = parseAgentConfig(vended, 'agent.yaml', {});
    assert.equal(config.github.appUrl, 'https://ladder.example.com');
    assert.equal(parseAgentConfig(vended, 'agent.yaml', { LADDER_GITHUB_IDENTITY_TOKEN_PATH: '/run/identity' }).github.identityTokenPath, '/run/identity');
    assert.ok(problemsOf(minimal, { LADDER_GITHUB_APP_URL: 'https://ladder.example.com' }).some((p) => /use one way to GitHub: appUrl/.test(p)));
  });
});

describe('ladder agent command', () => {
  it('--help lists the variables and no secret values', async () => {
    const result = await runLadder(['agent', '--help'], { env: { LADDER_GITHUB_TOKEN: tokenSecret, LADDER_SLACK_WEBHOOK_URL: webhookSecret } });
    assert.equal(result.code, 0);
    assert.match(result.stdout, /ladder agent --config <file>/);
    assert.match(result.stdout, /LADDER_SLACK_WEBHOOK_URL\s+slack\.webhookUrl\s+\(secret\)/);
    assert.match(result.stdout, /Exit status: 0 after a clean shutdown, 2 when the configuration is wrong/);
    assert.ok(!result.stdout.includes(tokenSecret) && !result.stdout.includes(webhookSecret));
  });

  it('exits 2 with located problems for a bad config, without printing secrets', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ladder-agent-config-'));
    const file = join(dir, 'agent.yaml');
    await writeFile(file, `${minimal}intervals:\n  pollSeconds: 0\n`);
    const result = await runLadder(['agent', '--config', file], { env: { LADDER_SLACK_WEBHOOK_URL: `bad ${webhookSecret}` } });
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /agent\.yaml:10:16 intervals\.pollSeconds: /);
    assert.match(result.stderr, /LADDER_SLACK_WEBHOOK_URL: must be an http\(s\) URL \(value not shown\)/);
    assert.ok(!result.stderr.includes('SuperSecret'), result.stderr);
  });

  it('exits 2 when the config file cannot be read', async () => {
    const result = await runLadder(['agent', '--config', '/nonexistent/agent.yaml']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /\/nonexistent\/agent\.yaml: cannot read the file \(ENOENT\)/);
  });
});
