import { closeSync, constants, fstatSync, openSync, readdirSync, readSync, realpathSync, statSync, type Dirent, type Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { normalize } from 'node:path';
import { LadderInputError } from '../../core/errors.js';
import type { Finding } from '../../core/findings.js';
import type { ManifestDocument } from '../../core/manifests/document.js';
import { defaultParseLimits, parseManifests, tooLargeFinding, type ParseLimits } from '../../core/manifests/parse.js';
import { readAheadFiles, readFilesAhead } from './read-ahead.js';

/** File name endings read from a directory; a file named on the command line is read whatever its name. */
export const manifestExtensions = ['.yaml', '.yml', '.json'] as const;

/** Names `-` read standard input; its findings name it `<stdin>`. */
export const stdinName = '<stdin>';

/** The input could not be read at all (missing, not permitted): nothing to validate, exit 2. */
export class UnreadableInputError extends LadderInputError {}

export interface ReadManifestsResult {
  /** Every file read, in the order read (inputs in order, directories sorted). */
  files: string[];
  documents: ManifestDocument[];
  /** `yaml-syntax` and `input` findings, including files too large to read. */
  findings: Finding[];
  /** Directories named as input that hold no manifest file, so callers can say so. */
  emptyDirectories: string[];
}

export interface ReadManifestsOptions {
  limits?: ParseLimits;
  /** Reads standard input for `-`; the default reads `process.stdin`. */
  readStdin?: (maxBytes: number) => Promise<Uint8Array>;
}

/**
 * Reads manifest files and directories (recursively) and parses them. Files
 * larger than the limit are refused from their size alone, before a byte is
 * read, so a huge file costs no memory. Hidden entries (`.git`, `.github`)
 * inside a directory are skipped; symbolic links are followed once.
 */
export async function readManifests(inputs: readonly string[], options: ReadManifestsOptions = {}): Promise<ReadManifestsResult> {
  const limits = options.limits ?? defaultParseLimits;
  const result: ReadManifestsResult = { files: [], documents: [], findings: [], emptyDirectories: [] };
  const use = collectInto(result, limits);
  for (const input of inputs) {
    if (input === '-') {
      use(stdinName, await (options.readStdin ?? readProcessStdin)(limits.maxBytes + 1));
      continue;
    }
    const info = await stat(input).catch((error: unknown) => unreadable(input, error));
    if (!info.isDirectory() && !info.isFile()) throw new UnreadableInputError('not a regular file or directory', { file: input });
    const files = info.isDirectory() ? await listManifestFiles(input) : [input];
    if (info.isDirectory() && files.length === 0) result.emptyDirectories.push(input);
    await readInOrder(files, (file) => readBounded(file, limits.maxBytes), use);
  }
  return result;
}

/** What a file read gave, added to `result`: its documents and parse findings, or, over the limit, a finding for its size. */
function collectInto(result: Omit<ReadManifestsResult, 'emptyDirectories'>, limits: ParseLimits): (file: string, content: Uint8Array | number) => void {
  return (file, content) => {
    result.files.push(file);
    if (typeof content === 'number') {
      result.findings.push(tooLargeFinding(file, content, limits));
      return;
    }
    const parsed = parseManifests(content, file, limits);
    result.documents.push(...parsed.documents);
    result.findings.push(...parsed.findings);
  };
}

/**
 * The manifest files the inputs name, in the order `readManifests` reads
 * them, without reading them: directories are listed, files checked to be
 * files. Standard input (`-`) is not a file list; callers read it with `readManifests`.
 */
export async function listManifestInputs(inputs: readonly string[]): Promise<{ files: string[]; emptyDirectories: string[] }> {
  const files: string[] = [];
  const emptyDirectories: string[] = [];
  for (const input of inputs) {
    const info = await stat(input).catch((error: unknown) => unreadable(input, error));
    if (!info.isDirectory() && !info.isFile()) throw new UnreadableInputError('not a regular file or directory', { file: input });
    const found = info.isDirectory() ? await listManifestFiles(input) : [input];
    if (info.isDirectory() && found.length === 0) emptyDirectories.push(input);
    files.push(...found);
  }
  return { files, emptyDirectories };
}

/**
 * Reads and parses files already known to be files (listed by
 * `listManifestFiles`), in order: the part of a large set one thread of
 * `ladder validate` checks. A large part is read on a thread of its own,
 * ahead of the parsing (read-ahead.ts), where there is a core for it;
 * `readAhead` decides instead (tests).
 */
export async function readManifestFiles(files: readonly string[], options: Pick<ReadManifestsOptions, 'limits'> & { readAhead?: boolean } = {}): Promise<Omit<ReadManifestsResult, 'emptyDirectories'>> {
  const limits = options.limits ?? defaultParseLimits;
  const result: Omit<ReadManifestsResult, 'emptyDirectories'> = { files: [], documents: [], findings: [] };
  const use = collectInto(result, limits);
  const readHere = (file: string) => readBounded(file, limits.maxBytes);
  const ahead = options.readAhead ?? (files.length >= readAheadFiles && availableParallelism() > 1);
  if (!ahead) {
    await readInOrder(files, readHere, use);
    return result;
  }
  await readFilesAhead(files, limits.maxBytes, readHere, (file, read) => {
    if (typeof read === 'number' || read instanceof Uint8Array) return use(file, read);
    // The reading thread sends what failed as data; it is raised here as one thread reading raises it.
    if (read.notRegular) throw new UnreadableInputError('not a regular file', { file });
    return unreadable(file, Object.assign(new Error(read.error.message), read.error.code ? { code: read.error.code } : {}));
  });
  return result;
}

/**
 * Manifest files under a directory, depth first, in code-point order of their
 * names. Synchronous calls and string building: listing 10,000 files through
 * promises, `path.join` and `extname` took 30–65 ms of a 1.4 s run, this 7–15 ms.
 */
export async function listManifestFiles(directory: string): Promise<string[]> {
  const files: string[] = [];
  // Real paths of the directories walked: a symbolic link back up the tree would otherwise make the walk endless.
  const visited = new Set<string>();
  const walk = (dir: string, real: string): void => {
    if (visited.has(real)) return;
    visited.add(real);
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (error) {
      unreadable(dir, error);
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const { name } = entry;
      if (name.startsWith('.')) continue;
      const path = childPath(dir, name);
      if (entry.isDirectory()) walk(path, childPath(real, name));
      else if (entry.isFile()) {
        if (manifestName.test(name)) files.push(path);
      } else if (entry.isSymbolicLink()) {
        const target = statOrUndefined(path); // a dangling link is not a manifest
        if (target?.isDirectory()) walk(path, realPath(path));
        else if (target?.isFile() && manifestName.test(name)) files.push(path);
      }
    }
  };
  const top = normalize(directory);
  walk(top, realPath(top));
  return files;
}

/** The names `manifestExtensions` lists, in any case. */
const manifestName = /\.(?:yaml|yml|json)$/i;

/** `join(dir, name)` for a normalised `dir` and a name from `readdir`, without normalising again. */
function childPath(dir: string, name: string): string {
  if (dir === '.') return name;
  return dir.endsWith('/') ? dir + name : `${dir}/${name}`;
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

function realPath(dir: string): string {
  try {
    return realpathSync(dir);
  } catch (error) {
    return unreadable(dir, error);
  }
}

/**
 * Reads with synchronous calls, yielding to the event loop every few
 * milliseconds. Manifests are small and usually in the page cache: on a
 * 2-core machine 10,000 files took 0.12 s this way, against 0.5–0.9 s with
 * 8–32 reads in flight through libuv's thread pool (a promise and four
 * round trips per file, and pool threads competing with the parser for the
 * cores) and 1.7 s one at a time. Files are used in the order given, so the
 * output and the first unreadable file reported do not depend on timing.
 */
async function readInOrder<T>(files: readonly string[], read: (file: string) => T, use: (file: string, result: T) => void): Promise<void> {
  let sliceStart = performance.now();
  for (const file of files) {
    use(file, read(file));
    if (performance.now() - sliceStart > 5) {
      await new Promise((resolve) => setImmediate(resolve));
      sliceStart = performance.now();
    }
  }
}

/** The file's bytes, or its size when it is larger than `maxBytes` (then no more than that is read). */
function readBounded(file: string, maxBytes: number): Uint8Array | number {
  let fd: number;
  try {
    // Non-blocking: a FIFO put where a manifest was listed must not hang the read.
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    return unreadable(file, error);
  }
  try {
    const info = fstatSync(fd);
    if (!info.isFile()) throw new UnreadableInputError('not a regular file', { file });
    const { size } = info;
    if (size > maxBytes) return size;
    // Room for the size from stat and a byte more, so one read usually takes the whole file; it
    // may have grown since stat, so keep reading (in steps) until the end or past the limit. A read
    // of a regular file that fills less than it asked for ended at the end of the file: the read
    // after it, which would return 0, is one system call per file saved.
    let buffer = Buffer.allocUnsafe(size + 1);
    let total = 0;
    for (;;) {
      if (total === buffer.length) buffer = Buffer.concat([buffer, Buffer.allocUnsafe(64 * 1024)], total + 64 * 1024);
      const wanted = buffer.length - total;
      const bytesRead = readSync(fd, buffer, total, wanted, null);
      total += bytesRead;
      if (total > maxBytes) return total;
      if (bytesRead < wanted) break;
    }
    return buffer.subarray(0, total);
  } catch (error) {
    return unreadable(file, error);
  } finally {
    closeSync(fd);
  }
}

async function readProcessStdin(maxBytes: number): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of process.stdin as AsyncIterable<Buffer>) {
    chunks.push(chunk);
    total += chunk.length;
    // Enough to know it is too large; parseManifests reports the size.
    if (total >= maxBytes) break;
  }
  return Buffer.concat(chunks, total);
}

/** Turns a failed fs call into a message in plain words that names the path. */
function unreadable(path: string, error: unknown): never {
  if (error instanceof LadderInputError) throw error;
  throw new UnreadableInputError(describeFsError(error), { file: path }, { cause: error });
}

export function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT': return 'no such file or directory';
    case 'EACCES':
    case 'EPERM': return 'permission denied';
    case 'EISDIR': return 'is a directory, not a file';
    case 'ENOTDIR': return 'a part of the path is not a directory';
    case 'ELOOP': return 'too many levels of symbolic links';
    case 'EMFILE':
    case 'ENFILE': return 'too many open files';
    default: return `cannot read it (${code ?? (error as Error | undefined)?.message ?? String(error)})`;
  }
}
