import { suggestNearest } from '../../text/suggest.js';
import type { SchemaBundle } from './bundle.js';

/**
 * Explains a kind with no schema, pointing at the likely fix: an apiVersion the
 * release no longer serves (`extensions/v1beta1` Ingress), a misspelt kind, or
 * a custom resource whose CRD is not in the manifest set.
 */
export function describeUnknownKind(
  apiVersion: string,
  kind: string,
  bundle: SchemaBundle,
  /** apiVersions the CRDs in the manifest set serve this kind as. */
  customServedAs: readonly string[] = [],
): { message: string; hint: string } {
  const release = minorOf(bundle.kubernetesVersion);
  if (customServedAs.length > 0) {
    return {
      message: `kind: no CustomResourceDefinition in the manifests serves ${kind} as ${apiVersion}; versions served: ${[...customServedAs].sort(preferStable).join(', ')}`,
      hint: 'Use a version the CRD lists with served: true, or serve this version in the CRD.',
    };
  }
  if (isListWrapper(apiVersion, kind, bundle)) {
    return {
      message: `kind: ${kind} is a list wrapper that kubectl unpacks on the client; the API server stores no such object`,
      hint: 'Write each item as its own document (separated by ---), or better, its own file.',
    };
  }
  const servedAs = Object.keys(bundle.kinds)
    .filter((candidate) => Object.hasOwn(bundle.kinds[candidate]!, kind))
    .sort(preferStable);
  if (servedAs.length > 0) {
    return {
      message: `kind: Kubernetes ${release} does not serve ${kind} as ${apiVersion}; it serves it as ${servedAs.join(', ')}`,
      hint: `Change apiVersion to ${servedAs[0]} (and adjust fields that changed between versions).`,
    };
  }
  const kindsOfVersion = Object.hasOwn(bundle.kinds, apiVersion) ? Object.keys(bundle.kinds[apiVersion]!) : [];
  const nearest = suggestNearest(kind, kindsOfVersion);
  if (nearest) {
    return {
      message: `kind: unknown kind ${kind} in ${apiVersion}; did you mean ${nearest}?`,
      hint: `Kinds are case-sensitive; write ${nearest}.`,
    };
  }
  return {
    message: `kind: unknown kind ${kind} (${apiVersion}): not a built-in kind of Kubernetes ${release}, and no CustomResourceDefinition in the manifests defines it`,
    hint: 'Add its CustomResourceDefinition to the manifest set, or set unknownKinds to warning or ignore to let such objects through unchecked.',
  };
}

/** `v1 List`, or `<Kind>List` of a kind the apiVersion serves (`apps/v1 DeploymentList`): what `kubectl get -o yaml` writes. */
export function isListWrapper(apiVersion: string, kind: string, bundle: SchemaBundle): boolean {
  if (apiVersion === 'v1' && kind === 'List') return true;
  const item = kind.endsWith('List') ? kind.slice(0, -'List'.length) : '';
  return item !== '' && Object.hasOwn(bundle.kinds, apiVersion) && Object.hasOwn(bundle.kinds[apiVersion]!, item);
}

/** `1.36.3` → `1.36`. */
export function minorOf(version: string): string {
  return version.split('.').slice(0, 2).join('.');
}

/** GA versions first (`v1` before `v1beta1`), so the suggestion is the one to use. */
function preferStable(a: string, b: string): number {
  const rank = (apiVersion: string): number => (/\/v\d+$|^v\d+$/.test(apiVersion) ? 0 : /beta/.test(apiVersion) ? 1 : 2);
  return rank(a) - rank(b) || a.localeCompare(b);
}
