import { RE2JS } from 're2js';

/**
 * OpenAPI `pattern`s checked the way kube-apiserver checks them: Go's
 * regexp (RE2 syntax, unanchored, linear time), through re2js, a port of it.
 * JavaScript's RegExp backtracks, so a CRD's `^(a|a)*$` or
 * `^(a{1,20}){1,20}$` against a long non-matching value ran for minutes;
 * and its syntax differs (lookahead, backreferences), so its verdict could
 * differ from the server's. Ajv takes this as `code.regExp`.
 */
export function re2RegExp(pattern: string): { test(input: string): boolean } {
  const compiled = RE2JS.compile(pattern);
  return { test: (input) => compiled.test(input) };
}
// What code Ajv generates for standalone validators (the validator code cache) calls the engine by:
// code-cache.ts's loader resolves this module id to re2RegExp.
re2RegExp.code = 'require("ladder:re2")';

/** Why the API server would refuse `pattern` (Go's regexp does not compile it), or undefined when it compiles. */
export function re2PatternProblem(pattern: string): string | undefined {
  try {
    RE2JS.compile(pattern);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
