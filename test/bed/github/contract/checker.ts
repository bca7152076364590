import { Ajv2019, type ErrorObject, type ValidateFunction } from 'ajv/dist/2019.js';
import addFormats from 'ajv-formats';
import { loadSpec, normalizeSchema, type OpenApiDocument, type OpenApiOperation, type OpenApiResponse } from './spec.js';

export interface ContractViolation {
  kind: 'response' | 'webhook';
  /** `GET /repos/{owner}/{repo}` or the webhook's name (`pull-request-closed`). */
  subject: string;
  status?: number;
  errors: string[];
}

type Mode = 'closed' | 'open-top' | 'loose';

// Each component schema is registered on first use under one of three ids:
// closed (success bodies), open-top (the same, referenced from an `allOf`
// member, its own top level left open), and loose (error bodies: GitHub adds
// keys such as `status` that the error schemas do not list; request bodies,
// where GitHub ignores extra keys). Registering all ~1,000 schemas up front
// costs seconds per test process; a test touches a few dozen.
const BASE = 'https://bed.ladder.invalid/schemas';

function idFor(mode: Mode, name: string): string {
  return `${BASE}/${mode}/${encodeURIComponent(name)}`;
}

function optionsFor(mode: Mode) {
  const closed = mode !== 'loose';
  return {
    closed,
    refId: (name: string, openTop: boolean) => idFor(closed ? (openTop ? 'open-top' : 'closed') : 'loose', name),
  };
}

/**
 * Validates what the server sends against GitHub's published OpenAPI
 * description. Schemas are compiled lazily per operation and status and cached.
 */
export class ContractChecker {
  private readonly ajv: Ajv2019;
  private readonly validators = new Map<string, ValidateFunction | null>();
  private readonly registered = new Set<string>();

  constructor(private readonly spec: OpenApiDocument = loadSpec()) {
    this.ajv = new Ajv2019({ strict: false, allErrors: false, validateSchema: false, logger: false, inlineRefs: false, code: { optimize: false } });
    addFormats.default(this.ajv);
    for (const name of ['int32', 'int64', 'double', 'timestamp', 'binary']) this.ajv.addFormat(name, true);
    // GitHub's own bot identities (`41898282+github-actions[bot]@users.noreply.github.com`)
    // fail RFC 5322 checks, yet api.github.com sends them under `format: email`.
    this.ajv.addFormat('email', /^[^\s@]+@[^\s@]+$/);
    // Unset URLs come back as "" (deployment statuses' target_url, log_url) under `format: uri`.
    const uri = this.ajv.formats.uri;
    this.ajv.addFormat('uri', (value: string) => value === '' || (typeof uri === 'function' ? uri(value) : true));
  }

  hasOperation(method: string, route: string): boolean {
    return Boolean(this.operation(method, route));
  }

  /** Problems with a response body; empty when it matches the description. */
  checkResponse(method: string, route: string, status: number, body: unknown): string[] {
    const operation = this.operation(method, route);
    if (!operation) return [`${method} ${route} is not an operation of api.github.com`];
    const documented = this.resolveResponse(operation.responses[String(status)]);
    // Conditional requests work on every GET (GitHub documents that once, not per operation).
    if (status === 304) return body === undefined ? [] : ['a 304 response must have no body'];
    if (!documented && status < 400) return [`status ${status} is not documented for ${method} ${route}`];
    const schema = jsonSchemaOf(documented?.content);
    if (schema === undefined) {
      // Errors GitHub does not describe per operation still carry its basic error body.
      if (status >= 400) return this.validate('error', { $ref: '#/components/schemas/basic-error' }, body, false);
      return body === undefined ? [] : [`status ${status} of ${method} ${route} has no body`];
    }
    return this.validate(`${method} ${route} ${status}`, schema, body, status < 400);
  }

  /** Problems with a request body, judged like GitHub's own input validation (extra keys allowed). */
  checkRequest(method: string, route: string, body: unknown): ErrorObject[] {
    const operation = this.operation(method, route);
    const requestBody = operation?.requestBody;
    if (!requestBody || '$ref' in requestBody) return [];
    const schema = jsonSchemaOf(requestBody.content);
    if (schema === undefined) return [];
    const validate = this.compile(`request ${method} ${route}`, schema, false);
    return validate && !validate(body) ? (validate.errors ?? []) : [];
  }

  /** Problems with a webhook payload, against the description's `x-webhooks` entry (e.g. `push`). */
  checkWebhook(name: string, payload: unknown): string[] {
    const schema = jsonSchemaOf(this.spec['x-webhooks'][name]?.post?.requestBody?.content);
    if (schema === undefined) return [`${name} is not a webhook of api.github.com`];
    return this.validate(`webhook ${name}`, schema, payload, true);
  }

  private operation(method: string, route: string): OpenApiOperation | undefined {
    return this.spec.paths[route]?.[method.toLowerCase()];
  }

  private resolveResponse(response: OpenApiResponse | { $ref: string } | undefined): OpenApiResponse | undefined {
    if (response && '$ref' in response) {
      return this.spec.components.responses[response.$ref.replace('#/components/responses/', '')];
    }
    return response;
  }

  private validate(key: string, schema: unknown, body: unknown, closed: boolean): string[] {
    const validate = this.compile(key, schema, closed);
    if (!validate || validate(body)) return [];
    return (validate.errors ?? []).map(formatError);
  }

  private compile(key: string, schema: unknown, closed: boolean): ValidateFunction | null {
    const mode: Mode = closed ? 'closed' : 'loose';
    const cacheKey = `${mode} ${key}`;
    if (!this.validators.has(cacheKey)) {
      const normalized = normalizeSchema(schema, optionsFor(mode));
      this.register(normalized);
      this.validators.set(cacheKey, this.ajv.compile(normalized as object));
    }
    return this.validators.get(cacheKey) ?? null;
  }

  /** Adds every component schema the normalized schema reaches, transitively, before Ajv compiles it. */
  private register(schema: unknown): void {
    const pending = [schema];
    while (pending.length) {
      const node = pending.pop();
      if (Array.isArray(node)) {
        pending.push(...node);
        continue;
      }
      if (!node || typeof node !== 'object') continue;
      for (const [key, value] of Object.entries(node)) {
        if (key === '$ref' && typeof value === 'string' && value.startsWith(BASE) && !this.registered.has(value)) {
          this.registered.add(value);
          const [mode, name] = value.slice(BASE.length + 1).split('/') as [Mode, string];
          const source = this.spec.components.schemas[decodeURIComponent(name)];
          const normalized = normalizeSchema(source, optionsFor(mode), mode === 'open-top') as Record<string, unknown>;
          this.ajv.addSchema({ ...normalized, $id: value });
          pending.push(normalized);
        } else if (value && typeof value === 'object') {
          pending.push(value);
        }
      }
    }
  }
}

function jsonSchemaOf(content: Record<string, { schema?: unknown }> | undefined): unknown {
  if (!content) return undefined;
  const key = 'application/json' in content ? 'application/json' : Object.keys(content).find((type) => type.includes('json'));
  return key ? content[key]?.schema : undefined;
}

function formatError(error: ErrorObject): string {
  const where = error.instancePath || '(body)';
  const extra = error.params as Record<string, unknown>;
  const detail = extra.unevaluatedProperty ?? extra.additionalProperty ?? extra.missingProperty ?? extra.allowedValues;
  return `${where} ${error.message ?? 'is invalid'}${detail !== undefined ? ` (${JSON.stringify(detail)})` : ''}`;
}

// Parsing the 13 MB description and compiling validators takes a while and the
// result never changes, so servers in one test process share one checker.
// Violations are recorded per server, not here.
let shared: ContractChecker | undefined;

export function sharedContractChecker(): ContractChecker {
  shared ??= new ContractChecker();
  return shared;
}
