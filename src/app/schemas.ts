import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import { loadSchemaBundle } from '../adapters/fs/schema-bundle.js';
import { createSchemaCompilers, type SchemaBundle, type SchemaCompilers } from '../core/validate/schema/index.js';
import { unpackValidator, type PackedValidators } from './schema-worker/protocol.js';

/** A kind as a manifest names it. */
export interface KindRef {
  apiVersion: string;
  kind: string;
}

/**
 * Compiled schema validators per Kubernetes version, created once per
 * process: compiling is the expensive part of validation, and the App
 * validates every promotion.
 */
export interface SchemaStore {
  /**
   * Compilers for a minor version (`1.35`), or the newest bundled one, with
   * the validators of `kinds` compiled (kinds the version does not bundle
   * are left to validation to report).
   */
  compilersFor(version?: string, kinds?: readonly KindRef[]): Promise<SchemaCompilers>;
}

export interface SchemaStoreOptions {
  /** Where workers keep and find compiled validator code between runs (`ladder validate`'s cache); none: compile each start. */
  cacheDir?: string;
  log?: Logger;
}

/** What the App compiles for a version before it is asked: the kinds Ladder's default templates and most services render. */
export const startupKinds: readonly KindRef[] = [
  ...['ConfigMap', 'Secret', 'Service', 'ServiceAccount', 'Namespace', 'PersistentVolumeClaim'].map((kind) => ({ apiVersion: 'v1', kind })),
  ...['Deployment', 'StatefulSet', 'DaemonSet'].map((kind) => ({ apiVersion: 'apps/v1', kind })),
  ...['Job', 'CronJob'].map((kind) => ({ apiVersion: 'batch/v1', kind })),
  { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress' },
  { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy' },
  { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler' },
  { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget' },
  ...['Role', 'RoleBinding'].map((kind) => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind })),
];

interface VersionSchemas {
  bundle: SchemaBundle;
  compilers: SchemaCompilers;
  /** Definitions whose validators were compiled (or whose compile is under way), and when that is done. */
  compiled: Map<string, Promise<void>>;
  packs: PackedValidators[];
}

/**
 * Ajv compiles a kind's validator in 0.1–0.4 s, and sets itself up with a
 * bundle in about a second: on the App's thread, a promotion of a kind not
 * seen before would stop every other webhook that long. So worker threads
 * compile (`schema-worker/worker.ts`, the yes/no validator and the one that
 * explains) and hand back the code Ajv generated; the compilers here only
 * load it when a kind is first validated, in milliseconds. The App compiles
 * `startupKinds` of the newest version at start-up, and any other kind a
 * render holds before that render is validated.
 */
export function createSchemaStore(options: SchemaStoreOptions = {}): SchemaStore {
  const byVersion = new Map<string, Promise<VersionSchemas>>();
  const versionSchemas = (version: string | undefined): Promise<VersionSchemas> => {
    const key = version ?? 'newest';
    let schemas = byVersion.get(key);
    if (!schemas) {
      schemas = loadSchemaBundle(version).then((bundle) => {
        const packs: PackedValidators[] = [];
        const read = (cacheKey: string) => packs.reduce<ReturnType<typeof unpackValidator>>((found, pack) => found ?? unpackValidator(pack, cacheKey), undefined);
        // write: a validator missing from the workers' code (none should be) compiles here, as before; nothing to keep.
        const compilers = createSchemaCompilers(bundle, { store: { read, write() {} } });
        const created: VersionSchemas = { bundle, compilers, compiled: new Map(), packs };
        compile(created, version, startupKinds);
        return created;
      });
      // A failed load (unknown version) must not stick: the next config may be fixed.
      schemas.catch(() => byVersion.delete(key));
      byVersion.set(key, schemas);
    }
    return schemas;
  };

  const compile = (schemas: VersionSchemas, version: string | undefined, kinds: readonly KindRef[]): Promise<unknown> => {
    const definitions = new Set(kinds.flatMap(({ apiVersion, kind }) => schemas.bundle.kinds[apiVersion]?.[kind]?.definition ?? []));
    const missing = [...definitions].filter((definition) => !schemas.compiled.has(definition));
    if (missing.length > 0) {
      const started = performance.now();
      const done = compileInWorker(version, options.cacheDir, missing).then(
        (pack) => {
          schemas.packs.push(pack);
          options.log?.debug({ kubernetesVersion: schemas.bundle.kubernetesVersion, kinds: missing.length, ms: Math.round(performance.now() - started) }, 'schema validators compiled');
        },
        (error: unknown) => {
          // Validation still works: the compilers compile what they lack themselves, on this thread.
          options.log?.warn({ err: error, kinds: missing.length }, 'the schema worker failed; these kinds compile on the main thread');
        },
      );
      for (const definition of missing) schemas.compiled.set(definition, done);
    }
    return Promise.all([...definitions].map((definition) => schemas.compiled.get(definition)));
  };

  return {
    async compilersFor(version, kinds = []) {
      const schemas = await versionSchemas(version);
      await compile(schemas, version, [...startupKinds, ...kinds]);
      return schemas.compilers;
    },
  };
}

function compileInWorker(version: string | undefined, cacheDir: string | undefined, definitions: readonly string[]): Promise<PackedValidators> {
  // Built, the App runs worker.js beside this file; from source (tsx), worker.ts, with the parent's loader (execArgv is inherited).
  const extension = import.meta.url.endsWith('.ts') ? 'ts' : 'js';
  const worker = new Worker(new URL(`./schema-worker/worker.${extension}`, import.meta.url), { workerData: { version, cacheDir, definitions } });
  return new Promise((resolve, reject) => {
    worker.once('message', (packed: PackedValidators) => {
      resolve(packed);
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the schema worker stopped (exit ${code}) before it compiled the validators`)));
  });
}
