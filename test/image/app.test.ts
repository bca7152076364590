import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startGitHubServer, type GitHubServer } from '../bed/github/index.js';
import { runToolOrFail } from '../bed/image/containers.js';
import { repoRoot } from '../bed/image/inputs.js';
import { containerFromDeployment } from '../bed/image/pod.js';
import { currentImage, runOnce, startContainer, type RunningContainer } from '../bed/image/run.js';
import { reserveLoopbackPorts } from '../bed/kube/ports.js';
import { eventually } from '../support/agent/log.js';
import { generateAgeKey, sopsEncrypt } from '../support/sops.js';
import { buildOverlay, only, parseObjects } from '../support/deploy/overlays.js';
import { deliveryWithWrongSignature, probe, promotionFromSignedWebhook, waitUntilReady } from '../support/ladder-app.js';

// Issue 13, "Done when": the image CI built from the Dockerfile runs the App
// as deploy/overlays/app's Deployment says (its args, variables, Secret files,
// user and security context); it answers its health endpoints and a signed
// webhook from the GitHub test bed.

let image: string;
let github: GitHubServer;
before(async () => {
  image = await currentImage();
  github = await startGitHubServer();
});
after(() => github?.stop());

describe('the image', () => {
  it('runs Node 24 as uid 1000 under tini, with production dependencies only and no package manager', async () => {
    const config = JSON.parse(await runToolOrFail('podman', ['image', 'inspect', '--format', '{{json .Config}}', image])) as { User: string; Entrypoint: string[]; Cmd: string[]; Env: string[] };
    assert.equal(config.User, '1000:1000');
    assert.deepEqual(config.Entrypoint, ['/usr/bin/tini', '--', 'ladder']);
    assert.ok(config.Env.includes('NODE_ENV=production'), config.Env.join(' '));

    // npm's lockfile marks each package needed only for development `dev: true`.
    const lock = JSON.parse(await readFile(join(repoRoot, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean; optional?: boolean }> };
    const installed = Object.entries(lock.packages).filter(([path]) => path.startsWith('node_modules/'));
    const devOnly = installed.filter(([, entry]) => entry.dev).map(([path]) => path);
    const production = installed.filter(([, entry]) => !entry.dev && !entry.optional).map(([path]) => path);
    assert.ok(devOnly.includes('node_modules/typescript') && production.includes('node_modules/probot'), 'the lockfile tells them apart');
    const script = `
      const { existsSync } = require('node:fs');
      const present = (path) => existsSync('/app/' + path + '/package.json');
      console.log(JSON.stringify({
        node: process.versions.node, uid: process.getuid(), gid: process.getgid(),
        missing: ${JSON.stringify(production)}.filter((path) => !present(path)),
        devOnly: ${JSON.stringify(devOnly)}.filter(present),
        npm: existsSync('/usr/local/bin/npm') || existsSync('/usr/local/lib/node_modules/npm'),
      }));`;
    const facts = await runOnce(image, { entrypoint: 'node', args: ['-e', script] });
    assert.equal(facts.code, 0, facts.output);
    const parsed = JSON.parse(facts.output) as { node: string; uid: number; gid: number; missing: string[]; devOnly: string[]; npm: boolean };
    assert.match(parsed.node, /^24\./);
    assert.deepEqual({ ...parsed, node: undefined }, { node: undefined, uid: 1000, gid: 1000, missing: [], devOnly: [], npm: false });

    const help = await runOnce(image, { args: [] });
    assert.equal(help.code, 0, 'without arguments the image runs `ladder --help`');
    assert.match(help.output, /Commands:[\s\S]*\bapp\b[\s\S]*\bagent\b/);
  });

  it('carries the sops the agent decrypts with (docs/secrets.md): it decrypts what the pinned sops encrypted, read-only, as uid 1000', async () => {
    const key = generateAgeKey();
    const encrypted = await sopsEncrypt('apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  password: from-the-image\n', key.recipient);
    const result = await runOnce(image, {
      entrypoint: 'sh',
      args: ['-c', 'printf "%s" "$FILE" | sops decrypt --input-type yaml --output-type yaml'],
      env: { FILE: encrypted, SOPS_AGE_KEY: key.identity, SOPS_DISABLE_VERSION_CHECK: '1' },
    });
    assert.equal(result.code, 0, result.output);
    assert.match(result.output, /^ {4}password: from-the-image$/m);
  });

  it('carries the helm and kustomize the App renders with (docs/renderers.md), at the versions build-binaries.sh pins, runnable as uid 1000 on a read-only root', async () => {
    const pins = await readFile(join(repoRoot, 'test/bed/build-binaries.sh'), 'utf8');
    const pinned = (name: string) => new RegExp(`${name}_VERSION="\\$\\{LADDER_${name}_VERSION:-(v[\\d.]+)\\}"`).exec(pins)?.[1];
    const helmPin = pinned('HELM');
    const kustomizePin = pinned('KUSTOMIZE');
    assert.ok(helmPin && kustomizePin, 'build-binaries.sh pins both');
    // One container for both (each run costs seconds); `set -e` makes either failing fail the run.
    const result = await runOnce(image, { entrypoint: 'sh', args: ['-c', 'set -e; helm version --short; echo ---; kustomize version'], env: { HOME: '/tmp' } });
    assert.equal(result.code, 0, result.output);
    const [helm = '', kustomize = ''] = result.output.split('---\n');
    assert.match(helm, new RegExp(`^${helmPin.replaceAll('.', '\\.')}(?:\\+\\S*)?$`, 'm'));
    assert.equal(kustomize.trim(), kustomizePin);
  });

  describe("ladder app, started from deploy/overlays/app's Deployment", () => {
    let app: RunningContainer;
    let url: string;
    before(async () => {
      const objects = parseObjects(await buildOverlay('overlays/app'));
      const [port] = (await reserveLoopbackPorts(1)) as [number];
      url = `http://127.0.0.1:${port}`;
      const pod = await containerFromDeployment(only(objects, 'Deployment'), {
        // The Secret docs/deploy.md tells you to create.
        secrets: {
          'ladder-app': { 'app-id': String(github.app.id), 'webhook-secret': github.app.webhookSecret, 'private-key.pem': github.app.privateKey },
          // The image gate's registry credentials (docs/deploy.md): every image public here.
          'ladder-app-registry': { '.dockerconfigjson': '{"auths":{}}' },
        },
        configMaps: [],
        fields: {},
        // What the test bed changes: the GitHub API, and a free port on the shared host network.
        override: { LADDER_GITHUB_API_URL: github.url, HOST: '127.0.0.1', PORT: String(port) },
      });
      assert.deepEqual({ args: pod.args, user: pod.user, readOnly: pod.readOnlyRootFilesystem, dropAll: pod.dropAll }, { args: ['app'], user: '1000:1000', readOnly: true, dropAll: true });
      app = startContainer(image, pod);
    });
    after(() => app?.remove());

    it('answers /healthz, and /readyz once GitHub accepted its key', async () => {
      await eventually(() => probe(`${url}/healthz`).then((a) => a.status === 200, () => false), '/healthz from the container', 60_000, 200).catch((error: Error) => {
        throw new Error(`${error.message}\n${app.output()}`);
      });
      await waitUntilReady(url);
    });

    it('turns a signed webhook from the GitHub test bed into a promotion pull request, and refuses a wrong signature with 401', async () => {
      const title = await promotionFromSignedWebhook(github, `${url}/api/github/webhooks`, 'boxed');
      assert.match(title, /boxed.*dev/i);
      assert.equal(await deliveryWithWrongSignature(`${url}/api/github/webhooks`), 401);
    });

    it('runs as uid 1000 under tini as PID 1, on a root filesystem it cannot write', async () => {
      const pid1 = await app.exec(['cat', '/proc/1/cmdline']);
      assert.deepEqual(pid1.stdout.split('\0').filter(Boolean), ['/usr/bin/tini', '--', 'ladder', 'app']);
      assert.equal((await app.exec(['id', '-u'])).stdout.trim(), '1000');
      const write = await app.exec(['touch', '/app/written']);
      assert.notEqual(write.code, 0);
      assert.match(write.stderr, /Read-only file system/);
    });

    it('on SIGTERM (through tini) turns not ready, stops, and exits 0', async () => {
      const code = await app.stop();
      assert.equal(code, 0, app.output());
      assert.match(app.output(), /"msg":"ladder app stopped"/);
      assert.match(app.output(), /ladder app: SIGTERM received, shutting down/);
      assert.ok(!app.output().includes(github.app.webhookSecret), 'the webhook secret reached the logs');
    });
  });
});
