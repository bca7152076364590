import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { fixture, runLadder } from './cli-run.js';

const sha = '0123456789abcdef0123456789abcdef01234567';
const web = fixture('findings', 'web.yaml');
const webConfig = ['--config', fixture('findings', 'ladder.yml'), '--env', 'dev'];

interface JsonReport {
  findings: Record<string, unknown>[];
  resources: number;
  suppressed: (Record<string, unknown> & { reason: string })[];
}

describe('ladder validate', { concurrency: 4 }, () => {
  it('exits 0 for valid manifests, reading directories recursively', async () => {
    const result = await runLadder(['validate', fixture('valid'), '--namespace', 'checkout-dev', '--sha', sha]);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /^No problems found \(2 resources in 2 files, Kubernetes 1\.\d+\.\d+ schemas\)\.\n$/);
  });

  it('prints findings like a compiler, with hints and a summary, and exits 1', async () => {
    const result = await runLadder(['validate', web]);
    assert.equal(result.code, 1, result.stderr);
    const lines = result.stdout.split('\n');
    assert.equal(lines[0], `${web}:11:12  error  schema  Deployment/web  spec.replica: unknown field (did you mean replicas?)`);
    assert.match(lines[1]!, new RegExp(`^${web}:26:18  error  image-tag-mutable  Deployment/web  container "app": image registry\\.example\\.com/shop/web uses the tag "latest"`));
    assert.match(lines[2]!, /^ {4}hint: Use an immutable tag/);
    assert.match(result.stdout, /\n2 errors, 0 warnings \(1 resource in 1 file, Kubernetes 1\.\d+\.\d+ schemas\)\.\n$/);
  });

  it('writes the JSON report with every finding field and the resource count', async () => {
    const result = await runLadder(['validate', '--format', 'json', web]);
    assert.equal(result.code, 1, result.stderr);
    const report = JSON.parse(result.stdout) as JsonReport;
    assert.deepEqual(Object.keys(report), ['findings', 'resources', 'suppressed']);
    assert.equal(report.resources, 1);
    assert.deepEqual(report.findings[0], {
      file: web, line: 11, column: 12, kind: 'Deployment', name: 'web', rule: 'schema', severity: 'error',
      message: 'spec.replica: unknown field (did you mean replicas?)',
    });
    assert.deepEqual(Object.keys(report.findings[1]!), ['file', 'line', 'column', 'kind', 'name', 'rule', 'severity', 'message', 'hint']);
    assert.equal(report.findings[1]!.rule, 'image-tag-mutable');
  });

  it('takes namespace, exceptions and the Kubernetes version from the config', async () => {
    const result = await runLadder(['validate', '--format', 'json', web, ...webConfig, '--sha', sha]);
    assert.equal(result.code, 1, result.stderr);
    const report = JSON.parse(result.stdout) as JsonReport;
    assert.deepEqual(report.findings.map((f) => `${f.line}:${f.column} ${f.rule}`), ['5:14 namespace-mismatch', '11:12 schema', '26:18 image-tag-not-commit']);
    assert.match(String(report.findings[0]!.message), /is in namespace "shop-dev", but this environment deploys to "web-dev"/);
    // The exception turns the finding off but the report still shows it, with its reason.
    assert.equal(report.suppressed.length, 1);
    assert.equal(report.suppressed[0]!.rule, 'image-tag-mutable');
    assert.equal(report.suppressed[0]!.reason, 'the web image is rebuilt nightly on purpose during the migration');

    const text = await runLadder(['validate', web, ...webConfig]);
    assert.match(text.stdout, /Kubernetes 1\.34\.\d+ schemas\); 1 suppressed\.\n$/);
    assert.match(text.stdout, /Suppressed by validation\.disable in the config:\n {2}\S+web\.yaml:26:18  image-tag-mutable  Deployment\/web  .*\n {4}reason: the web image is rebuilt nightly/);
  });

  it('takes unknownKinds and allowClusterScoped from the config', async () => {
    const manifests = fixture('settings', 'manifests.yaml');
    const bare = await runLadder(['validate', '--format', 'json', manifests, '--namespace', 'web-dev']);
    assert.equal(bare.code, 1);
    const rules = (report: JsonReport) => report.findings.map((f) => `${String(f.kind)} ${String(f.rule)} ${String(f.severity)}`);
    assert.deepEqual(rules(JSON.parse(bare.stdout) as JsonReport), ['Widget schema error', 'ClusterRole cluster-scoped-resource error']);
    const configured = await runLadder(['validate', '--format', 'json', manifests, '--config', fixture('settings', 'ladder.yml'), '--env', 'dev']);
    assert.equal(configured.code, 0, configured.stdout);
    assert.deepEqual(rules(JSON.parse(configured.stdout) as JsonReport), ['Widget schema warning']);
  });

  it('lets flags override the config', async () => {
    const result = await runLadder(['validate', '--format', 'json', web, ...webConfig, '--namespace', 'shop-dev']);
    const report = JSON.parse(result.stdout) as JsonReport;
    assert.ok(!report.findings.some((f) => f.rule === 'namespace-mismatch'), result.stdout);
    const version = await runLadder(['validate', web, ...webConfig, '--kubernetes-version', '1.35']);
    assert.match(version.stdout, /Kubernetes 1\.35\.\d+ schemas/);
  });

  it('writes SARIF 2.1.0 with rules and relative locations', async () => {
    const result = await runLadder(['validate', '--format', 'sarif', web, ...webConfig]);
    assert.equal(result.code, 1, result.stderr);
    const sarif = JSON.parse(result.stdout) as {
      version: string;
      runs: { tool: { driver: { name: string; rules: { id: string; shortDescription: { text: string } }[] } }; results: Record<string, any>[] }[];
    };
    assert.equal(sarif.version, '2.1.0');
    const [run] = sarif.runs;
    assert.equal(run!.tool.driver.name, 'ladder');
    assert.deepEqual(run!.tool.driver.rules.map((r) => r.id), ['image-tag-mutable', 'namespace-mismatch', 'schema']);
    assert.ok(run!.tool.driver.rules.every((r) => r.shortDescription.text.length > 10));
    const schema = run!.results.find((r) => r.ruleId === 'schema')!;
    assert.equal(schema.level, 'error');
    assert.deepEqual(schema.locations[0].physicalLocation, { artifactLocation: { uri: web }, region: { startLine: 11, startColumn: 12 } });
    assert.equal(run!.tool.driver.rules[schema.ruleIndex]!.id, 'schema');
    const suppressed = run!.results.find((r) => r.ruleId === 'image-tag-mutable')!;
    assert.deepEqual(suppressed.suppressions, [{ kind: 'external', justification: 'the web image is rebuilt nightly on purpose during the migration' }]);
  });

  it('reads standard input for -', async () => {
    const result = await runLadder(['validate', '-', '--format', 'json'], { stdin: await readFile(web) });
    assert.equal(result.code, 1, result.stderr);
    const report = JSON.parse(result.stdout) as JsonReport;
    assert.equal(report.findings[0]!.file, '<stdin>');
    assert.equal(report.findings[0]!.line, 11);
  });

  it('reads JSON manifests with positions', async () => {
    const dir = fixture('json');
    const result = await runLadder(['validate', dir]);
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stdout, new RegExp(`^${dir}/service\\.json:15:41  error  schema  Service/api  spec\\.ports\\[0\\]\\.port: `, 'm'));
  });

  it('exits 0 when every finding is a warning', async () => {
    const result = await runLadder(['validate', fixture('diff', 'after', 'service.yaml')]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /  warning  missing-required-labels  Service\/checkout  /);
    assert.match(result.stdout, /\n0 errors, 1 warning \(/);
  });

  it('exits 2, naming the place, when the config is wrong: nothing was validated', async () => {
    const config = fixture('render', 'wrong-type.yml');
    const result = await runLadder(['validate', web, '--config', config, '--env', 'dev']);
    assert.equal(result.code, 2);
    assert.equal(result.stdout, '');
    assert.equal(result.stderr, `ladder validate: ${config}:6:3 environments: must be a list, not a mapping\n`);
  });

  it('exits 2 for usage errors', async () => {
    const cases: [string[], RegExp][] = [
      [['validate'], /name at least one file or directory to validate/],
      [['validate', web, '--config', fixture('findings', 'ladder.yml')], /--config needs --env <name>/],
      [['validate', web, '--env', 'dev'], /--env needs --config <file>/],
      [['validate', web, '--format', 'xml'], /--format must be one of text, json, sarif, not 'xml'/],
      [['validate', web, '--kubernetes-version', '1.20'], /Kubernetes 1\.20 \(from --kubernetes-version\) has no bundled schemas; Ladder bundles 1\.\d+/],
      [['validate', web, '--kubernetes-version', 'latest'], /--kubernetes-version must be a minor version such as 1\.33/],
      [['validate', web, '--sha', 'HEAD'], /--sha must be a full 40-character commit SHA/],
    ];
    for (const [args, message] of cases) {
      const result = await runLadder(args);
      assert.equal(result.code, 2, args.join(' '));
      assert.equal(result.stdout, '');
      assert.match(result.stderr, message);
    }
  });
});
