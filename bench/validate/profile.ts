/** Summarises a V8 `.cpuprofile` (from `node --cpu-prof`): where the self time goes, by module and by function. */
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { SourceMap } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber?: number };
  hitCount?: number;
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  totalMs: number;
  byModule: { name: string; ms: number; share: number }[];
  byFunction: { name: string; ms: number; share: number }[];
}

/** Groups a script URL into the package or source area it belongs to. */
function moduleOf(url: string): string {
  if (!url) return '(native / V8)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  if (url.startsWith('node:')) return 'node (built-in modules)';
  const own = /\/(src|dist)\/(.+?)\/[^/]+$/.exec(url);
  return own ? `ladder ${own[2]}` : url;
}

/**
 * The built CLI runs `validate` from a bundle (dist/cli/chunk-*.js): each frame in a file with a
 * source map beside it is moved to the source file and line it came from, so modules keep their names.
 */
async function readProfile<T extends CpuProfile>(file: string): Promise<T> {
  const profile = JSON.parse(await readFile(file, 'utf8')) as T;
  const maps = new Map<string, SourceMap | undefined>();
  const mapOf = (url: string): SourceMap | undefined => {
    if (!maps.has(url)) {
      const path = url.startsWith('file://') ? `${fileURLToPath(url)}.map` : undefined;
      maps.set(url, path && existsSync(path) ? new SourceMap(JSON.parse(readFileSync(path, 'utf8'))) : undefined);
    }
    return maps.get(url);
  };
  for (const node of profile.nodes) {
    const frame = node.callFrame;
    const map = frame.url ? mapOf(frame.url) : undefined;
    const entry = map?.findEntry(frame.lineNumber, frame.columnNumber ?? 0);
    if (!entry || !('originalSource' in entry)) continue;
    frame.url = pathToFileURL(fileURLToPath(new URL(entry.originalSource, frame.url))).href;
    frame.lineNumber = entry.originalLine;
  }
  return profile;
}

export async function summarizeProfile(file: string, top = 12): Promise<ProfileSummary> {
  const profile = await readProfile<CpuProfile>(file);
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfMs = new Map<number, number>();
  profile.samples.forEach((id, index) => selfMs.set(id, (selfMs.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0) / 1000));
  const totalMs = (profile.endTime - profile.startTime) / 1000;
  const modules = new Map<string, number>();
  const functions = new Map<string, number>();
  for (const [id, ms] of selfMs) {
    const frame = byId.get(id)?.callFrame;
    if (!frame) continue;
    const module = frame.functionName === '(garbage collector)' ? '(garbage collector)' : moduleOf(frame.url);
    modules.set(module, (modules.get(module) ?? 0) + ms);
    const where = frame.url ? ` ${module === moduleOf(frame.url) && module.startsWith('ladder') ? `${module}/${frame.url.slice(frame.url.lastIndexOf('/') + 1)}` : module}:${frame.lineNumber + 1}` : ` ${module}`;
    const fn = `${frame.functionName || '(anonymous)'}${where}`;
    functions.set(fn, (functions.get(fn) ?? 0) + ms);
  }
  const rank = (map: Map<string, number>) =>
    [...map].sort((a, b) => b[1] - a[1]).slice(0, top).map(([name, ms]) => ({ name, ms, share: ms / totalMs }));
  return { totalMs, byModule: rank(modules), byFunction: rank(functions) };
}

/** The phases of `ladder validate`, each named by the code its samples run in (the innermost frame that says). */
const phases: [string, (frame: ProfileNode['callFrame']) => boolean][] = [
  ['output (formatting the report)', (f) => /cli\/format\//.test(f.url) || /^formatFindings/.test(f.functionName)],
  ['report (sort, root cause first, duplicates)', (f) => /validate\/(run|root-cause)\.[jt]s/.test(f.url) || /core\/findings\.[jt]s/.test(f.url) || /^(completeReport|rootCauseFirst|compareFindings|duplicatesAmong)$/.test(f.functionName)],
  ['policy rules', (f) => /validate\/policy\//.test(f.url) || /^runPolicy$/.test(f.functionName)],
  ["API server's rules (defaulting, validation)", (f) => /validate\/apiserver\//.test(f.url)],
  ['schema: messages, list keys, server view', (f) => /schema\/(messages|list-keys|server-view|unknown-kind)\.[jt]s/.test(f.url) || /text\/suggest\.[jt]s/.test(f.url)],
  ['schema: compiled validators (Ajv code)', (f) => /ladder-validator\.js/.test(f.url) || /^validate\d+$/.test(f.functionName)],
  ['schema: loading the bundle and the cached validators', (f) => /schema\/code-cache\.[jt]s|validator-cache|schema-bundle/.test(f.url) || /node_modules\/ajv\//.test(f.url)],
  ['schema: the checker around the validators (validator.ts, compile.ts)', (f) => /validate\/schema\//.test(f.url)],
  ['YAML: plain scalars (scalars.ts)', (f) => /manifests\/scalars\.[jt]s/.test(f.url)],
  ['YAML: yaml library (careful path)', (f) => /node_modules\/yaml\//.test(f.url) || /manifests\/parse-yaml\.[jt]s/.test(f.url)],
  ['YAML: block reader (values, positions)', (f) => /manifests\/block-(index|values)\.[jt]s/.test(f.url) || /^(splitDocuments|needsCarefulParse|hasContent|parseQuickly|positionOf|positionAt|lineStartsOf|quickDocument)$/.test(f.functionName)],
  ['YAML: budgets and UTF-8', (f) => /yaml\/budget\.[jt]s|text\/utf8\.[jt]s/.test(f.url)],
  ['reading files', (f) => /read-manifests\.[jt]s/.test(f.url) || /^(readBounded|readInOrder|listManifestFiles)$/.test(f.functionName)],
  ['threads (messages between them)', (f) => /validate-(shard|shards|worker)\.[jt]s/.test(f.url) || /internal\/worker|worker_threads/.test(f.url)],
  ['module loading (Node)', (f) => /internal\/modules\//.test(f.url) || /^(compileSourceTextModule|compileForInternalLoader)$/.test(f.functionName)],
];

export interface PhaseSummary {
  totalMs: number;
  garbageCollectorMs: number;
  idleMs: number;
  phases: { name: string; ms: number }[];
}

/**
 * Where one thread's time went, by phase: each sample counts for the innermost frame on its
 * stack that belongs to a phase; garbage collection and idle time (waiting for the other thread)
 * apart. Samples are wall-clock: on a loaded machine time the thread was not running counts for
 * what it was doing, so the shares mean more than the milliseconds.
 */
export async function summarizePhases(file: string): Promise<PhaseSummary> {
  const profile = await readProfile<CpuProfile & { nodes: (ProfileNode & { children?: number[] })[] }>(file);
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const totals = new Map<string, number>();
  let garbageCollectorMs = 0;
  let idleMs = 0;
  profile.samples.forEach((id, index) => {
    const ms = (profile.timeDeltas[index + 1] ?? 0) / 1000;
    const leaf = byId.get(id)?.callFrame.functionName;
    if (leaf === '(garbage collector)') garbageCollectorMs += ms;
    else if (leaf === '(idle)') idleMs += ms;
    else {
      let phase: string | undefined;
      for (let at: number | undefined = id; at !== undefined && !phase; at = parent.get(at)) {
        const frame = byId.get(at)!.callFrame;
        phase = phases.find(([, matches]) => matches(frame))?.[0];
      }
      totals.set(phase ?? 'other (Node, start-up, the command)', (totals.get(phase ?? 'other (Node, start-up, the command)') ?? 0) + ms);
    }
  });
  return {
    totalMs: (profile.endTime - profile.startTime) / 1000,
    garbageCollectorMs,
    idleMs,
    phases: [...totals].sort((a, b) => b[1] - a[1]).map(([name, ms]) => ({ name, ms })),
  };
}
