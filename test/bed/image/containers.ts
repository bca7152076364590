import { spawn, type SpawnOptions } from 'node:child_process';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Buildah and Podman as the image tests run them: as root, with their own
// storage under the cache directory (vfs: works on any filesystem, and never
// mixes with a machine's own container storage), runc with cgroupfs, and the
// settings in containers.conf. One place builds every command line.

export type ContainerTool = 'buildah' | 'podman';

/** `~/.cache/ladder/image` (LADDER_CACHE_DIR and XDG_CACHE_HOME move it, as for the binaries). */
export function imageCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.LADDER_CACHE_DIR ?? join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'ladder'), 'image');
}

const containersConf = fileURLToPath(new URL('containers.conf', import.meta.url));

/** The global flags every command gets, before its subcommand. */
export function globalFlags(tool: ContainerTool, env: NodeJS.ProcessEnv = process.env): string[] {
  const cache = imageCacheDir(env);
  const storage = ['--root', join(cache, 'storage'), '--runroot', '/run/ladder-containers', '--storage-driver', 'vfs'];
  return tool === 'podman' ? [...storage, '--runtime', 'runc', '--cgroup-manager', 'cgroupfs'] : storage;
}

export function toolEnvironment(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...env, CONTAINERS_CONF: containersConf };
}

export interface ToolResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end and collects its output; `inherit` streams it to ours instead (builds). */
export function runTool(tool: ContainerTool, args: readonly string[], options: { inherit?: boolean; cwd?: string } = {}): Promise<ToolResult> {
  const spawnOptions: SpawnOptions = { env: toolEnvironment(), stdio: options.inherit ? ['ignore', 2, 2] : ['ignore', 'pipe', 'pipe'], cwd: options.cwd };
  const child = spawn(tool, [...globalFlags(tool), ...args], spawnOptions);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Like runTool, but a non-zero exit is an error carrying the command's output. */
export async function runToolOrFail(tool: ContainerTool, args: readonly string[], options: { inherit?: boolean; cwd?: string } = {}): Promise<string> {
  const result = await runTool(tool, args, options);
  if (result.code !== 0) throw new Error(`${tool} ${args.join(' ')} exited ${result.code}\n${result.stderr}${result.stdout}`);
  return result.stdout;
}

export async function imageExists(reference: string): Promise<boolean> {
  return (await runTool('podman', ['image', 'exists', reference])).code === 0;
}
