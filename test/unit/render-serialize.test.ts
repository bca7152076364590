import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { serializeResource } from '../../src/core/render/render.js';

describe('serializeResource', () => {
  const object = {
    spec: {
      template: {
        metadata: { annotations: { b: '2', a: '1' }, labels: { z: 'z', a: 'a' }, name: 'pod' },
        spec: { containers: [{ image: 'i', ports: [{ protocol: 'TCP', name: 'http', containerPort: 80 }], name: 'app' }] },
      },
      replicas: 2,
    },
    metadata: { uid: 'u', annotations: { note: 'text' }, labels: { l: 'v' }, namespace: 'ns', name: 'x' },
    kind: 'Deployment',
    apiVersion: 'apps/v1',
  };

  it('puts apiVersion, kind, metadata first; metadata name, namespace, labels, annotations first; name first in list items', () => {
    assert.equal(
      serializeResource(object),
      `apiVersion: apps/v1
kind: Deployment
metadata:
  name: x
  namespace: ns
  labels:
    l: v
  annotations:
    note: text
  uid: u
spec:
  replicas: 2
  template:
    metadata:
      name: pod
      labels:
        a: a
        z: z
      annotations:
        a: "1"
        b: "2"
    spec:
      containers:
        - name: app
          image: i
          ports:
            - name: http
              containerPort: 80
              protocol: TCP
`,
    );
  });

  it('gives the same bytes whatever order the keys were built in', () => {
    const reversed = JSON.parse(JSON.stringify(object), function (this: unknown, _key, value: unknown) {
      return value && typeof value === 'object' && !Array.isArray(value) ? Object.fromEntries(Object.entries(value).reverse()) : value;
    }) as Record<string, unknown>;
    assert.deepEqual(Object.keys(reversed), Object.keys(object).reverse());
    assert.equal(serializeResource(reversed), serializeResource(object));
  });

  it('orders keys by code unit, integer-like keys included, not by locale or JavaScript property order', () => {
    const text = serializeResource({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { b: '', B: '', '10': '', '9': '', _: '', é: '' } });
    const keys = Object.keys((parse(text) as { data: object }).data);
    assert.deepEqual(
      text.split('\n').filter((l) => l.startsWith('  ') && !l.startsWith('  name')).map((l) => l.trim().split(':')[0]!.replace(/"/g, '')),
      ['10', '9', 'B', '_', 'b', 'é'],
    );
    assert.equal(keys.length, 6);
  });

  it('quotes strings that YAML 1.1 (kubectl) would read as booleans, numbers, null or merge keys', () => {
    const tricky = ['on', 'off', 'yes', 'no', 'y', 'n', 'Y', 'NO', 'true', '~', 'null', '0123', '0o17', '0b101', '0x1F', '1_000', '12:30:00', '2001-12-14', '.inf', '<<', '=', '1e3', '', '*a', 'plain'];
    const data = Object.fromEntries(tricky.map((v) => [v || 'empty', v]));
    const text = serializeResource({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data });
    for (const version of ['1.1', '1.2'] as const) {
      assert.deepEqual((parse(text, { version }) as { data: unknown }).data, data, `YAML ${version}`);
    }
    assert.match(text, /^ {2}plain: plain$/m, 'ordinary strings stay plain');
  });

  it('writes every UTF-16 code unit so YAML 1.1 and 1.2 read it back exactly, with no raw control or line-break character', () => {
    let all = '';
    for (let code = 0; code <= 0xffff; code++) all += String.fromCharCode(code);
    const data = { value: all, short: 'a\u0085b', plain: 'ls\u2028ps\u2029', [`key\u007f\ufeff`]: 'bom\ufeff', lines: 'one\ntwo\u0085three\n' };
    const text = serializeResource({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data });
    assert.doesNotMatch(text, /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]/);
    for (const version of ['1.1', '1.2'] as const) {
      assert.deepEqual((parse(text, { version }) as { data: unknown }).data, data, `YAML ${version}`);
    }
  });

  it('keeps multi-line strings exact as block scalars, and long lines unfolded', () => {
    const script = '#!/bin/sh\nset -eu\n\n  indented: yes\ntrailing space \n';
    const long = 'word '.repeat(60).trim();
    const text = serializeResource({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { script, long } });
    assert.deepEqual((parse(text) as { data: unknown }).data, { script, long });
    assert.ok(text.split('\n').some((line) => line === `  long: ${long}`), 'a long string stays on one line');
  });

  it('writes shared objects out in full, never as anchors and aliases', () => {
    const labels = { app: 'x' };
    const text = serializeResource({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's', labels }, spec: { selector: labels } });
    assert.doesNotMatch(text, /[&*]/);
    assert.deepEqual((parse(text) as { spec: { selector: unknown } }).spec.selector, labels);
  });
});
