/** A file of a comparison, as GitHub's compare API lists it. */
export interface ComparedFile {
  filename: string;
  status: string;
  additions: number;
  deletions: number;
  patch?: string;
  previous_filename?: string;
}

export interface ResourceChange {
  change: 'added' | 'changed' | 'removed';
  kind: string;
  name: string;
  path: string;
  additions: number;
  deletions: number;
}

/** Kind and name of a rendered file, by its path in the manifest repository. */
export type ResourceIndex = ReadonlyMap<string, { kind: string; name: string }>;

/**
 * One row per resource the promotion adds, changes or removes, from the
 * comparison of the environment branch with the promotion branch (one
 * request gives every file's patch). Resources still rendered are named from
 * the render; removed ones from their deleted lines.
 */
export function summarizeResources(files: readonly ComparedFile[], rendered: ResourceIndex): ResourceChange[] {
  const rows: ResourceChange[] = [];
  for (const file of files) {
    const change = file.status === 'added' ? 'added' : file.status === 'removed' ? 'removed' : 'changed';
    const known = rendered.get(file.filename) ?? identityFromPatch(file.patch, change === 'removed' ? '-' : '+') ?? identityFromPath(file.filename);
    rows.push({ change, kind: known.kind, name: known.name, path: file.filename, additions: file.additions, deletions: file.deletions });
  }
  const order = { added: 0, changed: 1, removed: 2 } as const;
  return rows.sort((a, b) => order[a.change] - order[b.change] || a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name));
}

/** `kind:` and `metadata.name` from a whole-file patch (every line added or every line deleted). */
export function identityFromPatch(patch: string | undefined, sign: '+' | '-'): { kind: string; name: string } | undefined {
  if (!patch) return undefined;
  let kind: string | undefined;
  let name: string | undefined;
  let inMetadata = false;
  for (const raw of patch.split('\n')) {
    if (!raw.startsWith(sign)) continue;
    const line = raw.slice(1);
    if (/^\S/.test(line)) inMetadata = line.startsWith('metadata:');
    const kindMatch = /^kind:\s*(.+)$/.exec(line);
    if (kindMatch) kind = scalar(kindMatch[1]!);
    const nameMatch = /^ {2}name:\s*(.+)$/.exec(line);
    if (inMetadata && nameMatch && name === undefined) name = scalar(nameMatch[1]!);
  }
  return kind && name ? { kind, name } : undefined;
}

/** Last resort: `deployment-checkout.yaml` → deployment / checkout. */
function identityFromPath(path: string): { kind: string; name: string } {
  const base = path.slice(path.lastIndexOf('/') + 1).replace(/\.(ya?ml|json)$/, '');
  const dash = base.indexOf('-');
  return dash > 0 ? { kind: base.slice(0, dash), name: base.slice(dash + 1) } : { kind: 'file', name: base };
}

function scalar(text: string): string {
  const trimmed = text.trim();
  if (trimmed.startsWith('"')) {
    try {
      return String(JSON.parse(trimmed));
    } catch {
      return trimmed;
    }
  }
  return trimmed.replace(/^'(.*)'$/, '$1');
}

/** Merge commits of GitHub pull requests name them: `Merge pull request #12 from …` or a squash's `Title (#12)`. */
export function pullRequestNumberOf(message: string): number | undefined {
  const first = message.split('\n', 1)[0] ?? '';
  const match = /^Merge pull request #(\d+)\b/.exec(first) ?? /\(#(\d+)\)\s*$/.exec(first);
  return match ? Number(match[1]) : undefined;
}
