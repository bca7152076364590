import assert from 'node:assert/strict';
import { test } from 'node:test';
import { editDistance, suggestNearest } from '../../src/core/text/suggest.js';
import { seededRandom } from '../support/random.js';

/** The textbook table, kept here as the reference the reused-rows version must match. */
function referenceDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 3 || a.length > 200 || b.length > 200) return Math.max(a.length, b.length);
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      let value = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, d[i - 2]![j - 2]! + 1);
      d[i]![j] = value;
    }
  }
  return d[a.length]![b.length]!;
}

test('edit distance counts insertions, deletions, substitutions and swaps of neighbours', () => {
  assert.equal(editDistance('form', 'from'), 1);
  assert.equal(editDistance('resource', 'resources'), 1);
  assert.equal(editDistance('memroy', 'memory'), 1);
  assert.equal(editDistance('', 'abc'), 3);
  assert.equal(editDistance('abc', ''), 3);
  assert.equal(editDistance('kitten', 'sitting'), 3);
  assert.equal(editDistance('a'.repeat(300), 'a'.repeat(299)), 300);
});

test('edit distance agrees with the full table on 20,000 random pairs, short and long', () => {
  const random = seededRandom(14);
  const word = (length: number) => Array.from({ length }, () => 'abcde'[Math.floor(random() * 5)]).join('');
  for (let i = 0; i < 20_000; i++) {
    const a = word(Math.floor(random() * (i % 10 === 0 ? 90 : 12)));
    const b = random() < 0.5 ? word(Math.max(0, a.length + Math.floor(random() * 7) - 3)) : a.slice(1) + word(1);
    assert.equal(editDistance(a, b), referenceDistance(a, b), `${a} / ${b}`);
  }
});

test('the nearest candidate within a third of the word, else none', () => {
  assert.equal(suggestNearest('resource', ['resources', 'replicas', 'selector']), 'resources');
  assert.equal(suggestNearest('AutoMerge', ['autoMerge', 'automerge2']), 'autoMerge');
  assert.equal(suggestNearest('foo', ['replicas', 'image']), undefined);
});
