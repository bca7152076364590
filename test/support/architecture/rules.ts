// The rule of Ladder's layout (docs/architecture.md), stated once and checked over a set of files:
//
// - src/core imports nothing of ours outside src/core (bundled data in src/schemas aside) and no I/O.
// - An adapter (src/adapters/<system>) imports only src/core and its own folder.
// - The entry points (src/app, src/agent, src/cli) and the maintainer tools (src/tools) import core and
//   adapters; they never import each other, except the CLI starting the App or the agent through
//   their entry modules.
// - Only src/adapters/github talks to GitHub: no @octokit import and no Octokit call elsewhere.
// - No import cycle anywhere in src, type-only imports included (an arrow is an arrow).
import { posix } from 'node:path';
import { readSourceFacts, resolveRelative } from './imports.js';

export interface Violation {
  kind: 'import' | 'call' | 'cycle';
  file: string;
  line: number;
  /** The module or call in question (for a cycle, its files are in `reason`). */
  subject: string;
  reason: string;
}

/**
 * The modules through which the CLI may start the App or the agent: their entry modules (the App's
 * HTTP server for `ladder app`, `serve.ts`, once it exists) and the agent's config it checks first.
 */
export const STARTING_POINTS = ['src/app/index.ts', 'src/app/serve.ts', 'src/agent/main.ts', 'src/agent/wiring/config.ts'];
/**
 * The computed imports the rule allows, each with the one module it loads and why that module's
 * name cannot be written as a literal (the rule then judges that module as if it were written).
 */
export const COMPUTED_IMPORTS: ReadonlyArray<{ file: string; module: string; reason: string }> = [
  { file: 'src/app/setup/probot-setup.ts', module: 'probot/lib/apps/setup.js', reason: "the probot package exports only run(); its setup flow is loaded from its module file" },
];
const DATA = 'src/schemas';
const ENTRY_POINTS = ['src/app', 'src/agent', 'src/cli', 'src/tools'];

const IO_BUILTINS = new Set(['fs', 'child_process', 'net', 'http', 'https', 'http2', 'tls', 'dgram', 'dns']);
const CORE_FORBIDDEN_PACKAGES: Array<{ matches: (specifier: string) => boolean; reason: string }> = [
  { matches: (s) => s === 'probot' || s.startsWith('probot/'), reason: 'the Probot framework belongs in src/app' },
  { matches: (s) => s.startsWith('@octokit/'), reason: 'GitHub clients belong in src/adapters' },
  { matches: (s) => s === '@kubernetes/client-node' || s.startsWith('@kubernetes/client-node/'), reason: 'the Kubernetes client belongs in src/adapters' },
  { matches: (s) => s.startsWith('@slack/') || s === 'slack' || s.startsWith('slack-'), reason: 'Slack SDKs belong in src/adapters' },
  { matches: (s) => ['undici', 'axios', 'node-fetch', 'got'].includes(s), reason: 'HTTP clients belong in src/adapters' },
];

const within = (path: string, folder: string) => path === folder || path.startsWith(`${folder}/`);

/** `src/core`, `src/adapters/<system>`, `src/app`, … : the unit the rule speaks of. */
export function layerOf(path: string): string | undefined {
  if (within(path, 'src/adapters')) {
    const system = path.split('/')[2];
    return system && path.split('/').length > 3 ? `src/adapters/${system}` : 'src/adapters';
  }
  return ['src/core', DATA, ...ENTRY_POINTS].find((folder) => within(path, folder));
}

/** Why `from` may not import the file `target` (both repository paths); undefined when it may. */
function judgeInternal(from: string, target: string, written: string): string | undefined {
  const source = layerOf(from);
  const destination = layerOf(target);
  if (!within(target, 'src')) return `reaches outside src (to ${written})`;
  if (source === 'src/core') {
    if (destination === 'src/core' || destination === DATA) return undefined;
    return destination ? `core must not depend on ${destination.startsWith('src/adapters') ? 'src/adapters' : destination}` : `reaches outside src/core (to ${written})`;
  }
  if (destination === undefined) return `reaches outside the layers of src (to ${written})`;
  if (destination === DATA || destination === source) return undefined;
  if (source?.startsWith('src/adapters')) {
    if (destination === 'src/core') return undefined;
    return destination.startsWith('src/adapters') ? `an adapter imports only core and its own folder, not ${destination}` : `an adapter must not depend on the entry point ${destination}`;
  }
  // Entry points and tools.
  if (destination === 'src/core' || destination.startsWith('src/adapters')) return undefined;
  if (source === 'src/cli' && STARTING_POINTS.includes(target)) return undefined;
  if (source === 'src/cli') return `the CLI may start the App or the agent (${STARTING_POINTS.join(', ')}), not import ${target}`;
  return `entry points never import each other (${source} → ${destination})`;
}

/** Why `from` may not import the package `specifier`; undefined when it may. */
function judgePackage(from: string, specifier: string): string | undefined {
  const layer = layerOf(from);
  if (layer === 'src/core') {
    const builtin = specifier.replace(/^node:/, '').split('/')[0] ?? '';
    if (IO_BUILTINS.has(builtin)) return `node:${builtin} is I/O; core takes data and returns data`;
    return CORE_FORBIDDEN_PACKAGES.find((rule) => rule.matches(specifier))?.reason;
  }
  if (specifier.startsWith('@octokit/') && layer !== 'src/adapters/github') return 'only src/adapters/github talks to GitHub';
  return undefined;
}

/**
 * Every violation in `files` (repository path → text). Relative imports are
 * resolved against the set itself, so a synthetic set can be checked exactly
 * like the real tree.
 */
export function checkArchitecture(files: ReadonlyMap<string, string>): Violation[] {
  const violations: Violation[] = [];
  const graph = new Map<string, { target: string; line: number }[]>();
  for (const [file, text] of [...files].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const facts = readSourceFacts(file, text);
    const edges: { target: string; line: number }[] = [];
    for (const { specifier, line } of facts.imports) {
      const allowed = specifier === undefined ? COMPUTED_IMPORTS.find((entry) => entry.file === file) : undefined;
      if (allowed) {
        const reason = judgePackage(file, allowed.module);
        if (reason) violations.push({ kind: 'import', file, line, subject: allowed.module, reason });
        continue;
      }
      if (specifier === undefined) {
        const who = layerOf(file) === 'src/core' ? 'core imports' : 'import';
        violations.push({ kind: 'import', file, line, subject: '<computed>', reason: `a computed module name cannot be checked; ${who} only fixed modules` });
        continue;
      }
      const target = resolveRelative(file, specifier, (path) => files.has(path));
      const reason = target === undefined ? judgePackage(file, specifier) : judgeInternal(file, target, posix.normalize(posix.join(posix.dirname(file), specifier)));
      if (reason) violations.push({ kind: 'import', file, line, subject: specifier, reason });
      if (target !== undefined && files.has(target)) edges.push({ target, line });
    }
    if (layerOf(file) !== 'src/adapters/github') {
      for (const call of facts.githubCalls) violations.push({ kind: 'call', file, line: call.line, subject: call.text, reason: 'only src/adapters/github calls GitHub; use its port' });
    }
    graph.set(file, edges);
  }
  for (const cycle of findCycles(graph)) {
    const first = cycle[0]!;
    const line = graph.get(first)!.find((edge) => edge.target === cycle[1 % cycle.length])?.line ?? 1;
    violations.push({ kind: 'cycle', file: first, line, subject: cycle.join(' '), reason: `import cycle: ${[...cycle, first].join(' → ')}` });
  }
  return violations;
}

/**
 * The import cycles of a graph: one per strongly connected component of more
 * than one file (or a file importing itself), as a path through it that
 * starts at its first file in sorted order.
 */
export function findCycles(graph: ReadonlyMap<string, readonly { target: string }[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  let counter = 0;
  const connect = (node: string): void => {
    index.set(node, counter);
    low.set(node, counter++);
    stack.push(node);
    onStack.add(node);
    for (const { target } of graph.get(node) ?? []) {
      if (!graph.has(target)) continue;
      if (!index.has(target)) {
        connect(target);
        low.set(node, Math.min(low.get(node)!, low.get(target)!));
      } else if (onStack.has(target)) {
        low.set(node, Math.min(low.get(node)!, index.get(target)!));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    for (let member = stack.pop(); member !== undefined; member = stack.pop()) {
      onStack.delete(member);
      component.push(member);
      if (member === node) break;
    }
    const selfLoop = graph.get(node)!.some((edge) => edge.target === node);
    if (component.length > 1 || selfLoop) components.push(component.sort());
  };
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) connect(node);
  return components.map((component) => pathThrough(graph, new Set(component), component[0]!)).sort((a, b) => (a[0]! < b[0]! ? -1 : 1));
}

/** A cycle through `start` inside one component, found breadth-first so it is the shortest. */
function pathThrough(graph: ReadonlyMap<string, readonly { target: string }[]>, members: ReadonlySet<string>, start: string): string[] {
  const cameFrom = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift()!;
    for (const { target } of graph.get(node) ?? []) {
      if (!members.has(target)) continue;
      if (target === start) {
        const path = [node];
        while (path[0] !== start) path.unshift(cameFrom.get(path[0]!)!);
        return path;
      }
      if (cameFrom.has(target)) continue;
      cameFrom.set(target, node);
      queue.push(target);
    }
  }
  return [start];
}

export function describeViolation(violation: Violation): string {
  const where = `${violation.file}:${violation.line}`;
  if (violation.kind === 'cycle') return `${where} ${violation.reason}`;
  return `${where} ${violation.kind === 'import' ? 'imports' : 'calls'} '${violation.subject}': ${violation.reason}`;
}
