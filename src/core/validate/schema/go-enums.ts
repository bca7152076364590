/**
 * Enum values of Kubernetes API fields, read from the Go source openapi-gen
 * writes (`pkg/generated/openapi/zz_generated.openapi.go`).
 *
 * Why: the spec checked into k8s.io/kubernetes is generated with the
 * `OpenAPIEnums` feature gate off (hack/update-openapi-spec.sh), so it has no
 * `enum`s, while a running API server serves them. The Go definitions the API
 * server serves from are in the same module, so the enums come from there.
 */

/** One enum: definition name, path of property names below it (`[]` = array items, `{}` = map values), values. */
export interface FieldEnum {
  definition: string;
  path: string[];
  values: string[];
}

const importLine = /^\t(?:([A-Za-z0-9_]+) )?"([^"]+)"$/;
/** `"k8s.io/api/core/v1.Container": schema_…(ref),` (≤ 1.34) or `v1.Container{}.OpenAPIModelName(): schema_…(ref),` (≥ 1.35). */
const mapEntry = /^\t\t(?:"([^"]+)"|([A-Za-z0-9_]+)\.([A-Za-z0-9_]+)\{\}\.OpenAPIModelName\(\)):\s+(schema_[A-Za-z0-9_]+)\(ref\),$/;
const functionStart = /^func (schema_[A-Za-z0-9_]+)\(ref common\.ReferenceCallback\) common\.OpenAPIDefinition \{$/;
const propertyOpen = /^(\t+)"([^"]+)": \{$/;
const itemsOpen = /^(\t+)Items: &spec\.SchemaOrArray\{$/;
const mapValuesOpen = /^(\t+)AdditionalProperties: &spec\.SchemaOrBool\{$/;
const enumLine = /^(\t+)Enum:\s+\[\]interface\{\}\{(.*)\},$/;

/** Reads every `Enum:` of the generated Go file; lines it does not understand are skipped. */
export function extractGoEnums(goSource: string): FieldEnum[] {
  const lines = goSource.split('\n');
  const imports = new Map<string, string>();
  const definitionOf = new Map<string, string>();
  for (const line of lines) {
    const imported = importLine.exec(line);
    if (imported) {
      const path = imported[2]!;
      imports.set(imported[1] ?? path.slice(path.lastIndexOf('/') + 1), path);
      continue;
    }
    const entry = mapEntry.exec(line);
    if (!entry) continue;
    const goName = entry[1] ?? `${imports.get(entry[2]!) ?? entry[2]}.${entry[3]}`;
    definitionOf.set(entry[4]!, modelName(goName));
  }

  const enums: FieldEnum[] = [];
  let definition: string | undefined;
  // Open property and items blocks by indentation, innermost last.
  let stack: { indent: number; part: string }[] = [];
  for (const line of lines) {
    const start = functionStart.exec(line);
    if (start) {
      definition = definitionOf.get(start[1]!);
      stack = [];
      continue;
    }
    if (!definition) continue;
    const opened = propertyOpen.exec(line);
    const nested = opened ? undefined : (itemsOpen.exec(line) ?? mapValuesOpen.exec(line));
    if (opened || nested) {
      const indent = (opened ?? nested)![1]!.length;
      stack = stack.filter((entry) => entry.indent < indent);
      stack.push({ indent, part: opened ? opened[2]! : nested![0].includes('Items') ? '[]' : '{}' });
      continue;
    }
    const found = enumLine.exec(line);
    if (!found) continue;
    const indent = found[1]!.length;
    const path = stack.filter((entry) => entry.indent < indent).map((entry) => entry.part);
    const values = [...found[2]!.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => JSON.parse(`"${m[1]}"`) as string);
    if (path.length > 0 && values.length > 0) enums.push({ definition, path, values });
  }
  return enums;
}

/** `k8s.io/api/core/v1.Container` → `io.k8s.api.core.v1.Container`, the OpenAPI definition name. */
export function modelName(goName: string): string {
  const [domain = '', ...rest] = goName.split('/');
  return [domain.split('.').reverse().join('.'), ...rest].join('.');
}
