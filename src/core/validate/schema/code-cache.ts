import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { Script } from 'node:vm';
import type { Ajv, AnySchema, ValidateFunction } from 'ajv';
import type { JsonSchema } from './bundle.js';
import { re2RegExp } from './re2.js';

/**
 * Where compiled validators are kept between runs: JavaScript that Ajv
 * generated for one schema, and V8's code cache for it. Compiling the
 * validator of a Deployment (150 definitions) takes Ajv 0.1–0.4 s; loading
 * its code takes 10 ms. `src/adapters/fs/validator-cache.ts` keeps them on disk.
 */
export interface ValidatorCodeStore {
  read(key: string): { code: string; v8?: Uint8Array } | undefined;
  write(key: string, code: string, v8: Uint8Array | undefined): void;
}

/** Bump when what Ladder asks of Ajv changes in a way the options below do not show. */
const cacheFormat = 3; // 2: patterns call re2RegExp through require(re2Module); 3: V8's data written after the validators ran
const ajvVersion = (createRequire(import.meta.url)('ajv/package.json') as { version: string }).version;
const requireFromHere = createRequire(import.meta.url);
/** Ajv's standalone code generator, loaded when a validator is compiled: one function's module, or one exporting several by name. */
function generate(ajv: Ajv, what: ValidateFunction | Record<string, string>): string {
  const standalone = requireFromHere('ajv/dist/standalone/index.js') as { default: (ajv: Ajv, what: ValidateFunction | Record<string, string>) => string };
  return standalone.default(ajv, what);
}

/** The name generated code imports Ladder's format checks by (see compile.ts). */
export const formatsModule = 'ladder:formats';
/** The name generated code imports the pattern engine by (re2.ts). */
const re2Module = 'ladder:re2';

/**
 * A key that changes with anything that changes the generated code: Ajv's
 * version, the options, every definition the schema may reach, and the schema.
 */
export function cacheKey(parts: { options: string; definitions: string; schema: JsonSchema }): string {
  return createHash('sha256').update(JSON.stringify([cacheFormat, ajvVersion, parts.options, parts.definitions, parts.schema])).digest('hex');
}

/** A digest of a bundle's definitions, computed once per bundle. */
const definitionDigests = new WeakMap<object, string>();
export function definitionsDigest(definitions: Record<string, JsonSchema>): string {
  let digest = definitionDigests.get(definitions);
  if (!digest) {
    digest = createHash('sha256').update(JSON.stringify(definitions)).digest('hex');
    definitionDigests.set(definitions, digest);
  }
  return digest;
}

/**
 * The validator for `schema`: from the store when it has code under `key`
 * that loads, else compiled by Ajv and written to the store. Code that fails
 * to load (truncated, from another Ajv) is compiled afresh, never trusted.
 */
export function cachedCompile(ajv: () => Ajv, schema: AnySchema, key: string, store: ValidatorCodeStore, formats: Record<string, unknown>): ValidateFunction {
  const stored = store.read(key);
  if (stored) {
    const loaded = load(stored.code, stored.v8, formats);
    if (typeof loaded?.exports === 'function') return loaded.exports as ValidateFunction;
  }
  // Only now is Ajv needed: setting up an instance with the bundle costs as much as loading a few validators.
  const compiler = ajv();
  const validate = compiler.compile(schema);
  let code: string;
  try {
    code = generate(compiler, validate);
  } catch {
    return validate; // a schema standalone code cannot express: use it, keep nothing
  }
  const loaded = keepAfterUse(key, code, store, formats);
  return typeof loaded?.exports === 'function' ? (loaded.exports as ValidateFunction) : validate;
}

/**
 * Validators for several schemas from one module, so what they share (the
 * definitions they all reach) is one function each: loaded once and warmed
 * up by V8 once, where a module per schema repeated it in each. `schemas`
 * maps a name to a schema; the result has a validator under each name.
 */
export function cachedCompileTogether(ajv: () => Ajv, schemas: Record<string, AnySchema>, key: string, store: ValidatorCodeStore, formats: Record<string, unknown>): Record<string, ValidateFunction> {
  const names = Object.keys(schemas);
  const exportsAll = (exports: unknown): exports is Record<string, ValidateFunction> =>
    typeof exports === 'object' && exports !== null && names.every((name) => typeof (exports as Record<string, unknown>)[name] === 'function');
  const stored = store.read(key);
  if (stored) {
    const loaded = load(stored.code, stored.v8, formats);
    if (exportsAll(loaded?.exports)) return loaded.exports;
  }
  const compiler = ajv();
  // Ajv finds schemas for standalone code by id. A relative one, so that `$ref`s resolve as from a schema without one.
  const ids = Object.fromEntries(names.map((name) => [name, `together-${key}-${name}.json`]));
  const validators: Record<string, ValidateFunction> = {};
  for (const name of names) {
    if (!compiler.getSchema(ids[name]!)) compiler.addSchema(schemas[name]!, ids[name]);
    validators[name] = compiler.getSchema(ids[name]!)!;
  }
  let code: string;
  try {
    code = generate(compiler, ids);
  } catch {
    return validators;
  }
  const loaded = keepAfterUse(key, code, store, formats);
  return exportsAll(loaded?.exports) ? loaded.exports : validators;
}

/**
 * Compiled code waiting to be written to its store until its validators have
 * run: V8's data for a script holds the bytecode of the functions called by
 * then, and a validator's functions are compiled only when first called. Data
 * written before any call held none of them, and every later run compiled
 * them again (30–50 ms of a 10,000-resource run).
 */
const unwritten: { key: string; code: string; store: ValidatorCodeStore; script: Script }[] = [];

/** Loads freshly compiled code, whose functions the caller then uses, and keeps it to write after use. */
function keepAfterUse(key: string, code: string, store: ValidatorCodeStore, formats: Record<string, unknown>): ReturnType<typeof load> {
  const loaded = load(code, undefined, formats);
  if (loaded) unwritten.push({ key, code, store, script: loaded.script });
  else store.write(key, code, undefined);
  return loaded;
}

/**
 * Writes the validators compiled since the last call to their stores, with
 * V8's data for the functions they ran. The schema check calls it after each
 * set of documents; without anything compiled it costs nothing.
 */
export function writeCompiledValidators(): void {
  for (const { key, code, store, script } of unwritten.splice(0)) {
    let v8: Uint8Array | undefined;
    try {
      v8 = script.createCachedData();
    } catch {
      v8 = undefined; // the code alone still spares compiling
    }
    store.write(key, code, v8);
  }
}

/** Runs module code as CommonJS; `undefined` when it does not run. */
function load(code: string, cachedData: Uint8Array | undefined, formats: Record<string, unknown>): { exports: unknown; script: Script } | undefined {
  try {
    const script = new Script(`(function (require, module, exports) {${code}\n})`, {
      filename: 'ladder-validator.js',
      ...(cachedData ? { cachedData: Buffer.from(cachedData) } : {}),
    });
    const module = { exports: {} as unknown };
    const requireShim = (id: string): unknown => (id === formatsModule ? formats : id === re2Module ? re2RegExp : requireFromHere(id));
    (script.runInThisContext() as (r: unknown, m: unknown, e: unknown) => void)(requireShim, module, module.exports);
    return { exports: module.exports, script };
  } catch {
    return undefined;
  }
}
