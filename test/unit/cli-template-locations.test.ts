import assert from 'node:assert/strict';
import { appendFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fixture, repoRoot, runLadder } from './cli-run.js';

// Issue 14: findings on rendered manifests name the template line first, the rendered line second.
const sha = '0123456789abcdef0123456789abcdef01234567';
const config = fixture('template-locations', '.github', 'ladder.yml');
const template = relative(repoRoot, fixture('template-locations', 'deploy', 'templates', 'deployment.yaml.hbs'));

interface JsonFinding { file: string; line: number; column: number; rule: string; message: string; template?: { file: string; line: number; column: number; valuesKey?: string } }

describe('findings on rendered files name the template line', { concurrency: 1 }, () => {
  let scratch: string;
  let out: string;
  let rendered: string;
  before(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'ladder-template-locations-'));
    out = join(scratch, 'dev');
    rendered = join(out, 'deployment-orders.yaml');
    const result = await runLadder(['render', '--config', config, '--env', 'dev', '--sha', sha, '--out', out]);
    assert.equal(result.code, 0, result.stderr);
  });
  after(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it('in text: the template line (and the values key) first, the rendered line below', async () => {
    const result = await runLadder(['validate', out]);
    assert.equal(result.code, 1, result.stderr);
    const lines = result.stdout.split('\n');
    const at = lines.findIndex((line) => line.includes('periodSeconds: expected integer, got string "30s"'));
    // Template line 19, column 28: `periodSeconds: {{toYaml values.probePeriod}}`.
    assert.ok(lines[at]!.startsWith(`${template}:19:28  error  schema  Deployment/orders  `), lines[at]);
    assert.match(lines[at + 1]!, new RegExp(`^ {4}rendered at ${rendered.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:28, from values\\.probePeriod$`));
  });

  it('in JSON: each finding carries its template location', async () => {
    const result = await runLadder(['validate', out, '--format', 'json']);
    const findings = (JSON.parse(result.stdout) as { findings: JsonFinding[] }).findings;
    const schema = findings.find((f) => f.rule === 'schema')!;
    assert.equal(schema.file, rendered);
    assert.deepEqual(schema.template, { file: template, line: 19, column: 28, valuesKey: 'values.probePeriod' });
    const resources = findings.find((f) => f.rule === 'missing-resources')!;
    // A literal of the template: no values key. `resources:` is line 20; its value starts on line 21.
    assert.deepEqual(resources.template, { file: template, line: 21, column: 13 });
    assert.ok(findings.every((f) => f.template?.file === template), 'every finding of a rendered file is located in its template');
  });

  it('in SARIF: the template is the primary location (code scanning annotates it), the rendered file a related one', async () => {
    const result = await runLadder(['validate', out, '--format', 'sarif']);
    type Location = { physicalLocation: { artifactLocation: { uri: string }; region?: { startLine: number; startColumn?: number } } };
    const sarif = JSON.parse(result.stdout) as { runs: { results: { ruleId: string; locations: Location[]; relatedLocations?: (Location & { message: { text: string } })[]; properties?: Record<string, string> }[] }[] };
    const schema = sarif.runs[0]!.results.find((r) => r.ruleId === 'schema')!;
    assert.deepEqual(schema.locations[0]!.physicalLocation, { artifactLocation: { uri: template }, region: { startLine: 19, startColumn: 28 } });
    assert.equal(schema.relatedLocations?.[0]?.message.text, 'rendered manifest');
    assert.equal(schema.relatedLocations?.[0]?.physicalLocation.artifactLocation.uri, `file://${rendered}`);
    assert.equal(schema.properties?.['valuesKey'], 'values.probePeriod');
  });

  it('a rendered file edited since the render has no map: its lines would be wrong', async () => {
    const before = await readFile(rendered, 'utf8');
    await appendFile(rendered, '# edited by hand\n');
    const result = await runLadder(['validate', out, '--format', 'json']);
    const findings = (JSON.parse(result.stdout) as { findings: JsonFinding[] }).findings;
    assert.ok(findings.length > 0 && findings.every((f) => f.template === undefined));
    assert.notEqual(before, await readFile(rendered, 'utf8'));
  });
});
