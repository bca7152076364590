import { cp, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before } from 'node:test';
import { fileURLToPath } from 'node:url';
import { getBinDir } from '../../bed/kube/binaries.js';
import { startAppHarness, type AppHarness, type HarnessOptions } from '../app-harness.js';

/** test/fixtures/renderers: Helm's test charts and kustomize's examples (see the NOTICE.md files there). */
export const renderersFixtures = fileURLToPath(new URL('../../fixtures/renderers', import.meta.url));

/** The pinned helm and kustomize built by test/bed/build-binaries.sh, as the CLI and the App find them. */
export function toolEnv(): Record<string, string> {
  return { LADDER_HELM: join(getBinDir(), 'helm'), LADDER_KUSTOMIZE: join(getBinDir(), 'kustomize') };
}

/**
 * Points this process's App (composeApp reads the binaries from the environment) at the built helm and
 * kustomize; the function it returns puts the environment back as it was.
 */
function useToolEnv(): () => void {
  const tools = toolEnv();
  const saved = Object.fromEntries(Object.keys(tools).map((name) => [name, process.env[name]]));
  Object.assign(process.env, tools);
  return () => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}

export const sha = '0123456789abcdef0123456789abcdef01234567';
export const digest = `sha256:${'ab'.repeat(32)}`;

/** A scratch code repository: the given files (path → text) under a fresh directory, plus copied fixture directories. */
export async function scratchRepo(files: Record<string, string>, copies: Record<string, string> = {}): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'ladder-renderers-'));
  for (const [to, from] of Object.entries(copies)) await cp(join(renderersFixtures, from), join(root, to), { recursive: true });
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
  return root;
}

/** A ladder.yml for a service rendered by `manifests` (YAML lines under manifests:), with dev, stg and prd. */
export function ladderYml(manifests: string, values = ''): string {
  return `service: checkout
image: registry.example.com/shop/checkout
manifests:
  repo: shop/checkout-manifests
${manifests.replace(/^/gm, '  ')}
environments:
  - name: dev
    from: { branch: main }
    namespace: shop-dev
  - name: stg
    from: { environment: dev }
    namespace: shop-stg
  - name: prd
    from: { environment: stg }
    namespace: shop-prd
${values}`;
}

/** An App harness whose App renders with the built helm and kustomize; its `stop` also puts the environment back. */
export async function startAppHarnessWithTools(options: HarnessOptions = {}): Promise<AppHarness> {
  const restoreEnv = useToolEnv();
  try {
    const harness = await startAppHarness(options);
    return { ...harness, stop: async () => { await harness.stop(); restoreEnv(); } };
  } catch (error) {
    restoreEnv();
    throw error;
  }
}

/**
 * The suite's App harness with the render tools: started before its tests (after `options`, which
 * may start a file's own servers) and stopped after them (then `afterStop`). The object returned
 * stands for the harness once started, so a suite writes `const h = useAppHarnessWithTools()`.
 */
export function useAppHarnessWithTools(setup: { options?: () => HarnessOptions | Promise<HarnessOptions>; afterStop?: () => Promise<unknown> } = {}): AppHarness {
  let started: AppHarness | undefined;
  before(async () => {
    started = await startAppHarnessWithTools(await setup.options?.());
  });
  after(async () => {
    try {
      await started?.stop();
    } finally {
      await setup.afterStop?.();
    }
  });
  return new Proxy({} as AppHarness, {
    get(_, key) {
      if (!started) throw new Error('the App harness starts in the suite\'s before hook: use it inside a test');
      return Reflect.get(started, key);
    },
  });
}
