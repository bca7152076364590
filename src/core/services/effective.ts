import { checkConfigLocated, type ConfigOptions } from '../config/load.js';
import type { KeyPath } from '../config/locate.js';
import { compareProblems, locateProblem, type ConfigProblem, type PathProblem } from '../config/problem.js';
import type { EnvironmentConfig, LadderConfig, PolicyException } from '../config/schema.js';
import type { ChartPin, ClusterScopedGrant, EnvironmentGrant, ServiceGrant, ServicesFile } from './schema.js';
import { servicesFilePath } from './schema.js';

/** Who may run commands: every rule must let the commenter through (the grant's, then the code config's narrowing). */
export interface CommenterRule {
  users: readonly string[];
  teams: readonly string[];
}

/** What one environment was granted, as it applies to this service's code config. */
export interface AppliedGrant {
  namespaces: readonly string[];
  /** Policy exceptions the code config asked for and the grant covers; the grant's reason is the one on record. */
  exceptions: PolicyException[];
  /** Cluster-scoped kinds the code config asked for, with the names the grant allows. */
  clusterScoped: ClusterScopedGrant[];
  commenters: CommenterRule[];
  /** The cluster the environment shares with others naming it; absent when it has a cluster of its own. */
  cluster?: string;
}

export interface EffectiveEnvironment extends EnvironmentConfig {
  /** The environment branch, always resolved (the grant's). */
  branch: string;
  grant: AppliedGrant;
}

/**
 * A code config as the manifest repository allows it: its own keys where it
 * only asks for less (image, templates, values, soak, windows), the grant's
 * where the grant decides (folder, branches). Repository-wide validation
 * settings are emptied: what applies is each environment's `grant`, so a
 * reader that forgets to look there gets no exception rather than a self-granted one.
 */
export interface EffectiveConfig extends LadderConfig {
  /** `chart`: the chart `.ladder/services.yml` pins (render.helm.chart), which the App fetches instead of reading the code repository. */
  manifests: LadderConfig['manifests'] & { path: string; chart?: PinnedChart };
  environments: EffectiveEnvironment[];
}

/** A chart pinned by the manifest repository, with where the pin is, for messages. */
export interface PinnedChart {
  pin: ChartPin;
  /** `owner/name: .ladder/services.yml`. */
  file: string;
  /** `services.<name>.render.helm.chart`. */
  key: string;
}

export interface GrantScope {
  services: ServicesFile;
  /** `owner/name` of the repository `.ladder/services.yml` was read from. */
  manifestRepo: string;
  /** `owner/name` of the code repository the config was read from. */
  codeRepo: string;
}

export type GrantCheck = { ok: true; config: EffectiveConfig } | { ok: false; problems: PathProblem[] };

/**
 * Applies the manifest repository's grant to a code config: every key that
 * would loosen a gate beyond `.ladder/services.yml` is a problem at that key
 * of the code config, saying what to add where; otherwise the effective config.
 */
export function applyGrant(config: LadderConfig, scope: GrantScope): GrantCheck {
  const where = `${scope.manifestRepo}'s ${servicesFilePath}`;
  const found = findService(scope.services, config, scope.codeRepo);
  if (!found.ok) return { ok: false, problems: [{ path: ['service'], message: found.message(where) }] };
  const { name, grant } = found;
  const problems: PathProblem[] = [];
  const at = (...path: KeyPath) => (message: string) => problems.push({ path, message });
  const grantKey = (env?: string, key?: string) => `services.${name}${env ? `.environments.${env}` : ''}${key ? `.${key}` : ''}`;

  if (!sameName(config.manifests.repo, scope.manifestRepo)) {
    at('manifests', 'repo')(`must be ${scope.manifestRepo}, whose ${servicesFilePath} grants this service`);
  }
  if (config.manifests.path !== undefined && normaliseFolder(config.manifests.path) !== grant.path) {
    at('manifests', 'path')(`is '${config.manifests.path}', but ${where} gives ${name} the folder '${grant.path}' (${grantKey(undefined, 'path')}); remove manifests.path or make it '${grant.path}'`);
  }

  const chart = checkRenderer(config, grant, { name, where, file: `${scope.manifestRepo}: ${servicesFilePath}` }, at);

  const environments: EffectiveEnvironment[] = [];
  config.environments.forEach((environment, index) => {
    const atEnv = (...path: KeyPath) => at('environments', index, ...path);
    const granted = grant.environments[environment.name];
    if (!granted) {
      const known = Object.keys(grant.environments);
      atEnv('name')(`${where} grants ${name} no environment '${environment.name}' (it grants ${known.length ? known.map((n) => `'${n}'`).join(', ') : 'none'}); add ${grantKey(environment.name)} there`);
      return;
    }
    const branch = granted.branch ?? environment.name;
    if (environment.branch !== undefined && environment.branch !== branch) {
      atEnv('branch')(`is '${environment.branch}', but ${where} puts ${environment.name} on branch '${branch}'; remove branch or make it '${branch}'`);
    }
    checkSource(environment, granted, atEnv, where, grantKey(environment.name, 'from'));
    if (!granted.namespaces.includes(environment.namespace)) {
      atEnv('namespace')(`'${environment.namespace}' is not granted to ${name} in ${environment.name} (${granted.namespaces.join(', ')}); add it to ${grantKey(environment.name, 'namespaces')} in ${where}`);
    }
    if (environment.autoMerge && !granted.autoMerge) {
      atEnv('autoMerge')(`${environment.name} may not merge by itself: ${where} does not grant it; set autoMerge: true under ${grantKey(environment.name)} there, or remove autoMerge here`);
    }
    environments.push({
      ...environment,
      branch,
      grant: {
        namespaces: granted.namespaces,
        exceptions: config.validation.disable.flatMap((ask) => coveredException(ask, granted)),
        clusterScoped: granted.clusterScoped.filter((entry) => config.validation.allowClusterScoped.some((kind) => sameKind(kind, entry.kind))),
        commenters: [granted.commenters, environment.commenters].flatMap((rule): CommenterRule[] => (rule ? [rule] : [])),
        ...(granted.cluster !== undefined ? { cluster: granted.cluster } : {}),
      },
    });
  });

  const asked = config.environments.map((environment) => grant.environments[environment.name]).filter((env): env is EnvironmentGrant => env !== undefined);
  config.validation.disable.forEach((ask, index) => {
    if (asked.some((env) => coveredException(ask, env).length > 0)) return;
    const resources = ask.resources ? ` for ${ask.resources.join(', ')}` : '';
    at('validation', 'disable', index, 'rule')(`turning off '${ask.rule}'${resources} is granted to ${name} in none of its environments; add it with its reason to ${grantKey('<environment>', 'exceptions')} in ${where}`);
  });
  config.validation.allowClusterScoped.forEach((kind, index) => {
    if (asked.some((env) => env.clusterScoped.some((entry) => sameKind(entry.kind, kind)))) return;
    at('validation', 'allowClusterScoped', index)(`${kind} is granted to ${name} in none of its environments; add { kind: ${kind}, names: [...] } to ${grantKey('<environment>', 'clusterScoped')} in ${where}`);
  });
  if (problems.length > 0) return { ok: false, problems };

  return {
    ok: true,
    config: {
      ...config,
      manifests: { ...config.manifests, path: grant.path, ...(chart ? { chart } : {}) },
      environments,
      validation: { ...config.validation, allowClusterScoped: [], disable: [] },
    },
  };
}

type FoundService = { ok: true; name: string; grant: ServiceGrant } | { ok: false; message: (where: string) => string };

/** The service the code repository speaks for: the entry naming it as `repository`, which must be the config's `service`. */
function findService(services: ServicesFile, config: LadderConfig, codeRepo: string): FoundService {
  const entry = Object.entries(services.services).find(([, grant]) => sameName(grant.repository, codeRepo));
  const byName = services.services[config.service];
  if (!entry) {
    if (byName) return { ok: false, message: (where) => `service '${config.service}' belongs to ${byName.repository} in ${where}, not to ${codeRepo}` };
    return { ok: false, message: (where) => `${where} grants nothing to ${codeRepo}: add services.${config.service} with repository: ${codeRepo} there (the check run shows the entry this config needs)` };
  }
  const [name, grant] = entry;
  if (name !== config.service) return { ok: false, message: (where) => `${codeRepo} speaks for service '${name}' in ${where}, not '${config.service}'; set service: ${name}` };
  return { ok: true, name, grant };
}

/**
 * The renderer the code config asks for must be one the grant allows, and
 * the chart a pinned one when the grant pins it (then the code repository's
 * own chart is refused); without a pin, the code config names its chart.
 */
function checkRenderer(config: LadderConfig, grant: ServiceGrant, names: { name: string; where: string; file: string }, at: (...path: KeyPath) => (message: string) => void): PinnedChart | undefined {
  const { name, where } = names;
  const render = grant.render;
  const pinned = render?.helm?.chart;
  const allowed = render?.renderers ?? (pinned ? ['helm' as const] : undefined);
  const key = `services.${name}.render`;
  const asked = config.manifests.render;
  if (allowed && !allowed.includes(asked)) {
    at('manifests', 'render')(`render: ${asked} is not allowed for ${name}: ${where} allows ${allowed.join(', ')} (${key}${render?.renderers ? '.renderers' : '.helm.chart pins a chart'}); use ${allowed.length === 1 ? `render: ${allowed[0]}` : 'one of them'}, or add ${asked} there`);
    return undefined;
  }
  if (asked !== 'helm') return undefined;
  const ownChart = config.manifests.helm?.chart;
  if (pinned && ownChart !== undefined) {
    at('manifests', 'helm', 'chart')(`${where} pins the chart of ${name} (${key}.helm.chart: ${describeChartPin(pinned)}); the code repository's chart '${ownChart}' may not replace it: remove manifests.helm.chart`);
    return undefined;
  }
  if (!pinned && ownChart === undefined) {
    at('manifests', 'helm')(`render: helm needs the chart: set manifests.helm.chart to its directory, e.g. deploy/chart, or pin a chart in ${where} (${key}.helm.chart)`);
    return undefined;
  }
  return pinned ? { pin: pinned, file: names.file, key: `${key}.helm.chart` } : undefined;
}

/** `oci://registry/charts/checkout 1.4.2`, or `https://charts.example.com checkout 1.4.2`. */
export function describeChartPin(pin: ChartPin): string {
  return `${'oci' in pin ? pin.oci : `${pin.repo} ${pin.name}`} ${pin.version}`;
}

function checkSource(environment: EnvironmentConfig, granted: EnvironmentGrant, atEnv: (...path: KeyPath) => (message: string) => void, where: string, grantKey: string): void {
  const from = environment.from;
  if ('branch' in from) {
    if ('branches' in granted.from && granted.from.branches.includes(from.branch)) return;
    const allowed = 'branches' in granted.from ? `only ${granted.from.branches.map((b) => `'${b}'`).join(', ')} may` : `only promotion from '${granted.from.environment}' may`;
    atEnv('from', 'branch')(`branch '${from.branch}' may not feed ${environment.name}: in ${where} ${allowed} (${grantKey}); add it there`);
    return;
  }
  if ('environment' in granted.from && granted.from.environment === from.environment) return;
  const allowed = 'environment' in granted.from ? `promotion from '${granted.from.environment}'` : `merges into ${granted.from.branches.map((b) => `'${b}'`).join(', ')}`;
  atEnv('from', 'environment')(`${environment.name} may not be promoted from '${from.environment}': ${where} grants only ${allowed} (${grantKey})`);
}

/** The exception as it applies in an environment whose grant covers it (same rule, and every resource asked for); none otherwise. */
function coveredException(ask: PolicyException, granted: EnvironmentGrant): PolicyException[] {
  const grant = granted.exceptions.find((candidate) => candidate.rule === ask.rule && covers(candidate.resources, ask.resources));
  if (!grant) return [];
  const resources = ask.resources ?? grant.resources;
  return [{ rule: ask.rule, reason: grant.reason, ...(resources ? { resources } : {}) }];
}

/**
 * Whether a grant for `granted` resources (all when absent) covers an ask for
 * `asked`: every resource asked for is granted. An ask for all resources is
 * covered too, and then applies to the granted ones only.
 */
function covers(granted: readonly string[] | undefined, asked: readonly string[] | undefined): boolean {
  if (granted === undefined || asked === undefined) return true;
  return asked.every((resource) => granted.some((entry) => entry.toLowerCase() === resource.toLowerCase()));
}

function sameKind(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function sameName(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** `deploy/` and `deploy` are one folder. */
function normaliseFolder(path: string): string {
  return path.replace(/\/+$/, '');
}

export type GrantedConfigCheck = { ok: true; config: EffectiveConfig } | { ok: false; problems: ConfigProblem[] };

/**
 * Reads a code config and applies the grant to it: the config's own problems
 * first (a second round meets the grant), then every loosening, each located
 * at its key in the code config.
 */
export function checkGrantedConfig(text: string, scope: GrantScope, options: ConfigOptions = {}): GrantedConfigCheck {
  const checked = checkConfigLocated(text, options);
  if (!checked.ok) return checked;
  const granted = applyGrant(checked.config, scope);
  if (granted.ok) return granted;
  return { ok: false, problems: granted.problems.map((problem) => locateProblem(problem, checked.locate)).sort(compareProblems) };
}
