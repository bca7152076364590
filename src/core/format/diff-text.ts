import { stringify } from 'yaml';
import type { FieldChange, ResourceDiff } from '../diff/diff-resources.js';
import { diffLines } from '../diff/line-diff.js';
import { formatResourceKey, type ResourceKey } from '../diff/resource-key.js';
import { formatSopsChange, type SopsDocumentChange } from '../diff/sops-diff.js';
import type { Paint } from './color.js';

/** Where each resource came from, to show next to it; keyed like the diff's keys. */
export type FileOf = (key: ResourceKey, side: 'before' | 'after') => string | undefined;

const inlineWidth = 72;

/**
 * The diff for people: `+` added, `-` removed, `~` changed resources, and
 * under each changed one its fields as `path: old → new`. Strings are quoted
 * so `"1"` and `1` differ visibly; multi-line strings show a line diff.
 */
export function formatDiffText(diff: ResourceDiff, fileOf: FileOf, paint: Paint): string {
  const lines: string[] = [];
  const where = (key: ResourceKey, side: 'before' | 'after') => {
    const file = fileOf(key, side);
    return file ? `  ${paint.dim(`(${file})`)}` : '';
  };
  for (const key of diff.removed) lines.push(paint.red(`- ${formatResourceKey(key)}`) + where(key, 'before'));
  for (const key of diff.added) lines.push(paint.green(`+ ${formatResourceKey(key)}`) + where(key, 'after'));
  for (const { key, changes } of diff.changed) {
    lines.push(paint.yellow(`~ ${formatResourceKey(key)}`) + where(key, 'after'));
    for (const change of changes) lines.push(...formatChange(change, paint).map((line) => `    ${line}`));
  }
  // Encrypted documents: key names and whether their ciphertext changed, never a value or ciphertext.
  const sops = diff.sops ?? [];
  const colour = (change: SopsDocumentChange) => (change.change === 'added' ? paint.green : change.change === 'removed' ? paint.red : paint.yellow).call(paint, formatSopsChange(change));
  for (const change of sops) lines.push(colour(change) + (change.file ? `  ${paint.dim(`(${change.file})`)}` : ''));
  const count = (n: number, word: string) => `${n} ${word}`;
  if (diff.namespaces) {
    // Said once: every matched resource differs in its namespace, which is the point of the comparison.
    const names = (list: string[]) => (list.length > 0 ? list.join(', ') : '(none)');
    lines.unshift(paint.dim(`Resources matched across namespaces: ${names(diff.namespaces.before)} (before) and ${names(diff.namespaces.after)} (after).`));
  }
  if (lines.length > 0) lines.push('');
  const of = (kind: SopsDocumentChange['change']) => sops.filter((change) => change.change === kind).length;
  const added = diff.added.length + of('added');
  const removed = diff.removed.length + of('removed');
  const changed = diff.changed.length + of('changed');
  lines.push(added + removed + changed === 0 ? 'No differences.' : `${count(added, 'added')}, ${count(removed, 'removed')}, ${count(changed, 'changed')}.`);
  return `${lines.join('\n')}\n`;
}

function formatChange(change: FieldChange, paint: Paint): string[] {
  const hasBefore = 'before' in change;
  const hasAfter = 'after' in change;
  if (hasBefore && hasAfter && isMultiline(change.before) && isMultiline(change.after)) {
    const lines = diffLines(change.before, change.after);
    // No changed line means only the final newline differs: the was/now form below shows that.
    if (lines?.some((line) => line.op === '-' || line.op === '+')) {
      return [
        `${change.path}:`,
        ...lines.map(({ op, text }) =>
          op === '-' ? paint.red(`  - ${text}`) : op === '+' ? paint.green(`  + ${text}`) : op === '…' ? paint.dim(`  … ${text}`) : `    ${text}`,
        ),
      ];
    }
  }
  const before = hasBefore ? formatValue(change.before, change.masked) : ['(absent)'];
  const after = hasAfter ? formatValue(change.after, change.masked) : ['(absent)'];
  if (before.length === 1 && after.length === 1) {
    const line = `${change.path}: ${before[0]} → ${after[0]}`;
    if (line.length <= inlineWidth + change.path.length) return [line];
  }
  return [`${change.path}:`, ...block('was', before), ...block('now', after)];
}

function block(label: string, value: string[]): string[] {
  return value.length === 1 ? [`  ${label}: ${value[0]}`] : [`  ${label}:`, ...value.map((line) => `    ${line}`)];
}

/** One line when the value fits, YAML lines otherwise. */
function formatValue(value: unknown, masked: true | undefined): string[] {
  if (masked && typeof value === 'string') return [value];
  if (isMultiline(value)) return value.replace(/\n$/, '').split('\n').map((line) => `| ${line}`);
  const inline = JSON.stringify(value) ?? String(value);
  if (inline.length <= inlineWidth || typeof value !== 'object' || value === null) return [inline];
  return stringify(value, { lineWidth: 0 }).replace(/\n$/, '').split('\n');
}

function isMultiline(value: unknown): value is string {
  return typeof value === 'string' && value.includes('\n');
}
