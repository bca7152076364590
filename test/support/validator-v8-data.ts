/**
 * Run as its own process by schema-code-cache.test.ts: validates one
 * Deployment with a fresh in-memory store and prints, for each validator
 * kept, the size of V8's data written and of V8's data for the same code
 * before any function ran. A process of its own, so that no other test has
 * compiled (and run) the same validators before.
 */
import { Script } from 'node:vm';
import { loadSchemaBundle } from '../../src/adapters/fs/schema-bundle.js';
import { parseManifests } from '../../src/core/manifests/parse.js';
import type { ValidatorCodeStore } from '../../src/core/validate/schema/code-cache.js';
import { createSchemaValidator } from '../../src/core/validate/schema/index.js';

const bundle = await loadSchemaBundle('1.36');
const written: { code: string; v8?: Uint8Array }[] = [];
const store: ValidatorCodeStore = { read: () => undefined, write: (_key, code, v8) => void written.push(v8 ? { code, v8 } : { code }) };
const documents = parseManifests('apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: web }\nspec:\n  selector: { matchLabels: { app: web } }\n  template:\n    metadata: { labels: { app: web } }\n    spec: { containers: [{ name: app, image: "web:1" }] }\n', 'web.yaml').documents;
createSchemaValidator(bundle, { codeStore: store }).validate(documents);
const sizes = written.map(({ code, v8 }) => ({
  written: v8?.length ?? 0,
  // A comment of its own makes this a new source, so V8 compiles it afresh instead of handing back the script that ran.
  unused: new Script(`(function (require, module, exports) {${code}\n})// unused`, { filename: 'ladder-validator.js' }).createCachedData().length,
}));
process.stdout.write(`${JSON.stringify(sizes)}\n`);
