import { resolvePlainScalar } from '../../src/core/manifests/scalars.js';
import { seededRandom } from './random.js';

/**
 * Manifest files of random YAML shapes, from a seed, for holding the quick
 * parse path to the careful one (manifests-parse-paths.test.ts): nesting,
 * lists of maps, every scalar style and plain-scalar type, comments, blank
 * lines, trailing blanks, CRLF, `---` separators, block scalars with every
 * chomping, unicode. Each file says which of the shapes the quick path is
 * meant to leave to `yaml` it used (`leftToYaml`); a file with none of them
 * must be taken.
 */
export interface GeneratedYaml {
  text: string;
  /** The shapes the quick path declines, by name; empty when it must take the file. */
  leftToYaml: string[];
}

const plainScalars = [
  '1', '-5', '0', '42', '3.14', '-0.5', '.5', '1.', '1e3', '1e+3', '1E-2', '0644', '08', '007', '0x1F', '0o17', '0b101', '-0b11',
  '1_000', '1__0', '+12', '-0', '9223372036854775807', '9223372036854775808', '18446744073709551616', '-9223372036854775809',
  'true', 'True', 'FALSE', 'yes', 'No', 'on', 'OFF', 'y', 'n', 'Y', 'null', 'Null', '~', '.inf', '-.Inf', '+.inf', '.nan', '.NaN',
  '2001-12-14t21:59:43.10-05:00', '2002-12-14', '12:30', '1:20:30', 'hello world', 'http://example.com/a?b=c&d=e', 'a#b', 'a-b',
  '-x', 'x-', 'é', '日本語', '🙂 smile', 'two  spaces', "it's", 'v1.2.3', '100Mi', '500m', '0.5Gi', 'a,b', 'a]b', 'a}b', 'a[0]',
  '0x', '0b', '1e', 'nan', 'inf', '=', '<', 'a"b', "a'b", 'a:b', '%x', 'x%', 'tab\there',
];
const doubleQuoted = [
  '"\\/ \\0 \\e \\N \\_ \\L \\P \\a \\b \\v \\f \\r \\ end"', '"tab\tin"',
  '"1"', '""', '"a b"', '"say \\"hi\\""', '"tab\\tline\\n"', '"back\\\\slash"', '"# not a comment"', '"*/5 * * * *"', '"日本"', '"true"', '"~"', '"  padded  "', "\"it's\""];
const singleQuoted = ["'x'", "''", "'it''s'", "'a \" b'", "'0644'", "'null'", "'# x'", "'\\n stays'"];
const flows = [
  '[]', '{}', '[ ]', '{ }', '[a, b]', '["a", "b c"]', "['x', 1, true, ~]", '[1, 2, 3]', '[-1, 0x10]', '["sh", "-c", "echo a, b"]', '[ a , b ]',
  '{a: 1}', '{ cpu: 250m, memory: 256Mi }', '{"a": "x", \'b\': y, 1: on, yes: 0x10, "": 1}', '[a, [b, [c]]]', '[{a: 1}, {b: "x"}]', '{a: [1, 2], "b": {}}',
  '{ a : 1 }', '{"apiVersion": "v1",\n@"kind": "List",\n\n@"items": []}', '[\n@ 1,\n@ "two"\n@]',
];
const flowsLeftToYaml = [
  '[a, ]', '[a: b]', '["\\u00e9"]', '[a #c\n]', '{a:1}', '{"a":1}', '{a}', '{a: }', '{a: 1, a: 2}', '{~: 1}', '{on: 1, true: 2}', '[a\tb]',
  '[a,, b]', '{a: b: c}', '[http://x]', '["multi\n    line"]', '[a\n    b]', '{__proto__: 1}',
];
const keys = [
  'a', 'b', 'name', 'image', 'app.kubernetes.io/name', 'x-y', 'with space', 'on', 'y', 'yes', 'true', '1', '01', '0x10', '16', '1.5',
  '"quoted"', "'single'", '"1"', '日本', 'a:b', 'http://x', '-k', 'k#', '.inf', '~k',
];
const keysLeftToYaml = ['null', '~', '__proto__', '"esc\\"aped"', "'it''s'", '? x', '[a]', '<<', '&anchor a', '!!str tagged'];
const blockLines = ['line', 'more  spaces', 'key: value', '# not a comment', 'trailing  ', '"quoted"', 'tab\tinside', '日本語'];

export function generateYamlFiles(seed: number, count: number): GeneratedYaml[] {
  const random = seededRandom(seed);
  const files: GeneratedYaml[] = [];
  for (let i = 0; i < count; i++) files.push(new Generator(random).file());
  return files;
}

class Generator {
  private readonly lines: string[] = [];
  private readonly leftToYaml = new Set<string>();
  /** The number of lines when the last block scalar ended. */
  private blockScalarEnd = -1;

  constructor(private readonly random: () => number) {}

  file(): GeneratedYaml {
    if (this.chance(0.2)) this.lines.push('# a leading comment');
    const documents = 1 + this.below(3);
    for (let d = 0; d < documents; d++) {
      if (d > 0 || this.chance(0.3)) this.lines.push(this.pick(['---', '--- # next', '---  ']));
      if (this.chance(0.03)) {
        this.leftToYaml.add('a document that is a list');
        this.sequence(0, 1);
      } else {
        this.mapping(this.chance(0.1) ? 2 : 0, 0);
      }
    }
    if (this.chance(0.1)) this.lines.push('---');
    // Now and then no line break at the end (a block scalar's end is in the shapes test instead).
    const lastBreak = this.blockScalarEnd === this.lines.length || this.chance(0.9) ? '\n' : this.pick(['', '  ']);
    let text = `${this.lines.join('\n')}${lastBreak}`;
    if (this.chance(0.15)) text = text.replaceAll('\n', '\r\n');
    return { text, leftToYaml: [...this.leftToYaml] };
  }

  private mapping(indent: number, depth: number): void {
    const pad = ' '.repeat(indent);
    const names: string[] = [];
    const entries = 1 + this.below(depth === 0 ? 6 : 4);
    for (let e = 0; e < entries; e++) {
      this.between(indent);
      const key = this.key(names);
      this.value(`${pad}${key}${this.colon()}`, indent, depth, 'map');
    }
  }

  private sequence(indent: number, depth: number): void {
    const pad = ' '.repeat(indent);
    const items = 1 + this.below(4);
    for (let e = 0; e < items; e++) {
      this.between(indent);
      const shape = this.below(10);
      if (shape < 3 && depth < 5) {
        // A compact mapping: its first key on the `-` line, the rest below at the key's indentation.
        const names: string[] = [];
        const entries = 1 + this.below(3);
        for (let k = 0; k < entries; k++) {
          const key = this.key(names);
          this.value(k === 0 ? `${pad}- ${key}${this.colon()}` : `${pad}  ${key}${this.colon()}`, indent + 2, depth + 1, 'map');
        }
      } else if (shape === 3 && depth < 5) {
        this.lines.push(`${pad}-`);
        this.mapping(indent + 2, depth + 1);
      } else {
        this.value(`${pad}-`, indent, depth, 'seq');
      }
    }
  }

  /** The value after `head` (a key and `:`, or a `-`), inline or below. */
  private value(head: string, indent: number, depth: number, context: 'map' | 'seq'): void {
    // Kinds 18 to 20 are left to `yaml`: rare, so that most files have none.
    const kind = depth >= 5 ? 0 : this.chance(0.04) ? 18 + this.below(3) : this.below(18);
    if (kind < 9) {
      this.lines.push(`${head} ${this.scalar()}${this.lineEnd()}`);
    } else if (kind === 9) {
      this.lines.push(`${head}${this.pick(['', ' ', ' # empty'])}`);
    } else if (kind < 12) {
      this.lines.push(`${head}${this.lineEnd()}`);
      this.mapping(indent + this.pick([1, 2, 2, 4]), depth + 1);
    } else if (kind < 14) {
      this.lines.push(`${head}${this.lineEnd()}`);
      // A sequence may stand at its key's indentation.
      this.sequence(context === 'map' && this.chance(0.4) ? indent : indent + 2, depth + 1);
    } else if (kind < 17) {
      this.blockScalar(head, indent);
    } else if (kind === 17) {
      if (this.chance(0.9)) {
        // `@` is the indentation of a flow collection's continuation lines, past its parent's.
        this.lines.push(`${head} ${this.pick(flows).replaceAll('@', ' '.repeat(indent + 2))}${this.lineEnd()}`);
      } else {
        this.leftToYaml.add('a flow collection it does not decode');
        this.lines.push(`${head} ${this.pick(flowsLeftToYaml)}`);
      }
    } else if (kind === 18) {
      this.multiLine(head, indent);
    } else if (kind === 20) {
      this.leftToYaml.add('a syntax error');
      const deeper = ' '.repeat(indent + 2);
      this.lines.push(...this.pick([
        // In a sequence, `- a: b` and `- - x` are a mapping and a sequence.
        [`${head} ${context === 'map' ? 'a: b' : 'a: b: c'}`], [`${head} ${context === 'map' ? '- x' : '"x" y'}`],
        [`${head} "unterminated`], [`${head} [a, b`], [`${head} 'x' y`],
        [`${head}`, `${deeper}a: 1`, `${' '.repeat(indent + 1)}b: 2`], [`${head}`, `${deeper}- a`, `${deeper}b: 1`],
        [`${head}`, `\ta: 1`], [`${head} |`, `${deeper}x`, `${' '.repeat(indent + 1)}y`], [`${head} x`, `${deeper}- y`],
      ]));
    } else {
      this.leftToYaml.add('an anchor, alias or tag');
      this.lines.push(`${head} ${this.pick(['&a x', '*a', '!!str 1', '! x', '!custom y', '&b\n' + ' '.repeat(indent + 2) + 'c: 1'])}`);
    }
  }

  private scalar(): string {
    const style = this.below(10);
    if (style < 6) {
      const plain = this.pick(plainScalars);
      if (plain[0] === '%') this.leftToYaml.add('a plain scalar that starts with an indicator');
      return plain;
    }
    if (style < 8) {
      const quoted = this.chance(0.03) ? this.pick(['"\\u00e9"', '"\\x41"']) : this.pick(doubleQuoted);
      if (quoted.includes('\\u') || quoted.includes('\\x')) this.leftToYaml.add('an escape it does not decode');
      return quoted;
    }
    return this.pick(singleQuoted);
  }

  private blockScalar(head: string, indent: number): void {
    const folded = this.chance(0.4);
    const header = `${folded ? '>' : '|'}${this.pick(['', '-', '+'])}`;
    this.lines.push(`${head} ${header}${this.pick(['', '', ' # c'])}`);
    const pad = ' '.repeat(indent + this.pick([1, 2, 2, 4]));
    const count = 1 + this.below(4);
    let empty = false;
    for (let l = 0; l < count; l++) {
      // The first line sets the content's indentation: empty, more-indented and blank lines come after it.
      const shape = l === 0 ? 3 : this.chance(0.03) ? 2 : this.pick([0, 1, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
      if (shape === 0) {
        this.lines.push(this.pick(['', pad.slice(1)]));
        empty = true;
        continue;
      }
      // Empty lines at the end are chomped, not folded.
      if (empty && folded) this.leftToYaml.add('folding around an empty line');
      empty = false;
      if (shape === 1) {
        this.lines.push(`${pad}  ${this.pick(blockLines)}`);
        if (folded) this.leftToYaml.add('folding around a more-indented line');
      } else if (shape === 2) {
        this.lines.push(`${pad}  `);
        this.leftToYaml.add('a block scalar line of more spaces than its indentation');
      } else {
        this.lines.push(`${pad}${this.pick(blockLines)}`);
      }
    }
    if (this.chance(0.4)) this.lines.push(...Array.from({ length: 1 + this.below(2) }, () => ''));
    this.blockScalarEnd = this.lines.length;
  }

  private multiLine(head: string, indent: number): void {
    const pad = ' '.repeat(indent + 2);
    this.leftToYaml.add('a scalar over several lines');
    const style = this.below(3);
    if (style === 0) this.lines.push(`${head} first`, `${pad}second`);
    else if (style === 1) this.lines.push(`${head} "first`, `${pad}second"`);
    else this.lines.push(`${head} 'first`, '', `${pad}second'`);
  }

  /** Blank lines and comment lines between entries, at the entries' indentation or the margin. */
  private between(indent: number): void {
    if (this.chance(0.15)) this.lines.push(this.pick(['', '# between', `${' '.repeat(indent)}# at the entries' indentation`]));
  }

  /** A key's `:`, now and then after blanks, and now and then with a tab after it (separation, not indentation). */
  private colon(): string {
    return this.pick([':', ':', ':', ':', ':', ':', ' :', ':\t']);
  }

  private lineEnd(): string {
    return this.pick(['', '', '', '', ' # comment', '  ', '\t# tab before', '   #']);
  }

  /** A key not yet used in this mapping, as `yaml` names it; a repeat is a duplicate, left to `yaml`. */
  private key(names: string[]): string {
    if (this.chance(0.01)) {
      this.leftToYaml.add('a key it does not read');
      return this.pick(keysLeftToYaml);
    }
    // Mostly names of their own; the listed keys, some of which resolve alike (`1`, `01`), now and then.
    const key = this.chance(0.3) ? this.pick(keys) : `${this.pick(['name', 'spec', 'x', 'é'])}${this.below(1000)}`;
    const quoted = key[0] === '"' || key[0] === "'";
    const resolved = quoted ? undefined : resolvePlainScalar(key);
    const name = quoted ? key.slice(1, -1) : resolved ? String(resolved.value) : key;
    if (names.includes(name)) this.leftToYaml.add('a duplicate key');
    names.push(name);
    return key;
  }

  private chance(p: number): boolean {
    return this.random() < p;
  }

  private below(n: number): number {
    return Math.floor(this.random() * n);
  }

  private pick<T>(list: readonly T[]): T {
    return list[this.below(list.length)]!;
  }
}
