/** What Handlebars passes as a helper's last argument when compiled with `trackIds`. */
export interface HandlebarsOptions {
  name: string;
  hash: Record<string, unknown>;
  /** The path each argument was written as (`values.memory`); not a string for literals and sub-expressions. */
  ids?: readonly unknown[];
  loc?: { start: { line: number; column: number } };
  data?: { contextPath?: string };
}

/** A helper refused its arguments. Carries where and which key, for a LadderInputError. */
export class TemplateValueError extends Error {
  override readonly name = 'TemplateValueError';
  constructor(
    message: string,
    readonly line?: number,
    readonly column?: number,
    readonly key?: string,
  ) {
    super(message);
  }
}

/** One call of a helper: its arguments and the means to name them in an error. */
export class HelperCall {
  constructor(
    readonly helper: string,
    readonly args: readonly unknown[],
    private readonly options: HandlebarsOptions,
  ) {}

  /**
   * The key the template wrote for argument `index`, made absolute inside
   * `#each`/`#with` (`name` inside `{{#each values.ports}}` is `values.ports[0].name`).
   */
  keyOf(index: number): string | undefined {
    const id = this.options.ids?.[index];
    if (typeof id !== 'string') return undefined;
    const scope = this.options.data?.contextPath;
    let path = id;
    if (id.startsWith('@root.')) path = id.slice('@root.'.length);
    else if (id.startsWith('@') || id.startsWith('../')) path = id;
    else if (scope && !id.startsWith(`${scope}.`)) {
      const relative = id === 'this' ? '' : id.replace(/^this\./, '');
      path = relative ? `${scope}.${relative}` : scope;
    } else if (id === '' || id === 'this') path = 'this';
    return path.replace(/\.(\d+)(?=\.|$)/g, '[$1]');
  }

  /** How an error names argument `index`: its key, or its position. */
  describe(index: number): string {
    const key = this.keyOf(index);
    return key ? `"${key}"` : `argument ${index + 1} of ${this.helper}`;
  }

  fail(message: string, argIndex?: number): never {
    const start = this.options.loc?.start;
    throw new TemplateValueError(
      message,
      start?.line,
      start ? start.column + 1 : undefined,
      argIndex === undefined ? undefined : this.keyOf(argIndex),
    );
  }

  /** Argument `index`, which must be defined: a missing value is an error, never an empty string. */
  defined(index: number): unknown {
    const value = this.args[index];
    if (value === undefined) {
      const key = this.keyOf(index);
      const hint = key?.startsWith('values.') ? `; set ${key.slice('values.'.length)} under values in the Ladder config, or use (default ${key} …)` : '';
      this.fail(`${this.describe(index)} is not defined${hint}`, index);
    }
    return value;
  }
}

/** A short, human description of a value's type and content for error messages. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'string':
      return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
    case 'number':
      return `the number ${value}`;
    case 'boolean':
      return `the boolean ${value}`;
    case 'object':
      return 'a map';
    default:
      return `a ${typeof value}`;
  }
}
