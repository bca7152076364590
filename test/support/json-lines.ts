// Reading log output as a log collector would: every line one JSON object, each key once per object.
// JSON.parse keeps the last of two equal keys without a word, so duplicates are found by walking the text.

export interface LogLine {
  [key: string]: unknown;
}

/** Parses every non-empty line; throws naming the line when one is not a JSON object or repeats a key. */
export function parseJsonLines(text: string): LogLine[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line, index) => {
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch (error) {
        throw new Error(`line ${index + 1} is not JSON (${(error as Error).message}): ${line.slice(0, 200)}`);
      }
      if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`line ${index + 1} is not a JSON object: ${line.slice(0, 200)}`);
      const duplicate = duplicateKey(line);
      if (duplicate) throw new Error(`line ${index + 1} has the key "${duplicate}" twice: ${line.slice(0, 300)}`);
      return value as LogLine;
    });
}

/** The first key written twice in one object of a valid JSON text, at any depth. */
export function duplicateKey(json: string): string | undefined {
  let at = 0;
  const space = () => {
    while (/\s/.test(json[at] ?? '')) at++;
  };
  const string = (): string => {
    const start = at;
    at++; // opening quote
    while (json[at] !== '"') at += json[at] === '\\' ? 2 : 1;
    at++;
    return JSON.parse(json.slice(start, at)) as string;
  };
  const value = (): string | undefined => {
    space();
    const c = json[at];
    if (c === '{') {
      at++;
      const keys = new Set<string>();
      space();
      if (json[at] === '}') return void at++;
      for (;;) {
        space();
        const key = string();
        if (keys.has(key)) return key;
        keys.add(key);
        space();
        at++; // ':'
        const inner = value();
        if (inner) return inner;
        space();
        if (json[at++] === '}') return undefined;
      }
    }
    if (c === '[') {
      at++;
      space();
      if (json[at] === ']') return void at++;
      for (;;) {
        const inner = value();
        if (inner) return inner;
        space();
        if (json[at++] === ']') return undefined;
      }
    }
    if (c === '"') return void string();
    while (at < json.length && !/[\s,\]}]/.test(json[at]!)) at++;
    return undefined;
  };
  return value();
}
