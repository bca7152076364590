import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { applyKnownFixes } from './fixes.js';

/** The parts of GitHub's OpenAPI 3.0 description the checker reads. */
export interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: { schemas: Record<string, unknown>; responses: Record<string, OpenApiResponse> };
  'x-webhooks': Record<string, { post?: { requestBody?: { content?: Record<string, { schema?: unknown }> } } }>;
}

export interface OpenApiOperation {
  operationId: string;
  requestBody?: { content?: Record<string, { schema?: unknown }> } | { $ref: string };
  responses: Record<string, OpenApiResponse | { $ref: string }>;
}

export interface OpenApiResponse {
  content?: Record<string, { schema?: unknown }>;
}

/** Reads GitHub's published description for api.github.com from @octokit/openapi. */
export function loadSpec(): OpenApiDocument {
  const require = createRequire(import.meta.url);
  const file = require.resolve('@octokit/openapi/generated/api.github.com.json');
  const spec = JSON.parse(readFileSync(file, 'utf8')) as OpenApiDocument;
  applyKnownFixes(spec);
  return spec;
}

export interface NormalizeOptions {
  /**
   * Closed objects: an object schema that lists `properties` (or combines
   * parts with `allOf`) and says nothing about other keys refuses them
   * (`unevaluatedProperties: false`), so the server cannot invent fields that
   * a client might come to rely on but api.github.com never sends.
   */
  closed: boolean;
  /**
   * The id a reference to `#/components/schemas/<name>` becomes. `openTop` is
   * set for members of an `allOf`: each member sees only part of the object,
   * so its own top level must stay open while the enclosing schema closes the whole.
   */
  refId(name: string, openTop: boolean): string;
}

export function normalizeSchema(schema: unknown, options: NormalizeOptions, openTop = false): unknown {
  if (Array.isArray(schema)) return schema.map((item) => normalizeSchema(item, options));
  if (!schema || typeof schema !== 'object') return schema;
  const source = schema as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(source)) {
    if (key === 'example' || key === 'examples' || key === 'nullable' || key === 'discriminator') continue;
    if (key === '$ref' && typeof value === 'string') {
      const local = /^#\/components\/schemas\/(.+)$/.exec(value);
      out.$ref = local?.[1] ? options.refId(local[1], openTop) : value;
    } else if (key === 'properties' && value && typeof value === 'object') {
      out.properties = Object.fromEntries(
        Object.entries(value).map(([name, sub]) => [name, normalizeSchema(sub, options)]),
      );
    } else if (key === 'oneOf' && !options.closed) {
      // Open schemas overlap (any error body matches both basic-error and a
      // rule-violation error), so "exactly one" cannot hold; "at least one" does.
      out.anyOf = normalizeSchema(value, options);
    } else if (key === 'allOf' && Array.isArray(value)) {
      out.allOf = value.map((member) => normalizeSchema(member, options, true));
    } else {
      out[key] = normalizeSchema(value, options);
    }
  }
  const alternatives = 'anyOf' in source || 'oneOf' in source;
  const objectLike = 'properties' in source || 'allOf' in source;
  if (options.closed && !openTop && !alternatives && objectLike && !('additionalProperties' in source)) {
    out.unevaluatedProperties = false;
  }
  if (source.nullable !== true) return out;
  if (typeof out.type === 'string') {
    out.type = [out.type, 'null'];
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
    return out;
  }
  return { anyOf: [out, { type: 'null' }] };
}
