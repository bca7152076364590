/**
 * The differential generator: for every field path at which kube-apiserver's
 * validation of a kind can report an error (the sites file, from
 * src/tools/apiserver-sites), it finds or creates that field in a realistic
 * seed manifest and changes it to values of the field's type that break or
 * keep the rules there. Deterministic for a given seed of its random numbers.
 */
import type { SchemaBundle } from '../../../src/core/validate/schema/bundle.js';
import { seededRandom } from '../../../test/support/random.js';
import { describeSchema, kindSchema, schemaAt, type FieldSchema } from './schema-nav.js';
import { seeds, type Seed } from './seeds.js';

type Obj = Record<string, unknown>;
export type KeyPath = (string | number)[];

export interface SitesFile {
  kubernetes: string;
  kinds: Record<string, { apiVersion: string; entries: string[]; sites: Record<string, string> }>;
}

export interface Case {
  id: string;
  apiVersion: string;
  kind: string;
  seed: string;
  /** The site (path pattern from the API server's code) this case was made for; `(seed)` for an unchanged seed. */
  site: string;
  path: KeyPath;
  mutation: string;
  object: Obj;
}

export interface KindCoverage {
  sites: number;
  covered: number;
  /** Sites no seed reaches, with why. */
  uncovered: string[];
}

/** Field paths in the API server's messages that manifests spell differently. */
const goPathSpellings: [RegExp, string][] = [
  [/\.LoadBalancerSourceRanges/g, '.loadBalancerSourceRanges'],
  [/\.template\.labels/g, '.template.metadata.labels'],
  [/\.template\.annotations/g, '.template.metadata.annotations'],
  [/\.HostPID/g, '.hostPID'],
  [/\.HostIPC/g, '.hostIPC'],
  [/\.persistentDisk\./g, '.gcePersistentDisk.'],
  [/\.initiatorname/g, '.initiatorName'],
  [/\.downwarAPI/g, '.downwardAPI'],
  [/\.cephFS/g, '.cephfs'],
  [/\.\{topologyKey, whenUnsatisfiable\}/g, '.topologyKey'],
  [/securityContext\.shareProcessNamespace/g, 'shareProcessNamespace'],
];

export type Segment = { key: string } | { any: true };

/** `spec.containers[*].env[*].name` → segments; map keys and indexes alike are `[…]`. */
export function parsePattern(pattern: string): Segment[] {
  let text = pattern;
  for (const [from, to] of goPathSpellings) text = text.replace(from, to);
  const segments: Segment[] = [];
  for (const match of text.matchAll(/([^.[\]]+)|\[([^\]]*)\]/g)) {
    if (match[1] !== undefined) segments.push(match[1] === '*' ? { any: true } : { key: match[1] });
    else segments.push(match[2] === '*' ? { any: true } : { key: match[2]! });
  }
  return segments;
}

interface Target {
  path: KeyPath;
  /** The field exists in the seed (as opposed to being created by the mutation). */
  exists: boolean;
}

/** Concrete paths in `object` a pattern names: up to two items per wildcard; missing parts are created later. */
function resolveTargets(object: unknown, segments: Segment[], limit = 2): Target[] {
  const out: Target[] = [];
  const walk = (node: unknown, index: number, path: KeyPath, exists: boolean): void => {
    if (out.length >= limit * 2) return;
    if (index === segments.length) {
      out.push({ path, exists });
      return;
    }
    const segment = segments[index]!;
    if ('key' in segment) {
      const present = exists && typeof node === 'object' && node !== null && !Array.isArray(node) && Object.hasOwn(node, segment.key);
      walk(present ? (node as Obj)[segment.key] : undefined, index + 1, [...path, segment.key], present);
      return;
    }
    if (exists && Array.isArray(node) && node.length > 0) {
      const picks = node.length === 1 ? [0] : [0, node.length - 1];
      for (const i of picks.slice(0, limit)) walk(node[i], index + 1, [...path, i], true);
    } else if (exists && typeof node === 'object' && node !== null && Object.keys(node).length > 0) {
      for (const key of Object.keys(node).slice(0, limit)) walk((node as Obj)[key], index + 1, [...path, key], true);
    } else {
      walk(undefined, index + 1, [...path, 0], false);
    }
  };
  walk(object, 0, [], true);
  return out;
}

const strings = ['', 'Upper-Case', 'has space', 'under_score', '-leading', 'trailing-', 'dots.in.name', 'x'.repeat(64), 'y'.repeat(254), '..', '/absolute/path', 'up/../and', 'a/b/c', '0', 'bogus', ' padded ', 'example.com/name', 'UPPER_ENV', 'ok-value', '10.0.0.1', '*.wild.example.com', '10.0.0.0/8', 'Always', 'None'];
const integers = [-1, 0, 1, 3, 100, 1801, 3601, 65535, 65536, 86401, 1000000001, 2147483647];
const intOrStrings: unknown[] = [-1, 0, 1, 70000, '0%', '50%', '150%', 'abc', 'http', 'Has Space'];
const quantities = ['-1', '0', '1m', '0.0001', '250m', '1', '3Ki', '1Gi', '1.5Gi', '100'];

interface Mutation {
  description: string;
  apply(object: Obj, path: KeyPath): void;
}

function pick<T>(random: () => number, pool: readonly T[], count: number): T[] {
  const copy = [...pool];
  const chosen: T[] = [];
  while (chosen.length < count && copy.length > 0) chosen.push(copy.splice(Math.floor(random() * copy.length), 1)[0]!);
  return chosen;
}

const setValue = (value: unknown): Mutation => ({ description: `set ${JSON.stringify(value)?.slice(0, 40)}`, apply: (object, path) => setAt(object, path, value) });

function candidates(field: FieldSchema, errors: string, target: Target, random: () => number, count: number): Mutation[] {
  const chosen: Mutation[] = [];
  const isIndex = typeof target.path.at(-1) === 'number';
  if (target.exists && /Required|Forbidden/.test(errors)) chosen.push({ description: 'delete', apply: (o, p) => deleteAt(o, p) });
  if (isIndex && target.exists && /Duplicate|Invalid/.test(errors)) chosen.push({ description: 'duplicate item', apply: (o, p) => duplicateAt(o, p) });
  switch (field.type) {
    case 'string':
      if (field.enum) chosen.push(...pick(random, [...field.enum, 'Bogus'], 2).map(setValue));
      chosen.push(...pick(random, strings, count).map(setValue));
      break;
    case 'integer':
    case 'number':
      chosen.push(...pick(random, integers, count).map(setValue));
      break;
    case 'int-or-string':
      chosen.push(...pick(random, intOrStrings, count).map(setValue));
      break;
    case 'quantity':
      chosen.push(...pick(random, quantities, count).map(setValue));
      break;
    case 'boolean':
      chosen.push(setValue(true), setValue(false));
      break;
    case 'array':
      chosen.push(setValue([]));
      if (/TooMany/.test(errors) && target.exists) chosen.push({ description: 'repeat items past the limit', apply: (o, p) => repeatItems(o, p, 300) });
      if (target.exists) chosen.push({ description: 'duplicate last item', apply: (o, p) => duplicateAt(o, [...p, -1]) });
      break;
    case 'map':
      chosen.push(
        ...pick(random, ['Bad Key', 'example.com/ok', 'a/b/c', 'x'.repeat(64), '-lead', 'tls.crt'], Math.max(1, count - 1)).map((key) => ({
          description: `add key ${JSON.stringify(key).slice(0, 30)}`,
          apply: (o: Obj, p: KeyPath) => setAt(o, [...p, key], pick(random, ['v', 'bad value', '1', 'x'.repeat(64)], 1)[0]),
        })),
      );
      if (/TooLong/.test(errors)) chosen.push({ description: 'add a 260 KiB value', apply: (o, p) => setAt(o, [...p, 'example.com/big'], 'z'.repeat(266_000)) });
      break;
    case 'object':
      chosen.push(setValue({}));
      break;
    default:
      chosen.push(...pick(random, [...strings.slice(0, 4), -1, 0, {}, []], count).map(setValue));
  }
  return chosen;
}

export interface GenerateOptions {
  sites: SitesFile;
  bundle: SchemaBundle;
  seed?: number;
  /** Mutations per concrete field (after delete/duplicate); the CI subset uses 1. */
  perField?: number;
  /** Only these kinds. */
  kinds?: readonly string[];
  /** Keep at most this many cases per kind, chosen at random (deterministically). */
  maxPerKind?: number;
}

export function generateCases(options: GenerateOptions): { cases: Case[]; coverage: Record<string, KindCoverage> } {
  const random = seededRandom(options.seed ?? 1);
  const perField = options.perField ?? 3;
  const cases: Case[] = [];
  const coverage: Record<string, KindCoverage> = {};
  const bySeedKind = new Map<string, Seed[]>();
  for (const seed of seeds()) {
    const kind = String(seed.object['kind']);
    bySeedKind.set(kind, [...(bySeedKind.get(kind) ?? []), seed]);
  }
  for (const [kind, { apiVersion, sites }] of Object.entries(options.sites.kinds).sort(([a], [b]) => a.localeCompare(b))) {
    if (options.kinds && !options.kinds.includes(kind)) continue;
    const kindSeeds = bySeedKind.get(kind) ?? [];
    const root = kindSchema(options.bundle, apiVersion, kind);
    const kindCases: Case[] = [];
    for (const seed of kindSeeds) kindCases.push({ id: `${kind}/${seed.name}/seed`, apiVersion, kind, seed: seed.name, site: '(seed)', path: [], mutation: 'none', object: structuredClone(seed.object) });
    const uncovered: string[] = [];
    let covered = 0;
    for (const [site, errors] of Object.entries(sites).sort(([a], [b]) => a.localeCompare(b))) {
      const segments = parsePattern(site);
      if (segments.length === 0 || !root) {
        uncovered.push(`${site || '(object)'}: names the whole object`);
        continue;
      }
      let made = 0;
      for (const seed of kindSeeds) {
        for (const target of resolveTargets(seed.object, segments)) {
          const node = schemaAt(options.bundle, root, target.path);
          if (!node && !target.exists) continue; // not a field manifests can hold (a Go-side path)
          for (const mutation of candidates(describeSchema(node), errors, target, random, perField)) {
            const object = structuredClone(seed.object);
            try {
              mutation.apply(object, target.path);
            } catch {
              continue;
            }
            kindCases.push({ id: `${kind}/${seed.name}/${cases.length + kindCases.length}`, apiVersion, kind, seed: seed.name, site, path: target.path, mutation: mutation.description, object });
            made++;
          }
        }
      }
      if (made > 0) covered++;
      else uncovered.push(`${site}: no seed holds or can hold this field`);
    }
    coverage[kind] = { sites: Object.keys(sites).length, covered, uncovered };
    const keep = options.maxPerKind && kindCases.length > options.maxPerKind ? sample(random, kindCases, options.maxPerKind) : kindCases;
    cases.push(...keep);
  }
  return { cases, coverage };
}

/** The seed cases always, then a random sample of the rest, in their original order. */
function sample(random: () => number, all: Case[], size: number): Case[] {
  const seedsFirst = all.filter((c) => c.site === '(seed)');
  const rest = all.filter((c) => c.site !== '(seed)');
  const chosen = new Set(pick(random, rest.map((_, i) => i), Math.max(0, size - seedsFirst.length)));
  return [...seedsFirst, ...rest.filter((_, i) => chosen.has(i))];
}

function parentOf(object: Obj, path: KeyPath, create: boolean): unknown {
  let node: unknown = object;
  for (let i = 0; i < path.length - 1; i++) {
    const key = path[i]!;
    const nextIsIndex = typeof path[i + 1] === 'number';
    let next = (node as Record<string | number, unknown>)[key];
    if (next === undefined || next === null) {
      if (!create) return undefined;
      next = nextIsIndex ? [] : {};
      (node as Record<string | number, unknown>)[key] = next;
    }
    node = next;
  }
  return node;
}

function setAt(object: Obj, path: KeyPath, value: unknown): void {
  const parent = parentOf(object, path, true) as Record<string | number, unknown>;
  const key = path.at(-1)!;
  if (Array.isArray(parent) && typeof key === 'number' && key >= parent.length) parent.push(value);
  else parent[key] = value;
}

function deleteAt(object: Obj, path: KeyPath): void {
  const parent = parentOf(object, path, false);
  const key = path.at(-1)!;
  if (Array.isArray(parent) && typeof key === 'number') parent.splice(key, 1);
  else if (parent && typeof parent === 'object') delete (parent as Obj)[key as string];
}

function duplicateAt(object: Obj, path: KeyPath): void {
  const list = parentOf(object, path, false);
  if (!Array.isArray(list) || list.length === 0) throw new Error('not a list');
  const key = path.at(-1) as number;
  list.push(structuredClone(list[key < 0 ? list.length - 1 : key]));
}

function repeatItems(object: Obj, path: KeyPath, count: number): void {
  const parent = parentOf(object, path, false) as Record<string | number, unknown> | undefined;
  const list = parent?.[path.at(-1)!];
  if (!Array.isArray(list) || list.length === 0) throw new Error('not a list');
  while (list.length < count) list.push(structuredClone(list[list.length % Math.max(1, list.length)]));
}
