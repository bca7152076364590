import { z } from 'zod';

/**
 * The shape of `.github/ladder.yml`. Descriptions and examples here are the
 * user's documentation: docs/ladder.schema.json and docs/configuration.md are
 * generated from them (`node --import tsx src/tools/generate-config-docs.ts`).
 *
 * Rules that need more than one key at a time (unique names, promotion order,
 * time zones, …) live in semantics.ts, not here, so the JSON Schema stays
 * something editors can use as is.
 */

/**
 * A string matching `pattern`. The message also goes into the JSON Schema as
 * `patternErrorMessage`, which editors using yaml-language-server show instead
 * of the bare regular expression. With `nonEmpty`, an empty value is only
 * "must not be empty" (abort: later checks do not pile on).
 */
function matching(pattern: RegExp, message: string, options: { nonEmpty?: boolean } = {}) {
  const base = options.nonEmpty ? z.string().min(1, { abort: true }) : z.string();
  return base.regex(pattern, message).meta({ patternErrorMessage: message });
}

const dnsLabel = matching(
  /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/,
  'must be a DNS-1123 label: lower-case letters, digits and -, at most 63 characters',
  { nonEmpty: true },
);

// Git's check-ref-format, minus the rarely-met corners: no spaces or control
// characters, none of ~^:?*[\, no `..`, `//` or `@{`, no leading `-` or `/`,
// no trailing `/`, `.` or `.lock`.
const gitBranch = matching(
  /^(?!-|\/)(?!.*(\.\.|\/\/|@\{|\/\.|\.lock$|\.$|\/$))[^\u0000-\u0020\u007f~^:?*[\\]+$/,
  'must be a valid Git branch name, e.g. main or release/1.2',
  { nonEmpty: true },
);

// A relative directory inside a repository: no leading `/`, no `..` segment.
const relativeDirectory = matching(
  /^(?:(?!\.\.(?:\/|$))[\w.-]+(?:\/(?!\.\.(?:\/|$))[\w.-]+)*)?$/,
  'must be a relative directory such as deploy/templates, without .. or a leading /',
);

const duration = matching(/^(\d+(ms|s|m|h|d))+$/, 'must be a duration such as 90s, 30m, 1h30m or 2d');

const repoName = matching(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, 'must be owner/name, e.g. shop/checkout-manifests');

const githubLogin = matching(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/, 'must be a GitHub login such as octocat');

const githubTeam = matching(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, 'must be org/team-slug, e.g. shop/release-managers');

const ruleId = matching(/^[a-z][a-z0-9-]*$/, 'must be a rule id such as run-as-root');

const day = '(mon|tue|wed|thu|fri|sat|sun)';
const clock = '([01]\\d|2[0-3]):[0-5]\\d';

export const deployWindowSchema = z
  .strictObject({
    days: matching(new RegExp(`^${day}(-${day})?(,${day}(-${day})?)*$`), 'must be days such as mon-thu, fri-mon or mon,wed,fri')
      .describe('Days the window is open: a range (`mon-thu`; `fri-mon` wraps over the weekend), a list (`mon,wed,fri`) or both.')
      .meta({ examples: ['mon-thu', 'mon,wed,fri'] }),
    hours: matching(new RegExp(`^${clock}-(${clock}|24:00)$`), 'must be HH:MM-HH:MM in 24-hour time, e.g. 09:00-16:00')
      .describe('Opening hours, `HH:MM-HH:MM` in 24-hour time in `timezone`; the start is before the end (`24:00` ends at midnight).')
      .meta({ examples: ['09:00-16:00'] }),
    timezone: z
      .string()
      .default('UTC')
      .describe('IANA time zone name the hours are in.')
      .meta({ examples: ['Europe/London', 'America/New_York'] }),
  })
  .describe('A time when promotions may merge.');

export const reviewersSchema = z
  .strictObject({
    users: z.array(githubLogin).default([]).describe('GitHub logins requested as reviewers.'),
    teams: z.array(githubTeam).default([]).describe('Teams requested as reviewers, as `org/team-slug`.'),
  })
  .describe('Who is asked to review promotion pull requests.');

export const commentersSchema = z
  .strictObject({
    users: z.array(githubLogin).default([]).describe('GitHub logins allowed to run comment commands.'),
    teams: z.array(githubTeam).default([]).describe('Teams allowed to run comment commands, as `org/team-slug`.'),
  })
  .describe('Who may run comment commands (`/ladder promote`, `rollback`, `lock`, …) for this environment; anyone with write access when absent.');

export const environmentSourceSchema = z
  .union(
    [
      z.strictObject({ branch: gitBranch.describe('Code branch whose merges render for this environment.') }),
      z.strictObject({ environment: dnsLabel.describe('Environment listed earlier whose healthy deployment is promoted here, with the same image.') }),
    ],
    { error: 'must be { branch: <name> } or { environment: <name> }, exactly one of the two' },
  )
  .describe('What feeds this environment: merges into a code branch, or promotion from an earlier environment.');

export const environmentSchema = z
  .strictObject({
    name: dnsLabel.describe('Environment name; also the manifest branch unless `branch` is set. `default` is reserved.'),
    from: environmentSourceSchema,
    namespace: dnsLabel.describe('Kubernetes namespace the manifests are rendered for.'),
    branch: gitBranch.optional().describe('Manifest repository branch; the environment name when absent.'),
    autoMerge: z.boolean().default(false).describe('Merge the promotion pull request by itself once its checks pass.'),
    soak: duration
      .optional()
      .describe('How long the upstream environment must have been healthy before this one may merge; only for `from: { environment }`.')
      .meta({ examples: ['30m', '1h30m'] }),
    windows: z.array(deployWindowSchema).default([]).describe('Deploy windows; promotions merge only inside one. None means always open.'),
    reviewers: reviewersSchema.optional(),
    labels: z
      .array(z.string().min(1).max(50))
      .default([])
      .describe('Extra labels on promotion pull requests (`env:<name>` is always added).'),
    commenters: commentersSchema.optional(),
  })
  .describe('One environment: a branch of the manifest repository and a namespace in a cluster.');

export const policyExceptionSchema = z
  .strictObject({
    rule: ruleId.describe('Policy rule id to turn off.').meta({ examples: ['run-as-root'] }),
    reason: z
      .string()
      .trim()
      .min(10, 'must say why, in at least 10 characters')
      .describe('Why the rule does not apply; recorded in every report.'),
    resources: z
      .array(matching(/^[A-Za-z0-9]+\/[a-z0-9.-]+$/, 'must be Kind/name, e.g. Deployment/checkout'))
      .optional()
      .describe('Limit the exception to these resources (`Kind/name`); all resources when absent.'),
  })
  .describe('A policy rule turned off, with the reason.');

export const validationSchema = z
  .strictObject({
    kubernetesVersion: matching(/^1\.(0|[1-9]\d{0,2})$/, 'must be a Kubernetes minor version such as "1.35" (in quotes)')
      .optional()
      .describe('Kubernetes minor version whose schemas validate the manifests, in quotes; the newest bundled when absent.')
      .meta({ examples: ['1.35'] }),
    unknownKinds: z
      .enum(['error', 'warning', 'ignore'])
      .default('error')
      .describe('What to do with a kind that has no schema (neither built in nor a CRD in the manifest set).'),
    allowClusterScoped: z
      .array(matching(/^[A-Z][A-Za-z0-9]*$/, 'must be a Kubernetes kind such as ClusterRole'))
      .default([])
      .describe('Cluster-scoped kinds the service may ship (e.g. `ClusterRole`).'),
    disable: z.array(policyExceptionSchema).default([]).describe('Policy rules turned off for this repository, each with a reason.'),
  })
  .describe('How rendered manifests are validated.');

export const imageTagSchema = z
  .strictObject({
    format: z.enum(['sha', 'short-sha']).default('sha').describe('The full 40-character commit SHA, or its first `length` characters.'),
    length: z.number().int().min(7).max(40).default(12).describe('Prefix length for `short-sha`.'),
  })
  .describe('How the commit SHA becomes the image tag.');

// A values key path such as image.repository: dot-separated keys of letters, digits, _ and -.
const valuesKey = matching(/^[A-Za-z_][\w-]*(\.[A-Za-z_][\w-]*)*$/, 'must be a values key path such as image.repository');

export const helmSchema = z
  .strictObject({
    chart: relativeDirectory
      .min(1)
      .optional()
      .describe(
        "Directory of the Helm chart in the code repository (it holds Chart.yaml). Its dependencies must be vendored in its charts/ directory: Ladder fetches nothing from here. Leave it out when the manifest repository's `.ladder/services.yml` pins the chart (`render.helm.chart`): the service then renders that chart.",
      )
      .meta({ examples: ['deploy/chart'] }),
    releaseName: dnsLabel.optional().describe('Release name `helm template` renders with (`.Release.Name`); the service name when absent.'),
    imageValues: z
      .strictObject({
        repository: valuesKey.default('image.repository').describe('Values key that receives the image repository.'),
        tag: valuesKey.default('image.tag').describe('Values key that receives the image tag (with `@<digest>` when the registry gave one).'),
      })
      .prefault({})
      .describe("Where the commit's image goes in the chart's values."),
  })
  .describe("How `render: helm` renders: the chart, and the values keys of the commit's image. Values per environment come from `values`.");

export const kustomizeSchema = z
  .strictObject({
    root: relativeDirectory
      .min(1)
      .describe('Directory in the code repository that holds the bases and overlays; nothing outside it is read.')
      .meta({ examples: ['deploy'] }),
    overlays: z
      .record(dnsLabel, relativeDirectory.min(1))
      .default({})
      .describe('Overlay directory of each environment, relative to `root`; `overlays/<environment>` when an environment is not listed.')
      .meta({ examples: [{ stg: 'overlays/staging', prd: 'overlays/production' }] }),
  })
  .describe('How `render: kustomize` renders: one overlay per environment, built by `kustomize build` with remote bases, plugins and Helm off.');

export const manifestsSchema = z
  .strictObject({
    render: z
      .enum(['handlebars', 'helm', 'kustomize'])
      .default('handlebars')
      .describe("What renders the manifests: Ladder's Handlebars templates (`templates`), a Helm chart (`helm`) or Kustomize overlays (`kustomize`)."),
    helm: helmSchema.optional(),
    kustomize: kustomizeSchema.optional(),
    repo: repoName.describe('Manifest repository, `owner/name`, with one branch per environment.'),
    templates: relativeDirectory
      .min(1)
      .optional()
      .describe("Directory of Handlebars templates in the code repository; Ladder's default templates when absent.")
      .meta({ examples: ['deploy/templates'] }),
    path: relativeDirectory
      .optional()
      .describe(
        "Folder of the environment branches this service's manifests go to. The manifest repository decides it (`path` in its `.ladder/services.yml`); when given here it must be the same. `ladder render` without a services file uses the branch root.",
      ),
  })
  .describe('Where rendered manifests go, and which templates render them.');

export const ladderConfigSchema = z
  .strictObject({
    service: dnsLabel.describe('Service name; used in resource names, labels and promotion branches.').meta({ examples: ['checkout'] }),
    image: matching(
      /^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/,
      'must be an image name without tag or digest, e.g. registry.example.com/shop/checkout',
    )
      .describe('Image repository, without tag: the tag is the commit SHA, never `latest`.')
      .meta({ examples: ['registry.example.com/shop/checkout'] }),
    // prefault, not default: the default input is parsed, so every load gets
    // its own arrays instead of sharing one mutable default object.
    imageTag: imageTagSchema.prefault({}),
    manifests: manifestsSchema,
    environments: z
      .array(environmentSchema)
      .min(1, 'must list at least one environment')
      .describe('Environments in promotion order: an environment promoted from another is listed after it.'),
    values: z
      .record(z.string(), z.record(z.string(), z.unknown()))
      .default({})
      .describe('Template values: `default` for every environment, deep-merged with the entry named after the environment (lists are replaced, not merged).'),
    validation: validationSchema.prefault({}),
  })
  .describe('Ladder configuration for one service (`.github/ladder.yml` in the code repository).');

export type LadderConfig = z.infer<typeof ladderConfigSchema>;
export type EnvironmentConfig = z.infer<typeof environmentSchema>;
export type EnvironmentSource = z.infer<typeof environmentSourceSchema>;
export type DeployWindow = z.infer<typeof deployWindowSchema>;
export type PolicyException = z.infer<typeof policyExceptionSchema>;
export type ValidationConfig = z.infer<typeof validationSchema>;
export type HelmConfig = z.infer<typeof helmSchema>;
export type KustomizeConfig = z.infer<typeof kustomizeSchema>;
