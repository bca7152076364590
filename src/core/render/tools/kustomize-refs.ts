import { parseDocument } from 'yaml';
import { LadderInputError } from '../../errors.js';
import type { SourceTree } from './port.js';
import { resolveInsideTree } from '../../text/relative-path.js';

const kustomizationNames = new Set(['kustomization.yaml', 'kustomization.yml', 'Kustomization']);
const referenceKeys = ['resources', 'bases', 'components'] as const;

/**
 * Refuses a kustomize tree whose kustomizations reach outside it: every
 * `resources`, `bases` and `components` entry must be a file or directory of
 * the tree. Kustomize tries a reference it cannot find locally as a URL (a
 * git clone, an HTTP fetch) and loads bases from anywhere on disk even with
 * `LoadRestrictionsRootOnly`; both are closed here, before it runs, with the
 * file and line of the entry. Helm charts in kustomize are refused too.
 */
export function checkKustomizeReferences(tree: SourceTree): void {
  const paths = new Set<string>();
  const directories = new Set<string>(['']);
  for (const file of tree.files) {
    paths.add(file.path);
    const parts = file.path.split('/');
    for (let i = 1; i < parts.length; i++) directories.add(parts.slice(0, i).join('/'));
  }
  const decoder = new TextDecoder();
  for (const file of tree.files) {
    const name = file.path.split('/').pop()!;
    if (!kustomizationNames.has(name)) continue;
    const where = `${tree.root}/${file.path}`;
    const doc = parseDocument(decoder.decode(file.content), { keepSourceTokens: false });
    if (doc.errors.length > 0) continue; // kustomize reports it, with its line
    const lineOf = (offset: number | undefined) => (offset === undefined ? undefined : decoder.decode(file.content).slice(0, offset).split('\n').length);
    const base = file.path.includes('/') ? file.path.slice(0, file.path.lastIndexOf('/')) : '';
    for (const key of ['helmCharts', 'helmChartInflationGenerator'] as const) {
      const node = doc.get(key, true) as { range?: [number, number, number] } | undefined;
      if (node !== undefined) throw new LadderInputError(`${key} is not supported: Ladder runs kustomize without Helm; render the chart with render: helm`, located(where, lineOf(node.range?.[0]), key));
    }
    for (const key of referenceKeys) {
      const list = doc.get(key, true) as { items?: { value?: unknown; range?: [number, number, number] }[] } | undefined;
      for (const [index, item] of (list?.items ?? []).entries()) {
        if (typeof item.value !== 'string') continue;
        const target = resolveInsideTree(base, item.value);
        const found = target !== undefined && (paths.has(target) || directories.has(target));
        if (!found) {
          const why = /:\/\/|^git@|^[\w.-]+\.[a-z]{2,}\/|\?ref=/.test(item.value)
            ? 'is a remote reference; Ladder builds only from the repository (vendor the base into the tree)'
            : `is not a file or directory inside ${tree.root}; Ladder builds only from inside it`;
          throw new LadderInputError(`${JSON.stringify(item.value)} ${why}`, located(where, lineOf(item.range?.[0]), `${key}[${index}]`));
        }
      }
    }
  }
}

function located(file: string, line: number | undefined, key: string) {
  return { file, ...(line === undefined ? {} : { line }), key };
}
