import { LadderInputError } from '../../core/errors.js';
import { access, constants } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { describeFsError, listManifestFiles, UnreadableInputError } from '../../adapters/fs/read-manifests.js';
import { readTemplates } from '../../adapters/fs/templates.js';
import { placeRendered, renderEnvironment, type RenderedFile } from '../../core/render/render.js';
import { renderWithTool } from '../../core/render/tools/render.js';
import type { SourceTree } from '../../core/render/tools/port.js';
import type { LadderConfig } from '../../core/config/schema.js';
import { readSourceTree } from '../../adapters/fs/source-tree.js';
import { createManifestTools, toolBinariesFromEnv } from '../../adapters/render-tools/tools.js';
import { shaOption, stringOption } from '../args.js';
import { exitCode, UsageError, type CliIO, type ParsedValues } from '../command.js';
import { environmentNamed } from '../../core/config/load.js';
import { createPaint } from '../../core/format/color.js';
import { formatFindingsText } from '../format/findings-text.js';
import { loadConfigFile, loadServicesFile, repositoryRootOf } from '../load-config.js';
import { chartKey, fetchPinnedChart, pinnedChart } from '../pinned-chart.js';
import { describeChartPin } from '../../core/services/effective.js';
import { sharedClusterFindingsOfRenders, type EnvironmentRender } from '../shared-cluster.js';
import { sourceMapFile } from '../source-maps.js';
import { formatWarning, unusedValueFindings } from '../unused-values.js';
import { writeFilesAtomically } from '../write-files.js';

export async function runRender(values: ParsedValues, positionals: string[], io: CliIO): Promise<number> {
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'; render takes only options`);
  const configFile = required(values, 'config');
  const allEnvironments = values['all-envs'] === true;
  const envName = stringOption(values, 'env');
  if (allEnvironments && envName !== undefined) throw new UsageError('--all-envs renders every environment; leave out --env');
  if (!allEnvironments && envName === undefined) throw new UsageError('--env is required');
  const sha = shaOption(values, 'sha') ?? required(values, 'sha');
  const imageDigest = digestOption(values);
  const out = stringOption(values, 'out');
  if (allEnvironments && out === undefined) throw new UsageError('--all-envs needs --out <dir>: each environment goes to a directory of its own there');
  const servicesFile = stringOption(values, 'services');

  const loaded = await loadConfigFile(configFile);
  const { config } = loaded;
  const environments = allEnvironments ? config.environments.map((env) => env.name) : [environmentNamed(config, envName!, configFile).name];
  if (servicesFile !== undefined && !allEnvironments && config.manifests.render !== 'helm') {
    throw new UsageError('--services needs --all-envs: the check compares the renders of environments that share a cluster (for one environment, --services serves a helm chart the services file pins)');
  }
  if (config.manifests.render !== 'handlebars') {
    if (stringOption(values, 'templates') !== undefined) throw new UsageError(`--templates is for Handlebars templates; this service renders with ${config.manifests.render}`);
  }
  const templatesDir = config.manifests.render === 'handlebars' ? templatesDirectory(stringOption(values, 'templates'), config.manifests.templates, configFile, io.cwd) : undefined;
  if (templatesDir !== undefined) await checkReadable(templatesDir);
  const templates = config.manifests.render === 'handlebars' ? await readTemplates(templatesDir) : [];
  // Helm and Kustomize run as programs on the chart or tree read from disk; their output is placed like a template's.
  const toolSource = config.manifests.render === 'handlebars' ? undefined : await readToolSource(config, configFile, servicesFile, io);
  // Every environment renders in memory before anything is written: an error writes nothing.
  const rendered: { environment: string; files: RenderedFile[] }[] = [];
  for (const environment of environments) {
    const common = { config, environment, sha, ...(imageDigest ? { imageDigest } : {}) };
    rendered.push({
      environment,
      files: toolSource
        ? placeRendered(common, await renderWithTool({ ...common, source: toolSource }, createManifestTools(toolBinariesFromEnv())))
        : renderEnvironment({
            ...common,
            templates,
            // Errors then name the template as the user would open it, e.g. deploy/templates/deployment.yaml.hbs.
            ...(templatesDir !== undefined ? { templatesDir } : {}),
          }),
    });
  }

  // A values key no template reads (a typo) would leave an environment on the default without a word.
  if (!toolSource) for (const warning of unusedValueFindings(loaded, templates)) io.stderr(formatWarning(warning));

  // Two environments of one cluster rendering the same cluster-scoped object: an error, and nothing is written.
  if (allEnvironments && servicesFile !== undefined && out !== undefined) {
    const failed = await sharedClusterCheck(servicesFile, rendered.map(({ environment, files }) => ({ environment, dir: join(out, environment), files })), templatesDir === undefined, io);
    if (failed) return exitCode.problems;
  }

  if (out === undefined) {
    const files = rendered[0]!.files;
    io.stdout(files.map((file) => `# Source: ${file.path}\n${withNewline(file.content)}`).join('---\n'));
    return exitCode.ok;
  }
  for (const { environment, files } of rendered) {
    const dir = allEnvironments ? join(out, environment) : out;
    // The source maps go beside the files, so `ladder validate <dir>` can name template lines.
    const map = sourceMapFile(files, dir, io.cwd, templatesDir === undefined);
    const written = await writeFilesAtomically(dir, map ? [...files, map] : files);
    if (map) written.pop();
    io.stdout(written.map((path) => `${path}\n`).join(''));
    io.stderr(`Rendered ${written.length} file${written.length === 1 ? '' : 's'} for ${config.service} ${environment} at ${sha.slice(0, 12)} into ${dir}\n`);
    await noteStaleFiles(dir, written, io);
  }
  if (allEnvironments && environments.length > 1) io.stderr(`Compare two environments with: ladder diff ${join(out, environments[0]!)} ${join(out, environments[1]!)}\n`);
  return exitCode.ok;
}

/**
 * The chart (`manifests.helm.chart`) or kustomize root (`manifests.kustomize.root`), relative to
 * the repository root, named as the user would open it; or, for a helm service without a chart
 * of its own, the chart the manifest repository's services file (--services) pins, fetched.
 */
async function readToolSource(config: LadderConfig, configFile: string, servicesFile: string | undefined, io: CliIO): Promise<SourceTree> {
  const dir = config.manifests.render === 'helm' ? config.manifests.helm!.chart : config.manifests.kustomize!.root;
  if (dir === undefined) {
    if (servicesFile === undefined) {
      throw new LadderInputError("names no chart directory: set it to the chart's directory in this repository, or pass --services with the manifest repository's .ladder/services.yml to render the chart it pins", { file: configFile, key: 'manifests.helm.chart' });
    }
    return fetchPinnedChart(config.service, servicesFile, io);
  }
  const pin = config.manifests.render === 'helm' && servicesFile !== undefined ? await pinnedChart(config.service, servicesFile) : undefined;
  if (pin) {
    // As the App refuses it: the pin decides what renders, not the code repository.
    throw new LadderInputError(`${servicesFile} pins the chart of ${config.service} (${chartKey(config.service)}: ${describeChartPin(pin)}); the code repository's chart '${dir}' may not replace it: remove manifests.helm.chart`, { file: configFile, key: 'manifests.helm.chart' });
  }
  const absolute = resolve(repositoryRootOf(configFile), dir);
  const shown = relative(io.cwd, absolute);
  return readSourceTree(absolute, shown && !shown.startsWith('..') && !isAbsolute(shown) ? shown : absolute);
}

/** Reports the shared-cluster findings of the renders as `ladder validate` would; true when there are any. */
async function sharedClusterCheck(servicesFile: string, renders: EnvironmentRender[], builtInTemplates: boolean, io: CliIO): Promise<boolean> {
  const services = await loadServicesFile(servicesFile);
  const findings = sharedClusterFindingsOfRenders(services, servicesFile, renders, builtInTemplates);
  if (findings.length === 0) return false;
  const files = renders.reduce((count, render) => count + render.files.length, 0);
  io.stderr(formatFindingsText({ findings, suppressed: [], resources: files }, { files }, createPaint(io.color)));
  return true;
}

/**
 * The flag wins, relative to the working directory; else the config's
 * `manifests.templates`, relative to the repository root; else undefined
 * for Ladder's default templates. Returned relative to the working directory
 * when inside it, so messages show short paths.
 */
export function templatesDirectory(flag: string | undefined, fromConfig: string | undefined, configFile: string, cwd: string): string | undefined {
  if (flag !== undefined) return flag;
  if (fromConfig === undefined) return undefined;
  const absolute = resolve(repositoryRootOf(configFile), fromConfig);
  const relativePath = relative(cwd, absolute);
  return relativePath && !relativePath.startsWith('..') && !isAbsolute(relativePath) ? relativePath : absolute;
}

/** A missing or forbidden templates directory is unreadable input (exit 2), not a template mistake (exit 1). */
async function checkReadable(dir: string): Promise<void> {
  await access(dir, constants.R_OK | constants.X_OK).catch((error: unknown) => {
    throw new UnreadableInputError(`cannot read the templates directory: ${describeFsError(error)}`, { file: dir }, { cause: error });
  });
}

function required(values: ParsedValues, name: string): string {
  const value = stringOption(values, name);
  if (value === undefined) throw new UsageError(`--${name} is required`);
  return value;
}

function digestOption(values: ParsedValues): string | undefined {
  const value = stringOption(values, 'image-digest');
  if (value !== undefined && !/^sha256:[0-9a-f]{64}$/.test(value)) {
    throw new UsageError(`--image-digest must be sha256: followed by 64 lower-case hex digits, not '${value}'`);
  }
  return value;
}

function withNewline(text: string): string {
  return text.endsWith('\n') ? text : `${text}\n`;
}

/**
 * Render never deletes: a file left from an earlier render of a resource that
 * is gone would still be applied from this directory, so say so.
 */
async function noteStaleFiles(out: string, written: readonly string[], io: CliIO): Promise<void> {
  const current = new Set(written.map((path) => resolve(path)));
  const stale = (await listManifestFiles(out)).filter((path) => !current.has(resolve(path)));
  for (const path of stale) io.stderr(`note: ${path} was not rendered this time; delete it if its resource is gone\n`);
}
