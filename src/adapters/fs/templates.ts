import type { Dirent } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LadderInputError } from '../../core/errors.js';
import type { TemplateFile } from '../../core/render/render.js';

/** Ladder's default templates: `templates/manifests` at the package root, three levels up from both src/ and dist/. */
export const defaultTemplatesDir = fileURLToPath(new URL('../../../templates/manifests', import.meta.url));

/** A template is source code, not data: 256 KiB is far more than any needs, and bounds what one render reads. */
export const maxTemplateBytes = 256 * 1024;

const templateSuffix = '.hbs';

/**
 * Reads every `*.hbs` file under `dir` (Ladder's defaults when undefined),
 * recursively, sorted by path. Paths are relative to `dir` with `/`; hidden
 * entries are skipped. Errors name the file as `dir` joined with its path.
 */
export async function readTemplates(dir: string = defaultTemplatesDir): Promise<TemplateFile[]> {
  const info = await stat(dir).catch((error: unknown) => {
    throw new LadderInputError(`cannot read the templates directory: ${reason(error)}`, { file: dir }, { cause: error });
  });
  if (!info.isDirectory()) throw new LadderInputError('is not a directory of templates', { file: dir });
  const paths = await listTemplates(dir, '');
  if (paths.length === 0) throw new LadderInputError(`holds no templates (files ending ${templateSuffix})`, { file: dir });
  const templates: TemplateFile[] = [];
  for (const path of paths.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
    templates.push({ path, content: await readTemplate(join(dir, path)) });
  }
  return templates;
}

async function listTemplates(root: string, prefix: string): Promise<string[]> {
  const entries = await readdir(join(root, prefix), { withFileTypes: true });
  const found: string[] = [];
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const path = prefix ? `${prefix}/${entry.name}` : entry.name;
    const kind = await entryKind(entry, join(root, path));
    if (kind === 'directory') found.push(...(await listTemplates(root, path)));
    else if (kind === 'file' && entry.name.endsWith(templateSuffix)) found.push(path);
  }
  return found;
}

/** Symbolic links to files are followed; links to directories are not, so a link cycle cannot loop. */
async function entryKind(entry: Dirent, fullPath: string): Promise<'file' | 'directory' | 'other'> {
  if (entry.isDirectory()) return 'directory';
  if (entry.isFile()) return 'file';
  if (!entry.isSymbolicLink()) return 'other';
  const target = await stat(fullPath).catch(() => undefined);
  return target?.isFile() ? 'file' : 'other';
}

async function readTemplate(file: string): Promise<string> {
  const { size } = await stat(file);
  if (size > maxTemplateBytes) {
    throw new LadderInputError(`template is ${Math.ceil(size / 1024)} KiB; Ladder reads at most ${maxTemplateBytes / 1024} KiB per template`, { file });
  }
  const bytes = await readFile(file);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const offset = firstInvalidUtf8(bytes);
    const before = bytes.subarray(0, offset);
    const line = before.filter((b) => b === 0x0a).length + 1;
    const column = offset - (before.lastIndexOf(0x0a) + 1) + 1;
    const byte = (bytes[offset] ?? 0).toString(16).padStart(2, '0');
    throw new LadderInputError(`template is not valid UTF-8 (invalid byte 0x${byte})`, { file, line, column });
  }
}

/** Offset of the first byte that does not start or continue a well-formed UTF-8 sequence. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i += 1;
      continue;
    }
    // Lead byte → sequence length and the range its first continuation byte must be in
    // (the narrower ranges exclude overlong forms, surrogates and code points above U+10FFFF).
    let length: number;
    let low = 0x80;
    let high = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) length = 2;
    else if (b >= 0xe0 && b <= 0xef) {
      length = 3;
      if (b === 0xe0) low = 0xa0;
      if (b === 0xed) high = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      length = 4;
      if (b === 0xf0) low = 0x90;
      if (b === 0xf4) high = 0x8f;
    } else return i;
    for (let k = 1; k < length; k++) {
      const c = bytes[i + k];
      if (c === undefined) return i + k;
      if (k === 1 ? c < low || c > high : c < 0x80 || c > 0xbf) return i + k;
    }
    i += length;
  }
  return bytes.length;
}

function reason(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  if (code === 'ENOENT') return 'no such directory';
  if (code === 'EACCES') return 'permission denied';
  return error instanceof Error ? error.message : String(error);
}
