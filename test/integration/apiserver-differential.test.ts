// Issue 14: Ladder's offline API-server rules against the real kube-apiserver (the oracle).
// - the CI subset of the differential test (bench/validate/differential; the full run is
//   `npm run bench:differential`): one mutation per validation site, a bounded number per kind;
// - the recorded answers the unit tests hold Ladder to (test/support/apiserver-cases.ts) are still
//   what the server answers;
// - each mistake of the issue is refused by the server, and accepted once fixed, offline and online.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { loadSchemaBundle } from '../../src/adapters/fs/schema-bundle.js';
import type { KubeClient } from '../../src/adapters/kube/client.js';
import { parseManifests } from '../../src/core/manifests/parse.js';
import type { SchemaBundle } from '../../src/core/validate/schema/bundle.js';
import { createSchemaValidator } from '../../src/core/validate/schema/index.js';
import { agreement, formatReport, loadSites, runDifferential } from '../../bench/validate/differential/differential.js';
import { serverVerdict, type Outcome } from '../../bench/validate/differential/judges.js';
import type { ControlPlane } from '../bed/kube/control-plane.js';
import { recordedAnswer, serverCases } from '../support/apiserver-cases.js';
import { useControlPlane } from '../support/control-plane.js';
import { apiServerMistakeFixes } from '../support/mistake-fixes.js';

let cluster: ControlPlane;
let client: KubeClient;
let bundle: SchemaBundle;
let namespace: string;
// As kubeadm, kind and managed clusters run it: privileged containers are allowed.
useControlPlane(async (plane) => {
  ({ cluster, client } = plane);
  bundle = await loadSchemaBundle();
  namespace = await cluster.newNamespace('differential');
}, { reuse: false, apiServerArgs: ['--allow-privileged=true'] });

const clusterScoped = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'PriorityClass', 'IngressClass']);

async function ask(object: Record<string, unknown>, name: string): Promise<Outcome> {
  const kind = String(object['kind']);
  return serverVerdict(client, { id: name, apiVersion: String(object['apiVersion']), kind, seed: '', site: '', path: [], mutation: '', object }, namespace, !clusterScoped.has(kind));
}

function answerOf(outcome: Outcome): string {
  if (outcome.verdict === 'accept') return 'accept';
  const match = /^(\d+) [A-Za-z]+: ([\s\S]*)$/.exec('reason' in outcome ? outcome.reason : '');
  return match ? recordedAnswer(Number(match[1]), match[2]!) : `(${outcome.verdict})`;
}

describe('Ladder against kube-apiserver', () => {
  it('agrees on the CI subset of the differential cases, and never refuses what the server accepts', async (t) => {
    const report = await runDifferential({ cluster, bundle, sites: loadSites(Number(bundle.kubernetesVersion.split('.')[1])), seed: 14, perField: 1, maxPerKind: 60 });
    const table = formatReport(report);
    t.diagnostic(`agreement with kube-apiserver ${report.kubernetesVersion}:\n${table}`);
    assert.deepEqual(report.refusedSeeds, [], 'every seed manifest is valid');
    assert.ok(report.total.ladder.cases >= 1000, `${report.total.ladder.cases} cases`);
    const falseRefusals = report.disagreements.filter((d) => d.judge === 'ladder' && d.server.verdict === 'accept');
    assert.deepEqual(falseRefusals.map((d) => `${d.id} ${d.path} ${d.mutation}`), [], table);
    assert.ok(agreement(report.total.ladder) >= 0.99, table);
  });

  it('answers today what test/support/apiserver-cases.ts recorded', async () => {
    const changed: string[] = [];
    for (const item of serverCases) {
      const answer = answerOf(await ask(structuredClone(item.object), item.name));
      if (answer !== item.server) changed.push(`${item.name}\n  recorded: ${item.server}\n  now:      ${answer}`);
    }
    assert.deepEqual(changed, []);
  });

  const fixes = apiServerMistakeFixes;
  for (const [file, fix] of Object.entries(fixes)) {
    it(`${file}: refused by the server and by Ladder offline; both accept it fixed`, async () => {
      const text = readFileSync(new URL(`../fixtures/mistakes/${file}`, import.meta.url), 'utf8');
      const fixed = fix(text);
      assert.notEqual(fixed, text, 'the fix changes the file');
      const validator = createSchemaValidator(bundle);
      for (const [version, content, expected] of [['as written', text, 'refuse'], ['fixed', fixed, 'accept']] as const) {
        const documents = parseManifests(content, file).documents;
        const errors = validator.validate(documents).filter((f) => f.severity === 'error' && (f.rule === 'apiserver' || f.rule === 'schema'));
        assert.equal(errors.length === 0 ? 'accept' : 'refuse', expected, `Ladder, ${version}: ${errors.map((f) => f.message).join('; ')}`);
        const server = await ask(documents[0]!.object, `${file} ${version}`);
        assert.equal(server.verdict, expected, `kube-apiserver, ${version}: ${'reason' in server ? server.reason : ''}`);
      }
    });
  }
});
