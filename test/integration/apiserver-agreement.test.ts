// Ladder validates offline, so its verdicts are only worth what they agree
// with the real API server. Against the test bed's kube-apiserver (the same
// release as the newest bundled schemas) this file checks that:
// - what the default templates render is accepted by server-side apply;
// - every valid fixture is accepted, and every document Ladder calls
//   schema-invalid is refused by the server;
// - the bundle knows every kind the server serves, with the same scope.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { ApiException, ApiextensionsV1Api, CoreV1Api, KubernetesObjectApi, PatchStrategy, type KubernetesObject } from '@kubernetes/client-node';
import { type KubeClient } from '../../src/adapters/kube/client.js';
import { loadSchemaBundle } from '../../src/adapters/fs/schema-bundle.js';
import { readTemplates } from '../../src/adapters/fs/templates.js';
import type { KubeObject, ManifestDocument } from '../../src/core/manifests/document.js';
import { parseManifests } from '../../src/core/manifests/parse.js';
import { renderEnvironment } from '../../src/core/render/render.js';
import type { SchemaBundle } from '../../src/core/validate/schema/bundle.js';
import { createSchemaValidator } from '../../src/core/validate/schema/validator.js';
import type { ControlPlane } from '../bed/kube/control-plane.js';
import { useControlPlane } from '../support/control-plane.js';
import { exampleConfig, sha } from '../fixtures/templates/render-input.js';

const fixtures = new URL('../fixtures/manifests/', import.meta.url);

let cluster: ControlPlane;
let bundle: SchemaBundle;
let kube: KubeClient;
useControlPlane(async (plane) => {
  ({ cluster, client: kube } = plane);
  bundle = await loadSchemaBundle();
});

function documentsIn(dir: string): ManifestDocument[] {
  const path = new URL(`${dir}/`, fixtures);
  return readdirSync(path)
    .sort()
    .flatMap((name) => parseManifests(readFileSync(new URL(name, path)), `${dir}/${name}`).documents);
}

function isNamespaced(object: KubeObject): boolean {
  const [apiVersion, kind] = [String(object.apiVersion), String(object.kind)];
  return createSchemaValidator(bundle).isNamespaced(apiVersion, kind) ?? true;
}

/** Server-side apply as dry run: the server validates and defaults the object, and stores nothing. */
async function dryRunApply(object: KubeObject, namespace: string): Promise<void> {
  const copy = structuredClone(object) as KubernetesObject;
  if (isNamespaced(object)) copy.metadata = { ...copy.metadata, namespace };
  await KubernetesObjectApi.makeApiClient(cluster.kubeConfig).patch(copy, undefined, 'All', 'ladder', true, PatchStrategy.ServerSideApply);
}

async function refusal(object: KubeObject, namespace: string): Promise<string | undefined> {
  try {
    await dryRunApply(object, namespace);
    return undefined;
  } catch (error) {
    return error instanceof ApiException ? `${error.code}: ${String(error.body).slice(0, 300)}` : String(error);
  }
}

const describeObject = (doc: ManifestDocument) => `${doc.file} #${doc.index + 1} ${String(doc.object.kind)}/${String((doc.object.metadata as { name?: unknown } | undefined)?.name)}`;

describe('the API server accepts what Ladder accepts', () => {
  test('the default templates, rendered for every environment of the example service', async () => {
    const templates = await readTemplates();
    const config = exampleConfig();
    for (const environment of config.environments) {
      await cluster.kubeConfig.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: environment.namespace } } });
      const files = renderEnvironment({ config, environment: environment.name, sha, templates });
      assert.ok(files.length >= 5);
      for (const file of files) {
        const [doc] = parseManifests(file.content, file.path).documents;
        assert.equal(await refusal(doc!.object, environment.namespace), undefined, `${environment.name}: ${file.path}`);
      }
    }
  });

  test('every valid fixture, custom resources included once their CRD is installed', async () => {
    const namespace = await cluster.newNamespace('valid');
    const documents = documentsIn('valid');
    const crds = documents.filter((doc) => doc.object.kind === 'CustomResourceDefinition');
    assert.ok(crds.length > 0, 'the valid corpus has a CRD');
    for (const crd of crds) await request('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd.object);
    await waitForEstablished(crds.map((crd) => String((crd.object.metadata as { name: string }).name)));
    for (const doc of documents.filter((d) => d.object.kind !== 'CustomResourceDefinition')) {
      assert.equal(await refusal(doc.object, namespace), undefined, describeObject(doc));
    }
  });
});

describe('the API server refuses what Ladder refuses', () => {
  test('every document with a schema error in the invalid corpus', async () => {
    const namespace = await cluster.newNamespace('invalid');
    const documents = documentsIn('invalid');
    const validator = createSchemaValidator(bundle, { unknownKinds: 'error' });
    // The invalid corpus's custom resource needs its CRD from the valid corpus to be judged by the server.
    const crdFindings = validator.validate(documentsIn('valid').filter((doc) => doc.object.kind === 'CustomResourceDefinition'));
    assert.deepEqual(crdFindings, []);
    const findings = validator.validate(documents);
    const refused = documents.filter((doc) => findings.some((f) => f.severity === 'error' && f.file === doc.file && f.line >= doc.start.line && belongsTo(f.line, doc, documents)));
    assert.ok(refused.length >= 10, `only ${refused.length} invalid documents found`);
    for (const doc of refused) {
      assert.notEqual(await refusal(doc.object, namespace), undefined, `the API server accepted ${describeObject(doc)}, which Ladder refuses`);
    }
  });
});

describe('the bundled schemas match the API server', () => {
  test(`every kind the server serves is in the bundle for its version, with the same scope`, async () => {
    const served = await servedKinds();
    assert.ok(served.length > 60, `only ${served.length} kinds served`);
    const mismatches: string[] = [];
    for (const { apiVersion, kind, namespaced } of served) {
      const known = bundle.kinds[apiVersion]?.[kind];
      if (!known) mismatches.push(`${apiVersion} ${kind}: missing from the bundle`);
      else if (known.namespaced !== namespaced) mismatches.push(`${apiVersion} ${kind}: bundle says namespaced=${known.namespaced}`);
    }
    assert.deepEqual(mismatches, []);
  });
});

/** The document a finding's line falls in: the last document starting at or before it. */
function belongsTo(line: number, doc: ManifestDocument, all: readonly ManifestDocument[]): boolean {
  const sameFile = all.filter((d) => d.file === doc.file && d.start.line <= line);
  return sameFile.at(-1) === doc;
}

async function waitForEstablished(names: readonly string[]): Promise<void> {
  const api = cluster.kubeConfig.makeApiClient(ApiextensionsV1Api);
  const deadline = Date.now() + 20_000;
  for (const name of names) {
    for (;;) {
      const crd = await api.readCustomResourceDefinition({ name });
      if (crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')) break;
      if (Date.now() > deadline) assert.fail(`CRD ${name} not established`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

interface ServedKind {
  apiVersion: string;
  kind: string;
  namespaced: boolean;
}

/**
 * A request to the API server with the raw JSON body, through the agent's
 * client (src/adapters/kube): client-node's typed serializer drops keys whose
 * JSON names differ from its model's property names — `x-kubernetes-int-or-string`
 * in a CRD schema among them.
 */
async function request(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
  return kube.request(method, path, body === undefined ? {} : { body });
}

/** Discovery, read directly: every group version the server serves and the kinds of its top-level resources. */
async function servedKinds(): Promise<ServedKind[]> {
  // Groups that CRDs (installed by other tests in this file) add are not built in.
  const crds = (await request('GET', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions')) as { items: { spec: { group: string } }[] };
  const customGroups = new Set(crds.items.map((crd) => crd.spec.group));
  const groupVersions = ['v1'];
  const groups = (await request('GET', '/apis')) as { groups: { name: string; versions: { groupVersion: string }[] }[] };
  for (const group of groups.groups.filter((g) => !customGroups.has(g.name))) groupVersions.push(...group.versions.map((v) => v.groupVersion));
  const kinds: ServedKind[] = [];
  for (const groupVersion of groupVersions) {
    const list = (await request('GET', groupVersion === 'v1' ? '/api/v1' : `/apis/${groupVersion}`)) as { resources: { name: string; kind: string; namespaced: boolean }[] };
    for (const resource of list.resources) {
      if (resource.name.includes('/')) continue; // subresources such as deployments/status
      kinds.push({ apiVersion: groupVersion, kind: resource.kind, namespaced: resource.namespaced });
    }
  }
  return kinds;
}
