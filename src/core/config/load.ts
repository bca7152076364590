import { LadderInputError } from '../errors.js';
import type { Finding } from '../findings.js';
import { configIssueMessage } from './issue-messages.js';
import { compareProblems, formatProblem, locateProblem, type ConfigProblem } from './problem.js';
import { readConfigYaml } from './read-yaml.js';
import { ladderConfigSchema, type LadderConfig } from './schema.js';
import { checkSemantics, type SemanticOptions } from './semantics.js';
import { problemsFromIssues } from './zod-problems.js';
import type { Locate } from './locate.js';

export type { ConfigProblem } from './problem.js';
export type ConfigOptions = SemanticOptions;
export { environmentNamed, manifestBranch, promotionOrder, downstreamOf, environmentsFedByBranch, defaultConfigPath } from './environments.js';
export type { PromotionStage } from './environments.js';
export { valuesFor } from './values.js';

/** A config file with problems; `message` lists every one, a line each. */
export class LadderConfigError extends LadderInputError {
  readonly problems: ConfigProblem[];
  constructor(file: string, problems: readonly ConfigProblem[]) {
    const sorted = [...problems].sort(compareProblems);
    const first = sorted[0] ?? { message: 'invalid config', key: '', line: 1, column: 1 };
    super(first.message, { file, line: first.line, column: first.column, ...(first.key ? { key: first.key } : {}) });
    this.problems = sorted;
    // LadderInputError's message names one location; here every problem carries its own.
    this.message = sorted.map((problem) => formatProblem(file, problem)).join('\n');
  }

  /** The problems as findings, for check-run annotations and SARIF. */
  toFindings(): Finding[] {
    const file = this.location.file;
    return this.problems.map((problem) => ({
      file,
      line: problem.line,
      column: problem.column,
      rule: 'config',
      severity: 'error' as const,
      message: problem.key ? `${problem.key}: ${problem.message}` : problem.message,
      ...(problem.suggestion === undefined ? {} : { hint: `Did you mean '${problem.suggestion}'?` }),
    }));
  }
}

export type ConfigCheck = { ok: true; config: LadderConfig } | { ok: false; problems: ConfigProblem[] };

/**
 * Reads and checks a config without throwing: YAML, then the schema, then the
 * rules across keys. Semantic rules run only on a config of the right shape,
 * so a user fixing schema problems may meet them in a second round.
 */
export function checkConfig(text: string, options: ConfigOptions = {}): ConfigCheck {
  const result = checkConfigLocated(text, options);
  return result.ok ? { ok: true, config: result.config } : result;
}

/** `checkConfig`, with a way to locate further problems found in the config (e.g. what the manifest repository does not grant). */
export function checkConfigLocated(text: string, options: ConfigOptions = {}): { ok: true; config: LadderConfig; locate: Locate } | { ok: false; problems: ConfigProblem[] } {
  const read = readConfigYaml(text);
  if (!read.ok) return { ok: false, problems: read.problems.sort(compareProblems) };
  const { value, locate } = read;

  const parsed = ladderConfigSchema.safeParse(value, { error: configIssueMessage });
  if (!parsed.success) {
    const problems = problemsFromIssues(parsed.error.issues, value, ladderConfigSchema).map((p) => locateProblem(p, locate));
    return { ok: false, problems: problems.sort(compareProblems) };
  }
  const semantic = checkSemantics(parsed.data, options, (path) => locate(path).line);
  if (semantic.length > 0) return { ok: false, problems: semantic.map((p) => locateProblem(p, locate)).sort(compareProblems) };
  return { ok: true, config: parsed.data, locate };
}

/** Parses `.github/ladder.yml`; throws a LadderConfigError listing every problem found. */
export function parseConfig(text: string, file: string, options: ConfigOptions = {}): LadderConfig {
  const result = checkConfig(text, options);
  if (!result.ok) throw new LadderConfigError(file, result.problems);
  return result.config;
}
