import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { computeManifestChanges, gitBlobSha, isOwnedManifest, manifestPath } from '../../src/core/promotion/changes.js';

describe('manifest changes', () => {
  it('computes blob ids exactly as git does', () => {
    for (const content of ['', 'kind: ConfigMap\n', 'ünïcode: "✓"\n']) {
      const fromGit = execFileSync('git', ['hash-object', '--stdin'], { input: content, encoding: 'utf8' }).trim();
      assert.equal(gitBlobSha(content), fromGit);
    }
  });

  it('writes only new and changed files, and deletes owned files that were not rendered', () => {
    const existing = new Map([
      ['svc/deployment-a.yaml', gitBlobSha('same\n')],
      ['svc/service-a.yaml', gitBlobSha('old\n')],
      ['svc/ingress-a.yaml', gitBlobSha('gone\n')],
      ['svc/README.md', gitBlobSha('readme\n')],
      ['svc/nested/other.yaml', gitBlobSha('other tool\n')],
      ['elsewhere/x.yaml', gitBlobSha('x\n')],
    ]);
    const changes = computeManifestChanges(
      [
        { path: 'deployment-a.yaml', content: 'same\n' },
        { path: 'service-a.yaml', content: 'new\n' },
        { path: 'configmap-a.yaml', content: 'added\n' },
      ],
      existing,
      'svc',
    );
    assert.deepEqual(changes.added, ['svc/configmap-a.yaml']);
    assert.deepEqual(changes.modified, ['svc/service-a.yaml']);
    assert.deepEqual(changes.removed, ['svc/ingress-a.yaml']);
    assert.deepEqual(changes.edits, [
      { path: 'svc/service-a.yaml', mode: '100644', type: 'blob', content: 'new\n' },
      { path: 'svc/configmap-a.yaml', mode: '100644', type: 'blob', content: 'added\n' },
      { path: 'svc/ingress-a.yaml', mode: '100644', type: 'blob', sha: null },
    ]);
  });

  it('is empty when the branch already holds the render', () => {
    const files = [{ path: 'a.yaml', content: 'a\n' }];
    assert.deepEqual(computeManifestChanges(files, new Map([['a.yaml', gitBlobSha('a\n')], ['README.md', 'x']]), '').edits, []);
  });

  it('owns only manifest files directly in the service directory (or the root)', () => {
    assert.equal(manifestPath('', 'a.yaml'), 'a.yaml');
    assert.equal(manifestPath('apps/x/', 'a.yaml'), 'apps/x/a.yaml');
    assert.ok(isOwnedManifest('', 'a.yaml'));
    assert.ok(!isOwnedManifest('', 'README.md'));
    assert.ok(!isOwnedManifest('', 'dir/a.yaml'));
    assert.ok(isOwnedManifest('apps/x', 'apps/x/a.json'));
    assert.ok(!isOwnedManifest('apps/x', 'apps/xy/a.yaml'));
  });
});
