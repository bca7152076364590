import { accessSync, constants } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LadderInputError } from '../../core/errors.js';
import { helmError, kustomizeError } from '../../core/render/tools/errors.js';
import { checkKustomizeReferences } from '../../core/render/tools/kustomize-refs.js';
import type { HelmJob, KustomizeJob, ManifestTools, ToolOutput } from '../../core/render/tools/port.js';
import { defaultToolLimits, runTool, type ToolLimits, type ToolResult } from './run-tool.js';
import { isolatedEnvironment, withRunDirectory, writeTree } from './tree.js';

/** Where the binaries are: LADDER_HELM and LADDER_KUSTOMIZE, else `helm` and `kustomize` on PATH. */
export interface ToolBinaries {
  helm: string;
  kustomize: string;
}

export function toolBinariesFromEnv(env: NodeJS.ProcessEnv = process.env): ToolBinaries {
  return { helm: env['LADDER_HELM'] || 'helm', kustomize: env['LADDER_KUSTOMIZE'] || 'kustomize' };
}

/**
 * Helm and Kustomize as child processes, each run in a fresh private
 * directory holding only the committed tree, with no network, no cluster and
 * no plugins, and within `limits`.
 */
export function createManifestTools(binaries: ToolBinaries, limits: ToolLimits = defaultToolLimits): ManifestTools {
  return {
    helmTemplate: (job) => withRunDirectory(async (dir) => {
      const chart = await writeTree(dir, job.chart);
      const values = join(dir, 'values.json');
      await writeFile(values, JSON.stringify(job.values), { mode: 0o600 });
      // No --dependency-update and a local directory: nothing is fetched. CRDs are part of the
      // service's manifests; tests and hooks are Helm's install machinery, which Ladder does not run.
      const args = ['template', job.releaseName, chart, '--namespace', job.namespace, '--values', values, '--include-crds', '--skip-tests', '--no-hooks'];
      const result = await runTool(resolveBinary(binaries.helm), args, { cwd: dir, env: isolatedEnvironment(dir), limits });
      return outcome(result, limits, job.chart.root, (stderr) => helmError(stderr, job.chart.root, dir));
    }),
    kustomizeBuild: (job) => withRunDirectory(async (dir) => {
      checkKustomizeReferences(job.tree);
      await writeTree(dir, job.tree);
      // A kustomization of Ladder's own on top of the overlay sets the image with kustomize's images transformer.
      const wrapper = join(dir, 'ladder');
      await mkdir(wrapper);
      const kustomization = { resources: [`../tree/${job.overlay}`], images: [{ name: job.image.name, newTag: job.image.newTag, ...(job.image.digest ? { digest: job.image.digest } : {}) }] };
      await writeFile(join(wrapper, 'kustomization.yaml'), JSON.stringify(kustomization), { mode: 0o600 });
      const args = ['build', wrapper, '--load-restrictor', 'LoadRestrictionsRootOnly'];
      const result = await runTool(resolveBinary(binaries.kustomize), args, { cwd: dir, env: isolatedEnvironment(dir), limits });
      const where = `${job.tree.root}/${job.overlay}`;
      return outcome(result, limits, where, (stderr) => kustomizeError(stderr, job.tree.root, dir, job.overlay));
    }),
  };
}

function outcome(result: ToolResult, limits: ToolLimits, file: string, failed: (stderr: string) => LadderInputError): ToolOutput {
  switch (result.kind) {
    case 'ok':
      return { stdout: result.stdout };
    case 'failed':
      throw failed(result.stderr);
    case 'timeout':
      throw new LadderInputError(`rendering took longer than ${limits.timeoutMs / 1000} s and was stopped`, { file });
    case 'too-large':
      throw new LadderInputError(`rendered more than ${limits.maxOutputBytes / 1024 / 1024} MiB and was stopped; Ladder renders at most that much per environment`, { file });
  }
}

/** The child's PATH is empty on purpose, so a bare name is looked up on the App's PATH here. */
function resolveBinary(binary: string): string {
  if (binary.includes('/')) return binary;
  for (const dir of (process.env['PATH'] ?? '').split(':')) {
    if (dir) {
      const candidate = join(dir, binary);
      if (isExecutable(candidate)) return candidate;
    }
  }
  throw new Error(`${binary} is not on PATH; install it, or set LADDER_${binary.toUpperCase()} to its path (docs/renderers.md)`);
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
