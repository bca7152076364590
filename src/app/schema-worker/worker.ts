import { parentPort, workerData } from 'node:worker_threads';
import { loadSchemaBundle } from '../../adapters/fs/schema-bundle.js';
import { validatorCodeStore } from '../../adapters/fs/validator-cache.js';
import { createSchemaCompilers } from '../../core/validate/schema/index.js';
import { packValidators, type CompiledValidators } from './protocol.js';

/**
 * Compiles the validators of some bundled kinds of one Kubernetes version
 * (the yes/no one and the one that explains) off the App's event loop, and
 * hands back the code Ajv generated: the App's thread then only loads it
 * (milliseconds a kind, not the 0.1–0.4 s Ajv takes, nor the second it takes
 * to set Ajv up with the bundle). With a cache directory, code compiled by
 * an earlier run (or `ladder validate`) is reused and new code kept there.
 */
const { version, cacheDir, definitions } = workerData as { version: string | undefined; cacheDir: string | undefined; definitions: string[] };
const bundle = await loadSchemaBundle(version);
const disk = cacheDir ? validatorCodeStore(cacheDir) : undefined;
const compiled: CompiledValidators = {};
const compilers = createSchemaCompilers(bundle, {
  store: {
    read(key) {
      const hit = disk?.read(key);
      if (hit) compiled[key] = hit;
      return hit;
    },
    write(key, code, v8) {
      compiled[key] = v8 ? { code, v8 } : { code };
      disk?.write(key, code, v8);
    },
  },
});
for (const definition of definitions) compilers.builtIn(definition).explain(undefined);
const packed = packValidators(compiled);
parentPort!.postMessage(packed, [packed.buffer]);
