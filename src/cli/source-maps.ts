import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { RenderedFile } from '../core/render/render.js';
import { isRenderedSourceMap, type RenderedSourceMap, type SourceMapEntry } from '../core/render/source-map.js';

/**
 * `ladder render --out DIR` keeps the source maps of the files it writes in
 * DIR/.ladder-source-map.json (a dotfile: `ladder validate DIR` does not read
 * it as a manifest, and Git tools list it apart), so that `ladder validate`
 * of those files can name the template line of each finding. A file whose
 * bytes changed since the render has no map: its lines would be wrong.
 */
export const sourceMapFileName = '.ladder-source-map.json';

interface SidecarEntry {
  sha256: string;
  /** Relative to the directory of the map file, with `/`; a bare name for Ladder's default templates. */
  template: string;
  builtIn?: true;
  entries: SourceMapEntry[];
}

interface Sidecar {
  format: 1;
  files: Record<string, SidecarEntry>;
}

/** The map file for rendered files about to be written to `out` (paths relative to it), or undefined when none has a map. */
export function sourceMapFile(files: readonly RenderedFile[], out: string, cwd: string, builtIn: boolean): { path: string; content: string } | undefined {
  const sidecar: Sidecar = { format: 1, files: {} };
  for (const file of files) {
    if (!file.sourceMap) continue;
    const template = builtIn ? file.sourceMap.template : relative(resolve(cwd, out), resolve(cwd, file.sourceMap.template)).split(sep).join('/');
    sidecar.files[file.path] = { sha256: sha256(file.content), template, ...(builtIn ? { builtIn: true as const } : {}), entries: file.sourceMap.entries };
  }
  if (Object.keys(sidecar.files).length === 0) return undefined;
  return { path: sourceMapFileName, content: `${JSON.stringify(sidecar)}\n` };
}

/**
 * The source maps of `files` (as `ladder validate` read them) that a map file
 * beside them holds and whose content still matches. A missing, unreadable
 * or malformed map file means no maps: validation itself never depends on one.
 */
export async function readSourceMaps(files: readonly string[], cwd: string): Promise<Map<string, RenderedSourceMap>> {
  const maps = new Map<string, RenderedSourceMap>();
  const byDirectory = new Map<string, string[]>();
  for (const file of files) {
    const directory = dirname(file);
    const inDirectory = byDirectory.get(directory);
    if (inDirectory) inDirectory.push(file);
    else byDirectory.set(directory, [file]);
  }
  for (const [directory, inDirectory] of byDirectory) {
    const sidecar = await readSidecar(join(directory, sourceMapFileName));
    if (!sidecar) continue;
    for (const file of inDirectory) {
      const entry = sidecar.files[basename(file)];
      if (!entry) continue;
      const content = await readFile(resolve(cwd, file)).catch(() => undefined);
      if (!content || sha256(content) !== entry.sha256) continue;
      const template = entry.builtIn ? entry.template : displayPath(resolve(cwd, directory, entry.template), cwd);
      maps.set(file, { template, entries: entry.entries, ...(entry.builtIn ? { builtIn: true } : {}) });
    }
  }
  return maps;
}

async function readSidecar(path: string): Promise<Sidecar | undefined> {
  try {
    const parsed = JSON.parse(await readFile(path, 'utf8')) as Partial<Sidecar>;
    if (parsed.format !== 1 || typeof parsed.files !== 'object' || parsed.files === null) return undefined;
    const files: Record<string, SidecarEntry> = {};
    for (const [name, entry] of Object.entries(parsed.files)) {
      const candidate = entry as Partial<SidecarEntry>;
      if (typeof candidate.sha256 === 'string' && isRenderedSourceMap({ template: candidate.template, entries: candidate.entries })) files[name] = candidate as SidecarEntry;
    }
    return { format: 1, files };
  } catch {
    return undefined;
  }
}

function sha256(content: string | Uint8Array): string {
  return createHash('sha256').update(content).digest('hex');
}

/** Relative to the working directory when inside it, as the rest of the CLI's messages name files. */
function displayPath(absolute: string, cwd: string): string {
  const path = relative(cwd, absolute);
  return path && !path.startsWith('..') && !isAbsolute(path) ? path : absolute;
}
