export { createSchemaValidator, type SchemaValidator, type SchemaValidatorOptions } from './validator.js';
export { createSchemaCompilers, type SchemaCompilers } from './compile.js';
export { isSchemaBundle, type SchemaBundle, type BundledKind, type JsonSchema } from './bundle.js';
export { minorOf } from './unknown-kind.js';
