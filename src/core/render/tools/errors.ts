import { LadderInputError, type InputLocation } from '../../errors.js';

/** Characters of a tool's message kept in the error: enough for the cause, bounded for logs and check runs. */
const maxMessageChars = 2_000;

// <chart name>/[charts/<sub>/…]templates/<file>[:line[:column]], as Helm names templates in its errors.
const helmTemplate = /(?:^|[\s(])[\w.-]+\/((?:charts\/[\w.-]+\/)*templates\/[^\s:()]+)(?::(\d+)(?::(\d+))?)?/;
const helmChartFile = /(?:^|[\s(/])((?:charts\/[\w.-]+\/)*(?:Chart\.yaml|values\.yaml|values\.schema\.json|Chart\.lock))\b/;
const yamlLine = /\byaml: line (\d+)/;

/**
 * A failed `helm template` as a located error: the chart file (in the code
 * repository) and line when Helm names them. Template errors carry the line
 * in the template; YAML errors carry the line in the rendered document.
 */
export function helmError(stderr: string, chartRoot: string, tempDir: string): LadderInputError {
  const message = cleaned(stderr, tempDir, chartRoot);
  const template = helmTemplate.exec(message);
  let location: InputLocation = { file: chartRoot };
  if (template) {
    const line = template[2] ?? yamlLine.exec(message)?.[1];
    location = { file: `${chartRoot}/${template[1]}`, ...(line ? { line: Number(line) } : {}), ...(template[3] ? { column: Number(template[3]) } : {}) };
  } else {
    const chartFile = helmChartFile.exec(message);
    if (chartFile) location = { file: `${chartRoot}/${chartFile[1]}` };
  }
  return new LadderInputError(`helm template failed: ${message}`, location);
}

/**
 * A failed `kustomize build` as a located error: the first file of the tree
 * it names (a kustomization, a patch), with `yaml: line N` when given.
 */
export function kustomizeError(stderr: string, root: string, tempDir: string, overlay: string): LadderInputError {
  const message = cleaned(stderr, tempDir, root).split("'../tree/").join(`'${root}/`);
  const escaped = root.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  // Kustomize names the kustomization directories it recursed into, then the file that failed relative to the last.
  const directories = [...message.matchAll(new RegExp(`path '(${escaped}/[^']+)'`, 'g'))].map((match) => match[1]!);
  const failedFile = /in File: ([^\s'"]+)/.exec(message)?.[1];
  const named = failedFile && directories.length > 0 && !failedFile.includes('..') ? `${directories[directories.length - 1]}/${failedFile}` : new RegExp(`${escaped}/[^\\s'":]+`).exec(message)?.[0];
  const line = yamlLine.exec(message)?.[1];
  return new LadderInputError(`kustomize build failed: ${message}`, { file: named ?? `${root}/${overlay}`, ...(line && failedFile ? { line: Number(line) } : {}) });
}

/** The tool's message with the temporary directory named as the code repository names it, and bounded. */
function cleaned(stderr: string, tempDir: string, root: string): string {
  const text = stderr
    .split(`${tempDir}/tree`).join(root)
    .split(tempDir).join('<render dir>')
    .replace(/^Error: /gm, '')
    .trim();
  return text.length > maxMessageChars ? `${text.slice(0, maxMessageChars)}…` : text || 'it exited without saying why';
}
