import { LadderConfigError } from '../config/load.js';
import { configIssueMessage } from '../config/issue-messages.js';
import { compareProblems, locateProblem, type ConfigProblem } from '../config/problem.js';
import { readConfigYaml, defaultConfigReadLimits, type ConfigFileKind } from '../config/read-yaml.js';
import { problemsFromIssues } from '../config/zod-problems.js';
import { servicesFileSchema, type ServicesFile } from './schema.js';
import { checkServicesSemantics, type ServicesSemanticOptions } from './semantics.js';

export type ServicesCheck = { ok: true; services: ServicesFile } | { ok: false; problems: ConfigProblem[] };

const servicesKind: ConfigFileKind = { name: '.ladder/services.yml', requiredKeys: 'services', exampleKeys: 'services and agents' };

/**
 * Reads and checks `.ladder/services.yml` without throwing, the way
 * `.github/ladder.yml` is read: YAML under the same budgets, then the schema
 * (unknown keys with a did-you-mean), then the rules across keys; every
 * problem with its line and column.
 */
export function checkServices(text: string, options: ServicesSemanticOptions = {}): ServicesCheck {
  const read = readConfigYaml(text, defaultConfigReadLimits, servicesKind);
  if (!read.ok) return { ok: false, problems: read.problems.sort(compareProblems) };
  const { value, locate } = read;
  const parsed = servicesFileSchema.safeParse(value, { error: configIssueMessage });
  if (!parsed.success) {
    const problems = problemsFromIssues(parsed.error.issues, value, servicesFileSchema).map((p) => locateProblem(p, locate));
    return { ok: false, problems: problems.sort(compareProblems) };
  }
  const semantic = checkServicesSemantics(parsed.data, options, (path) => locate(path).line);
  if (semantic.length > 0) return { ok: false, problems: semantic.map((p) => locateProblem(p, locate)).sort(compareProblems) };
  return { ok: true, services: parsed.data };
}

/** Parses `.ladder/services.yml`; throws a LadderConfigError listing every problem found. */
export function parseServices(text: string, file: string, options: ServicesSemanticOptions = {}): ServicesFile {
  const result = checkServices(text, options);
  if (!result.ok) throw new LadderConfigError(file, result.problems);
  return result.services;
}
