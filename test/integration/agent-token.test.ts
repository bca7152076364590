import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CoreV1Api, RbacAuthorizationV1Api } from '@kubernetes/client-node';
import { Octokit } from '@octokit/rest';
import { SignJWT, decodeJwt, importPKCS8 } from 'jose';
import { parse, stringify } from 'yaml';
import { VendedTokenSource } from '../../src/agent/wiring/vended-token.js';
import { connectAgentGitHub } from '../../src/agent/wiring/github.js';
import type { ControlPlane } from '../bed/kube/control-plane.js';
import { useControlPlane } from '../support/control-plane.js';
import { grantingServicesFile, defaultServiceConfig, startAppHarness, type AppHarness } from '../support/app-harness.js';

/**
 * Item 3 of issue #11: the agent pod holds no credential that can mint a
 * wider one. It proves who it is with a service-account token the real
 * kube-apiserver issues (TokenRequest, audience `ladder`); the App checks it
 * against the cluster's published keys (/openid/v1/jwks) and the `agents`
 * grant of .ladder/services.yml, and hands out an installation token limited
 * to the one manifest repository with contents: read and deployments,
 * statuses and checks: write. The GitHub test bed enforces that scope, so a
 * push with it is refused.
 */
let cluster: ControlPlane;
let harness: AppHarness;
let dir: string;
let issuer: string;
let agentNamespace: string;
const manifestRepo = 'shop/checkout-manifests';
const [owner, repo] = manifestRepo.split('/') as [string, string];

async function serviceAccountToken(name: string, audiences: string[]): Promise<string> {
  const core = cluster.kubeConfig.makeApiClient(CoreV1Api);
  await core.createNamespacedServiceAccount({ namespace: agentNamespace, body: { metadata: { name } } }).catch(() => undefined);
  const answer = await core.createNamespacedServiceAccountToken({ namespace: agentNamespace, name, body: { spec: { audiences, expirationSeconds: 3600 } } });
  return answer.status!.token!;
}

async function tokenFile(name: string, token: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, token);
  return path;
}

const appUrl = () => new URL(harness.appUrl).origin;

async function ask(identity: string, repository = manifestRepo): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${appUrl()}/api/ladder/agent-token`, {
    method: 'POST',
    headers: { authorization: `Bearer ${identity}`, 'content-type': 'application/json' },
    body: JSON.stringify({ repository }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

useControlPlane(
  async (plane) => {
    cluster = plane.cluster;
    dir = await mkdtemp(join(tmpdir(), 'ladder-agent-token-'));
    agentNamespace = await cluster.newNamespace('ladder-system');
    // As a cluster that publishes its keys does: anyone may read the issuer's discovery document and keys.
    await cluster.kubeConfig.makeApiClient(RbacAuthorizationV1Api).createClusterRoleBinding({
      body: {
        metadata: { name: `oidc-reviewer-${agentNamespace}` },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:service-account-issuer-discovery' },
        subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'system:unauthenticated' }],
      },
    });
    issuer = decodeJwt(await serviceAccountToken('ladder-agent', ['ladder'])).iss!;
    const ca = Buffer.from(cluster.kubeConfig.getCurrentCluster()!.caData!, 'base64').toString('utf8');
    harness = await startAppHarness({ agentIssuers: { ca } });
    const grants = parse(grantingServicesFile(['shop/checkout', defaultServiceConfig('checkout', manifestRepo)]));
    grants.agents = {
      'dev-cluster': { issuer, subject: `system:serviceaccount:${agentNamespace}:ladder-agent`, jwksUri: `${cluster.server}/openid/v1/jwks`, environments: ['dev'] },
    };
    await harness.createService({ services: stringify(grants) });
    await harness.createService({ service: 'cart', services: null });
  },
  { beforeStop: () => harness?.stop() },
);

describe('the agent\'s GitHub token, handed out by the App', () => {
  it('is limited to its manifest repository: it reads the branch and reports a deployment, a status and a check run; a push, a pull request and another repository are refused', async () => {
    const identityTokenPath = await tokenFile('agent', await serviceAccountToken('ladder-agent', ['ladder']));
    const source = new VendedTokenSource({ appUrl: appUrl(), repository: manifestRepo, identityTokenPath });
    const vended = await source.fresh();
    assert.deepEqual(vended.permissions, { contents: 'read', deployments: 'write', statuses: 'write', checks: 'write' });
    assert.deepEqual(vended.environments, ['dev']);
    assert.equal(vended.login, `${harness.github.app.slug}[bot]`, 'what it writes is the App bot\'s, which the agent then trusts as its own');
    assert.ok(vended.expiresAt > Date.now() + 50 * 60_000, 'an hour-long installation token');

    // The agent's own wiring, with appUrl: reads its branch through the port.
    const port = await connectAgentGitHub({ apiUrl: harness.github.url, appUrl: appUrl(), identityTokenPath }, {}, manifestRepo);
    const head = await port.manifestRepo({ owner, repo }).branchHead('dev');
    assert.match(head ?? '', /^[0-9a-f]{40}$/);

    const github = new Octokit({ baseUrl: harness.github.url, auth: vended.token });
    const deployment = await github.rest.repos.createDeployment({ owner, repo, ref: head!, environment: 'dev', auto_merge: false, required_contexts: [] });
    assert.equal(deployment.status, 201);
    assert.equal((await github.rest.repos.createCommitStatus({ owner, repo, sha: head!, state: 'success', context: 'ladder/agent' })).status, 201);
    assert.equal((await github.rest.checks.create({ owner, repo, head_sha: head!, name: 'ladder/apply', status: 'completed', conclusion: 'success' })).status, 201);

    const refused = async (call: Promise<unknown>) => (await call.then(() => 200, (error: { status?: number }) => error.status ?? 0)) as number;
    const blob = await github.rest.git.getCommit({ owner, repo, commit_sha: head! });
    assert.equal(await refused(github.rest.git.createCommit({ owner, repo, message: 'pushed by a pod', tree: blob.data.tree.sha, parents: [head!] })), 403, 'a commit');
    assert.equal(await refused(github.rest.git.updateRef({ owner, repo, ref: 'heads/dev', sha: head!, force: true })), 403, 'a push to dev');
    assert.equal(
      await refused(github.rest.repos.createOrUpdateFileContents({ owner, repo, path: 'checkout/evil.yaml', branch: 'prd', message: 'x', content: Buffer.from('kind: ClusterRoleBinding').toString('base64') })),
      403,
      'a file written to prd',
    );
    assert.equal(await refused(github.rest.pulls.create({ owner, repo, head: 'dev', base: 'prd', title: 'promote myself' })), 403, 'a pull request');
    assert.equal(await refused(github.rest.repos.get({ owner: 'shop', repo: 'checkout' })), 404, 'the code repository is out of its reach');
    assert.equal(await refused(github.rest.repos.get({ owner: 'shop', repo: 'cart-manifests' })), 404, 'another manifest repository too');
    assert.equal(await refused(github.rest.apps.createInstallationAccessToken({ installation_id: harness.github.installations.idFor(manifestRepo) })), 401, 'it mints nothing');
  });

  it('is refused to a service account not granted, a token meant for another audience, a forged token and a repository without grants, each saying why', async () => {
    const stranger = await ask(await serviceAccountToken('intruder', ['ladder']));
    assert.equal(stranger.status, 403);
    assert.match(String(stranger.body.message), new RegExp(`no agent of ${manifestRepo} is system:serviceaccount:${agentNamespace}:intruder of issuer ${issuer}: add it under agents: in \\.ladder/services\\.yml`));

    const otherAudience = await ask(await serviceAccountToken('ladder-agent', ['https://kubernetes.default.svc']));
    assert.equal(otherAudience.status, 401);
    assert.match(String(otherAudience.body.message), /the service-account token was refused: its aud claim/);

    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const forged = await new SignJWT({})
      .setProtectedHeader({ alg: 'RS256', kid: 'forged' })
      .setIssuer(issuer)
      .setSubject(`system:serviceaccount:${agentNamespace}:ladder-agent`)
      .setAudience('ladder')
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(await importPKCS8(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), 'RS256'));
    const forgery = await ask(forged);
    assert.equal(forgery.status, 401);
    assert.match(String(forgery.body.message), /the service-account token was refused: no key of the issuer signed it/);

    const ungranted = await ask(await serviceAccountToken('ladder-agent', ['ladder']), 'shop/cart-manifests');
    assert.equal(ungranted.status, 403);
    assert.match(String(ungranted.body.message), /shop\/cart-manifests has no \.ladder\/services\.yml on its default branch/);

    const noBearer = await fetch(`${appUrl()}/api/ladder/agent-token`, { method: 'POST', body: '{}' });
    assert.equal(noBearer.status, 401);
    assert.ok(!harness.logs.some((line) => line.includes('ghs_')), 'a token reached the log');
  });
});
