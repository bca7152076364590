// Keeps src/core pure (docs/contributing.md): no imports from adapters or
// entry points, and no I/O modules. The scan uses the TypeScript parser, so
// static imports, re-exports, `import type`, dynamic import(), require() and
// `typeof import()` types are all seen, and comments or strings are not.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, posix, relative, sep } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CORE = 'src/core';

/** Other layers, named so the failure says which boundary was crossed. */
const LAYERS = ['src/adapters', 'src/app', 'src/agent', 'src/cli', 'src/tools'];
/** Outside core, only bundled data may be imported. */
const ALLOWED_OUTSIDE_CORE = ['src/schemas'];

const IO_BUILTINS = new Set(['fs', 'child_process', 'net', 'http', 'https', 'http2', 'tls', 'dgram', 'dns']);
const FORBIDDEN_PACKAGES: Array<{ matches: (specifier: string) => boolean; reason: string }> = [
  { matches: (s) => s === 'probot' || s.startsWith('probot/'), reason: 'the Probot framework belongs in src/app' },
  { matches: (s) => s.startsWith('@octokit/'), reason: 'GitHub clients belong in src/adapters' },
  { matches: (s) => s === '@kubernetes/client-node' || s.startsWith('@kubernetes/client-node/'), reason: 'the Kubernetes client belongs in src/adapters' },
  { matches: (s) => s.startsWith('@slack/') || s === 'slack' || s.startsWith('slack-'), reason: 'Slack SDKs belong in src/adapters' },
  { matches: (s) => ['undici', 'axios', 'node-fetch', 'got'].includes(s), reason: 'HTTP clients belong in src/adapters' },
];

interface ImportSite {
  specifier: string | undefined;
  line: number;
}

interface ArchitectureViolation {
  file: string;
  line: number;
  specifier: string;
  reason: string;
}

/** Every module a source file asks for, with its 1-based line. `undefined` marks a computed specifier. */
function listImports(fileName: string, text: string): ImportSite[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const sites: ImportSite[] = [];
  const add = (node: ts.Node, expression: ts.Node | undefined): void => {
    const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
    const literal = expression !== undefined && ts.isStringLiteralLike(expression) ? expression.text : undefined;
    sites.push({ specifier: literal, line });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) || (ts.isExportDeclaration(node) && node.moduleSpecifier)) {
      add(node, node.moduleSpecifier);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      add(node, node.moduleReference.expression);
    } else if (ts.isCallExpression(node)) {
      const isDynamicImport = node.expression.kind === ts.SyntaxKind.ImportKeyword;
      const isRequire = ts.isIdentifier(node.expression) && node.expression.text === 'require';
      if (isDynamicImport || isRequire) add(node, node.arguments[0]);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      add(node, node.argument.literal);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return sites;
}

/** Why `specifier`, imported from `file` (repo-relative, POSIX), is not allowed in core; undefined when it is. */
function judge(file: string, specifier: string | undefined): string | undefined {
  if (specifier === undefined) return 'a computed module name cannot be checked; core imports only fixed modules';
  if (specifier.startsWith('.')) {
    const target = posix.normalize(posix.join(posix.dirname(file), specifier));
    const within = (folder: string) => target === folder || target.startsWith(`${folder}/`);
    if (within(CORE) || ALLOWED_OUTSIDE_CORE.some(within)) return undefined;
    const layer = LAYERS.find(within);
    return layer ? `core must not depend on ${layer}` : `reaches outside ${CORE} (to ${target})`;
  }
  const builtin = specifier.replace(/^node:/, '').split('/')[0] ?? '';
  if (IO_BUILTINS.has(builtin)) return `node:${builtin} is I/O; core takes data and returns data`;
  return FORBIDDEN_PACKAGES.find((rule) => rule.matches(specifier))?.reason;
}

function findViolations(file: string, text: string): ArchitectureViolation[] {
  return listImports(file, text).flatMap(({ specifier, line }) => {
    const reason = judge(file, specifier);
    return reason === undefined ? [] : [{ file, line, specifier: specifier ?? '<computed>', reason }];
  });
}

function describeViolation(violation: ArchitectureViolation): string {
  return `${violation.file}:${violation.line} imports '${violation.specifier}': ${violation.reason}`;
}

function listCoreFiles(): string[] {
  return readdirSync(join(ROOT, CORE), { recursive: true })
    .map((entry) => posix.join(CORE, String(entry).split(sep).join('/')))
    .filter((file) => /\.[cm]?[jt]sx?$/.test(file))
    .sort();
}

describe('architecture: src/core stays pure', () => {
  it('src/core imports nothing from adapters or entry points, and no I/O module', () => {
    const files = listCoreFiles();
    assert.ok(files.length > 0, `no source files found under ${CORE}; the scan would pass vacuously`);
    const violations = files.flatMap((file) => findViolations(file, readFileSync(join(ROOT, file), 'utf8')));
    assert.equal(violations.length, 0, `src/core must stay pure (docs/contributing.md):\n  ${violations.map(describeViolation).join('\n  ')}`);
  });

  it('finds each import form and names file, line and module', () => {
    const fixture = [
      "import { readFile } from 'node:fs/promises';", // 1
      "import type { Octokit } from '@octokit/rest';", // 2
      "export { apply } from '../../adapters/kube/apply.js';", // 3
      "import * as cp from 'child_process';", // 4
      'const https = await import("node:https");', // 5
      "const slack = require('@slack/web-api');", // 6
      "type Client = typeof import('@kubernetes/client-node');", // 7
      "import { Probot } from 'probot';", // 8
      "import run from '../../cli/main.js';", // 9
      'const plugin = await import(pluginName);', // 10
      "import { x } from '../../core-extras/x.js';", // 11
      "import net = require('net');", // 12
    ].join('\n');
    const found = findViolations('src/core/render/render.ts', fixture).map(describeViolation);
    assert.deepEqual(found, [
      "src/core/render/render.ts:1 imports 'node:fs/promises': node:fs is I/O; core takes data and returns data",
      "src/core/render/render.ts:2 imports '@octokit/rest': GitHub clients belong in src/adapters",
      "src/core/render/render.ts:3 imports '../../adapters/kube/apply.js': core must not depend on src/adapters",
      "src/core/render/render.ts:4 imports 'child_process': node:child_process is I/O; core takes data and returns data",
      "src/core/render/render.ts:5 imports 'node:https': node:https is I/O; core takes data and returns data",
      "src/core/render/render.ts:6 imports '@slack/web-api': Slack SDKs belong in src/adapters",
      "src/core/render/render.ts:7 imports '@kubernetes/client-node': the Kubernetes client belongs in src/adapters",
      "src/core/render/render.ts:8 imports 'probot': the Probot framework belongs in src/app",
      "src/core/render/render.ts:9 imports '../../cli/main.js': core must not depend on src/cli",
      "src/core/render/render.ts:10 imports '<computed>': a computed module name cannot be checked; core imports only fixed modules",
      "src/core/render/render.ts:11 imports '../../core-extras/x.js': reaches outside src/core (to src/core-extras/x.js)",
      "src/core/render/render.ts:12 imports 'net': node:net is I/O; core takes data and returns data",
    ]);
  });

  it('allows pure modules, relative imports within core, and bundled schemas', () => {
    const fixture = [
      "import { z } from 'zod';",
      "import { parse } from 'yaml';",
      "import { createHash } from 'node:crypto';",
      "import { posix } from 'node:path';",
      "import type { Finding } from '../findings.js';",
      "export * from './rules/privileged.js';",
      "import schema from '../../schemas/v1.31/deployment.json' with { type: 'json' };",
      "// import { readFile } from 'node:fs'; a comment is not an import",
      "const text = \"import('node:http')\";",
    ].join('\n');
    assert.deepEqual(findViolations('src/core/validate/schema.ts', fixture), []);
  });
});
