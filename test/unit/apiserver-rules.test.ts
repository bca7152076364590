import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadSchemaBundle } from '../../src/adapters/fs/schema-bundle.js';
import { parseManifests } from '../../src/core/manifests/parse.js';
import { createSchemaValidator } from '../../src/core/validate/schema/index.js';
import { serverCases } from '../support/apiserver-cases.js';

// Ladder offline against what kube-apiserver 1.36.3 answered (recorded in
// test/support/apiserver-cases.ts, asked again by the integration test).
const validator = createSchemaValidator(await loadSchemaBundle('1.36'));

for (const item of serverCases) {
  test(`as kube-apiserver: ${item.name}`, () => {
    const parsed = parseManifests(JSON.stringify(item.object), 'case.json');
    const findings = validator.validate(parsed.documents);
    const errors = findings.filter((f) => f.severity === 'error');
    if (item.server === 'accept') {
      assert.deepEqual(errors, [], 'the API server accepted this object');
      return;
    }
    assert.ok(errors.length > 0, `the API server refused this object: ${item.server}`);
    // Refusals of the ported validation read as the API server's, word for word and in its order;
    // what the schema already refuses (an enum, a type) keeps the schema's words.
    if (!item.server.startsWith('(') && errors.every((f) => f.rule === 'apiserver')) assert.equal(errors.map((f) => f.message).join(', '), item.server);
    for (const finding of errors) {
      assert.ok(finding.line > 0, `${finding.message} is located`);
      if (finding.rule === 'apiserver') assert.ok(finding.hint, `${finding.message} says how to fix it`);
    }
  });
}
