// Issue 15 follow-up: a Helm chart with symbolic links, merged into a code repository on the GitHub
// bed (committed as git pushes links: mode 120000, the blob the target path) and promoted by the App
// with the real helm. A template that is a link to a file inside the chart renders as that file; one
// leading out of the chart fails the render check at the link, and nothing is promoted.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { annotationsOf, checkRunsOf, filesAt, pullsOf } from '../support/app-promotion.js';
import { environmentLines } from '../support/github-service.js';
import { useAppHarnessWithTools } from '../support/renderers/fixtures.js';

const config = ['service: atlas', 'image: registry.example.com/shop/atlas', 'manifests:', '  repo: shop/atlas-manifests', '  render: helm', '  helm: { chart: deploy/chart }', ...environmentLines('atlas'), ''].join('\n');
const configMap = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: atlas-shared\n  labels: { app.kubernetes.io/name: atlas, app.kubernetes.io/version: v1, app.kubernetes.io/managed-by: ladder }\ndata:\n  MODE: shared\n';

describe('App: symbolic links in a Helm chart read through GitHub', () => {
  const h = useAppHarnessWithTools();

  it('a link out of the chart fails the render at the link; a link inside renders its target', async () => {
    const { codeRepo, manifestRepo } = await h.createService({ service: 'atlas', config });
    const chart = { 'deploy/chart/Chart.yaml': 'apiVersion: v2\nname: atlas\nversion: 0.1.0\n', 'deploy/shared/configmap.yaml': configMap };
    const escaping = await h.mergePullRequest(codeRepo, { files: { ...chart, 'deploy/chart/templates/configmap.yaml': { symlink: '../../shared/configmap.yaml' } } });
    await h.settled();
    const failed = (await checkRunsOf(h, codeRepo, escaping.mergeSha)).filter((run) => run.conclusion === 'failure');
    assert.equal(failed.length, 1, JSON.stringify(failed.map((run) => run.output.title)));
    assert.equal(failed[0]!.output.title, 'Rendering for dev failed');
    assert.match(failed[0]!.output.summary ?? '', /deploy\/chart\/templates\/configmap\.yaml: is a symbolic link to something outside the directory; Ladder reads only files inside it/);
    assert.deepEqual((await annotationsOf(h, codeRepo, failed[0]!.id)).map((a) => a.path), ['deploy/chart/templates/configmap.yaml']);
    assert.equal((await pullsOf(h, manifestRepo, 'all')).length, 0, 'nothing is promoted');

    // The same file moved into the chart, the link pointing at it there: rendered by helm as the file.
    const inside = await h.mergePullRequest(codeRepo, { files: { 'deploy/shared/configmap.yaml': null, 'deploy/chart/files/configmap.yaml': configMap, 'deploy/chart/templates/configmap.yaml': { symlink: '../files/configmap.yaml' } } });
    await h.settled();
    const [pull] = await pullsOf(h, manifestRepo, 'all');
    assert.ok(pull, `promoted; check runs: ${JSON.stringify((await checkRunsOf(h, codeRepo, inside.mergeSha)).map((r) => r.output.summary))}`);
    assert.match(filesAt(h, manifestRepo, pull.head.sha).get('configmap-atlas-shared.yaml') ?? '', /\n {2}MODE: shared\n/);
  });
});
