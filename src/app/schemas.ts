import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import { loadSchemaBundle } from '../adapters/fs/schema-bundle.js';
import type { ManifestDocument } from '../core/manifests/document.js';
import type { ValidatorCodeStore } from '../core/validate/schema/code-cache.js';
import { customValidatorKeys } from '../core/validate/schema/compile.js';
import { customSchemasFor, schemaless } from '../core/validate/schema/custom-schemas.js';
import { createSchemaCompilers, type SchemaBundle, type SchemaCompilers } from '../core/validate/schema/index.js';
import { defaultRenderWorkerLimits } from './render-worker/pool.js';
import { unpackValidator, type CompileReply, type CompileRequest, type PackedValidators } from './schema-worker/protocol.js';

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
  /** The custom-resource validators of one validation (createSchemaValidator's `codeStore`), compiled in a worker. */
  customKinds(version?: string): CustomKindCode;
}

export interface CustomKindCode {
  /** What the validator loads custom-resource validators from; reading a schema the worker refused throws its reason. */
  store: ValidatorCodeStore;
  /**
   * Compiles, in a worker thread bounded in time and memory, every custom
   * schema validating `documents` will need (customSchemasFor). A schema Ajv
   * refuses, or whose compile runs past the limits, is refused: validation
   * reports it at the CRD, as for any schema that cannot be used.
   */
  compile(documents: readonly ManifestDocument[]): Promise<void>;
}

export interface SchemaStoreOptions {
  /** Where workers keep and find compiled validator code between runs (`ladder validate`'s cache); none: compile each start. */
  cacheDir?: string;
  log?: Logger;
  /** Limits on compiling the custom schemas of one render, which come from a code repository: the render's limits by default. */
  customLimits?: { timeoutMs: number; heapMb: number };
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
        const read = (cacheKey: string) => findIn(packs, cacheKey);
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
      // The fallback for custom resources is compiled with the start-up kinds: a custom compile stopped at its limits still has it.
      const customSchemas = schemas.compiled.size === 0 ? [schemaless] : [];
      const done = compileInWorker({ version, cacheDir: options.cacheDir, definitions: missing, customSchemas }).then(
        ({ pack }) => {
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

  const customLimits = options.customLimits ?? { timeoutMs: defaultRenderWorkerLimits.timeoutMs, heapMb: defaultRenderWorkerLimits.heapMb };
  return {
    async compilersFor(version, kinds = []) {
      const schemas = await versionSchemas(version);
      await compile(schemas, version, [...startupKinds, ...kinds]);
      return schemas.compilers;
    },
    customKinds(version) {
      const packs: PackedValidators[] = [];
      let versionPacks: readonly PackedValidators[] = [];
      const refused = new Map<string, string>();
      return {
        store: {
          read(key) {
            const reason = refused.get(key);
            if (reason !== undefined) throw new Error(reason);
            return findIn(packs, key) ?? findIn(versionPacks, key);
          },
          write() {}, // only a custom schema the worker could not express as code compiles here; nothing to keep
        },
        async compile(documents) {
          const schemas = await versionSchemas(version);
          // The start-up compile (with the fallback schema) first, so the refused ones still have it.
          await compile(schemas, version, startupKinds);
          versionPacks = schemas.packs;
          const custom = customSchemasFor(schemas.bundle, documents).filter((schema) => schema !== schemaless);
          if (custom.length === 0) return;
          const started = performance.now();
          try {
            const reply = await compileInWorker({ version, cacheDir: options.cacheDir, definitions: [], customSchemas: custom }, customLimits);
            packs.push(reply.pack);
            for (const [key, reason] of Object.entries(reply.refused)) refused.set(key, reason);
            options.log?.debug({ schemas: custom.length, refused: Object.keys(reply.refused).length / 2, ms: Math.round(performance.now() - started) }, 'custom-resource validators compiled');
          } catch (error) {
            if (!(error instanceof CompileLimitError)) {
              // As for the bundled kinds: validation still works, compiling what it lacks on this thread.
              options.log?.warn({ err: error, schemas: custom.length }, 'the schema worker failed; these custom schemas compile on the main thread');
              return;
            }
            for (const schema of custom) for (const key of customValidatorKeys(schemas.bundle, schema)) refused.set(key, error.message);
            options.log?.warn({ schemas: custom.length, reason: error.message }, 'custom-resource schemas refused');
          }
        },
      };
    },
  };
}

function findIn(packs: readonly PackedValidators[], key: string): { code: string; v8?: Uint8Array } | undefined {
  for (const pack of packs) {
    const hit = unpackValidator(pack, key);
    if (hit) return hit;
  }
  return undefined;
}

/** A compile stopped at its limits: what the code repository sent is refused, not compiled on the App's thread. */
class CompileLimitError extends Error {}

function compileInWorker(request: CompileRequest, limits?: { timeoutMs: number; heapMb: number }): Promise<CompileReply> {
  // Built, the App runs worker.js beside this file; from source (tsx), worker.ts, with the parent's loader (execArgv is inherited).
  const extension = import.meta.url.endsWith('.ts') ? 'ts' : 'js';
  const worker = new Worker(new URL(`./schema-worker/worker.${extension}`, import.meta.url), {
    workerData: request,
    ...(limits ? { resourceLimits: { maxOldGenerationSizeMb: limits.heapMb } } : {}),
  });
  return new Promise((resolve, reject) => {
    const timer = limits && setTimeout(() => {
      reject(new CompileLimitError(`compiling its schema took longer than ${limits.timeoutMs / 1000} s and was stopped`));
      void worker.terminate();
    }, limits.timeoutMs);
    const settle = () => clearTimeout(timer);
    worker.once('message', (reply: CompileReply) => {
      settle();
      resolve(reply);
      void worker.terminate();
    });
    worker.once('error', (error: Error & { code?: string }) => {
      settle();
      reject(error.code === 'ERR_WORKER_OUT_OF_MEMORY' && limits ? new CompileLimitError(`compiling its schema needed more than ${limits.heapMb} MB and was stopped`) : error);
    });
    worker.once('exit', (code) => {
      settle();
      reject(new Error(`the schema worker stopped (exit ${code}) before it compiled the validators`));
    });
  });
}
