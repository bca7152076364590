import { Ajv, type ErrorObject, type FormatDefinition, type Options, type ValidateFunction } from 'ajv';
import { definitionRefPrefix, type JsonSchema } from './bundle.js';
import { formatChecks } from './formats.js';

/** Checks objects of one kind: fast yes/no first, every error only when there is one. */
export interface KindValidator {
  check(object: unknown): boolean;
  /** Every problem of an object `check` refused. */
  explain(object: unknown): ErrorObject[];
}

export const bundleId = 'kubernetes.json';

/** `$ref` to a definition of the bundle, usable from any schema compiled here. */
export function bundleRef(definition: string): string {
  return `${bundleId}${definitionRefPrefix}${definition}`;
}

/**
 * Ajv options. Compiling is what costs (a Deployment reaches ~150 definitions),
 * so the yes/no validator is built for compile speed: it stops at the first
 * error and keeps no error details. A second instance with every error and the
 * offending values is compiled only for kinds that have an invalid object.
 */
const common: Options = {
  strict: false, // CRD schemas may hold keywords Ajv does not know; they are ignored, not fatal
  allowUnionTypes: true,
  validateSchema: false, // the bundle is generated and tested; CRD schemas go through our converter
  addUsedSchema: false,
  // Each definition compiles once into its own function, shared by every kind that uses it.
  inlineRefs: false,
  // Ajv's optimiser pass shrinks the generated code but slows compiling, which is what costs here;
  // validation without it still takes microseconds per object.
  code: { optimize: false },
  messages: false, // messages.ts writes its own
  formats: ajvFormats(),
};
const checkOptions: Options = { ...common, allErrors: false, verbose: false };
const explainOptions: Options = { ...common, allErrors: true, verbose: true };

export interface Compilers {
  builtIn(definition: string): KindValidator;
  /** Compiles a CRD's schema now, so a schema Ajv refuses is known at once; throws with Ajv's reason. */
  custom(schema: JsonSchema): KindValidator;
}

export function createCompilers(definitions: Record<string, JsonSchema>): Compilers {
  const instances = new Map<Options, Ajv>();
  const ajv = (options: Options): Ajv => {
    let instance = instances.get(options);
    if (!instance) {
      instance = new Ajv(options);
      instance.addSchema({ $id: bundleId, definitions });
      instances.set(options, instance);
    }
    return instance;
  };
  const builtIns = new Map<string, KindValidator>();

  const kindValidator = (schema: JsonSchema, check: ValidateFunction): KindValidator => {
    let explain: ValidateFunction | undefined;
    return {
      check: (object) => check(object),
      explain: (object) => {
        explain ??= ajv(explainOptions).compile(schema);
        return explain(object) ? [] : [...(explain.errors ?? [])];
      },
    };
  };

  return {
    builtIn(definition) {
      let validator = builtIns.get(definition);
      if (!validator) {
        const schema = { $ref: bundleRef(definition) };
        validator = kindValidator(schema, ajv(checkOptions).compile(schema));
        builtIns.set(definition, validator);
      }
      return validator;
    },
    custom(schema) {
      return kindValidator(schema, ajv(checkOptions).compile(schema));
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
