import { createHash } from 'node:crypto';
import type { EnvironmentConfig, LadderConfig } from '../config/schema.js';
import { imageReference, imageTagFor, taggedReference } from './image.js';
import { valuesFor } from '../config/load.js';

/** What a template sees. docs/templates.md describes each field. */
export interface TemplateContext {
  service: string;
  environment: string;
  namespace: string;
  image: string;
  imageRepository: string;
  imageTag: string;
  imageDigest: string | null;
  commit: { sha: string; short: string };
  values: Record<string, unknown>;
  labels: Record<string, string>;
  selectorLabels: Record<string, string>;
}

export interface ContextInput {
  config: LadderConfig;
  environment: EnvironmentConfig;
  sha: string;
  imageDigest?: string;
  /** Overrides the tag derived from `sha` (promotion of an upstream image). */
  imageTag?: string;
}

const labelValueLimit = 63;

export function buildContext({ config, environment, sha, imageDigest, imageTag: tagOverride }: ContextInput): TemplateContext {
  const imageTag = tagOverride ?? imageTagFor(sha, config.imageTag);
  const selectorLabels = {
    'app.kubernetes.io/name': config.service,
    'app.kubernetes.io/instance': instanceLabel(config.service, environment.name),
  };
  return {
    service: config.service,
    environment: environment.name,
    namespace: environment.namespace,
    image: tagOverride === undefined ? imageReference(config.image, sha, config.imageTag, imageDigest) : taggedReference(config.image, tagOverride, imageDigest),
    imageRepository: config.image,
    imageTag,
    imageDigest: imageDigest ?? null,
    commit: { sha, short: sha.slice(0, config.imageTag.length) },
    values: valuesFor(config, environment.name),
    // The selector subset never holds the version: a Deployment's selector is
    // immutable, and a Service must select the pods of every version during a rollout.
    selectorLabels,
    labels: {
      ...selectorLabels,
      'app.kubernetes.io/version': imageTag,
      'app.kubernetes.io/managed-by': 'ladder',
    },
  };
}

/**
 * `<service>-<environment>`. Two DNS labels can exceed a label value's 63
 * characters; then a prefix and a hash of the whole keep it unique and stable.
 */
function instanceLabel(service: string, environment: string): string {
  const instance = `${service}-${environment}`;
  if (instance.length <= labelValueLimit) return instance;
  const hash = createHash('sha256').update(instance).digest('hex').slice(0, 8);
  return `${instance.slice(0, labelValueLimit - hash.length - 1).replace(/-+$/, '')}-${hash}`;
}
