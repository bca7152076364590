import { formatFieldPath } from '../diff/field-path.js';
import type { PathElement } from './field-set.js';

/**
 * A field path the way people read it, in the same style as Ladder's diffs:
 * `spec.template.spec.containers[name=app].image`,
 * `spec.template.spec.containers[name=app].ports[containerPort=8080,protocol=TCP]`,
 * `metadata.labels["app.kubernetes.io/name"]`, `metadata.finalizers[value=example.com/x]`.
 */
export function formatDriftPath(path: readonly PathElement[]): string {
  let out = '';
  for (const element of path) {
    switch (element.type) {
      case 'field':
        out += out ? formatFieldPath(['x', element.name]).slice(1) : formatFieldPath([element.name]);
        break;
      case 'index':
        out += `[${element.index}]`;
        break;
      case 'key':
        out += `[${Object.entries(element.fields)
          .map(([name, value]) => `${name}=${scalar(value)}`)
          .join(',')}]`;
        break;
      case 'value':
        out += `[value=${scalar(element.value)}]`;
        break;
    }
  }
  return out;
}

function scalar(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}
