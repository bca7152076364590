import type { ScalarTag, Tags } from 'yaml';

/**
 * Plain (unquoted) scalars resolve the way Kubernetes reads them: kubectl,
 * the API server and kubeconform go through sigs.k8s.io/yaml, which decodes
 * with go-yaml v2 — YAML 1.1 rules, not the YAML 1.2 core schema. So `yes`,
 * `on`, `n` are booleans (an env `value: yes` is refused by kubectl),
 * `0644` is octal 420, `1_000` is 1000, and `1e3` (no sign in the exponent)
 * stays a string. Timestamps stay strings too: go-yaml v2 hands them to an
 * untyped target as their text. Base-60 numbers are not supported by go-yaml.
 * Both parse paths (the block reader and `yaml`) get this one resolution, so they agree.
 */

type Resolved = { tag: 'null' | 'bool' | 'int' | 'float'; value: unknown } | undefined;

const words = new Map<string, { tag: 'null' | 'bool' | 'float'; value: unknown }>();
for (const [value, list] of [
  [true, ['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']],
  [false, ['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']],
] as const) {
  for (const word of list) words.set(word, { tag: 'bool', value });
}
for (const word of ['', '~', 'null', 'Null', 'NULL']) words.set(word, { tag: 'null', value: null });
for (const word of ['.nan', '.NaN', '.NAN']) words.set(word, { tag: 'float', value: Number.NaN });
for (const word of ['.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF']) words.set(word, { tag: 'float', value: Number.POSITIVE_INFINITY });
for (const word of ['-.inf', '-.Inf', '-.INF']) words.set(word, { tag: 'float', value: Number.NEGATIVE_INFINITY });

const mayResolve = new Uint8Array(128);
for (const c of '0123456789+-.~yYnNtTfFoO') mayResolve[c.charCodeAt(0)] = 1;

// go-yaml's yamlStyleFloat: the exponent needs a sign.
const goYamlFloat = /^[-+]?[0-9]*\.?[0-9]+(?:[eE][-+][0-9]+)?$/;
// strconv.ParseFloat on a scalar that starts with a dot.
const dotFloat = /^\.[0-9]+(?:[eE][-+]?[0-9]+)?$/;
const int64Min = -(2n ** 63n);
const int64Max = 2n ** 63n - 1n;
const uint64Max = 2n ** 64n - 1n;

// A decimal integer without a sign, a leading zero or `_`, small enough to be exact as a double:
// most numbers in manifests (ports, replicas, seconds). `-0` is left out: ParseInt makes it 0, Number -0.
const plainDecimal = /^(?:0|-?[1-9][0-9]{0,14})$/;

/** The value of a plain scalar as go-yaml v2 resolves it into an untyped value; `undefined` when it is a string. */
export function resolvePlainScalar(text: string): Resolved {
  // go-yaml's first-character hint: only these can start anything but a string (and '' is null).
  if (text !== '' && !mayResolve[text.charCodeAt(0)]) return undefined;
  if (plainDecimal.test(text)) return { tag: 'int', value: Number(text) };
  const word = words.get(text);
  if (word) return word;
  const first = text.charCodeAt(0);
  if (first === 0x2e /* . */) {
    if (!dotFloat.test(text)) return undefined;
    const value = Number(text);
    return Number.isFinite(value) ? { tag: 'float', value } : undefined;
  }
  const isDigit = first >= 0x30 && first <= 0x39;
  if (!isDigit && first !== 0x2b /* + */ && first !== 0x2d /* - */) return undefined;
  const plain = text.includes('_') ? text.replaceAll('_', '') : text;
  const int = parseGoInteger(plain);
  if (int !== undefined && int >= int64Min && int <= uint64Max && (int <= int64Max || plain[0] !== '+')) {
    return { tag: 'int', value: Number(int) };
  }
  if (goYamlFloat.test(plain)) {
    const value = Number(plain);
    // ParseFloat fails on overflow; go-yaml then keeps the text.
    if (Number.isFinite(value)) return { tag: 'float', value };
  }
  if (plain.startsWith('0b') || plain.startsWith('-0b')) {
    const digits = plain.slice(plain.indexOf('b') + 1);
    if (/^[01]+$/.test(digits)) {
      const value = BigInt(`0b${digits}`) * (plain[0] === '-' ? -1n : 1n);
      if (value >= int64Min && value <= uint64Max) return { tag: 'int', value: Number(value) };
    }
  }
  return undefined;
}

/** Go's strconv.ParseInt/ParseUint with base 0: sign, then 0x, 0b, 0o or a leading 0 for octal. */
function parseGoInteger(text: string): bigint | undefined {
  let sign = 1n;
  let rest = text;
  if (rest[0] === '+' || rest[0] === '-') {
    if (rest[0] === '-') sign = -1n;
    rest = rest.slice(1);
  }
  if (rest === '') return undefined;
  let digits: RegExp = /^[0-9]+$/;
  let prefix = '';
  if (rest[0] === '0' && rest.length >= 3 && /[bBoOxX]/.test(rest[1]!)) {
    const base = rest[1]!.toLowerCase();
    prefix = `0${base}`;
    digits = base === 'b' ? /^[01]+$/ : base === 'o' ? /^[0-7]+$/ : /^[0-9a-fA-F]+$/;
    rest = rest.slice(2);
  } else if (rest[0] === '0') {
    prefix = '0o';
    digits = /^[0-7]*$/;
    rest = rest.slice(1);
    if (rest === '') return 0n;
  }
  if (!digits.test(rest)) return undefined;
  return sign * BigInt(`${prefix}${rest}`);
}

/**
 * For the `yaml` package's `customTags` option: tried before the core
 * schema's tags, so every plain scalar that could be anything but a string
 * (go-yaml's first-character hint) is resolved here; the core tags stay for
 * explicit `!!int`-style tags.
 */
export function withKubernetesScalars(tags: Tags): Tags {
  return [kubernetesPlainScalar, ...tags];
}

const kubernetesPlainScalar: ScalarTag = {
  tag: 'tag:yaml.org,2002:kubernetes-plain',
  default: true,
  test: /^(?:[-+0-9.~yYnNtTfFoO]|$)/,
  identify: () => false,
  resolve: (text) => {
    const resolved = resolvePlainScalar(text);
    return resolved ? resolved.value : text;
  },
};
