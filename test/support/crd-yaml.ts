/**
 * A CustomResourceDefinition of `group` (example.com by default) serving one
 * version, v1, whose schema has the top-level `properties` given (YAML
 * starting on a new line, indented from column 0). Its lines are fixed, so
 * tests can name them: the properties start at line 17.
 */
export function crdYaml(options: { kind: string; plural: string; scope: 'Namespaced' | 'Cluster'; properties: string; group?: string }): string {
  const group = options.group ?? 'example.com';
  const indented = options.properties.replace(/^\n/, '').split('\n').map((line) => (line ? `            ${line}` : line)).join('\n');
  return `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: ${options.plural}.${group}
spec:
  group: ${group}
  scope: ${options.scope}
  names: {kind: ${options.kind}, plural: ${options.plural}}
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
${indented}`;
}
