import { z } from 'zod';

/**
 * The shape of `.github/ladder.yml`. Descriptions here are the user's
 * documentation: the JSON Schema in docs/ and docs/configuration.md are
 * generated from them.
 */

const dnsLabel = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, 'must be a DNS-1123 label: lower-case letters, digits and -, at most 63 characters');

const duration = z
  .string()
  .regex(/^(\d+(ms|s|m|h|d))+$/, 'must be a duration such as 90s, 30m, 1h30m or 2d');

const repoName = z.string().regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, 'must be owner/name');

const ruleId = z.string().regex(/^[a-z][a-z0-9-]*$/, 'must be a rule id such as run-as-root');

export const deployWindowSchema = z
  .strictObject({
    days: z
      .string()
      .regex(/^(mon|tue|wed|thu|fri|sat|sun)(-(mon|tue|wed|thu|fri|sat|sun))?(,(mon|tue|wed|thu|fri|sat|sun)(-(mon|tue|wed|thu|fri|sat|sun))?)*$/, 'must be days such as mon-thu or mon,wed,fri')
      .describe('Days the window is open: a range (`mon-thu`), a list (`mon,wed,fri`) or both.'),
    hours: z
      .string()
      .regex(/^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-4]):[0-5]\d$/, 'must be HH:MM-HH:MM, e.g. 09:00-16:00')
      .describe('Opening hours, `HH:MM-HH:MM` in 24-hour time, in `timezone`.'),
    timezone: z.string().default('UTC').describe('IANA time zone name, e.g. `Europe/London`.'),
  })
  .describe('A time when promotions may merge.');

export const reviewersSchema = z
  .strictObject({
    users: z.array(z.string().min(1)).default([]).describe('GitHub logins requested as reviewers.'),
    teams: z.array(z.string().regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, 'must be org/team-slug')).default([]).describe('Teams requested as reviewers, as `org/team-slug`.'),
  })
  .describe('Who is asked to review promotion pull requests.');

export const environmentSchema = z
  .strictObject({
    name: dnsLabel.describe('Environment name; also the manifest branch unless `branch` is set.'),
    from: z
      .union([
        z.strictObject({ branch: z.string().min(1).describe('Code branch whose merges render for this environment.') }),
        z.strictObject({ environment: dnsLabel.describe('Environment whose healthy deployment is promoted here, with the same image.') }),
      ])
      .describe('What feeds this environment: merges into a code branch, or promotion from another environment.'),
    namespace: dnsLabel.describe('Kubernetes namespace the manifests are rendered for.'),
    branch: z.string().min(1).optional().describe('Manifest repository branch; defaults to the environment name.'),
    autoMerge: z.boolean().default(false).describe('Merge the promotion pull request by itself once its checks pass.'),
    soak: duration.optional().describe('How long the previous environment must have been healthy before this one may merge.'),
    windows: z.array(deployWindowSchema).default([]).describe('Deploy windows; none means always open.'),
    reviewers: reviewersSchema.optional(),
    labels: z.array(z.string().min(1)).default([]).describe('Extra labels on promotion pull requests (`env:<name>` is always added).'),
    commenters: z
      .strictObject({
        users: z.array(z.string().min(1)).default([]),
        teams: z.array(z.string().min(1)).default([]),
      })
      .optional()
      .describe('Who may run comment commands for this environment; by default anyone with write access.'),
  })
  .describe('One environment: a branch of the manifest repository and a namespace in a cluster.');

export const policyExceptionSchema = z
  .strictObject({
    rule: ruleId.describe('Policy rule id to turn off.'),
    reason: z.string().trim().min(10, 'must say why, in at least 10 characters').describe('Why the rule does not apply; recorded in every report.'),
    resources: z
      .array(z.string().regex(/^[A-Za-z0-9]+\/[a-z0-9.-]+$/, 'must be Kind/name, e.g. Deployment/checkout'))
      .optional()
      .describe('Limit the exception to these resources (`Kind/name`); all resources when absent.'),
  })
  .describe('A policy rule turned off, with the reason.');

export const validationSchema = z
  .strictObject({
    kubernetesVersion: z
      .string()
      .regex(/^1\.\d+$/, 'must be a minor version such as 1.35')
      .optional()
      .describe('Kubernetes minor version whose schemas validate the manifests; the newest bundled by default.'),
    unknownKinds: z
      .enum(['error', 'warning', 'ignore'])
      .default('error')
      .describe('What to do with a kind that has no schema (neither built in nor a CRD in the manifest set).'),
    allowClusterScoped: z.array(z.string().min(1)).default([]).describe('Cluster-scoped kinds the service may ship (e.g. `ClusterRole`).'),
    disable: z.array(policyExceptionSchema).default([]).describe('Policy rules turned off for this repository, each with a reason.'),
  })
  .describe('How rendered manifests are validated.');

export const ladderConfigSchema = z
  .strictObject({
    service: dnsLabel.describe('Service name; used in resource names, labels and promotion branches.'),
    image: z
      .string()
      .regex(/^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/, 'must be an image name without tag or digest, e.g. registry.example.com/shop/checkout')
      .describe('Image repository; the tag is the commit SHA, never `latest`.'),
    imageTag: z
      .strictObject({
        format: z.enum(['sha', 'short-sha']).default('sha').describe('Full 40-character SHA or a prefix.'),
        length: z.number().int().min(7).max(40).default(12).describe('Prefix length for `short-sha`.'),
      })
      .default({ format: 'sha', length: 12 })
      .describe('How the commit SHA becomes the image tag.'),
    manifests: z
      .strictObject({
        repo: repoName.describe('Manifest repository, `owner/name`, with one branch per environment.'),
        templates: z.string().min(1).optional().describe("Directory of Handlebars templates in the code repository; Ladder's defaults when absent."),
        path: z.string().default('').describe('Directory inside the manifest repository for this service; the root when empty.'),
      })
      .describe('Where rendered manifests go, and which templates render them.'),
    environments: z.array(environmentSchema).min(1, 'must list at least one environment').describe('Environments in promotion order.'),
    values: z
      .record(z.string(), z.record(z.string(), z.unknown()))
      .default({})
      .describe('Template values: `default` for all environments, overridden per environment name (deep merge).'),
    validation: validationSchema.default({ unknownKinds: 'error', allowClusterScoped: [], disable: [] }),
  })
  .describe('Ladder configuration for one service (`.github/ladder.yml` in the code repository).');

export type LadderConfig = z.infer<typeof ladderConfigSchema>;
export type EnvironmentConfig = z.infer<typeof environmentSchema>;
export type DeployWindow = z.infer<typeof deployWindowSchema>;
export type PolicyException = z.infer<typeof policyExceptionSchema>;
export type ValidationConfig = z.infer<typeof validationSchema>;
