import { crdScopeKey, crdScopesOf, groupOf } from '../../kubernetes/scope.js';
import type { ManifestDocument } from '../../manifests/document.js';
import { fieldsAt, isFields, kindOf, stringAt } from './object-access.js';

/**
 * The whole manifest set as rules that relate objects see it (an HPA and its
 * target, a CRD and its resources). Lookups go through indexes built once per
 * run, on first use: scanning every document for every document made a run
 * over 10,000 resources spend most of its time in one rule.
 */
export interface ManifestSet {
  readonly documents: readonly ManifestDocument[];
  /** The first HorizontalPodAutoscaler in the set that scales the target, in document order. */
  autoscalerOf(target: ScaleTarget): ManifestDocument | undefined;
  /**
   * The scope the first CRD in the set for this group and kind declares
   * (`true` for Namespaced, `false` for Cluster); CRDs with any other scope
   * value are passed over, and `undefined` means none says.
   */
  crdScope(group: string, kind: string): boolean | undefined;
}

export interface ScaleTarget {
  apiVersion: string;
  kind: string;
  name: string;
  /** The object's namespace, or the environment's when it names none. */
  namespace: string | undefined;
}

/** What the index needs of the policy context (types.ts imports this module: naming PolicyContext here would be a cycle). */
type SetContext = { readonly namespace?: string };

interface Autoscaler {
  /** The API group `scaleTargetRef.apiVersion` names; absent (optional in autoscaling/v1) matches any. */
  targetGroup: string | undefined;
  document: ManifestDocument;
}

export function indexManifestSet(documents: readonly ManifestDocument[], context: SetContext): ManifestSet {
  let autoscalers: Map<string, Autoscaler[]> | undefined;
  let crdScopes: Map<string, boolean> | undefined;
  return {
    documents,
    autoscalerOf(target) {
      autoscalers ??= indexAutoscalers(documents, context);
      const group = groupOf(target.apiVersion);
      const candidates = autoscalers.get(keyOf(target.namespace, target.kind, target.name)) ?? [];
      return candidates.find(({ targetGroup }) => targetGroup === undefined || targetGroup === group)?.document;
    },
    crdScope(group, kind) {
      crdScopes ??= crdScopesOf(documents.map((document) => document.object));
      return crdScopes.get(crdScopeKey(group, kind));
    },
  };
}

/** Objects without a namespace are applied into the environment's namespace. */
export function namespaceOf(object: Record<string, unknown>, context: SetContext): string | undefined {
  return stringAt(fieldsAt(object, 'metadata'), 'namespace') ?? context.namespace;
}

/** JSON keeps the parts apart whatever characters they hold, and `undefined` (no namespace) apart from any string. */
function keyOf(...parts: (string | undefined)[]): string {
  return JSON.stringify(parts.map((part) => part ?? null));
}

function indexAutoscalers(documents: readonly ManifestDocument[], context: SetContext): Map<string, Autoscaler[]> {
  const index = new Map<string, Autoscaler[]>();
  for (const document of documents) {
    const { object } = document;
    if (kindOf(object) !== 'HorizontalPodAutoscaler' || groupOf(stringAt(object, 'apiVersion') ?? '') !== 'autoscaling') continue;
    const ref = fieldsAt(fieldsAt(object, 'spec'), 'scaleTargetRef');
    if (!isFields(ref) || typeof ref.kind !== 'string' || typeof ref.name !== 'string') continue;
    const refApiVersion = stringAt(ref, 'apiVersion');
    // An HPA only scales objects in its own namespace.
    const key = keyOf(namespaceOf(object, context), ref.kind, ref.name);
    const entry = { targetGroup: refApiVersion === undefined ? undefined : groupOf(refApiVersion), document };
    const list = index.get(key);
    if (list) list.push(entry);
    else index.set(key, [entry]);
  }
  return index;
}
