/**
 * Text that helpers put into a template's YAML. Everything here yields a
 * complete YAML 1.2 flow node that a YAML 1.1 reader (kubectl's sigs.k8s.io/yaml)
 * reads the same way, so no value can add keys, end a document or change type.
 */

// JSON leaves these raw, but YAML either forbids them (non-printable C1
// controls, DEL, U+FFFE/U+FFFF) or, in YAML 1.1, breaks lines on them (NEL,
// LS, PS), or strips them (BOM). Escaping keeps the value byte-exact.
const unsafeForYaml = /[\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]/g;

/** True when `text` holds a character that must be escaped in YAML (see above). */
export function hasUnsafeCharacters(text: string): boolean {
  return /[\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]/.test(text);
}

/** A double-quoted YAML scalar holding exactly `text`. */
export function doubleQuoted(text: string): string {
  return escapeUnsafe(JSON.stringify(text));
}

/**
 * A one-line flow node (JSON is a subset of YAML 1.2) for plain data. Flow
 * style needs no indentation, so it is valid in any value position and the
 * template author cannot get the indent wrong.
 */
export function flowNode(value: unknown): string {
  return escapeUnsafe(JSON.stringify(value));
}

/**
 * A number as a plain scalar both YAML versions read as a number: YAML 1.1
 * floats need a dot before the exponent (`1.0e+21`, not `1e+21`).
 */
export function numberText(value: number): string {
  const text = String(value);
  const exponent = text.indexOf('e');
  if (exponent === -1 || text.slice(0, exponent).includes('.')) return text;
  return `${text.slice(0, exponent)}.0${text.slice(exponent)}`;
}

/** Escapes those characters as `\\uXXXX`; only valid where every occurrence is inside a double-quoted scalar. */
export function escapeUnsafe(json: string): string {
  return json.replace(unsafeForYaml, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
