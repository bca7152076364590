import { readConfigYaml } from '../core/config/read-yaml.js';
import type { Finding } from '../core/findings.js';
import type { TemplateFile } from '../core/render/types.js';
import { unusedValues, valuesReadBy } from '../core/render/values-usage.js';
import type { LoadedConfig } from './load-config.js';

/** `unused-value` warnings for a loaded config, located in its file: keys no template reads, in every environment. */
export function unusedValueFindings(loaded: Pick<LoadedConfig, 'file' | 'config' | 'text'>, templates: readonly TemplateFile[]): Finding[] {
  const read = readConfigYaml(loaded.text);
  const locate = read.ok ? (path: readonly (string | number)[]) => read.locate(path, 'key') : () => ({ line: 0, column: 0 });
  return unusedValues(loaded.config, valuesReadBy(templates), loaded.file, locate);
}

/** `warning: file:line:col: message` and its hint, for the render command's standard error. */
export function formatWarning(finding: Finding): string {
  const where = finding.line > 0 ? `${finding.file}:${finding.line}:${finding.column}` : finding.file;
  return `warning: ${where}: ${finding.message}\n${finding.hint ? `  hint: ${finding.hint}\n` : ''}`;
}
