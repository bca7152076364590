// Reads what a source file asks for, with the TypeScript parser: static imports, re-exports,
// `import type`, dynamic import(), require() and `typeof import()` types are all seen, and
// comments or strings are not. Also finds direct GitHub API calls (`x.rest.repos…`,
// `x.paginate(…)`, `x.request('GET /…')`), which only the GitHub adapter may make.
import { posix } from 'node:path';
import ts from 'typescript';

export interface ImportSite {
  /** The module name as written; undefined for a computed one (`import(name)`). */
  specifier: string | undefined;
  line: number;
}

export interface GitHubCallSite {
  line: number;
  /** What was called, as written (shortened). */
  text: string;
}

export interface SourceFacts {
  imports: ImportSite[];
  githubCalls: GitHubCallSite[];
}

const restRoute = /^(GET|POST|PUT|PATCH|DELETE|HEAD) \//;

/** Imports and GitHub API calls of one file, each with its 1-based line. */
export function readSourceFacts(fileName: string, text: string): SourceFacts {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const lineOf = (node: ts.Node) => source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
  const facts: SourceFacts = { imports: [], githubCalls: [] };
  const addImport = (node: ts.Node, expression: ts.Node | undefined): void => {
    const literal = expression !== undefined && ts.isStringLiteralLike(expression) ? expression.text : undefined;
    facts.imports.push({ specifier: literal, line: lineOf(node) });
  };
  const addCall = (node: ts.Node): void => {
    facts.githubCalls.push({ line: lineOf(node), text: node.getText(source).replace(/\s+/g, ' ').slice(0, 60) });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) || (ts.isExportDeclaration(node) && node.moduleSpecifier)) {
      addImport(node, node.moduleSpecifier);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      addImport(node, node.moduleReference.expression);
    } else if (ts.isCallExpression(node)) {
      const isDynamicImport = node.expression.kind === ts.SyntaxKind.ImportKeyword;
      const isRequire = ts.isIdentifier(node.expression) && node.expression.text === 'require';
      if (isDynamicImport || isRequire) addImport(node, node.arguments[0]);
      else if (isGitHubCall(node)) addCall(node);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      addImport(node, node.argument.literal);
    } else if (ts.isPropertyAccessExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === 'rest') {
      // `octokit.rest.repos` (called or passed to paginate).
      addCall(node);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return facts;
}

/** `x.paginate(…)`, `x.graphql(…)`, or `x.request('GET /repos/…')` with a REST route. */
function isGitHubCall(node: ts.CallExpression): boolean {
  if (!ts.isPropertyAccessExpression(node.expression)) return false;
  const name = node.expression.name.text;
  if (name === 'paginate' || name === 'graphql') return true;
  const first = node.arguments[0];
  return name === 'request' && first !== undefined && ts.isStringLiteralLike(first) && restRoute.test(first.text);
}

/**
 * The repository path a relative specifier names, from `file` (both POSIX,
 * repository-relative): `./x.js` is the TypeScript file `x.ts` next to it.
 * Package names and computed specifiers resolve to undefined.
 */
export function resolveRelative(file: string, specifier: string | undefined, exists: (path: string) => boolean): string | undefined {
  if (specifier === undefined || !specifier.startsWith('.')) return undefined;
  const target = posix.normalize(posix.join(posix.dirname(file), specifier));
  const candidates = [target, target.replace(/\.js$/, '.ts'), target.replace(/\.mjs$/, '.mts'), `${target}.ts`, `${target}/index.ts`];
  // Not in the set (a synthetic tree names only some files): a `.js` name stands for its `.ts` source.
  return candidates.find(exists) ?? candidates[1]!;
}
