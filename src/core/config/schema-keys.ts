import type { z } from 'zod';
import type { KeyPath } from './locate.js';

// The few parts of a zod 4 schema definition needed to find which keys an
// object accepts; `def` is zod's public, serialisable description of a schema.
interface LooseDef {
  type: string;
  innerType?: z.core.$ZodType;
  in?: z.core.$ZodType;
  options?: readonly z.core.$ZodType[];
  shape?: Record<string, z.core.$ZodType>;
  element?: z.core.$ZodType;
  valueType?: z.core.$ZodType;
}

const defOf = (schema: z.core.$ZodType): LooseDef => schema._zod.def as unknown as LooseDef;

/**
 * Keys the schema accepts for the mapping at `path`; for a union, the keys of
 * every option. Used to suggest the key a user meant.
 */
export function keysAt(schema: z.core.$ZodType, path: KeyPath): string[] {
  let current = unwrap(schema);
  for (const part of path) current = current.flatMap((s) => unwrap(childOf(s, part)));
  const keys = current.flatMap((s) => Object.keys(defOf(s).shape ?? {}));
  return [...new Set(keys)];
}

function childOf(schema: z.core.$ZodType, part: string | number): z.core.$ZodType[] {
  const def = defOf(schema);
  switch (def.type) {
    case 'object': {
      const child = def.shape && Object.hasOwn(def.shape, String(part)) ? def.shape[String(part)] : undefined;
      return child ? [child] : [];
    }
    case 'array': return def.element ? [def.element] : [];
    case 'record': return def.valueType ? [def.valueType] : [];
    default: return [];
  }
}

/** Sees through optional, default, pipe, union and the like to the schemas that hold keys. */
function unwrap(schema: z.core.$ZodType | z.core.$ZodType[]): z.core.$ZodType[] {
  const pending = Array.isArray(schema) ? [...schema] : [schema];
  const out: z.core.$ZodType[] = [];
  // Bounded: schema definitions are finite trees, but a lazy self-reference
  // must not loop forever.
  for (let steps = 0; pending.length > 0 && steps < 1000; steps++) {
    const next = pending.pop()!;
    const def = defOf(next);
    if (def.innerType) pending.push(def.innerType);
    else if (def.type === 'pipe' && def.in) pending.push(def.in);
    else if (def.type === 'union' && def.options) pending.push(...def.options);
    else out.push(next);
  }
  return out.reverse();
}

/** The value at `path` in plain parsed data, or undefined. */
export function valueAt(root: unknown, path: KeyPath): unknown {
  let value = root;
  for (const part of path) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, part)) return undefined;
    value = (value as Record<string | number, unknown>)[part];
  }
  return value;
}
