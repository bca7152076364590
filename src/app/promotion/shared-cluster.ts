import type { Finding } from '../../core/findings.js';
import { LadderInputError } from '../../core/errors.js';
import { manifestPath } from '../../core/promotion/changes.js';
import type { RenderedFile } from '../../core/render/render.js';
import { serviceClusterInput, serviceEnvironmentsSharingCluster } from '../../core/services/clusters.js';
import type { EffectiveConfig } from '../../core/services/effective.js';
import { servicesFilePath } from '../../core/services/schema.js';
import { clusterScopedObjects, sharedClusterScopedFindings } from '../../core/validate/shared-cluster-scoped.js';

export interface SharedClusterInput {
  config: EffectiveConfig;
  /** The environment being promoted, and what it renders. */
  environment: string;
  files: readonly RenderedFile[];
  /** `owner/name` of the manifest repository, whose grants file the fix names. */
  manifestRepo: string;
  isNamespaced: (apiVersion: string, kind: string) => boolean | undefined;
  /** Renders the same commit for another environment of the service. */
  renderOther: (environment: string) => Promise<readonly RenderedFile[]>;
}

/**
 * The promoted environment's share of the shared-cluster check (issue #13
 * item 3): when `.ladder/services.yml` puts other environments of the service
 * in its cluster, the same commit is rendered for them too (it will reach them
 * next), and each cluster-scoped object this environment renders that one of
 * them renders too, without this environment owning it, is an error at this
 * environment's file. Findings at the other environments' files are theirs,
 * reported when they are promoted. Nothing is rendered for an environment with
 * a cluster of its own.
 */
export async function sharedClusterFindingsOf(input: SharedClusterInput): Promise<Finding[]> {
  const { config, environment } = input;
  const others = serviceEnvironmentsSharingCluster(config, environment);
  const own = clusterScopedObjects(input.files, input.isNamespaced, (path) => manifestPath(config.manifests.path, path));
  if (others.length === 0 || own.length === 0) return [];
  const renders = [{ environment, objects: own }];
  for (const other of others) {
    let files: readonly RenderedFile[];
    try {
      files = await input.renderOther(other);
    } catch (error) {
      // That environment's render error is reported on its own promotion.
      if (error instanceof LadderInputError) continue;
      throw error;
    }
    // Named after its branch, so none of them is taken for this environment's file.
    renders.push({ environment: other, objects: clusterScopedObjects(files, input.isNamespaced, (path) => `${other}:${manifestPath(config.manifests.path, path)}`) });
  }
  const ownFiles = new Set(own.map((object) => object.file));
  const findings = sharedClusterScopedFindings({ renders, ...serviceClusterInput(config), grantsFile: `${input.manifestRepo}: ${servicesFilePath}` });
  return findings.filter((finding) => ownFiles.has(finding.file));
}
