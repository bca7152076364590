import type { LadderConfig } from '../config/schema.js';
import type { RenderedSourceMap } from './source-map.js';
import type { RenderLimits } from '../limits.js';

/** A Handlebars template. `path` is relative to the templates directory, e.g. `deployment.yaml.hbs`. */
export interface TemplateFile {
  path: string;
  content: string;
}

export interface RenderInput {
  config: LadderConfig;
  /** Name of the environment to render for; one of `config.environments`. */
  environment: string;
  /** The commit being deployed: 40 lower-case hex digits. */
  sha: string;
  templates: readonly TemplateFile[];
  /** `sha256:<64 hex>` when the registry was asked; pins the image by digest. */
  imageDigest?: string;
  /**
   * The image tag to deploy instead of the one derived from `sha`: promotion
   * from an upstream environment carries the exact image that environment runs.
   */
  imageTag?: string;
  /** How errors name template files: `deploy/templates` makes `deployment.yaml.hbs` read `deploy/templates/deployment.yaml.hbs`. */
  templatesDir?: string;
  /**
   * Which kinds are namespaced, e.g. the schema validator's `isNamespaced`;
   * `undefined` from it (or no function) falls back to CRDs in the set and
   * Ladder's table of built-in cluster-scoped kinds.
   */
  isNamespaced?: (apiVersion: string, kind: string) => boolean | undefined;
  /** Budgets of this render; `defaultRenderLimits` where not given. */
  limits?: Partial<RenderLimits>;
}

/** One resource, serialised, at its stable path relative to `manifests.path`. */
export interface RenderedFile {
  /** `<kind lower-case>-<name>.yaml`, e.g. `deployment-checkout.yaml`. */
  path: string;
  content: string;
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
  /** Where each node of `content` came from in its template (absent when the render could not be traced). */
  sourceMap?: RenderedSourceMap;
}
