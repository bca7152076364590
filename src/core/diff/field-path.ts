/**
 * A step into a value: an object key, a list index, or the element of a list
 * of named objects (containers, ports, env, volumes...) matched by its name.
 */
export type PathSegment = string | number | { name: string };

const plainKey = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/**
 * Formats a path the way people read Kubernetes fields:
 * `spec.template.spec.containers[name=app].image`, `metadata.labels["app.kubernetes.io/name"]`.
 * Keys that are not plain identifiers are quoted so the path stays unambiguous.
 */
export function formatFieldPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (typeof segment === 'object') out += `[name=${segment.name}]`;
    else if (plainKey.test(segment)) out += out ? `.${segment}` : segment;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}
