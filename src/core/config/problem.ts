import { formatKeyPath } from '../errors.js';
import type { Anchor, KeyPath, Locate } from './locate.js';

/** One thing wrong with a config file, located where the user can fix it. */
export interface ConfigProblem {
  message: string;
  /** Key path as users write it (`environments[1].from`); empty for the file as a whole. */
  key: string;
  /** 1-based line and column. */
  line: number;
  column: number;
  /** The name the user probably meant, for "did you mean". */
  suggestion?: string;
}

/** A problem known by its key path, before it is given a line and column. */
export interface PathProblem {
  path: KeyPath;
  message: string;
  suggestion?: string;
  /** Point at the key itself (unknown keys) rather than its value. */
  anchor?: Anchor;
}

export function locateProblem(problem: PathProblem, locate: Locate): ConfigProblem {
  const { line, column } = locate(problem.path, problem.anchor);
  return withSuggestion({ message: problem.message, key: formatKeyPath(problem.path), line, column }, problem.suggestion);
}

export function withSuggestion(problem: ConfigProblem, suggestion: string | undefined): ConfigProblem {
  return suggestion === undefined ? problem : { ...problem, suggestion };
}

/** `file:line:col key: message (did you mean 'x'?)`, the form editors and terminals make clickable. */
export function formatProblem(file: string, problem: ConfigProblem): string {
  const key = problem.key ? `${problem.key}: ` : '';
  const hint = problem.suggestion === undefined ? '' : ` (did you mean '${problem.suggestion}'?)`;
  return `${file}:${problem.line}:${problem.column} ${key}${problem.message}${hint}`;
}

/** Orders problems as they appear in the file, so output is stable and reads top to bottom. */
export function compareProblems(a: ConfigProblem, b: ConfigProblem): number {
  return a.line - b.line || a.column - b.column || a.key.localeCompare(b.key) || a.message.localeCompare(b.message);
}
