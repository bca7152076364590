import type { JsonSchema } from '../../core/validate/schema/bundle.js';

/** What a schema worker is asked to compile (its workerData). */
export interface CompileRequest {
  /** Kubernetes minor, or undefined for the newest bundled. */
  version: string | undefined;
  cacheDir: string | undefined;
  /** Bundled definitions to compile. */
  definitions: string[];
  /** Custom-resource schemas to compile (customSchemasFor). */
  customSchemas?: JsonSchema[];
}

/** What it answers: the code, and for each custom schema Ajv refused, its keys with Ajv's reason. */
export interface CompileReply {
  pack: PackedValidators;
  refused: Record<string, string>;
}

/** Generated validator code by cache key (see core/validate/schema/code-cache.ts), with V8's code cache for it. */
export type CompiledValidators = Record<string, { code: string; v8?: Uint8Array }>;

/**
 * The same, packed into one buffer the worker transfers (not copies) to the
 * App's thread: some 25 MB of code, which a structured clone would decode
 * on that thread all at once. Each entry is read out when its kind is first
 * validated.
 */
export interface PackedValidators {
  buffer: ArrayBuffer;
  /** key → [code start, code end, V8 cache start, V8 cache end] (the V8 range empty when there is none). */
  index: Record<string, [number, number, number, number]>;
}

export function packValidators(compiled: CompiledValidators): PackedValidators {
  const parts: Uint8Array[] = [];
  const index: PackedValidators['index'] = {};
  let offset = 0;
  const add = (bytes: Uint8Array): [number, number] => {
    parts.push(bytes);
    offset += bytes.byteLength;
    return [offset - bytes.byteLength, offset];
  };
  for (const [key, { code, v8 }] of Object.entries(compiled)) {
    const [codeStart, codeEnd] = add(Buffer.from(code, 'utf8'));
    const [v8Start, v8End] = v8 ? add(v8) : [offset, offset];
    index[key] = [codeStart, codeEnd, v8Start, v8End];
  }
  const packed = new Uint8Array(offset);
  let at = 0;
  for (const part of parts) {
    packed.set(part, at);
    at += part.byteLength;
  }
  return { buffer: packed.buffer, index };
}

export function unpackValidator(packed: PackedValidators, key: string): { code: string; v8?: Uint8Array } | undefined {
  const range = packed.index[key];
  if (!range) return undefined;
  const [codeStart, codeEnd, v8Start, v8End] = range;
  const code = Buffer.from(packed.buffer, codeStart, codeEnd - codeStart).toString('utf8');
  return v8End > v8Start ? { code, v8: new Uint8Array(packed.buffer, v8Start, v8End - v8Start) } : { code };
}
