import type { Dirent } from 'node:fs';
import { lstat, readdir, readFile, realpath, stat } from 'node:fs/promises';
import { join, relative, isAbsolute } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LadderInputError } from '../../core/errors.js';
import { maxTemplateBytes, templateTooLarge } from '../../core/limits.js';
import type { TemplateFile } from '../../core/render/render.js';
import { decodeUtf8OrThrow } from '../../core/text/utf8.js';

export { maxTemplateBytes } from '../../core/limits.js';

/** Ladder's default templates: `templates/manifests` at the package root, three levels up from both src/ and dist/. */
export const defaultTemplatesDir = fileURLToPath(new URL('../../../templates/manifests', import.meta.url));


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
  const root = await realpath(dir);
  const templates: TemplateFile[] = [];
  for (const path of paths.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
    templates.push({ path, content: await readTemplate(root, join(dir, path)) });
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

/**
 * A template's text, read only when it resolves inside the templates
 * directory and is a regular file: a link to `/etc/passwd` or `~/.ssh/id_rsa`
 * (a fork PR can commit one) would otherwise be read, and its lines shown
 * in the render error on a CI runner's public log.
 */
async function readTemplate(root: string, file: string): Promise<string> {
  const resolved = await realpath(file);
  const inside = relative(root, resolved);
  if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) {
    throw new LadderInputError('is a symbolic link to a file outside the templates directory; Ladder reads templates only from inside it', { file });
  }
  const info = await lstat(resolved);
  if (!info.isFile()) throw new LadderInputError('is not a regular file; Ladder reads templates only from regular files', { file });
  if (info.size > maxTemplateBytes) throw templateTooLarge(info.size, file);
  return decodeUtf8OrThrow(await readFile(resolved), file, 'template');
}

function reason(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  if (code === 'ENOENT') return 'no such directory';
  if (code === 'EACCES') return 'permission denied';
  return error instanceof Error ? error.message : String(error);
}
