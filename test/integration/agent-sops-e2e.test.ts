// Issue 15, "Done when": a SOPS-encrypted Secret reaches the cluster decrypted, and appears nowhere
// else in plain text. The file is encrypted here with the real sops (built from its Go module by
// test/bed/build-binaries.sh) to an age key generated here, committed through the GitHub bed, and
// decrypted by the real agent, running with deploy/'s RBAC, against the real API server. Drift on
// the decrypted Secret names keys, never values; a file that does not decrypt fails the
// deployment, located, before anything of its commit is applied.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import type { KubeClient } from '../../src/adapters/kube/client.js';
import { startAgent, type RunningAgent } from '../../src/agent/main.js';
import { startGitHubServer, userOctokit, type GitHubServer } from '../bed/github/index.js';
import type { ControlPlane } from '../bed/kube/control-plane.js';
import { useControlPlane } from '../support/control-plane.js';
import { startSlackReceiver, type SlackMessage, type SlackReceiver } from '../bed/slack/index.js';
import { applyDeployRbac } from '../support/agent/deploy-rbac.js';
import { devAgentConfig, mergeIntoDev } from '../support/agent/dev-agent.js';
import { eventually } from '../support/agent/log.js';
import { generateAgeKey, sopsBinary, sopsEncrypt, type AgeKey } from '../support/sops.js';

const repo = 'shop/payments-manifests';
const [owner, name] = repo.split('/') as [string, string];

let cluster: ControlPlane;
let admin: KubeClient;
let github: GitHubServer;
let slack: SlackReceiver;
let agent: RunningAgent | undefined;
let agentNs: string;
let ns: string;
const logLines: string[] = [];
const envKey: AgeKey = generateAgeKey();
const otherKey: AgeKey = generateAgeKey();
/** The environment's next key, for the rotation: the key Secret holds it beside envKey for a while. */
const nextKey: AgeKey = generateAgeKey();
// Random, so that finding one anywhere can only mean it leaked from this test's Secret.
const password = `pw-${randomBytes(12).toString('hex')}`;
const user = `user-${randomBytes(6).toString('hex')}`;
const handEdited = `edited-${randomBytes(12).toString('hex')}`;
const rotatedPassword = `rotated-${randomBytes(12).toString('hex')}`;
/** Each value as it could leak: as is, and base64 as in a Secret's data. */
const forms = (value: string) => [value, Buffer.from(value).toString('base64')];
const secretValues = [...forms(password), ...forms(user), ...forms(handEdited), ...forms(rotatedPassword)];

const secret = (pw: string) => `apiVersion: v1
kind: Secret
metadata:
  name: db
type: Opaque
stringData:
  password: ${pw}
  user: ${user}
`;
const configMap = (mode: string) => `apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  mode: ${mode}
`;

useControlPlane(async (plane) => {
  ({ cluster, client: admin } = plane);
  [github, slack] = await Promise.all([startGitHubServer(), startSlackReceiver({ channels: ['ladder-alerts'] })]);
  agentNs = await cluster.newNamespace('ladder-system');
  ns = await cluster.newNamespace('payments-dev');
  await applyDeployRbac(admin, agentNs, [ns]);
  await putAgeKey(envKey);
  await github.createRepo(repo);
  await github.seed.commitFiles(repo, 'dev', { 'README.md': '# dev\n' }, { from: 'main' });
  github.setPermission(repo, 'release-manager', 'write');

  const config = await devAgentConfig(github, slack, { repo, namespace: ns, agentNamespace: agentNs }, { sops: { binary: sopsBinary() } });
  // Every line the agent logs, at the most talkative level, to search for the values afterwards.
  const sink = new Writable({ write(chunk: Buffer, _encoding, done) { logLines.push(chunk.toString('utf8')); done(); } });
  const kubeConfig = await cluster.kubeConfigForServiceAccount(agentNs, 'ladder-agent');
  agent = await startAgent(config, { kubeConfig, log: pino({ level: 'trace' }, sink), identity: 'agent-sops' });
}, {
  async beforeStop() {
    await agent?.stop();
    await Promise.all([github?.stop(), slack?.stop()]);
  },
});

/** The Secret deploy/'s Role lets the agent read: its age identities, as age-keygen writes them (several, appended, while a key is rotated). */
async function putAgeKey(...keys: AgeKey[]): Promise<void> {
  const file = keys.map((key) => `# created: 2026-12-05T10:00:00Z\n# public key: ${key.recipient}\n${key.identity}\n`).join('');
  const body = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'ladder-sops-age', namespace: agentNs }, data: { 'keys.txt': Buffer.from(file).toString('base64') } };
  await admin.request('PATCH', `/api/v1/namespaces/${agentNs}/secrets/ladder-sops-age`, { query: { fieldManager: 'cluster-admin', force: true }, body, contentType: 'application/apply-patch+yaml' });
}

async function deploymentStates(sha: string): Promise<string[]> {
  const person = userOctokit(github, 'release-manager');
  const { data: deployments } = await person.rest.repos.listDeployments({ owner, repo: name, sha, environment: 'dev' });
  if (deployments.length === 0) return [];
  const { data: statuses } = await person.rest.repos.listDeploymentStatuses({ owner, repo: name, deployment_id: deployments[0]!.id });
  return statuses.map((s) => `${s.state}: ${s.description}`).reverse();
}

async function finalState(sha: string): Promise<string> {
  const states = await eventually(async () => {
    const all = await deploymentStates(sha);
    return all.some((s) => /^(success|failure):/.test(s)) ? all : undefined;
  }, `a final deployment status for ${sha.slice(0, 7)}`, 30_000, 200);
  return states.at(-1)!;
}

async function liveSecret(): Promise<Record<string, string>> {
  const live = await admin.request<{ data: Record<string, string> }>('GET', `/api/v1/namespaces/${ns}/secrets/db`);
  return Object.fromEntries(Object.entries(live.data).map(([key, value]) => [key, Buffer.from(value, 'base64').toString('utf8')]));
}

async function liveMode(): Promise<string> {
  return (await admin.request<{ data: Record<string, string> }>('GET', `/api/v1/namespaces/${ns}/configmaps/settings`)).data.mode!;
}

/** Everything Ladder wrote outside the cluster: deployment statuses, agent logs, Slack messages. */
async function everythingSaid(): Promise<{ where: string; text: string }[]> {
  const person = userOctokit(github, 'release-manager');
  const { data: deployments } = await person.rest.repos.listDeployments({ owner, repo: name, per_page: 100 });
  const said: { where: string; text: string }[] = [];
  for (const deployment of deployments) {
    const { data: statuses } = await person.rest.repos.listDeploymentStatuses({ owner, repo: name, deployment_id: deployment.id });
    said.push({ where: `deployment ${deployment.id}`, text: JSON.stringify({ deployment, statuses }) });
  }
  said.push({ where: 'agent log', text: logLines.join('') });
  for (const message of slack.messages('ladder-alerts')) said.push({ where: `Slack ${message.ts}`, text: JSON.stringify(message) });
  return said;
}

async function assertNoValueAnywhere(): Promise<void> {
  const said = await everythingSaid();
  assert.ok(said.some((s) => s.where === 'agent log' && s.text.length > 1000), 'the agent logged its work (the search below is not over nothing)');
  for (const { where, text } of said) {
    for (const value of secretValues) assert.ok(!text.includes(value), `${where} holds a secret value`);
    assert.ok(!text.includes(envKey.identity) && !text.includes(otherKey.identity) && !text.includes(nextKey.identity), `${where} holds an age identity`);
  }
}

const blocksText = (message: SlackMessage) => JSON.stringify(message.blocks ?? []) + (message.text ?? '');

describe('SOPS-encrypted Secrets through the agent (real sops, GitHub bed, real API server, Slack receiver)', () => {
  let encrypted: string;

  it('decrypts a committed SOPS file just before applying: the cluster holds the values, Git only ciphertext', async () => {
    encrypted = await sopsEncrypt(secret(password), envKey.recipient);
    assert.ok(!encrypted.includes(password) && !encrypted.includes(user), 'sops left a value in clear text');
    assert.match(encrypted, new RegExp(`recipient: ${envKey.recipient}`));
    const sha = await mergeIntoDev(github, repo, 'release-1', { 'manifests/db.sops.yaml': encrypted, 'manifests/settings.yaml': configMap('blue') });
    const state = await finalState(sha);
    assert.match(state, /^success: Applied 2 objects/, state);
    assert.deepEqual(await liveSecret(), { password, user });
    const live = await admin.request<{ metadata: { managedFields: { manager: string }[]; annotations?: Record<string, string> } }>('GET', `/api/v1/namespaces/${ns}/secrets/db`);
    assert.ok(live.metadata.managedFields.some((m) => m.manager === 'ladder'), 'applied by Ladder, with server-side apply');
    assert.ok(!JSON.stringify(live.metadata.annotations ?? {}).includes(password), 'no copy of the values in an annotation');
    assert.equal((await admin.request<{ data: Record<string, string> }>('GET', `/api/v1/namespaces/${ns}/configmaps/settings`)).data.mode, 'blue');
    assert.ok(logLines.some((line) => line.includes('decrypted SOPS-encrypted files') && line.includes('manifests/db.sops.yaml')), 'the log names the file it decrypted');
    await assertNoValueAnywhere();
    github.contract.assertClean();
  });

  it('reports drift on the decrypted Secret by key name, never by value', async () => {
    await admin.request('PATCH', `/api/v1/namespaces/${ns}/secrets/db`, {
      query: { fieldManager: 'kubectl-edit' },
      body: { data: { password: Buffer.from(handEdited).toString('base64') } },
      contentType: 'application/merge-patch+json',
    });
    const alert = await slack.waitForMessage((m) => !m.thread_ts && /Drift/.test(m.text ?? '') && /\bdb\b/.test(blocksText(m)), 15_000);
    const text = blocksText(alert);
    assert.match(text, /data\.password`?: changed \(value hidden\)/);
    assert.match(text, /kubectl-edit/);
    assert.doesNotMatch(text, /data\.user/, 'only the key that changed');
    await assertNoValueAnywhere();
  });

  it('fails the deployment, located at the file, when the MAC does not match, and applies nothing of the commit', async () => {
    // Dropping an encrypted value keeps every other value decryptable, but the MAC covers them all.
    const tampered = encrypted.replace(/^ {4}user: ENC\[.*\]\n/m, '');
    assert.notEqual(tampered, encrypted);
    const sha = await mergeIntoDev(github, repo, 'release-2', { 'manifests/db.sops.yaml': tampered, 'manifests/settings.yaml': configMap('red') });
    const state = await finalState(sha);
    assert.match(state, /^failure: Nothing applied: manifests\/db\.sops\.yaml: cannot be decrypted: its MAC does not match its content/, state);
    assert.equal(await liveMode(), 'blue', 'the rest of the commit was not applied either');
  });

  it('fails the deployment when the file is encrypted to another environment\'s key', async () => {
    const forOther = await sopsEncrypt(secret(password), otherKey.recipient);
    const sha = await mergeIntoDev(github, repo, 'release-3', { 'manifests/db.sops.yaml': forOther, 'manifests/settings.yaml': configMap('green') });
    const state = await finalState(sha);
    assert.match(state, /^failure: Nothing applied: manifests\/db\.sops\.yaml: cannot be decrypted: none of the agent's age identities can decrypt it/, state);
    assert.equal(await liveMode(), 'blue');
  });

  it('fails the deployment when the key Secret is missing', async () => {
    await admin.request('DELETE', `/api/v1/namespaces/${agentNs}/secrets/ladder-sops-age`);
    const sha = await mergeIntoDev(github, repo, 'release-4', { 'manifests/db.sops.yaml': encrypted, 'manifests/settings.yaml': configMap('yellow') });
    const state = await finalState(sha);
    assert.match(state, new RegExp(`^failure: Nothing applied: manifests/db\\.sops\\.yaml: cannot be decrypted: the age key Secret ${agentNs}/ladder-sops-age does not exist`), state);
    assert.equal(await liveMode(), 'blue');
  });

  it('refuses a file named as encrypted that holds clear text, without repeating it', async () => {
    await putAgeKey(envKey);
    const sha = await mergeIntoDev(github, repo, 'release-5', { 'manifests/db.sops.yaml': secret(password), 'manifests/settings.yaml': configMap('orange') });
    const state = await finalState(sha);
    assert.match(state, /^failure: Nothing applied: manifests\/db\.sops\.yaml: is named as a SOPS-encrypted file but holds no SOPS metadata/, state);
    assert.equal(await liveMode(), 'blue');
    await assertNoValueAnywhere();
  });

  it('refuses an encrypted file that holds anything but Secrets (Ladder shows other kinds\' values)', async () => {
    const encryptedConfig = await sopsEncrypt(configMap(password).replace('name: settings', 'name: hidden'), envKey.recipient);
    const sha = await mergeIntoDev(github, repo, 'release-6', { 'manifests/db.sops.yaml': encrypted, 'manifests/hidden.sops.yaml': encryptedConfig });
    const state = await finalState(sha);
    assert.match(state, /^failure: Nothing applied: manifests\/hidden\.sops\.yaml:1: holds a ConfigMap; a SOPS-encrypted file may hold only v1 Secrets/, state);
    await assertNoValueAnywhere();
  });

  it('decrypts with every identity the key Secret holds, so files encrypted to the old key, the new one or both apply during a rotation', async () => {
    await putAgeKey(envKey, nextKey);
    const toNext = await sopsEncrypt(secret(rotatedPassword), nextKey.recipient);
    const toOld = await sopsEncrypt(secret(password).replace('name: db', 'name: cache'), envKey.recipient);
    const toBoth = await sopsEncrypt(secret(password).replace('name: db', 'name: queue'), `${envKey.recipient},${nextKey.recipient}`);
    assert.match(toBoth, new RegExp(`recipient: ${envKey.recipient}[^]*recipient: ${nextKey.recipient}`), 'one file, two recipients');
    const files = { 'manifests/db.sops.yaml': toNext, 'manifests/cache.sops.yaml': toOld, 'manifests/queue.sops.yaml': toBoth, 'manifests/hidden.sops.yaml': null, 'manifests/settings.yaml': configMap('violet') };
    const sha = await mergeIntoDev(github, repo, 'release-7', files);
    const state = await finalState(sha);
    assert.match(state, /^success: Applied 4 objects/, state);
    assert.deepEqual(await liveSecret(), { password: rotatedPassword, user });
    for (const other of ['cache', 'queue']) {
      const live = await admin.request<{ data: Record<string, string> }>('GET', `/api/v1/namespaces/${ns}/secrets/${other}`);
      assert.equal(Buffer.from(live.data.password!, 'base64').toString('utf8'), password, `${other} decrypted`);
    }
    assert.equal(await liveMode(), 'violet');

    // The old identity dropped before every file was re-encrypted: the file still only for it stops the commit.
    await putAgeKey(nextKey);
    const stuck = await mergeIntoDev(github, repo, 'release-8', { 'manifests/settings.yaml': configMap('indigo') });
    const refused = await finalState(stuck);
    assert.match(refused, /^failure: Nothing applied: manifests\/cache\.sops\.yaml: cannot be decrypted: none of the agent's age identities can decrypt it/, refused);
    assert.doesNotMatch(refused, /queue\.sops\.yaml|db\.sops\.yaml/, 'the files the new key opens are not blamed');
    assert.equal(await liveMode(), 'violet');
    await assertNoValueAnywhere();
  });
});
