// The dev agent the whole-agent tests start against the GitHub bed and the Slack receiver, and the
// release manager's merge that gives it a commit to apply.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { agentConfigSchema, type AgentConfig } from '../../../src/agent/wiring/config.js';
import { userOctokit, type GitHubServer } from '../../bed/github/index.js';
import type { SlackReceiver } from '../../bed/slack/index.js';

export interface DevAgentPlace {
  repo: string;
  /** The namespace the agent deploys to, and the one it runs in. */
  namespace: string;
  agentNamespace: string;
}

/**
 * The config of a `dev` agent that reads `manifests/` of `repo` with the App's key (written to a
 * temporary file), alerts in #ladder-alerts, polls every second and holds a three-second lease, so
 * tests see each step quickly. `extra` adds or replaces top-level keys (`prune`, `sops`).
 */
export async function devAgentConfig(github: GitHubServer, slack: SlackReceiver, place: DevAgentPlace, extra: Record<string, unknown> = {}): Promise<AgentConfig> {
  const dir = await mkdtemp(join(tmpdir(), 'ladder-dev-agent-'));
  const keyPath = join(dir, 'app.pem');
  await writeFile(keyPath, github.app.privateKey, { mode: 0o600 });
  return agentConfigSchema.parse({
    repository: place.repo,
    environment: 'dev',
    path: 'manifests',
    namespaces: [place.namespace],
    agentNamespace: place.agentNamespace,
    github: { apiUrl: github.url, appId: github.app.id, installationId: github.installations.idFor(place.repo), privateKeyPath: keyPath },
    slack: { token: slack.token, channel: 'ladder-alerts', apiUrl: slack.url },
    intervals: { pollSeconds: 1, healthTimeoutSeconds: 30 },
    // One agent, which takes the free Lease at once: client-go's lease and renew deadline, since with a 2 s renew
    // deadline a loaded machine (CI's two test files at a time) made the agent drop its lead mid-apply.
    leaderElection: { leaseDurationSeconds: 15, renewDeadlineSeconds: 10, retryPeriodSeconds: 1 },
    server: { host: '127.0.0.1', port: 0 },
    ...extra,
  });
}

/** Opens a pull request into `dev` from `topic` with `files` and merges it as `release-manager` would; the merge commit. */
export async function mergeIntoDev(github: GitHubServer, repo: string, topic: string, files: Record<string, string | null>, body?: string): Promise<string> {
  const [owner, name] = repo.split('/') as [string, string];
  await github.seed.commitFiles(repo, topic, files, { from: 'dev', silent: true });
  const person = userOctokit(github, 'release-manager');
  const pull = await person.rest.pulls.create({ owner, repo: name, head: topic, base: 'dev', title: `Update dev (${topic})`, ...(body ? { body } : {}) });
  return (await person.rest.pulls.merge({ owner, repo: name, pull_number: pull.data.number })).data.sha;
}
