import assert from 'node:assert/strict';
import { formatSopsChange, type SopsDocumentChange } from '../../../src/core/diff/sops-diff.js';
import type { DocBlock } from './blocks.js';

/**
 * Lines of `ladder diff` about SOPS-encrypted documents (docs/secrets.md): each is read back into the
 * change it describes and written again by the diff's own formatter, so the page shows the words
 * Ladder prints, in its order, and nothing it never prints.
 */
export function sopsDiffLines(block: DocBlock): void {
  for (const [i, line] of block.text.trimEnd().split('\n').entries()) {
    const at = `${block.file}:${block.line + 1 + i}`;
    const match = /^([+~-]) (.+?) \(SOPS\)(?:: (.+?))?(?: {2}\((.+)\))?$/.exec(line);
    assert.ok(match, `${at}: not a SOPS diff line: ${line}`);
    const [, sign, label, detail, file] = match as unknown as [string, string, string, string | undefined, string | undefined];
    const change: SopsDocumentChange = { change: sign === '+' ? 'added' : sign === '-' ? 'removed' : 'changed', label, keysAdded: [], keysRemoved: [], keysChanged: [], keysReencrypted: [], fieldsChanged: [], recipientsAdded: [], recipientsRemoved: [] };
    const list = (text: string) => text.split(', ');
    for (const part of detail ? detail.split(/; (?=keys|re-encrypted|fields|age)/) : []) {
      if (part.startsWith('keys: ')) change.keysAdded = list(part.slice(6));
      else if (part.startsWith('keys ')) {
        for (const entry of part.slice(5).split('; ')) {
          const [word, names] = entry.split(': ') as [string, string];
          if (word === 'added') change.keysAdded = list(names);
          else if (word === 'changed') change.keysChanged = list(names);
          else if (word === 'removed') change.keysRemoved = list(names);
          else assert.fail(`${at}: no key change "${word}"`);
        }
      } else if (part.startsWith('re-encrypted: ')) change.keysReencrypted = list(/\((.+)\)/.exec(part)?.[1] ?? '');
      else if (part.startsWith('fields changed: ')) change.fieldsChanged = list(part.slice(16));
      else if (part.startsWith('age recipients added: ')) change.recipientsAdded = list(part.slice(22));
      else if (part.startsWith('age recipients removed: ')) change.recipientsRemoved = list(part.slice(24));
      else assert.fail(`${at}: ladder diff prints no "${part}"`);
    }
    assert.equal(`${formatSopsChange(change)}${file ? `  (${file})` : ''}`, line, `${at}: ladder diff would print this line otherwise`);
  }
}
