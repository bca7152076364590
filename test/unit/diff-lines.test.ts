import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { diffLines } from '../../src/core/diff/line-diff.js';
import { formatFieldPath } from '../../src/core/diff/field-path.js';

describe('diffLines', () => {
  it('marks removed and added lines with context around them', () => {
    const before = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].join('\n');
    const after = ['a', 'b', 'c', 'd', 'E', 'f', 'g', 'h'].join('\n');
    assert.deepEqual(diffLines(before, after, 1), [
      { op: '…', text: '3 unchanged lines' },
      { op: ' ', text: 'd' },
      { op: '-', text: 'e' },
      { op: '+', text: 'E' },
      { op: ' ', text: 'f' },
      { op: '…', text: '2 unchanged lines' },
    ]);
  });

  it('finds insertions in the middle without marking later lines', () => {
    assert.deepEqual(diffLines('x\ny\nz', 'x\nnew\ny\nz', 0), [
      { op: '…', text: '1 unchanged line' },
      { op: '+', text: 'new' },
      { op: '…', text: '2 unchanged lines' },
    ]);
  });

  it('gives up on texts too large to compare rather than use gigabytes', () => {
    const big = (seed: string) => Array.from({ length: 3000 }, (_, i) => `${seed}${i}`).join('\n');
    assert.equal(diffLines(big('a'), big('b')), undefined);
  });
});

describe('formatFieldPath', () => {
  it('quotes keys that are not plain identifiers and names list items', () => {
    assert.equal(
      formatFieldPath(['metadata', 'labels', 'app.kubernetes.io/name']),
      'metadata.labels["app.kubernetes.io/name"]',
    );
    assert.equal(formatFieldPath(['spec', 'containers', { name: 'app' }, 'ports', 0, 'containerPort']), 'spec.containers[name=app].ports[0].containerPort');
  });
});
