import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { LadderInputError } from '../../core/errors.js';
import { isSafeTreePath } from '../../core/render/tools/limits.js';
import type { SourceTree } from '../../core/render/tools/port.js';

/**
 * A private temporary directory for one run: `tree/` holds the source as
 * committed (regular files only: nothing the repository links to outside
 * itself can be there), `home/` is the tool's home, cache and config.
 */
export async function withRunDirectory<T>(work: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'ladder-render-'));
  try {
    await mkdir(join(dir, 'home'), { mode: 0o700 });
    return await work(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Writes the tree under `<dir>/tree`; a path that would leave it is refused (the readers never make one, but the check is here, where it matters). */
export async function writeTree(dir: string, tree: SourceTree): Promise<string> {
  const root = join(dir, 'tree');
  await mkdir(root);
  for (const file of tree.files) {
    if (!isSafeTreePath(file.path)) throw new LadderInputError('is not a path inside the directory; Ladder reads only files inside it', { file: `${tree.root}/${file.path}` });
    const target = join(root, file.path);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, file.content, { flag: 'wx', mode: 0o600 });
  }
  return root;
}

/**
 * The environment a renderer runs with: its home, caches and config in the
 * run directory; no kubeconfig (Helm's `lookup` finds nothing); every proxy
 * pointed at a closed port and no git on PATH, so nothing is fetched from
 * anywhere even if a chart or kustomization asks.
 */
export function isolatedEnvironment(dir: string): Record<string, string> {
  const home = join(dir, 'home');
  const deadProxy = 'http://127.0.0.1:9';
  return {
    HOME: home,
    PATH: join(dir, 'no-bin'),
    TMPDIR: home,
    KUBECONFIG: join(home, 'no-kubeconfig'),
    HELM_CACHE_HOME: join(home, 'cache'),
    HELM_CONFIG_HOME: join(home, 'config'),
    HELM_DATA_HOME: join(home, 'data'),
    HELM_PLUGINS: join(home, 'plugins'),
    HELM_REGISTRY_CONFIG: join(home, 'registry.json'),
    HELM_REPOSITORY_CONFIG: join(home, 'repositories.yaml'),
    HELM_REPOSITORY_CACHE: join(home, 'repository'),
    HTTP_PROXY: deadProxy,
    HTTPS_PROXY: deadProxy,
    http_proxy: deadProxy,
    https_proxy: deadProxy,
    NO_PROXY: '',
    no_proxy: '',
    GIT_TERMINAL_PROMPT: '0',
  };
}
