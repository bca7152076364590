import { join } from 'node:path';
import { parse } from 'yaml';
import type { Finding } from '../core/findings.js';
import type { KubeObject } from '../core/manifests/document.js';
import type { RenderedFile } from '../core/render/render.js';
import { namespacedPredicate } from '../core/render/scope.js';
import { withTemplateLocations, type RenderedSourceMap } from '../core/render/source-map.js';
import { clusterScopedOwners, clustersOf } from '../core/services/clusters.js';
import type { ServicesFile } from '../core/services/schema.js';
import { clusterScopedObjects, sharedClusterScopedFindings } from '../core/validate/shared-cluster-scoped.js';

export interface EnvironmentRender {
  environment: string;
  /** Where its files go: findings name them there. */
  dir: string;
  files: readonly RenderedFile[];
}

/**
 * `ladder render --all-envs --services`: the shared-cluster check (issue #13
 * item 3) over every environment's render, with the clusters and owners the
 * manifest repository's grants file gives. Every copy of an object not owned
 * is a finding at its file under `<out>/<environment>`, with the template
 * line that wrote it.
 */
export function sharedClusterFindingsOfRenders(services: ServicesFile, servicesFile: string, renders: readonly EnvironmentRender[], builtInTemplates: boolean): Finding[] {
  // Built-in kinds by name; a custom kind by the CRD in the set that defines it, as the render placed it.
  const crds = renders.flatMap(({ files }) => files.filter((file) => file.kind === 'CustomResourceDefinition').map((file) => parse(file.content) as KubeObject));
  const namespaced = namespacedPredicate(crds);
  const isNamespaced = (apiVersion: string, kind: string) => namespaced({ apiVersion, kind });
  const maps = new Map<string, RenderedSourceMap>();
  const objects = renders.map(({ environment, dir, files }) => {
    for (const file of files) if (file.sourceMap) maps.set(join(dir, file.path), builtInTemplates ? { ...file.sourceMap, builtIn: true } : file.sourceMap);
    return { environment, objects: clusterScopedObjects(files, isNamespaced, (path) => join(dir, path)) };
  });
  const findings = sharedClusterScopedFindings({ renders: objects, clusters: clustersOf(services), grants: clusterScopedOwners(services), grantsFile: servicesFile });
  return withTemplateLocations(findings, (file) => maps.get(file));
}
