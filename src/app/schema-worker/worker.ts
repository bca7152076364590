import { parentPort, workerData } from 'node:worker_threads';
import { loadSchemaBundle } from '../../adapters/fs/schema-bundle.js';
import { validatorCodeStore } from '../../adapters/fs/validator-cache.js';
import type { JsonSchema } from '../../core/validate/schema/bundle.js';
import { createCustomCompiler, customValidatorKeys } from '../../core/validate/schema/compile.js';
import { createSchemaCompilers } from '../../core/validate/schema/index.js';
import { writeCompiledValidators, type ValidatorCodeStore } from '../../core/validate/schema/code-cache.js';
import { packValidators, type CompiledValidators, type CompileReply, type CompileRequest } from './protocol.js';

/**
 * Compiles validators of one Kubernetes version off the App's event loop: of
 * some bundled kinds, and of custom-resource schemas (CRDs a render holds,
 * the vendored operator CRDs), each the yes/no validator and the one that
 * explains. It hands back the code Ajv generated: the App's thread then only
 * loads it (milliseconds a kind, not the 0.1–0.4 s Ajv takes, nor the second
 * it takes to set Ajv up with the bundle). A custom schema Ajv refuses is
 * answered with Ajv's reason under its keys. With a cache directory, code
 * compiled by an earlier run (or `ladder validate`) is reused and new code
 * kept there.
 */
const { version, cacheDir, definitions, customSchemas = [] } = workerData as CompileRequest;
const bundle = await loadSchemaBundle(version);
const disk = cacheDir ? validatorCodeStore(cacheDir) : undefined;
const compiled: CompiledValidators = {};
const store: ValidatorCodeStore = {
  read(key) {
    const hit = disk?.read(key);
    if (hit) compiled[key] = hit;
    return hit;
  },
  write(key, code, v8) {
    compiled[key] = v8 ? { code, v8 } : { code };
    disk?.write(key, code, v8);
  },
};
const compilers = createSchemaCompilers(bundle, { store });
for (const definition of definitions) compilers.builtIn(definition).explain(undefined);
const refused: Record<string, string> = {};
const compileCustom = createCustomCompiler(bundle, { store });
for (const schema of customSchemas as JsonSchema[]) {
  try {
    compileCustom(schema).explain(undefined);
  } catch (error) {
    for (const key of customValidatorKeys(bundle, schema)) refused[key] = error instanceof Error ? error.message : String(error);
  }
}
// Compiled code reaches the store when it is written, which waits for the validators to have run (code-cache.ts).
writeCompiledValidators();
const pack = packValidators(compiled);
const reply: CompileReply = { pack, refused };
parentPort!.postMessage(reply, [pack.buffer]);
