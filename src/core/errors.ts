/**
 * Ladder's own error for bad user input. It always says where: the file, and
 * when known the line, column and key. Entry points print `message` as is and
 * never a stack trace.
 */
export interface InputLocation {
  file: string;
  line?: number;
  column?: number;
  /** Dotted key path, e.g. `environments[1].from.branch`. */
  key?: string;
}

export class LadderInputError extends Error {
  override readonly name = 'LadderInputError';
  constructor(
    message: string,
    readonly location: InputLocation,
    options?: { cause?: unknown },
  ) {
    super(`${formatLocation(location)}: ${message}`, options);
  }
}

export function formatLocation({ file, line, column, key }: InputLocation): string {
  let where = file;
  if (line) where += `:${line}${column ? `:${column}` : ''}`;
  if (key) where += ` (${key})`;
  return where;
}

/** Formats a path of keys and indexes the way users write it: `spec.template.spec.containers[0].image`. */
export function formatKeyPath(path: readonly (string | number)[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${part}` : part;
  }
  return out;
}
