import type { KeyPath } from '../config/locate.js';
import type { PathProblem } from '../config/problem.js';
import { suggestNearest } from '../text/suggest.js';
import type { ServicesFile } from './schema.js';

export interface ServicesSemanticOptions {
  /** Policy rule ids an exception may name; unchecked when absent. */
  knownRuleIds?: readonly string[];
}

/**
 * Rules across keys of `.ladder/services.yml` that a schema cannot state: two
 * services never share a folder (one inside the other counts: a rollback
 * replaces a service's folder whole), a code repository speaks for one
 * service, an environment is one branch and one cluster, promotions between environments
 * form no cycle. `lineOf` names the earlier occurrence in messages.
 */
export function checkServicesSemantics(file: ServicesFile, options: ServicesSemanticOptions, lineOf: (path: KeyPath) => number): PathProblem[] {
  return [...checkFolders(file, lineOf), ...checkRepositories(file, lineOf), ...checkEnvironments(file, lineOf, options), ...checkClusters(file, lineOf), ...checkAgents(file), ...checkRenderGrants(file)];
}

/** Whether two folders of a branch overlap: equal, one inside the other, or either the whole branch. */
export function foldersOverlap(a: string, b: string): boolean {
  if (a === '' || b === '') return true;
  return a === b || a.startsWith(`${b}/`) || b.startsWith(`${a}/`);
}

function checkFolders(file: ServicesFile, lineOf: (path: KeyPath) => number): PathProblem[] {
  const problems: PathProblem[] = [];
  const seen: { name: string; path: string }[] = [];
  for (const [name, service] of Object.entries(file.services)) {
    const clash = seen.find((other) => foldersOverlap(other.path, service.path));
    if (clash) {
      const where = `line ${lineOf(['services', clash.name, 'path'])}`;
      const message =
        service.path === clash.path
          ? `folder '${service.path}' is already the folder of service '${clash.name}' (${where}); two services never share a folder`
          : `folder '${service.path || '(the whole branch)'}' overlaps '${clash.path || '(the whole branch)'}', the folder of service '${clash.name}' (${where}); two services' folders never overlap, nor lie one inside the other`;
      problems.push({ path: ['services', name, 'path'], message });
    }
    seen.push({ name, path: service.path });
  }
  return problems;
}

function checkRepositories(file: ServicesFile, lineOf: (path: KeyPath) => number): PathProblem[] {
  const problems: PathProblem[] = [];
  const byRepository = new Map<string, string>();
  for (const [name, service] of Object.entries(file.services)) {
    const key = service.repository.toLowerCase();
    const first = byRepository.get(key);
    if (first === undefined) byRepository.set(key, name);
    else {
      problems.push({
        path: ['services', name, 'repository'],
        message: `${service.repository} already speaks for service '${first}' (line ${lineOf(['services', first, 'repository'])}); a code repository has one .github/ladder.yml, so one service`,
      });
    }
  }
  return problems;
}

function checkEnvironments(file: ServicesFile, lineOf: (path: KeyPath) => number, options: ServicesSemanticOptions): PathProblem[] {
  const problems: PathProblem[] = [];
  const branchOf = new Map<string, { branch: string; service: string }>();
  for (const [serviceName, service] of Object.entries(file.services)) {
    const names = Object.keys(service.environments);
    const branches = new Map<string, string>();
    for (const [envName, environment] of Object.entries(service.environments)) {
      const at = (...rest: (string | number)[]): KeyPath => ['services', serviceName, 'environments', envName, ...rest];
      if (envName === 'default') problems.push({ path: at(), message: "'default' is reserved for values.default; choose another environment name", anchor: 'key' });
      const branch = environment.branch ?? envName;
      const sameBranch = branches.get(branch);
      if (sameBranch !== undefined) {
        problems.push({ path: at(environment.branch === undefined ? 'from' : 'branch'), message: `branch '${branch}' is already the branch of environment '${sameBranch}'; each environment needs its own branch` });
      }
      branches.set(branch, envName);
      const elsewhere = branchOf.get(envName);
      if (elsewhere && elsewhere.branch !== branch) {
        problems.push({
          path: at(environment.branch === undefined ? 'from' : 'branch'),
          message: `environment '${envName}' is branch '${elsewhere.branch}' for service '${elsewhere.service}' (line ${lineOf(['services', elsewhere.service, 'environments', envName])}); an environment is one branch for every service`,
        });
      } else if (!elsewhere) branchOf.set(envName, { branch, service: serviceName });

      if ('environment' in environment.from) {
        const upstream = environment.from.environment;
        if (upstream === envName) problems.push({ path: at('from', 'environment'), message: 'an environment cannot be promoted from itself' });
        else if (!names.includes(upstream)) {
          const suggestion = suggestNearest(upstream, names);
          const message = `service '${serviceName}' has no environment named '${upstream}'`;
          problems.push(suggestion === undefined ? { path: at('from', 'environment'), message } : { path: at('from', 'environment'), message, suggestion });
        } else if (leadsBackTo(service.environments, upstream, envName)) {
          problems.push({ path: at('from', 'environment'), message: `promotions from '${upstream}' lead back to '${envName}': environments promoted from each other form a cycle` });
        }
      }
      const rules = options.knownRuleIds;
      environment.exceptions.forEach((exception, index) => {
        if (!rules || rules.includes(exception.rule)) return;
        const path = at('exceptions', index, 'rule');
        const message = `unknown policy rule '${exception.rule}'`;
        const suggestion = suggestNearest(exception.rule, rules);
        problems.push(suggestion === undefined ? { path, message: `${message}; known rules: ${rules.join(', ')}` } : { path, message, suggestion });
      });
    }
  }
  return problems;
}

/** Whether following `from.environment` upstream from `start` reaches `target`. */
function leadsBackTo(environments: ServicesFile['services'][string]['environments'], start: string, target: string): boolean {
  const seen = new Set<string>();
  for (let current: string | undefined = start; current !== undefined && !seen.has(current); ) {
    if (current === target) return true;
    seen.add(current);
    const from: ServicesFile['services'][string]['environments'][string]['from'] | undefined = environments[current]?.from;
    current = from && 'environment' in from ? from.environment : undefined;
  }
  return false;
}

/** An environment's agent applies to one cluster, whichever service's grant names it. */
function checkClusters(file: ServicesFile, lineOf: (path: KeyPath) => number): PathProblem[] {
  const problems: PathProblem[] = [];
  const clusterOf = new Map<string, { cluster: string; service: string }>();
  for (const [serviceName, service] of Object.entries(file.services)) {
    for (const [envName, environment] of Object.entries(service.environments)) {
      if (environment.cluster === undefined) continue;
      const first = clusterOf.get(envName);
      if (!first) clusterOf.set(envName, { cluster: environment.cluster, service: serviceName });
      else if (first.cluster !== environment.cluster) {
        problems.push({
          path: ['services', serviceName, 'environments', envName, 'cluster'],
          message: `environment '${envName}' is in cluster '${first.cluster}' for service '${first.service}' (line ${lineOf(['services', first.service, 'environments', envName, 'cluster'])}); an environment's agent applies to one cluster for every service`,
        });
      }
    }
  }
  return problems;
}

function checkAgents(file: ServicesFile): PathProblem[] {
  const problems: PathProblem[] = [];
  const environments = [...new Set(Object.values(file.services).flatMap((service) => Object.keys(service.environments)))];
  for (const [name, agent] of Object.entries(file.agents)) {
    for (const key of ['issuer', 'jwksUri'] as const) {
      const url = agent[key];
      if (url !== undefined && !url.startsWith('https://')) problems.push({ path: ['agents', name, key], message: 'must be an https URL: the keys that prove an agent are fetched from it' });
    }
    agent.environments.forEach((environment, index) => {
      if (environments.includes(environment)) return;
      const message = `no service of this repository has an environment named '${environment}'`;
      const suggestion = suggestNearest(environment, environments);
      const path: KeyPath = ['agents', name, 'environments', index];
      problems.push(suggestion === undefined ? { path, message } : { path, message, suggestion });
    });
  }
  return problems;
}

/** A pinned chart is rendered by Helm: a renderer list without helm would refuse the very chart it pins. */
function checkRenderGrants(file: ServicesFile): PathProblem[] {
  return Object.entries(file.services).flatMap(([name, service]): PathProblem[] => {
    const render = service.render;
    if (!render?.helm || !render.renderers || render.renderers.includes('helm')) return [];
    return [{ path: ['services', name, 'render', 'renderers'], message: `pins a chart (render.helm.chart) but does not allow helm; add helm, or remove the chart` }];
  });
}
