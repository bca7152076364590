import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseManifests } from '../../src/core/manifests/parse.js';
import { cpuTimed } from '../support/cpu-time.js';

const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
        - name: app
          image: example/web:1
`;

test('parses every document of a multi-document file and locates keys', () => {
  const { documents, findings } = parseManifests(`${deployment}---\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\n`, 'a.yaml');
  assert.deepEqual(findings, []);
  assert.equal(documents.length, 2);
  assert.equal(documents[1]!.object.kind, 'Service');
  assert.deepEqual(documents[0]!.positionOf(['spec', 'template', 'spec', 'containers', 0, 'image']), { line: 10, column: 18 });
  assert.deepEqual(documents[1]!.start, { line: 12, column: 1 });
});

test('a path that does not exist points at the deepest part that does', () => {
  const [doc] = parseManifests(deployment, 'a.yaml').documents;
  assert.deepEqual(doc!.positionOf(['spec', 'template', 'spec', 'containers', 0, 'resources', 'limits']), { line: 9, column: 11 });
});

test('empty documents and a trailing separator are skipped without findings', () => {
  const { documents, findings } = parseManifests(`---\n---\n${deployment}---\n`, 'a.yaml');
  assert.equal(documents.length, 1);
  assert.deepEqual(findings, []);
});

test('duplicate keys are a yaml-syntax finding at the duplicate', () => {
  const { documents, findings } = parseManifests('apiVersion: v1\nkind: ConfigMap\nkind: Secret\n', 'dup.yaml');
  assert.equal(documents.length, 0);
  assert.equal(findings.length, 1);
  assert.equal(findings[0]!.rule, 'yaml-syntax');
  assert.equal(findings[0]!.line, 3);
  assert.match(findings[0]!.message, /unique/);
});

test('malformed YAML reports line and column and keeps the good documents', () => {
  const { documents, findings } = parseManifests(`${deployment}---\nkind: [unclosed\n`, 'bad.yaml');
  assert.equal(documents.length, 1);
  assert.equal(findings[0]!.rule, 'yaml-syntax');
  assert.equal(findings[0]!.file, 'bad.yaml');
  assert.ok(findings[0]!.line >= 12, `line ${findings[0]!.line}`);
});

test('a document that is a list or a scalar is refused with its number', () => {
  const { findings } = parseManifests('- a\n- b\n---\njust text\n', 'x.yaml');
  assert.deepEqual(
    findings.map((f) => [f.rule, f.line, f.message.split(' is ')[0]]),
    [
      ['input', 1, 'document 1'],
      ['input', 4, 'document 2'],
    ],
  );
});

test('an alias bomb (billion laughs) is refused quickly instead of expanding', () => {
  const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 1; i < 10; i++) {
    const prev = String.fromCharCode(96 + i);
    const name = String.fromCharCode(97 + i);
    levels.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
  }
  const { value: { documents, findings }, ms } = cpuTimed(() => parseManifests(levels.join('\n'), 'bomb.yaml'));
  assert.ok(ms < 2000, `${ms} ms of CPU`);
  assert.equal(documents.length, 0);
  assert.match(findings[0]!.message, /alias/i);
});

test('non-UTF-8 bytes are reported at the offending line and column', () => {
  const bytes = Buffer.concat([Buffer.from('apiVersion: v1\nkind: Con'), Buffer.from([0xc3, 0x28]), Buffer.from('fig\n')]);
  const { findings } = parseManifests(bytes, 'latin.yaml');
  assert.equal(findings.length, 1);
  assert.deepEqual([findings[0]!.line, findings[0]!.column], [2, 10]);
  assert.match(findings[0]!.message, /not valid UTF-8 \(invalid byte 0xc3\)/);
});

test('a file over the size limit is refused before parsing', () => {
  const big = new Uint8Array(9 * 1024 * 1024).fill(0x61);
  const { value: { findings }, ms } = cpuTimed(() => parseManifests(big, 'big.yaml'));
  assert.ok(ms < 1000, `refused from its size, without parsing: ${ms} ms of CPU`);
  assert.match(findings[0]!.message, /9\.0 MiB.*at most 8\.0 MiB/);
});
