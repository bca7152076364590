// app.yml asks GitHub for permissions and events; this keeps it honest: every
// event it subscribes to is one the App handles (and the reverse), every
// permission and event is justified in docs/github-app.md, and the test bed
// installs the App with exactly these permissions, so the integration tests
// would fail on a call the manifest does not allow.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { ladderAppManifest } from '../bed/github/apps.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const manifest = parse(readFileSync(join(ROOT, 'app.yml'), 'utf8')) as { default_events: string[]; default_permissions: Record<string, string> };
const docs = readFileSync(join(ROOT, 'docs/github-app.md'), 'utf8');

/** Event names the App's code subscribes to: `app.on('issue_comment.created')`, `app.on(['pull_request.opened', …])`. */
function handledEvents(): Set<string> {
  const events = new Set<string>();
  const files = readdirSync(join(ROOT, 'src/app'), { recursive: true }).map(String).filter((f) => f.endsWith('.ts'));
  for (const file of files) {
    const text = readFileSync(join(ROOT, 'src/app', file), 'utf8');
    for (const call of text.matchAll(/app\.on\(\s*(\[[^\]]*\]|'[^']*')/g)) {
      for (const name of call[1]!.matchAll(/'([a-z_]+)(?:\.[a-z_]+)?'/g)) events.add(name[1]!);
    }
  }
  return events;
}

/** First-column entries of the markdown table under `## heading`. */
function tableKeys(heading: string): string[] {
  const section = docs.split(/^## /m).find((part) => part.startsWith(heading)) ?? '';
  // The first row is the header (`| permission | … |`).
  return [...section.matchAll(/^\| ([a-z_]+) \|/gm)].map((m) => m[1]!).slice(1);
}

describe('app.yml: least privilege, justified', () => {
  it('subscribes to exactly the events the App handles', () => {
    assert.deepEqual([...manifest.default_events].sort(), [...handledEvents()].sort());
  });

  it('docs/github-app.md justifies every permission and event, and nothing else', () => {
    assert.deepEqual(tableKeys('Permissions').sort(), Object.keys(manifest.default_permissions).sort());
    assert.deepEqual(tableKeys('Events').sort(), [...manifest.default_events].sort());
  });

  it('the test bed installs the App with the permissions and events app.yml asks for', () => {
    assert.deepEqual(ladderAppManifest(), { events: manifest.default_events, permissions: manifest.default_permissions });
  });
});
