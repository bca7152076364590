import { gunzipSync } from 'node:zlib';
import { LadderInputError, type InputLocation } from '../../core/errors.js';
import { checkSourceTree, isSafeTreePath, sourceTreeLimits } from '../../core/render/tools/limits.js';
import type { SourceFile } from '../../core/render/tools/port.js';

/** Budgets of a fetched chart archive, besides the source-tree budgets its files are held to once unpacked. */
export const chartArchiveLimits = {
  /** Bytes of the `.tgz` as fetched. */
  maxArchiveBytes: 4 * 1024 * 1024,
  /** Bytes of the tar inside: the tree's budget plus a header per file (a gzip bomb stops here). */
  maxTarBytes: sourceTreeLimits.maxTotalBytes + sourceTreeLimits.maxFiles * 1024 + 1024,
} as const;

const block = 512;

/**
 * The files of a chart archive (`helm package`'s `.tgz`: one top directory
 * named after the chart), relative to that directory. Only regular files and
 * directories: a symbolic or hard link, a device, a path with `..` or two
 * top directories is refused, as is an archive past its budgets, before
 * anything is written to disk. `where` locates every refusal (the pin).
 */
export function unpackChart(archive: Uint8Array, where: InputLocation, shown: string): SourceFile[] {
  const refuse = (why: string) => new LadderInputError(`the chart archive ${why}; Ladder renders only a plain chart archive`, where);
  if (archive.byteLength > chartArchiveLimits.maxArchiveBytes) {
    throw new LadderInputError(`the chart archive is ${Math.ceil(archive.byteLength / 1024)} KiB; Ladder fetches at most ${chartArchiveLimits.maxArchiveBytes / 1024} KiB`, where);
  }
  let tar: Buffer;
  try {
    tar = gunzipSync(archive, { maxOutputLength: chartArchiveLimits.maxTarBytes });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw refuse(`unpacks to more than ${Math.floor(chartArchiveLimits.maxTarBytes / 1024 / 1024)} MiB`);
    throw refuse('is not gzip');
  }
  const files: SourceFile[] = [];
  const seen = new Set<string>();
  let top: string | undefined;
  let longName: string | undefined;
  let offset = 0;
  while (offset + block <= tar.length) {
    const header = tar.subarray(offset, offset + block);
    if (header.every((byte) => byte === 0)) break;
    if (!checksumMatches(header)) throw refuse('has a damaged header');
    const size = octal(header.subarray(124, 136));
    if (size === undefined) throw refuse('has a damaged header');
    const start = offset + block;
    const end = start + size;
    if (end > tar.length) throw refuse('is truncated');
    offset = start + Math.ceil(size / block) * block;
    const type = String.fromCharCode(header[156]!);
    const data = tar.subarray(start, end);
    if (type === 'x') {
      longName = paxPath(data) ?? longName;
      continue;
    }
    if (type === 'L') {
      longName = text(data);
      continue;
    }
    if (type === 'g') continue;
    const name = longName ?? fullName(header);
    longName = undefined;
    if (type === '5') continue;
    if (type !== '0' && type !== '\0' && type !== '7') throw refuse(`holds ${name}, which is ${type === '1' || type === '2' ? 'a link' : 'not a regular file'}`);
    const parts = name.replace(/^\.\//, '').split('/');
    const path = parts.slice(1).join('/');
    if (parts.length < 2 || !isSafeTreePath(parts[0]!) || !isSafeTreePath(path)) throw refuse(`holds ${JSON.stringify(name)}, a path outside its chart directory`);
    if (top !== undefined && parts[0] !== top) throw refuse(`holds two top directories, ${top} and ${parts[0]}`);
    top = parts[0];
    if (seen.has(path)) throw refuse(`holds ${name} twice`);
    seen.add(path);
    files.push({ path, content: new Uint8Array(data) });
    if (files.length > sourceTreeLimits.maxFiles) break; // checkSourceTree names the budget
  }
  if (files.length === 0) throw refuse('holds no files');
  try {
    checkSourceTree(shown, files, (index) => files[index]!.content.byteLength);
  } catch (error) {
    // The budget names the chart's file; the pin is what the user can change.
    if (error instanceof LadderInputError) throw new LadderInputError(`the chart archive is too large: ${error.message}`, where);
    throw error;
  }
  return files;
}

function text(bytes: Uint8Array): string {
  const end = bytes.indexOf(0);
  return Buffer.from(end === -1 ? bytes : bytes.subarray(0, end)).toString('utf8');
}

/** name, with ustar's prefix when there is one. */
function fullName(header: Buffer): string {
  const name = text(header.subarray(0, 100));
  const ustar = text(header.subarray(257, 263)).startsWith('ustar');
  const prefix = ustar ? text(header.subarray(345, 500)) : '';
  return prefix ? `${prefix}/${name}` : name;
}

/** A numeric field: octal digits (NUL- or space-terminated); base-256 sizes are refused (no chart is 8 GiB). */
function octal(field: Uint8Array): number | undefined {
  if ((field[0]! & 0x80) !== 0) return undefined;
  const digits = text(field).trim();
  if (!/^[0-7]*$/.test(digits)) return undefined;
  return digits === '' ? 0 : parseInt(digits, 8);
}

function checksumMatches(header: Buffer): boolean {
  const stored = octal(header.subarray(148, 156));
  let sum = 0;
  for (let i = 0; i < block; i++) sum += i >= 148 && i < 156 ? 0x20 : header[i]!;
  return stored === sum;
}

/** The `path` record of a PAX extended header (`<length> path=<value>\n`, the length in bytes). */
function paxPath(data: Uint8Array): string | undefined {
  const records = Buffer.from(data);
  let index = 0;
  let path: string | undefined;
  while (index < records.length) {
    const space = records.indexOf(0x20, index);
    const length = Number(records.subarray(index, space).toString('ascii'));
    if (space === -1 || !Number.isInteger(length) || length <= space - index) break;
    const record = records.subarray(space + 1, index + length - 1).toString('utf8');
    if (record.startsWith('path=')) path = record.slice(5);
    index += length;
  }
  return path;
}
