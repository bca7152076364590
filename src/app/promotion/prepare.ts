import type { CodeRepo } from '../../adapters/github/port.js';
import type { EffectiveConfig } from '../../core/services/effective.js';
import { LadderInputError } from '../../core/errors.js';
import type { Finding } from '../../core/findings.js';
import { compareFindings, hasErrors } from '../../core/findings.js';
import { parseManifests } from '../../core/manifests/parse.js';
import type { ManifestDocument } from '../../core/manifests/document.js';
import { manifestPath } from '../../core/promotion/changes.js';
import { imageReference, taggedReference } from '../../core/render/image.js';
import { placeRendered, type RenderedFile } from '../../core/render/render.js';
import { withTemplateLocations, type RenderedSourceMap } from '../../core/render/source-map.js';
import type { Renderer } from '../render-worker/pool.js';
import type { ChartFetcher, ManifestTools } from '../../core/render/tools/port.js';
import { renderWithTool } from '../../core/render/tools/render.js';
import type { KeptSecret } from '../../core/secrets/kept-secrets.js';
import { createSchemaValidator } from '../../core/validate/schema/index.js';
import { validateDocuments, type ValidationReport } from '../../core/validate/run.js';
import type { SchemaStore } from '../schemas.js';
import type { TemplateStore } from '../templates.js';
import { sharedClusterFindingsOf } from './shared-cluster.js';

export interface PrepareInput {
  /** The code config with the manifest repository's grant applied: folder, namespaces and exceptions come from the grant. */
  config: EffectiveConfig;
  configFile: string;
  sourceSha: string;
  environment: string;
  /** `builtFrom`: the code commit the image was built from, when it is not sourceSha (a reused image of an identical tree). */
  image?: { tag: string; digest?: string; builtFrom?: string };
  /** Documents of the SOPS-encrypted files on the environment's branch, which no rendered resource may be. */
  keptSecrets?: readonly KeptSecret[];
}

export type Prepared =
  | { kind: 'ready'; files: RenderedFile[]; report: ValidationReport; kubernetesVersion: string; image: string }
  /** The render failed: a template or value error, located in the code repository when it can be. */
  | { kind: 'render-error'; error: LadderInputError; templatesInRepo: boolean }
  /** Rendered, but validation found errors; findings name files under `manifests.path`. */
  | { kind: 'invalid'; files: RenderedFile[]; report: ValidationReport; kubernetesVersion: string };

/** What rendering needs besides the input: where templates and schemas come from. */
export interface PrepareSources {
  codeRepo: CodeRepo;
  schemas: SchemaStore;
  templates: TemplateStore;
  /** Where templates run: worker threads, so a runaway render cannot block the App. */
  renderer: Renderer;
  /** Helm and Kustomize, as bounded child processes (render: helm | kustomize). */
  tools: ManifestTools;
  /** Charts pinned in `.ladder/services.yml`, fetched from their registry or chart repository. */
  charts: ChartFetcher;
}

/**
 * Render for one environment at the code commit, then parse and validate the
 * result exactly as `ladder validate` would (schemas of the configured
 * Kubernetes version, compiled once per process; policy with the
 * environment's namespace and the commit).
 */
export async function prepare(sources: PrepareSources, input: PrepareInput): Promise<Prepared> {
  const { config } = input;
  const templatesDir = config.manifests.templates;
  let files: RenderedFile[];
  try {
    const renderWith = config.manifests.render;
    const templates = renderWith !== 'handlebars' ? [] : templatesDir
      ? await sources.codeRepo.readTemplates(input.sourceSha, templatesDir, input.configFile)
      : await sources.templates.defaultManifests();
    // Helm and Kustomize read a whole directory of the code repository: the chart, or the kustomize root.
    // A chart the manifest repository pins is fetched from its source instead.
    const toolKey = renderWith === 'helm' ? 'manifests.helm.chart' : 'manifests.kustomize.root';
    const pinned = renderWith === 'helm' ? config.manifests.chart : undefined;
    const toolSource = renderWith === 'handlebars'
      ? undefined
      : pinned
        ? await sources.charts.fetch(pinned)
        : await sources.codeRepo.readSourceTree(input.sourceSha, renderWith === 'helm' ? config.manifests.helm!.chart! : config.manifests.kustomize!.root, { configFile: input.configFile, key: toolKey });
    const imageInput = input.image ? { imageTag: input.image.tag, ...(input.image.digest ? { imageDigest: input.image.digest } : {}) } : {};
    const compilers = await sources.schemas.compilersFor(config.validation.kubernetesVersion);
    const customKinds = sources.schemas.customKinds(config.validation.kubernetesVersion);
    const schema = createSchemaValidator(compilers.bundle, { compilers, unknownKinds: config.validation.unknownKinds, codeStore: customKinds.store });
    const isNamespaced = (apiVersion: string, kind: string) => schema.isNamespaced(apiVersion, kind);
    const renderFor = async (environment: string) =>
      placeRendered(
        { config, environment, isNamespaced, ...(environment === input.environment && input.keptSecrets ? { keptSecrets: input.keptSecrets } : {}) },
        toolSource
          ? await renderWithTool({ config, environment, sha: input.sourceSha, source: toolSource, ...imageInput }, sources.tools)
          : await sources.renderer.render({ config, environment, sha: input.sourceSha, templates, ...(templatesDir ? { templatesDir } : {}), ...imageInput }),
      );
    files = await renderFor(input.environment);
    const environment = config.environments.find((env) => env.name === input.environment)!;
    const documents: ManifestDocument[] = [];
    const parseFindings: Finding[] = [];
    const sourceMaps = new Map<string, RenderedSourceMap>();
    for (const file of files) {
      if (file.sourceMap) sourceMaps.set(manifestPath(config.manifests.path, file.path), file.sourceMap);
      const parsed = parseManifests(file.content, manifestPath(config.manifests.path, file.path));
      documents.push(...parsed.documents);
      parseFindings.push(...parsed.findings);
    }
    // Findings also name the template line that produced each node (in the code repository, or a default template).
    const templateMapOf = (file: string) => {
      const map = sourceMaps.get(file);
      return map && (templatesDir ? map : { ...map, builtIn: true });
    };
    // Every kind the render holds compiled, in workers, before validation loads their validators here: the
    // bundled ones, and the CRDs' (input from the code repository, bounded like its render).
    await Promise.all([
      sources.schemas.compilersFor(config.validation.kubernetesVersion, documents.map((document) => ({ apiVersion: String(document.object.apiVersion), kind: String(document.object.kind) }))),
      customKinds.compile(documents),
    ]);
    const validated = validateDocuments(documents, {
      parseFindings,
      schema,
      namespace: environment.namespace,
      // image-tag-not-commit: a reused image names the commit it was built from.
      commitSha: input.image?.builtFrom ?? input.sourceSha,
      image: config.image,
      // What the manifest repository grants this environment, never what the code config grants itself.
      clusterScopedGrant: environment.grant.clusterScoped,
      exceptions: environment.grant.exceptions,
      sourceMaps: templateMapOf,
    });
    // A cluster-scoped object another environment of its cluster renders too (issue #13 item 3).
    const sharedAt = await sharedClusterFindingsOf({ config, environment: input.environment, files, manifestRepo: config.manifests.repo, isNamespaced, renderOther: renderFor });
    const shared = withTemplateLocations(sharedAt, templateMapOf);
    const report = shared.length === 0 ? validated : { ...validated, findings: [...validated.findings, ...shared].sort(compareFindings) };
    const kubernetesVersion = schema.kubernetesVersion;
    if (hasErrors(report.findings)) return { kind: 'invalid', files, report, kubernetesVersion };
    const image = input.image
      ? taggedReference(config.image, input.image.tag, input.image.digest)
      : imageReference(config.image, input.sourceSha, config.imageTag);
    return { kind: 'ready', files, report, kubernetesVersion, image };
  } catch (error) {
    // A pinned chart's files are not in the code repository: nothing there to annotate.
    const inRepo = config.manifests.chart === undefined && (templatesDir !== undefined || config.manifests.render !== 'handlebars');
    if (error instanceof LadderInputError) return { kind: 'render-error', error, templatesInRepo: inRepo };
    throw error;
  }
}
