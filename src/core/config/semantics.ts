import type { KeyPath } from './locate.js';
import type { PathProblem } from './problem.js';
import type { LadderConfig } from './schema.js';
import { suggestNearest } from '../text/suggest.js';
import { isTimeZone, timeZoneNames, windowHours } from './windows.js';

export interface SemanticOptions {
  /** Policy rule ids `validation.disable` may name; unchecked when absent. */
  knownRuleIds?: readonly string[];
  /** Kubernetes minor versions with bundled schemas; unchecked when absent. */
  knownKubernetesVersions?: readonly string[];
}

/**
 * Rules across keys that a schema cannot state. Runs on a config that already
 * has the schema's shape. `lineOf` names earlier occurrences in messages.
 */
export function checkSemantics(config: LadderConfig, options: SemanticOptions, lineOf: (path: KeyPath) => number): PathProblem[] {
  return [
    ...checkEnvironments(config, lineOf),
    ...checkValues(config),
    ...checkWindows(config),
    ...checkValidation(config, options),
    ...checkRenderer(config),
  ];
}

/** `render` names the renderer; its settings must be there, and another renderer's must not (they would be silently ignored). */
function checkRenderer(config: LadderConfig): PathProblem[] {
  const { render, helm, kustomize, templates } = config.manifests;
  const problems: PathProblem[] = [];
  if (render === 'helm' && helm === undefined) {
    problems.push({ path: ['manifests', 'render'], message: 'render: helm needs manifests.helm with the chart directory, e.g. helm: { chart: deploy/chart }' });
  }
  if (render === 'kustomize' && kustomize === undefined) {
    problems.push({ path: ['manifests', 'render'], message: 'render: kustomize needs manifests.kustomize with the root directory, e.g. kustomize: { root: deploy }' });
  }
  const unused = (key: 'helm' | 'kustomize' | 'templates', used: string) =>
    problems.push({ path: ['manifests', key], message: `${key} is not used when the manifests render with ${used}; set render: ${key === 'templates' ? 'handlebars' : key} or remove it`, anchor: 'key' });
  if (render !== 'helm' && helm !== undefined) unused('helm', render);
  if (render !== 'kustomize' && kustomize !== undefined) unused('kustomize', render);
  if (render !== 'handlebars' && templates !== undefined) unused('templates', render);
  if (kustomize) {
    const names = config.environments.map((env) => env.name);
    for (const name of Object.keys(kustomize.overlays)) {
      if (!names.includes(name)) problems.push({ path: ['manifests', 'kustomize', 'overlays', name], message: `no environment named '${name}'`, anchor: 'key' });
    }
  }
  return problems;
}

function checkEnvironments(config: LadderConfig, lineOf: (path: KeyPath) => number): PathProblem[] {
  const problems: PathProblem[] = [];
  const names = config.environments.map((env) => env.name);
  const firstByName = new Map<string, number>();
  const firstByBranch = new Map<string, number>();
  config.environments.forEach((env, index) => {
    const at = (...rest: (string | number)[]): KeyPath => ['environments', index, ...rest];
    if (env.name === 'default') {
      problems.push({ path: at('name'), message: "'default' is reserved for values.default; choose another environment name" });
    }
    const sameName = firstByName.get(env.name);
    if (sameName === undefined) firstByName.set(env.name, index);
    else problems.push({ path: at('name'), message: `duplicate environment name '${env.name}' (first at line ${lineOf(['environments', sameName, 'name'])})` });

    const branch = env.branch ?? env.name;
    const sameBranch = firstByBranch.get(branch);
    if (sameBranch === undefined) firstByBranch.set(branch, index);
    else if (sameName === undefined) {
      problems.push({
        path: at(env.branch === undefined ? 'name' : 'branch'),
        message: `manifest branch '${branch}' is already used by environment '${names[sameBranch]}'; each environment needs its own branch`,
      });
    }

    if ('environment' in env.from) {
      const upstream = env.from.environment;
      const upstreamIndex = names.indexOf(upstream);
      const path = at('from', 'environment');
      if (index === 0) {
        problems.push({ path, message: 'the first environment must be fed by a code branch: from: { branch: <name> }' });
      } else if (upstream === env.name) {
        problems.push({ path, message: 'an environment cannot be promoted from itself' });
      } else if (upstreamIndex < 0) {
        const suggestion = suggestNearest(upstream, names.slice(0, index));
        const message = `no environment named '${upstream}' is listed before '${env.name}'`;
        problems.push(suggestion === undefined ? { path, message } : { path, message, suggestion });
      } else if (upstreamIndex > index) {
        problems.push({ path, message: `'${upstream}' is listed after '${env.name}'; list environments in promotion order, upstream first` });
      }
    } else if (env.soak !== undefined) {
      // Soak is measured on the upstream environment; a branch-fed one has none.
      problems.push({ path: at('soak'), message: 'soak applies only to an environment promoted from another (from: { environment: <name> })' });
    }
  });
  return problems;
}

function checkValues(config: LadderConfig): PathProblem[] {
  const allowed = ['default', ...config.environments.map((env) => env.name)];
  return Object.keys(config.values)
    .filter((key) => !allowed.includes(key))
    .map((key) => {
      const problem: PathProblem = {
        path: ['values', key],
        message: `no environment named '${key}'; values keys are 'default' or an environment name`,
        anchor: 'key',
      };
      const suggestion = suggestNearest(key, allowed);
      return suggestion === undefined ? problem : { ...problem, suggestion };
    });
}

function checkWindows(config: LadderConfig): PathProblem[] {
  const problems: PathProblem[] = [];
  config.environments.forEach((env, envIndex) =>
    env.windows.forEach((window, index) => {
      const at = (key: string): KeyPath => ['environments', envIndex, 'windows', index, key];
      if (!isTimeZone(window.timezone)) {
        const suggestion = suggestNearest(window.timezone, timeZoneNames());
        const message = `unknown time zone '${window.timezone}'; use an IANA name such as Europe/London or UTC`;
        problems.push(suggestion === undefined ? { path: at('timezone'), message } : { path: at('timezone'), message, suggestion });
      }
      const { start, end } = windowHours(window);
      if (start >= end) {
        problems.push({ path: at('hours'), message: 'the window must open before it closes; split a window over midnight into two' });
      }
    }),
  );
  return problems;
}

function checkValidation(config: LadderConfig, options: SemanticOptions): PathProblem[] {
  const problems: PathProblem[] = [];
  const { kubernetesVersion, disable } = config.validation;
  const versions = options.knownKubernetesVersions;
  if (kubernetesVersion !== undefined && versions && !versions.includes(kubernetesVersion)) {
    problems.push({
      path: ['validation', 'kubernetesVersion'],
      message: `no bundled schemas for Kubernetes ${kubernetesVersion}; bundled: ${versions.join(', ')}`,
    });
  }
  const rules = options.knownRuleIds;
  if (rules) {
    disable.forEach((exception, index) => {
      if (rules.includes(exception.rule)) return;
      const path: KeyPath = ['validation', 'disable', index, 'rule'];
      const message = `unknown policy rule '${exception.rule}'`;
      const suggestion = suggestNearest(exception.rule, rules);
      problems.push(suggestion === undefined ? { path, message: `${message}; known rules: ${rules.join(', ')}` } : { path, message, suggestion });
    });
  }
  return problems;
}
