import { createRequire } from 'node:module';
import type { Ajv, ErrorObject, FormatDefinition, Options, ValidateFunction } from 'ajv';
import { cacheKey, cachedCompile, cachedCompileTogether, definitionsDigest, formatsModule, type ValidatorCodeStore } from './code-cache.js';
import { definitionRefPrefix, type JsonSchema, type SchemaBundle } from './bundle.js';
import { formatChecks } from './formats.js';
import { re2RegExp } from './re2.js';

/** Checks objects of one kind: fast yes/no first, every error only when there is one. */
export interface KindValidator {
  check(object: unknown): boolean;
  /** Every problem of an object `check` refused. */
  explain(object: unknown): ErrorObject[];
}

/**
 * Compiled validators of a bundle's built-in kinds. Compiling is the expensive
 * part of validation (a Deployment reaches ~150 definitions), so a long-running
 * process (the App) creates this once per Kubernetes version and passes it to
 * every `createSchemaValidator` call; validators for CRDs stay with each validator.
 */
export interface SchemaCompilers {
  readonly bundle: SchemaBundle;
  builtIn(definition: string): KindValidator;
}

export const bundleId = 'kubernetes.json';

/** `$ref` to a definition of the bundle, usable from any schema compiled here. */
export function bundleRef(definition: string): string {
  return `${bundleId}${definitionRefPrefix}${definition}`;
}

const formats = ajvFormats();

/**
 * Ajv is loaded when a validator is compiled: with every validator of a run
 * in the code cache (code-cache.ts), Ajv's 60 modules are not needed at all.
 */
let ajvModule: typeof import('ajv') | undefined;
function ajvLibrary(): typeof import('ajv') {
  ajvModule ??= createRequire(import.meta.url)('ajv') as typeof import('ajv');
  return ajvModule;
}

const common: Options = {
  strict: false, // CRD schemas may hold keywords Ajv does not know; they are ignored, not fatal
  allowUnionTypes: true,
  validateSchema: false, // the bundle is generated and tested; CRD schemas go through our converter
  addUsedSchema: false,
  // Each definition compiles once into its own function, shared by every kind that uses it.
  inlineRefs: false,
  // Ajv's optimiser pass shrinks the generated code but slows compiling, which is what costs here;
  // validation without it still takes microseconds per object.
  // `pattern` with Go's RE2 semantics in linear time, as kube-apiserver applies it (re2.ts).
  code: { optimize: false, regExp: re2RegExp },
  messages: false, // messages.ts writes its own
  formats,
};
/** The yes/no validator is built for compile speed: it stops at the first error and keeps no details. */
const checkOptions: Options = { ...common, allErrors: false, verbose: false };
/** Compiled only for kinds that have an invalid object: every error, with the offending values. */
const explainOptions: Options = { ...common, allErrors: true, verbose: true };

export interface CompileOptions {
  /** Keeps compiled validators between runs (see code-cache.ts); without it every run compiles. */
  store?: ValidatorCodeStore;
}

export function createSchemaCompilers(bundle: SchemaBundle, options: CompileOptions = {}): SchemaCompilers {
  const compile = compilerFor(bundle.definitions, options.store);
  const builtIns = new Map<string, KindValidator>();
  const podTemplateGroup = podTemplateKinds.filter((definition) => Object.hasOwn(bundle.definitions, definition));
  return {
    bundle,
    builtIn(definition) {
      let validator = builtIns.get(definition);
      if (!validator) {
        if (podTemplateGroup.includes(definition)) {
          const together = compile.together(Object.fromEntries(podTemplateGroup.map((member) => [member, { $ref: bundleRef(member) }])));
          for (const member of podTemplateGroup) builtIns.set(member, together[member]!);
          validator = together[definition]!;
        } else {
          validator = compile.one({ $ref: bundleRef(definition) });
          builtIns.set(definition, validator);
        }
      }
      return validator;
    },
  };
}

/**
 * The built-in kinds that hold a pod template (every one that reaches PodSpec;
 * a unit test holds the list to each bundled minor). PodSpec's 110 definitions
 * are most of each one's validator, so they are compiled into one module:
 * with a module per kind, the five workload kinds of a usual set loaded and
 * warmed up five copies of the same code.
 */
export const podTemplateKinds: readonly string[] = [
  'io.k8s.api.core.v1.Pod',
  'io.k8s.api.core.v1.PodTemplate',
  'io.k8s.api.core.v1.ReplicationController',
  'io.k8s.api.apps.v1.Deployment',
  'io.k8s.api.apps.v1.StatefulSet',
  'io.k8s.api.apps.v1.DaemonSet',
  'io.k8s.api.apps.v1.ReplicaSet',
  'io.k8s.api.batch.v1.Job',
  'io.k8s.api.batch.v1.CronJob',
];

/**
 * Compiles custom-resource schemas in Ajv instances of their own: Ajv keeps
 * every schema it compiled, and CRDs differ from run to run. Compiling happens
 * at once, so a schema Ajv refuses throws (with Ajv's reason) where the CRD is read.
 */
export function createCustomCompiler(bundle: SchemaBundle, options: CompileOptions = {}): (schema: JsonSchema) => KindValidator {
  let compile: Compiler | undefined;
  // The same CRD validated again (one validator, several calls) reuses its validator.
  const seen = new Map<string, KindValidator>();
  return (schema) => {
    const key = JSON.stringify(schema);
    let validator = seen.get(key);
    if (!validator) {
      validator = (compile ??= compilerFor(bundle.definitions, options.store)).one(schema);
      seen.set(key, validator);
    }
    return validator;
  };
}

/**
 * The store keys of a custom schema's two validators (the yes/no one, then the
 * one that explains), as `createCustomCompiler` with a store looks them up.
 */
export function customValidatorKeys(bundle: SchemaBundle, schema: JsonSchema): [check: string, explain: string] {
  return [validatorKey('check', bundle.definitions, schema), validatorKey('explain', bundle.definitions, schema)];
}

function validatorKey(options: 'check' | 'explain' | 'check together' | 'explain together', definitions: Record<string, JsonSchema>, schema: JsonSchema): string {
  return cacheKey({ options, definitions: definitionsDigest(definitions), schema });
}

interface Compiler {
  one(schema: JsonSchema): KindValidator;
  /** Validators for several schemas compiled into one module (see `cachedCompileTogether`), by name. */
  together(schemas: Record<string, JsonSchema>): Record<string, KindValidator>;
}

function compilerFor(definitions: Record<string, JsonSchema>, store: ValidatorCodeStore | undefined): Compiler {
  const instances = new Map<Options, Ajv>();
  const ajv = (options: Options): Ajv => {
    let instance = instances.get(options);
    if (!instance) {
      // With a store, Ajv keeps each validator's source, to write it there.
      const { Ajv: AjvClass, _ } = ajvLibrary();
      instance = new AjvClass(store ? { ...options, code: { ...options.code, source: true, formats: _`require(${formatsModule})` } } : options);
      instance.addSchema({ $id: bundleId, definitions });
      instances.set(options, instance);
    }
    return instance;
  };
  const optionsName = (options: Options) => (options === checkOptions ? 'check' : 'explain');
  const compileOne = (options: Options, schema: JsonSchema): ValidateFunction => {
    if (!store) return ajv(options).compile(schema);
    return cachedCompile(() => ajv(options), schema, validatorKey(optionsName(options), definitions, schema), store, formats);
  };
  // Without a store one Ajv instance already compiles each definition once, whichever kind reaches it.
  const compileTogether = (options: Options, schemas: Record<string, JsonSchema>): Record<string, ValidateFunction> => {
    if (!store) return Object.fromEntries(Object.entries(schemas).map(([name, schema]) => [name, ajv(options).compile(schema)]));
    return cachedCompileTogether(() => ajv(options), schemas, validatorKey(`${optionsName(options)} together`, definitions, schemas), store, formats);
  };
  const validatorOf = (check: ValidateFunction, explainer: () => ValidateFunction): KindValidator => ({
    check: (object) => check(object),
    explain: (object) => {
      const explain = explainer();
      return explain(object) ? [] : [...(explain.errors ?? [])];
    },
  });
  return {
    one(schema) {
      const check = compileOne(checkOptions, schema);
      let explain: ValidateFunction | undefined;
      return validatorOf(check, () => (explain ??= compileOne(explainOptions, schema)));
    },
    together(schemas) {
      const checks = compileTogether(checkOptions, schemas);
      let explains: Record<string, ValidateFunction> | undefined;
      return Object.fromEntries(Object.keys(schemas).map((name) => [name, validatorOf(checks[name]!, () => (explains ??= compileTogether(explainOptions, schemas))[name]!)]));
    },
  };
}

function ajvFormats(): Record<string, FormatDefinition<string> | FormatDefinition<number>> {
  const formats: Record<string, FormatDefinition<string> | FormatDefinition<number>> = {};
  for (const [name, check] of Object.entries(formatChecks)) {
    formats[name] = check.type === 'string'
      ? { type: 'string', validate: (value: string) => check.validate(value) }
      : { type: 'number', validate: (value: number) => check.validate(value) };
  }
  return formats;
}
