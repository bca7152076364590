import { listManifestInputs, readManifests } from '../../adapters/fs/read-manifests.js';
import { bundledKubernetesVersions, loadSchemaBundle } from '../../adapters/fs/schema-bundle.js';
import { defaultValidatorCacheDir, validatorCodeStore } from '../../adapters/fs/validator-cache.js';
import { hasErrors } from '../../core/findings.js';
import { createSchemaValidator } from '../../core/validate/schema/index.js';
import { policyRules } from '../../core/validate/policy/index.js';
import { checkShard, completeReport, findDuplicates, type ValidateDocumentsOptions } from '../../core/validate/run.js';
import type { ShardSettings } from '../validate-shard.js';
import { threadsFor, validateSharded, type ShardedResult } from '../validate-shards.js';
import { choiceOption, shaOption, stringOption } from '../args.js';
import { exitCode, UsageError, type CliIO, type ParsedValues } from '../command.js';
import { createPaint } from '../../core/format/color.js';
import { formatFindingsJson } from '../format/findings-json.js';
import { formatFindingsSarif, type RuleInfo } from '../format/findings-sarif.js';
import { formatFindingsText } from '../format/findings-text.js';
import type { LoadedConfig } from '../load-config.js';
import { readSourceMaps } from '../source-maps.js';
import { readVersion } from '../version.js';
import { traceThreads, traceTiming } from '../trace-timing.js';

export async function runValidate(values: ParsedValues, positionals: string[], io: CliIO): Promise<number> {
  traceTiming('validate: command starts');
  const format = choiceOption(values, 'format', ['text', 'json', 'sarif'] as const, 'text');
  if (positionals.length === 0) throw new UsageError('name at least one file or directory to validate (or - for standard input)');
  const settings = await resolveSettings(values);

  const inputs = positionals.includes('-') ? undefined : await listManifestInputs(positionals);
  const emptyDirectories = inputs ? inputs.emptyDirectories : [];
  if (emptyDirectories.length > 0) {
    for (const dir of emptyDirectories) {
      io.stderr(`ladder validate: ${dir}: no manifest files (*.yaml, *.yml, *.json) in this directory or below; nothing to validate\n`);
    }
    return exitCode.trouble;
  }

  // Compiled validators are kept in the user's cache: compiling is most of a small run.
  const shardSettings: ShardSettings = { kubernetesVersion: settings.kubernetesVersion, unknownKinds: settings.unknownKinds, policy: settings.policy, cacheDir: defaultValidatorCacheDir(io.env) };
  // Files: checked on as many threads as the set is worth. Standard input: read here, on one.
  // LADDER_THREADS fixes the number of threads (tests compare one thread with several).
  traceTiming(`validate: ${inputs?.files.length ?? 0} files listed`);
  const threads = Number(io.env['LADDER_THREADS']) || threadsFor(inputs?.files.length ?? 0);
  const checked = inputs ? await validateSharded(inputs.files, shardSettings, threads) : await validateStdin(positionals, shardSettings);
  // Files `ladder render --out` wrote: findings name the template line too.
  const maps = await readSourceMaps(checked.files, io.cwd);
  const validated = completeReport(checked.reports, checked.duplicates, (file) => maps.get(file));
  // With a config: values keys no template reads, in every environment (a typo leaves the default in place).
  const unused = settings.loaded ? await unusedValues(settings.loaded, settings.templatesDir) : [];
  const report = unused.length === 0 ? validated : { ...validated, findings: [...validated.findings, ...unused] };
  traceTiming('validate: report complete');

  if (format === 'json') io.stdout(formatFindingsJson(report));
  else if (format === 'sarif') io.stdout(formatFindingsSarif(report, { version: readVersion(), cwd: io.cwd, describeRule }));
  else io.stdout(formatFindingsText(report, { files: checked.files.length, kubernetesVersion: checked.kubernetesVersion }, createPaint(io.color)));
  traceTiming('validate: output written');
  traceThreads();
  return hasErrors(report.findings) ? exitCode.problems : exitCode.ok;
}

interface ValidateSettings {
  kubernetesVersion: string | undefined;
  /** The config named by --config, and where its templates are. */
  loaded?: LoadedConfig;
  templatesDir?: string;
  unknownKinds: 'error' | 'warning' | 'ignore';
  policy: Omit<ValidateDocumentsOptions, 'parseFindings' | 'schema' | 'sourceMaps'>;
}

/** Flags first, then the config's environment, then defaults. */
async function resolveSettings(values: ParsedValues): Promise<ValidateSettings> {
  const configFile = stringOption(values, 'config');
  const envName = stringOption(values, 'env');
  if ((configFile === undefined) !== (envName === undefined)) {
    throw new UsageError(configFile === undefined ? '--env needs --config <file> to say which config' : '--config needs --env <name> to say which environment');
  }
  const versionFlag = stringOption(values, 'kubernetes-version');
  if (versionFlag !== undefined && !/^1\.\d+$/.test(versionFlag)) {
    throw new UsageError(`--kubernetes-version must be a minor version such as 1.33, not '${versionFlag}'`);
  }
  const commitSha = shaOption(values, 'sha');
  const namespaceFlag = stringOption(values, 'namespace');
  // The config's parser and the template engine are loaded only when there is a config: most runs have none.
  const loaded = configFile !== undefined && envName !== undefined ? await (await import('../load-config.js')).loadConfigForEnvironment(configFile, envName) : undefined;
  const validation = loaded?.config.validation;
  const kubernetesVersion = versionFlag ?? validation?.kubernetesVersion;
  checkBundled(kubernetesVersion, versionFlag !== undefined ? '--kubernetes-version' : `${configFile} (validation.kubernetesVersion)`);

  const policy: ValidateSettings['policy'] = {};
  const namespace = namespaceFlag ?? loaded?.environment.namespace;
  if (namespace !== undefined) policy.namespace = namespace;
  if (commitSha !== undefined) policy.commitSha = commitSha;
  if (loaded) {
    policy.image = loaded.config.image;
    policy.allowClusterScoped = loaded.config.validation.allowClusterScoped;
    policy.exceptions = loaded.config.validation.disable;
  }
  const templatesDir = loaded ? (await import('./render-run.js')).templatesDirectory(undefined, loaded.config.manifests.templates, loaded.file, process.cwd()) : undefined;
  return { kubernetesVersion, unknownKinds: validation?.unknownKinds ?? 'error', policy, ...(loaded ? { loaded } : {}), ...(templatesDir ? { templatesDir } : {}) };
}

/** Standard input (with any files named beside it), read and checked on this thread. */
async function validateStdin(positionals: string[], settings: ShardSettings): Promise<ShardedResult> {
  const read = await readManifests(positionals);
  const bundle = await loadSchemaBundle(settings.kubernetesVersion);
  const schema = createSchemaValidator(bundle, { unknownKinds: settings.unknownKinds, ...(settings.cacheDir ? { codeStore: validatorCodeStore(settings.cacheDir) } : {}) });
  const report = checkShard(read.documents, { ...settings.policy, parseFindings: read.findings, schema });
  return { files: read.files, reports: [report], duplicates: findDuplicates(read.documents), kubernetesVersion: schema.kubernetesVersion };
}

async function unusedValues(loaded: LoadedConfig, templatesDir: string | undefined) {
  // Which values a chart reads is Helm's business: the check knows only Handlebars templates.
  if (loaded.config.manifests.render !== 'handlebars') return [];
  const [{ unusedValueFindings }, { readTemplates }] = await Promise.all([import('../unused-values.js'), import('../../adapters/fs/templates.js')]);
  return unusedValueFindings(loaded, await readTemplates(templatesDir));
}

function checkBundled(version: string | undefined, source: string): void {
  if (version === undefined) return;
  const bundled = bundledKubernetesVersions();
  if (!bundled.includes(version)) {
    throw new UsageError(`Kubernetes ${version} (from ${source}) has no bundled schemas; Ladder bundles ${bundled.join(', ')}`);
  }
}

const ruleDescriptions: Record<string, RuleInfo> = {
  schema: { summary: 'The resource does not match the Kubernetes OpenAPI schema of the chosen version.' },
  apiserver: { summary: 'kube-apiserver of the chosen version would refuse the resource: its own validation (after defaulting), or server-side apply.' },
  'unused-value': { summary: 'A values key in the config that no template reads: the environment runs without it.' },
  'yaml-syntax': { summary: 'The file is not valid YAML.' },
  input: { summary: 'The file cannot be read as Kubernetes manifests (too large, not UTF-8, not an object).' },
  'duplicate-resource': { summary: 'The same resource is defined more than once.' },
  ...Object.fromEntries(policyRules.map((rule) => [rule.id, { summary: rule.summary, hint: rule.hint }])),
};

function describeRule(id: string): RuleInfo | undefined {
  return ruleDescriptions[id];
}
