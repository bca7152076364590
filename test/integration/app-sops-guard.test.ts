// Issue 15 follow-up: a Helm or Kustomize render that holds a resource which is also a Secret of a
// SOPS-encrypted file on the environment branch is refused before anything is written, as a
// Handlebars one would be: the agent would apply both, and one would overwrite the other. Real helm,
// kustomize and sops, the App against the GitHub bed. Renamed, the same render is promoted, and the
// encrypted file stays as it was.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { annotationsOf, checkRunsOf, filesAt, pullsOf } from '../support/app-promotion.js';
import { commandHelpers } from '../support/command-comments.js';
import { environmentLines } from '../support/github-service.js';
import { useAppHarnessWithTools } from '../support/renderers/fixtures.js';
import { generateAgeKey, sopsEncrypt } from '../support/sops.js';

const key = generateAgeKey();
const labels = (service: string) => `  labels: { app.kubernetes.io/name: ${service}, app.kubernetes.io/version: v1, app.kubernetes.io/managed-by: ladder }`;
const secret = (service: string, name: string) => `apiVersion: v1\nkind: Secret\nmetadata:\n  name: ${name}\n${labels(service)}\ntype: Opaque\nstringData:\n  password: rendered-in-clear\n`;
const configMap = (service: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${service}\n${labels(service)}\ndata:\n  MODE: fast\n`;
const config = (service: string, manifests: string) =>
  [`service: ${service}`, `image: registry.example.com/shop/${service}`, 'manifests:', `  repo: shop/${service}-manifests`, ...manifests.split('\n').map((l) => `  ${l}`), ...environmentLines(service), ''].join('\n');

describe('App: a Helm or Kustomize render may not redefine an encrypted Secret of its branch', () => {
  const h = useAppHarnessWithTools();

  const cases = [
    {
      render: 'helm',
      service: 'wallet',
      manifests: 'render: helm\nhelm: { chart: deploy/chart }',
      file: 'deploy/chart/templates/secret.yaml',
      files: (name: string): Record<string, string> => ({
        'deploy/chart/Chart.yaml': 'apiVersion: v2\nname: wallet\nversion: 0.1.0\n',
        'deploy/chart/templates/configmap.yaml': configMap('wallet'),
        'deploy/chart/templates/secret.yaml': secret('wallet', name),
      }),
    },
    {
      render: 'kustomize',
      service: 'ledger',
      manifests: 'render: kustomize\nkustomize: { root: deploy }',
      file: 'deploy/overlays/dev',
      files: (name: string): Record<string, string> => ({
        'deploy/base/kustomization.yaml': 'resources:\n- configmap.yaml\n- secret.yaml\n',
        'deploy/base/configmap.yaml': configMap('ledger'),
        'deploy/base/secret.yaml': secret('ledger', name),
        'deploy/overlays/dev/kustomization.yaml': 'resources:\n- ../../base\n',
      }),
    },
  ] as const;

  for (const c of cases) {
    it(`${c.render}: refused at ${c.file} while the branch's ${c.service}-db.sops.yaml holds Secret ${c.service}-db; promoted once renamed`, async () => {
      const { codeRepo, manifestRepo } = await h.createService({ service: c.service, config: config(c.service, c.manifests) });
      const sopsPath = `${c.service}-db.sops.yaml`;
      const encrypted = await sopsEncrypt(`apiVersion: v1\nkind: Secret\nmetadata:\n  name: ${c.service}-db\n${labels(c.service)}\ntype: Opaque\nstringData:\n  password: kept-encrypted\n`, key.recipient);
      await h.github.seed.commitFiles(manifestRepo, 'dev', { [sopsPath]: encrypted }, { silent: true, message: `${c.service}: database credentials for dev` });

      // Before the merge, /ladder diff on the pull request says what the merge would say.
      const helpers = commandHelpers(h);
      const open = await helpers.openPull(codeRepo, { files: c.files(`${c.service}-db`) });
      await helpers.comment(codeRepo, open, 'dev', '/ladder diff');
      const [reply] = await helpers.replies(codeRepo, open);
      assert.ok((reply ?? '').includes(`cannot compare — ${c.file}: Secret/${c.service}-db is also defined by ${sopsPath}`), reply);

      const refused = await h.mergePullRequest(codeRepo, { files: c.files(`${c.service}-db`) });
      await h.settled();
      const failed = (await checkRunsOf(h, codeRepo, refused.mergeSha)).filter((run) => run.conclusion === 'failure');
      assert.equal(failed.length, 1, JSON.stringify(failed.map((run) => run.output.title)));
      assert.equal(failed[0]!.output.title, 'Rendering for dev failed');
      assert.ok(
        (failed[0]!.output.summary ?? '').includes(`${c.file}: Secret/${c.service}-db is also defined by ${sopsPath}, a SOPS-encrypted file on the environment branch; the agent would apply both and one would overwrite the other`),
        failed[0]!.output.summary ?? '',
      );
      if (c.render === 'helm') assert.deepEqual((await annotationsOf(h, codeRepo, failed[0]!.id)).map((a) => a.path), [c.file], 'annotated at the chart template');
      assert.equal((await pullsOf(h, manifestRepo, 'all')).length, 0, 'nothing is promoted');

      const renamed = await h.mergePullRequest(codeRepo, { files: c.files(`${c.service}-extra`) });
      await h.settled();
      const [pull] = await pullsOf(h, manifestRepo, 'all');
      assert.ok(pull, `a promotion once renamed; check runs: ${JSON.stringify((await checkRunsOf(h, codeRepo, renamed.mergeSha)).map((r) => r.output.summary))}`);
      const files = filesAt(h, manifestRepo, pull.head.sha);
      assert.ok(files.has(`secret-${c.service}-extra.yaml`));
      assert.equal(files.get(sopsPath), encrypted, 'the encrypted file is kept byte for byte');
    });
  }
});
