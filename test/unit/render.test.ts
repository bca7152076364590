import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import type { TemplateFile } from '../../src/core/render/render.js';
import { configWith, render, renderOne, sha } from '../fixtures/templates/render-input.js';

const templates: TemplateFile[] = [
  {
    path: 'service.yaml.hbs',
    content: `apiVersion: v1
kind: Service
metadata:
  name: {{str service}}
  labels: {{toYaml labels}}
spec:
  selector: {{toYaml selectorLabels}}
  ports:
{{#each values.ports}}
    - name: {{str @key}}
      port: {{int this}}
{{/each}}
`,
  },
  {
    path: 'configmap.yaml.hbs',
    content: `apiVersion: v1
kind: ConfigMap
metadata:
  name: {{str service}}
  annotations: {{toYaml values.annotations}}
data:
{{#each values.env}}
  {{str @key}}: {{str this}}
{{/each}}
`,
  },
];

const values = {
  ports: { http: 80, admin: 9000, metrics: 9100 },
  env: { B: 'two', A: 'one', C: 'three' },
  annotations: { 'z.example.com/last': 'z', 'a.example.com/first': 'a', nested: 'x' },
};

/** The same data with every map's keys inserted in reverse order. */
function reversed(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reversed);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reversed(v)]));
}

describe('renderEnvironment output is deterministic', () => {
  it('renders byte-identical files twice', () => {
    const first = render(templates, configWith(values));
    const second = render(templates, configWith(values));
    assert.deepEqual(second, first);
    assert.equal(first.length, 2);
  });

  it('does not depend on the order of templates or of keys in the values', () => {
    const first = render(templates, configWith(values));
    const shuffled = render([...templates].reverse(), configWith(reversed(values) as Record<string, unknown>));
    assert.deepEqual(shuffled.map((f) => f.content), first.map((f) => f.content));
    // #each over a map visits keys in sorted order, so the list it builds is stable too.
    const service = parse(first.find((f) => f.kind === 'Service')!.content) as { spec: { ports: { name: string }[] } };
    assert.deepEqual(service.spec.ports.map((p) => p.name), ['admin', 'http', 'metrics']);
  });

  it('iterates a map with a __proto__ key as data', () => {
    const env = JSON.parse('{"__proto__": "p", "A": "a"}') as Record<string, unknown>;
    const files = render([templates[1]!], configWith({ env, annotations: {} }));
    assert.deepEqual((parse(files[0]!.content) as { data: unknown }).data, JSON.parse('{"A": "a", "__proto__": "p"}'));
  });

  it('sorts files by path and describes each resource', () => {
    const files = render(templates, configWith(values));
    assert.deepEqual(
      files.map(({ path, apiVersion, kind, name, namespace }) => ({ path, apiVersion, kind, name, namespace })),
      [
        { path: 'configmap-shop.yaml', apiVersion: 'v1', kind: 'ConfigMap', name: 'shop', namespace: 'shop-dev' },
        { path: 'service-shop.yaml', apiVersion: 'v1', kind: 'Service', name: 'shop', namespace: 'shop-dev' },
      ],
    );
  });
});

describe('documents', () => {
  it('become one file each; empty documents and comment-only templates give none', () => {
    const content = `# a comment
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: one
---
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: two
---
`;
    const files = render([
      { path: 'accounts.yaml.hbs', content },
      { path: 'nothing.yaml.hbs', content: '{{#if values.absent}}\napiVersion: v1\n{{/if}}\n# nothing here\n' },
    ]);
    assert.deepEqual(files.map((f) => f.path), ['serviceaccount-one.yaml', 'serviceaccount-two.yaml']);
  });

  it('names files after kind and name, with ":" made safe', () => {
    const files = renderOne('apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: system:reader\n');
    assert.equal(files[0]!.path, 'role-system_reader.yaml');
    assert.equal(files[0]!.name, 'system:reader');
  });
});

describe('namespaces', () => {
  const resource = (apiVersion: string, kind: string, name: string, extra = ''): string =>
    `---\napiVersion: ${apiVersion}\nkind: ${kind}\nmetadata:\n  name: ${name}\n${extra}`;

  it('are set on namespaced kinds that have none, and only there', () => {
    const content = [
      resource('apps/v1', 'Deployment', 'd'),
      resource('rbac.authorization.k8s.io/v1', 'ClusterRole', 'cr'),
      resource('v1', 'Namespace', 'ns'),
      resource('example.com/v1', 'Widget', 'w'),
      resource('v1', 'ConfigMap', 'elsewhere', '  namespace: other\n'),
      resource('v1', 'Secret', 'nulled', '  namespace: null\n'),
    ].join('');
    const byName = Object.fromEntries(renderOne(content).map((f) => [f.name, f.namespace]));
    assert.deepEqual(byName, { d: 'shop-dev', cr: undefined, ns: undefined, w: 'shop-dev', elsewhere: 'other', nulled: 'shop-dev' });
  });

  it('follow the scope of a CustomResourceDefinition in the same set', () => {
    const crd = resource(
      'apiextensions.k8s.io/v1',
      'CustomResourceDefinition',
      'gadgets.example.com',
      'spec:\n  group: example.com\n  scope: Cluster\n  names: { kind: Gadget, plural: gadgets }\n',
    );
    const files = renderOne(crd + resource('example.com/v1', 'Gadget', 'g'));
    assert.equal(files.find((f) => f.kind === 'Gadget')!.namespace, undefined);
  });

  it('follow the caller’s scope lookup when it knows the kind', () => {
    const content = resource('example.com/v1', 'Widget', 'w') + resource('v1', 'ConfigMap', 'c');
    const files = render([{ path: 't.yaml.hbs', content }], configWith(), {
      isNamespaced: (apiVersion, kind) => (kind === 'Widget' ? false : undefined),
    });
    assert.deepEqual(files.map((f) => [f.kind, f.namespace]), [['ConfigMap', 'shop-dev'], ['Widget', undefined]]);
  });
});

describe('template context', () => {
  const show = `apiVersion: v1
kind: ConfigMap
metadata:
  name: context
data:
  service: {{str service}}
  environment: {{str environment}}
  namespace: {{str namespace}}
  image: {{str image}}
  imageRepository: {{str imageRepository}}
  imageTag: {{str imageTag}}
  sha: {{str commit.sha}}
  short: {{str commit.short}}
  labels: {{str (checksum labels)}}
binaryData:
  labels: {{toYaml labels}}
  selector: {{toYaml selectorLabels}}
`;

  function contextOf(config = configWith(), digest?: string): { data: Record<string, string>; binaryData: Record<string, Record<string, string>> } {
    const files = render([{ path: 'show.yaml.hbs', content: show }], config, digest ? { imageDigest: digest } : {});
    return parse(files[0]!.content) as never;
  }

  it('holds the service, environment, image and commit', () => {
    const { data } = contextOf();
    assert.equal(data['service'], 'shop');
    assert.equal(data['environment'], 'dev');
    assert.equal(data['namespace'], 'shop-dev');
    assert.equal(data['image'], `registry.example.com/shop:${sha}`);
    assert.equal(data['imageRepository'], 'registry.example.com/shop');
    assert.equal(data['imageTag'], sha);
    assert.equal(data['sha'], sha);
    assert.equal(data['short'], sha.slice(0, 12));
  });

  it('uses the short SHA as tag and version when configured', () => {
    const { data, binaryData } = contextOf(configWith({}, { imageTag: { format: 'short-sha', length: 8 } }));
    assert.equal(data['image'], `registry.example.com/shop:${sha.slice(0, 8)}`);
    assert.equal(binaryData['labels']!['app.kubernetes.io/version'], sha.slice(0, 8));
  });

  it('pins the image by digest when given', () => {
    const digest = `sha256:${'f'.repeat(64)}`;
    assert.equal(contextOf(configWith(), digest).data['image'], `registry.example.com/shop:${sha}@${digest}`);
  });

  it('has the standard labels, and selector labels without the version', () => {
    const { binaryData } = contextOf();
    assert.deepEqual(binaryData['labels'], {
      'app.kubernetes.io/instance': 'shop-dev',
      'app.kubernetes.io/managed-by': 'ladder',
      'app.kubernetes.io/name': 'shop',
      'app.kubernetes.io/version': sha,
    });
    assert.deepEqual(binaryData['selector'], { 'app.kubernetes.io/instance': 'shop-dev', 'app.kubernetes.io/name': 'shop' });
  });

  it('keeps the instance label within 63 characters, stable and distinct', () => {
    const long = (env: string) =>
      configWith({}, {
        service: 's'.repeat(40),
        environments: [{ name: env, from: { branch: 'main' }, namespace: 'ns' }],
      });
    const instance = (env: string) => {
      const files = render([{ path: 'show.yaml.hbs', content: show }], long(env), { environment: env });
      return (parse(files[0]!.content) as { binaryData: { labels: Record<string, string> } }).binaryData.labels['app.kubernetes.io/instance']!;
    };
    const a = instance('e'.repeat(30));
    // 40 + 1 + 30 characters: cut to 54, then "-" and 8 hex digits of a hash of the whole.
    assert.match(a, new RegExp(`^${'s'.repeat(40)}-${'e'.repeat(13)}-[0-9a-f]{8}$`));
    assert.equal(a.length, 63);
    assert.equal(instance('e'.repeat(30)), a);
    assert.notEqual(instance(`${'e'.repeat(29)}f`), a);
  });
});
