import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resolveInsideTree } from '../../src/core/text/relative-path.js';

test('a relative reference resolves inside its tree, and one that is absolute or climbs out is refused', () => {
  assert.equal(resolveInsideTree('overlays/dev', '../../base/deployment.yaml'), 'base/deployment.yaml');
  assert.equal(resolveInsideTree('', './templates//x.yaml'), 'templates/x.yaml');
  assert.equal(resolveInsideTree('templates', 'a/../b.yaml'), 'templates/b.yaml');
  assert.equal(resolveInsideTree('overlays/dev', '../../../etc/passwd'), undefined);
  assert.equal(resolveInsideTree('', '..'), undefined);
  assert.equal(resolveInsideTree('templates', '/etc/passwd'), undefined);
});
