import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { globalFlags, imageExists, runTool, toolEnvironment, type ToolResult } from './containers.js';
import { appImageReference } from './inputs.js';

// Runs Ladder's image with Podman the way Kubernetes runs deploy/'s pods: a
// read-only root filesystem (tmpfs on /tmp), no capabilities, no privilege
// escalation (pod.ts reads these from a Deployment), and the host's network
// so the container reaches the test bed's servers on 127.0.0.1.

/** The image built from the current sources; an error saying how to build it when it is not there. */
export async function currentImage(): Promise<string> {
  const reference = appImageReference();
  if (!(await imageExists(reference))) {
    throw new Error(
      `the image of the current sources (${reference}) is not built. Build it with\n` +
        '  node --import tsx test/bed/image/build.ts\n' +
        '(test/run.mjs does this before the image tests; the first build takes a few minutes).',
    );
  }
  return reference;
}

export interface Mount {
  source: string;
  target: string;
}

export interface ContainerOptions {
  /** After the image's entry point (`tini -- ladder`): `['app']`, `['agent', '--config', …]`. */
  args: string[];
  env?: Record<string, string>;
  /** Read-only bind mounts, as Secrets and ConfigMaps are. */
  mounts?: Mount[];
  entrypoint?: string;
  /** `uid:gid`; the image's USER when absent. */
  user?: string;
  /** Default true, as deploy/ runs it. */
  readOnlyRootFilesystem?: boolean;
  /** Drop every capability; default true, as deploy/ runs it. */
  dropAll?: boolean;
}

export interface RunningContainer {
  name: string;
  /** The container's exit code, once it has exited. */
  exited: Promise<number | null>;
  /** What the container wrote to stdout and stderr so far. */
  output(): string;
  exec(command: string[]): Promise<ToolResult>;
  /** SIGTERM to PID 1, as the kubelet sends it; SIGKILL after `graceSeconds`. Resolves with the exit code. */
  stop(graceSeconds?: number): Promise<number | null>;
  /** Removes the container whatever its state (for after()). */
  remove(): Promise<void>;
}

export function startContainer(image: string, options: ContainerOptions): RunningContainer {
  const name = `ladder-test-${randomBytes(4).toString('hex')}`;
  const args = [
    ...globalFlags('podman'),
    'run',
    '--rm',
    '--pull=never',
    `--name=${name}`,
    '--network=host',
    ...(options.readOnlyRootFilesystem === false ? [] : ['--read-only']),
    ...(options.dropAll === false ? [] : ['--cap-drop=ALL']),
    '--security-opt=no-new-privileges',
    ...(options.user ? [`--user=${options.user}`] : []),
    ...Object.entries(options.env ?? {}).flatMap(([key, value]) => ['--env', `${key}=${value}`]),
    ...(options.mounts ?? []).flatMap((m) => ['--volume', `${m.source}:${m.target}:ro`]),
    ...(options.entrypoint ? [`--entrypoint=${options.entrypoint}`] : []),
    image,
    ...options.args,
  ];
  const child = spawn('podman', args, { env: toolEnvironment(), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return {
    name,
    exited,
    output: () => output,
    exec: (command) => runTool('podman', ['exec', name, ...command]),
    stop: async (graceSeconds = 20) => {
      await runTool('podman', ['stop', `--time=${graceSeconds}`, name]);
      return exited;
    },
    remove: async () => {
      await runTool('podman', ['rm', '--force', '--time=0', name]);
      await exited;
    },
  };
}

/** Runs a one-off command in the image (with `entrypoint`, or `ladder <args>`) and returns its result. */
export async function runOnce(image: string, options: ContainerOptions): Promise<{ code: number | null; output: string }> {
  const container = startContainer(image, options);
  const code = await container.exited;
  return { code, output: container.output() };
}
