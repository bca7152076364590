import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { annotationBatches, annotationsFor, findingsText } from '../../src/core/promotion/check-output.js';
import { promotionTitle, qualifyReferences, renderPromotionBody, type PromotionBodyInput } from '../../src/core/promotion/pull-request.js';
import { identityFromPatch, pullRequestNumberOf, summarizeResources } from '../../src/core/promotion/summary.js';
import { parseTrailers } from '../../src/core/promotion/trailers.js';
import type { Finding } from '../../src/core/findings.js';

const template = readFileSync(new URL('../../templates/pull-request/promotion.md.hbs', import.meta.url), 'utf8');
const sha = (c: string) => c.repeat(40);

function input(overrides: Partial<PromotionBodyInput> = {}): PromotionBodyInput {
  return {
    service: 'checkout',
    environment: 'stg',
    codeRepo: 'shop/checkout',
    manifestRepo: 'shop/checkout-manifests',
    envBranch: 'stg',
    image: { old: `r.example/checkout:${sha('a')}`, new: `r.example/checkout:${sha('b')}` },
    source: { old: sha('a'), new: sha('b') },
    commits: [
      { sha: sha('b'), title: 'Merge pull request #12 from shop/cart', author: 'dev', pullRequest: 12 },
      { sha: sha('c'), title: 'Fix <!-- sneaky --> title', author: 'dev' },
    ],
    totalCommits: 2,
    resources: [
      { change: 'added', kind: 'Ingress', name: 'checkout', path: 'ingress-checkout.yaml', additions: 20, deletions: 0 },
      { change: 'changed', kind: 'Deployment', name: 'checkout', path: 'deployment-checkout.yaml', additions: 2, deletions: 2 },
      { change: 'removed', kind: 'ConfigMap', name: 'old', path: 'configmap-old.yaml', additions: 0, deletions: 9 },
    ],
    validation: { findings: [], resources: 6, kubernetesVersion: '1.36.3' },
    supersedes: [sha('d')],
    reason: 'deployment',
    trailers: { service: 'checkout', environment: 'stg', sourceRepo: 'shop/checkout', sourceSha: sha('b'), image: `r.example/checkout:${sha('b')}`, supersedes: [sha('d')] },
    ...overrides,
  };
}

describe('promotion PR body', () => {
  it('says what is promoted, what changes, how it was checked and how to roll back, and ends with the trailers', () => {
    const body = renderPromotionBody(template, input());
    assert.match(body, /^## Promote `checkout` to `stg`/);
    assert.match(body, new RegExp(`\`r.example/checkout:${sha('a')}\` → \`r.example/checkout:${sha('b')}\``));
    // The body is on a manifest-repository PR: a bare #12 would link to that repository's #12.
    assert.match(body, /- bbbbbbb Merge pull request shop\/checkout#12 from shop\/cart \(shop\/checkout#12\) — dev/);
    assert.match(body, /\| added \| `Ingress\/checkout` \| \+20 −0 \|/);
    assert.match(body, /\| changed \| `Deployment\/checkout` \| \+2 −2 \|/);
    assert.match(body, /\| \*\*removed\*\* \| `ConfigMap\/old` \| \+0 −9 \|/);
    assert.match(body, /6 resources checked against Kubernetes 1\.36\.3: 0 errors, 0 warnings\./);
    assert.match(body, /replaces the promotion of `dddddddddddd`/);
    assert.match(body, /`\/ladder rollback stg`/);
    assert.match(body, /healthy deployment of this image/);
    assert.ok(body.endsWith('-->\n'));
    assert.deepEqual(parseTrailers(body), input().trailers);
  });

  it('names the code repository in the references of commit titles', () => {
    assert.equal(qualifyReferences('Fix #3 and #4 (#7)', 'shop/checkout'), 'Fix shop/checkout#3 and shop/checkout#4 (shop/checkout#7)');
    assert.equal(qualifyReferences('#5: start', 'shop/checkout'), 'shop/checkout#5: start');
    for (const unchanged of ['See shop/other#5', 'Port to C#9', 'Colour ##12', 'Entity &#123;', 'no refs here']) {
      assert.equal(qualifyReferences(unchanged, 'shop/checkout'), unchanged);
    }
  });

  it('escapes commit titles, so none can open an HTML comment and hide the trailers', () => {
    const body = renderPromotionBody(template, input());
    assert.match(body, /Fix &lt;!-- sneaky --&gt; title/);
    assert.equal(body.match(/<!--/g)?.length, 1);
  });

  it('says when the version on the environment is unknown, and when nothing changes', () => {
    const body = renderPromotionBody(template, input({ image: { new: 'r.example/checkout:x' }, source: { new: sha('b') }, commits: undefined, resources: [], supersedes: [] }));
    assert.match(body, /The version currently on `stg` is unknown/);
    assert.match(body, /No resource changes\./);
    assert.doesNotMatch(body, /Superseded/);
    assert.doesNotMatch(body, / → /);
  });

  it('stays under GitHub\'s body limit however many commits and resources there are', () => {
    const many = Array.from({ length: 400 }, (_, i) => ({ sha: sha('e'), title: `Change ${i} ${'x'.repeat(200)}` }));
    const resources = Array.from({ length: 400 }, (_, i) => ({ change: 'added' as const, kind: 'ConfigMap', name: `m${i}`, path: `m${i}.yaml`, additions: 5, deletions: 0 }));
    const body = renderPromotionBody(template, input({ commits: many, totalCommits: 400, resources }));
    assert.ok(body.length < 65536, `${body.length} characters`);
    assert.match(body, /… and 350 more/);
    assert.match(body, /\| … \| 300 more \| \|/);
    assert.ok(parseTrailers(body));
  });

  it('titles the PR with service, environment and short commit', () => {
    assert.equal(promotionTitle('checkout', 'prd', sha('f')), 'Promote checkout to prd (ffffffffffff)');
  });
});

describe('per-resource summary', () => {
  it('names resources from the render, removed ones from their deleted lines, and orders added, changed, removed', () => {
    const rows = summarizeResources(
      [
        { filename: 'svc/deployment-a.yaml', status: 'modified', additions: 1, deletions: 1, patch: '@@ -1 +1 @@\n-x\n+y' },
        { filename: 'svc/configmap-gone.yaml', status: 'removed', additions: 0, deletions: 6, patch: '@@ -1,6 +0,0 @@\n-apiVersion: v1\n-kind: ConfigMap\n-metadata:\n-  name: "gone-for-good"\n-  labels:\n-    name: other' },
        { filename: 'svc/service-a.yaml', status: 'added', additions: 4, deletions: 0 },
      ],
      new Map([
        ['svc/deployment-a.yaml', { kind: 'Deployment', name: 'a' }],
        ['svc/service-a.yaml', { kind: 'Service', name: 'a' }],
      ]),
    );
    assert.deepEqual(
      rows.map((r) => `${r.change} ${r.kind}/${r.name} +${r.additions} -${r.deletions}`),
      ['added Service/a +4 -0', 'changed Deployment/a +1 -1', 'removed ConfigMap/gone-for-good +0 -6'],
    );
    assert.deepEqual(identityFromPatch(undefined, '-'), undefined);
  });

  it('reads PR numbers from merge and squash commit messages', () => {
    assert.equal(pullRequestNumberOf('Merge pull request #42 from shop/feature\n\nAdd cart'), 42);
    assert.equal(pullRequestNumberOf('Add cart (#7)\n\n* wip'), 7);
    assert.equal(pullRequestNumberOf('Fix issue #7 in the cart'), undefined);
  });
});

describe('check-run output', () => {
  const finding = (line: number, severity: Finding['severity'] = 'warning'): Finding => ({
    file: 'svc/deployment-a.yaml',
    line,
    column: 3,
    kind: 'Deployment',
    name: 'a',
    rule: 'missing-required-labels',
    severity,
    message: 'no app.kubernetes.io/version',
    hint: 'Add the label.',
  });

  it('annotates findings at their file, line and column, in batches of 50', () => {
    const annotations = annotationsFor([finding(4), finding(0, 'error')], (file) => file);
    assert.deepEqual(annotations[0], {
      path: 'svc/deployment-a.yaml',
      start_line: 4,
      end_line: 4,
      start_column: 3,
      end_column: 3,
      annotation_level: 'warning',
      message: 'no app.kubernetes.io/version\nAdd the label.',
      title: 'missing-required-labels: Deployment/a',
    });
    assert.equal(annotations[1]?.start_line, 1, 'a whole-file finding goes on line 1');
    assert.equal(annotations[1]?.annotation_level, 'failure');
    const batches = annotationBatches(Array.from({ length: 120 }, (_, i) => annotations[i % 2]!));
    assert.deepEqual(batches.map((b) => b.length), [50, 50, 20]);
    assert.deepEqual(annotationBatches([]), [[]]);
    assert.deepEqual(annotationsFor([finding(2)], () => undefined), [], 'files outside the repository get no annotation');
  });

  it('lists findings with their locations for texts', () => {
    assert.equal(findingsText([finding(4)]), '- `svc/deployment-a.yaml:4:3` **warning** missing-required-labels (Deployment/a): no app.kubernetes.io/version');
    assert.match(findingsText(Array.from({ length: 5 }, () => finding(1)), 2), /… and 3 more$/);
  });
});
