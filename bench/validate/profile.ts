/** Summarises a V8 `.cpuprofile` (from `node --cpu-prof`): where the self time goes, by module and by function. */
import { readFile } from 'node:fs/promises';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
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

export async function summarizeProfile(file: string, top = 12): Promise<ProfileSummary> {
  const profile = JSON.parse(await readFile(file, 'utf8')) as CpuProfile;
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
