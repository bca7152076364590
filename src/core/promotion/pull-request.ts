import Handlebars from 'handlebars';
import type { Finding } from '../findings.js';
import { countBySeverity, plural } from './check-output.js';
import type { ResourceChange } from './summary.js';
import { trailersComment, type LadderTrailers } from './trailers.js';

export interface IncludedCommit {
  sha: string;
  title: string;
  author?: string;
  pullRequest?: number;
}

/** Everything the promotion PR body says. */
export interface PromotionBodyInput {
  service: string;
  environment: string;
  codeRepo: string;
  manifestRepo: string;
  envBranch: string;
  image: { old?: string; new: string };
  source: { old?: string; new: string };
  /** Code commits since the version on the environment, newest first; undefined when unknown. */
  commits?: IncludedCommit[];
  /** Total commits in the comparison (the list may be cut). */
  totalCommits?: number;
  resources: ResourceChange[];
  validation: { findings: Finding[]; resources: number; kubernetesVersion: string };
  supersedes: string[];
  reason: 'merge' | 'push' | 'deployment' | 'command';
  requestedBy?: string;
  trailers: LadderTrailers;
}

const maxCommits = 50;
const maxResources = 100;
const maxFindings = 20;
/** GitHub's limit for a PR body is 65536 characters. */
const maxBody = 60_000;

const engine = Handlebars.create();
const compiled = new Map<string, Handlebars.TemplateDelegate>();

/** The PR title: service, environment and the short commit it deploys. */
export function promotionTitle(service: string, environment: string, sourceSha: string): string {
  return `Promote ${service} to ${environment} (${sourceSha.slice(0, 12)})`;
}

/**
 * Renders the PR body from the Markdown template (templates/pull-request/
 * promotion.md.hbs). Values are HTML-escaped by Handlebars, which Markdown
 * shows as the original text, so a commit title cannot open an HTML comment
 * and hide the trailers block, which is appended here, always last.
 */
export function renderPromotionBody(template: string, input: PromotionBodyInput): string {
  let render = compiled.get(template);
  if (!render) {
    render = engine.compile(template, { strict: false });
    compiled.set(template, render);
  }
  const { errors, warnings } = countBySeverity(input.validation.findings);
  const commits = input.commits ?? [];
  const view = {
    ...input,
    imageChanged: input.image.old !== input.image.new,
    commitsKnown: input.commits !== undefined,
    commitList: commits.slice(0, maxCommits).map((c) => ({ ...c, title: qualifyReferences(c.title, input.codeRepo), short: c.sha.slice(0, 7) })),
    commitsCut: Math.max(0, (input.totalCommits ?? commits.length) - Math.min(commits.length, maxCommits)),
    resourceList: input.resources.slice(0, maxResources).map((r) => ({ ...r, [r.change]: true })),
    resourcesCut: Math.max(0, input.resources.length - maxResources),
    noChanges: input.resources.length === 0,
    validationLine: `${plural(input.validation.resources, 'resource')} checked against Kubernetes ${input.validation.kubernetesVersion}: ${plural(errors, 'error')}, ${plural(warnings, 'warning')}`,
    findingList: input.validation.findings.slice(0, maxFindings).map((f) => ({ ...f, where: f.line > 0 ? `${f.file}:${f.line}` : f.file })),
    findingsCut: Math.max(0, input.validation.findings.length - maxFindings),
    oldSourceShort: input.source.old?.slice(0, 12),
    newSourceShort: input.source.new.slice(0, 12),
    supersededList: input.supersedes.map((sha) => sha.slice(0, 12)),
    byCommand: input.reason === 'command',
    byDeployment: input.reason === 'deployment',
  };
  const body = render(view).replace(/\n{3,}/g, '\n\n').trim();
  const tail = `\n\n${trailersComment(input.trailers)}\n`;
  return (body.length + tail.length > maxBody ? `${body.slice(0, maxBody - tail.length - 20)}\n\n… (cut)` : body) + tail;
}

/**
 * `#12` in a code commit's title means the code repository's #12, but the
 * body is on a pull request of the manifest repository, where GitHub would
 * link it to that repository's #12: name the repository, `shop/checkout#12`.
 */
export function qualifyReferences(title: string, codeRepo: string): string {
  return title.replace(/(^|[^\w/#&-])#(\d+)\b/g, `$1${codeRepo}#$2`);
}
