import { z } from 'zod';
import { commentersSchema, policyExceptionSchema } from '../config/schema.js';

/**
 * The shape of `.ladder/services.yml`, on the manifest repository's default
 * branch: the authority over what each service may promote where (design §8,
 * docs/security.md). A code repository's `.github/ladder.yml` asks; this file
 * grants, and anything a code config asks beyond it is refused.
 *
 * Descriptions here are the user's documentation: docs/services.schema.json
 * and docs/services.md are generated from them. Rules across keys (folders
 * that overlap, one service per code repository, promotion order) live in
 * semantics.ts.
 *
 * Room is left for what §8 lists next, each a key of its own when it comes:
 * per environment `approvals`, `requiredChecks`, `verification` and `waves`
 * (with them `cluster` may become a list: an environment of several clusters); at the top, `holds` with the role that may break glass.
 */

function matching(pattern: RegExp, message: string) {
  return z.string().min(1, { abort: true }).regex(pattern, message).meta({ patternErrorMessage: message });
}

export const serviceNamePattern = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const dnsLabel = matching(serviceNamePattern, 'must be a DNS-1123 label: lower-case letters, digits and -, at most 63 characters');

// The same rule as `.github/ladder.yml`'s branches (Git's check-ref-format, minus rare corners).
const gitBranch = matching(
  /^(?!-|\/)(?!.*(\.\.|\/\/|@\{|\/\.|\.lock$|\.$|\/$))[^\u0000-\u0020\u007f~^:?*[\\]+$/,
  'must be a valid Git branch name, e.g. main or release/1.2',
);

const repoName = matching(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, 'must be owner/name, e.g. shop/checkout');

// A folder of the environment branches: relative, no `..`, no leading or trailing `/`. '' is the branch root.
const folder = z
  .string()
  .regex(/^(?:(?!\.\.?(?:\/|$))[\w.-]+(?:\/(?!\.\.?(?:\/|$))[\w.-]+)*)?$/, 'must be a relative folder such as checkout or apps/checkout, without . or .. segments or a leading /')
  .meta({ patternErrorMessage: 'must be a relative folder such as checkout or apps/checkout, without . or .. segments or a leading /' });

const kind = matching(/^[A-Z][A-Za-z0-9]*$/, 'must be a Kubernetes kind such as ClusterRole');
// A cluster-scoped object's name: a DNS-1123 subdomain, which covers ClusterRole names with `:` too.
const objectName = matching(/^[a-z0-9]([-a-z0-9.:]*[a-z0-9])?$/, 'must be a Kubernetes object name such as checkout-reader or widgets.example.com');

export const grantedSourceSchema = z
  .union(
    [
      z.strictObject({
        branches: z.array(gitBranch).min(1).describe('Code branches whose merges may render for this environment.').meta({ examples: [['main']] }),
      }),
      z.strictObject({
        environment: dnsLabel.describe('Environment of the same service whose healthy deployment alone may be promoted here (same image).'),
      }),
    ],
    { error: 'must be { branches: [<name>, …] } or { environment: <name> }, exactly one of the two' },
  )
  .describe('What may feed this environment: merges into the listed code branches, or promotion from another environment.');

export const clusterScopedGrantSchema = z
  .strictObject({
    kind: kind.describe('A cluster-scoped kind, e.g. `ClusterRole` or `CustomResourceDefinition`.'),
    names: z.array(objectName).min(1).describe('The objects of that kind the service may create and change; never any other.').meta({ examples: [['checkout-reader']] }),
  })
  .describe('Cluster-scoped objects this environment of the service may manage, by kind and name.');

export const environmentGrantSchema = z
  .strictObject({
    branch: gitBranch.optional().describe('The environment branch of this repository; the environment name when absent.'),
    from: grantedSourceSchema,
    namespaces: z
      .array(dnsLabel)
      .min(1)
      .describe("Namespaces the service's manifests may target in this environment; the code config picks one of them.")
      .meta({ examples: [['checkout-dev']] }),
    autoMerge: z.boolean().default(false).describe('Whether promotion pull requests of this environment may merge themselves; the code config may still keep it off.'),
    exceptions: z
      .array(policyExceptionSchema)
      .default([])
      .describe('Policy rules this environment may turn off for the service, each with the reason; the code config may use them, never others.'),
    clusterScoped: z
      .array(clusterScopedGrantSchema)
      .default([])
      .describe('Cluster-scoped objects the service may ship to this environment, by kind and name.'),
    cluster: dnsLabel
      .optional()
      .describe(
        "The cluster this environment's agent applies to. Environments naming the same cluster share it (one namespace each), so a cluster-scoped object (a CRD, a ClusterRole) may be rendered by one of them only, the one whose `clusterScoped` grants it; every environment has a cluster of its own when absent. Every service listing the environment names the same cluster.",
      )
      .meta({ examples: ['nonprod'] }),
    commenters: commentersSchema
      .optional()
      .describe(
        'Who may run comment commands (`/ladder promote`, `rollback`, `lock`, …) for this environment, besides having write access to this repository; anyone with write access when absent. A code config can only narrow it.',
      ),
  })
  .describe('What one environment of the service is granted.');

const chartVersion = matching(/^v?\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.+-]+)?$/, 'must be the chart\'s exact SemVer version, e.g. 1.4.2 (no ranges: the pin is one chart)');
const chartDigest = matching(/^sha256:[0-9a-f]{64}$/, 'must be sha256: and 64 lower-case hex digits');
const chartName = matching(/^[a-z0-9]([-a-z0-9_.]*[a-z0-9])?$/, 'must be a chart name such as checkout');
// oci://host[:port]/repository, the repository in the OCI distribution spec's grammar; no tag or digest (version and digest say which).
const ociChart = matching(
  /^oci:\/\/[A-Za-z0-9.-]+(?::\d{1,5})?\/[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)*$/,
  'must be oci://<registry>/<repository>, e.g. oci://registry.example.com/charts/checkout, without a tag or digest (version and digest pin it)',
);
const chartRepoUrl = matching(/^https?:\/\/[A-Za-z0-9.-]+(?::\d{1,5})?(?:\/[\w.~%-]+)*\/?$/, 'must be the chart repository\'s URL, e.g. https://charts.example.com (where its index.yaml is), without a query');

export const chartPinSchema = z
  .union(
    [
      z.strictObject({
        oci: ociChart.describe('The chart in an OCI registry, as `helm pull` names it, without a tag.').meta({ examples: ['oci://registry.example.com/charts/checkout'] }),
        version: chartVersion.describe('The chart version: the OCI tag Ladder fetches, and the version its Chart.yaml must have.'),
        digest: chartDigest.describe('The sha256 of the chart\'s OCI manifest, as `helm push` prints it and `helm pull oci://…@sha256:…` uses it. The fetched manifest must have it.'),
      }),
      z.strictObject({
        repo: chartRepoUrl.describe('A Helm chart repository: the URL its `index.yaml` is under.').meta({ examples: ['https://charts.example.com'] }),
        name: chartName.describe('The chart\'s name in the repository index.'),
        version: chartVersion.describe('The chart version in the index, and the version its Chart.yaml must have.'),
        digest: chartDigest.describe('The sha256 of the chart archive (`.tgz`), which is what the index\'s `digest` holds. The downloaded archive must have it.'),
      }),
    ],
    { error: 'must be { oci, version, digest } or { repo, name, version, digest }' },
  )
  .describe('A chart fetched by the App, pinned by version and digest: from an OCI registry, or a Helm chart repository. Fetches go to this source only, with the App\'s registry credentials for its host.');

export const rendererNames = ['handlebars', 'helm', 'kustomize'] as const;

export const renderGrantSchema = z
  .strictObject({
    renderers: z
      .array(z.enum(rendererNames))
      .min(1)
      .optional()
      .describe('The renderers the code config may choose with `manifests.render`; every one when absent (`helm` only, when a chart is pinned).')
      .meta({ examples: [['helm']] }),
    helm: z
      .strictObject({
        chart: chartPinSchema,
      })
      .optional()
      .describe('The chart `render: helm` must use. When given, the code repository\'s own chart is refused: the service renders this chart, with its values from the code config.'),
  })
  .describe('What may render the service: which renderers, and for Helm which chart. A code config asking for another is refused.');

export const serviceGrantSchema = z
  .strictObject({
    repository: repoName.describe('The code repository whose `.github/ladder.yml` speaks for this service; no other repository may.'),
    path: folder.describe(
      "The folder this service owns on every environment branch ('' is the whole branch, for a repository of one service). Two services' folders never overlap.",
    ),
    environments: z
      .record(dnsLabel, environmentGrantSchema)
      .describe('The environments this service may reach, by name; a code config may list fewer, never others.')
      .meta({ 'x-key-name': 'environment' }),
    render: renderGrantSchema.optional(),
  })
  .describe('One service: the repository that speaks for it, its folder, and what each environment grants it.');

export const agentGrantSchema = z
  .strictObject({
    issuer: z
      .string()
      .url('must be the cluster service-account issuer, an https URL such as https://kubernetes.default.svc')
      .describe("The cluster's service-account token issuer (`iss`), whose OpenID discovery document names the keys that sign its tokens."),
    subject: matching(/^system:serviceaccount:[a-z0-9.-]+:[a-z0-9.-]+$/, 'must be system:serviceaccount:<namespace>:<name>')
      .describe("The agent's service account as its tokens name it (`sub`).")
      .meta({ examples: ['system:serviceaccount:ladder-system:ladder-agent'] }),
    jwksUri: z
      .string()
      .url('must be an https URL')
      .optional()
      .describe("Where the issuer's signing keys are, when its discovery document is not served at `<issuer>/.well-known/openid-configuration`."),
    environments: z
      .array(dnsLabel)
      .min(1)
      .describe('Environments of this repository the agent deploys; its token reaches this repository only.')
      .meta({ examples: [['dev']] }),
  })
  .describe("An agent's identity: a cluster's service account, proven by a token the cluster signs, and the environments it deploys.");

export const servicesFileSchema = z
  .strictObject({
    services: z
      .record(dnsLabel, serviceGrantSchema)
      .describe("The services whose manifests live in this repository, by name (the code config's `service`).")
      .meta({ 'x-key-name': 'service' }),
    agents: z
      .record(dnsLabel, agentGrantSchema)
      .default({})
      .describe('Agents that may ask the Ladder App for a token to this repository, by a name used in logs and messages.')
      .meta({ 'x-key-name': 'agent' }),
  })
  .describe("Ladder's grants for one manifest repository (`.ladder/services.yml` on its default branch).");

export type ServicesFile = z.infer<typeof servicesFileSchema>;
export type ServiceGrant = z.infer<typeof serviceGrantSchema>;
export type EnvironmentGrant = z.infer<typeof environmentGrantSchema>;
export type GrantedSource = z.infer<typeof grantedSourceSchema>;
export type ClusterScopedGrant = z.infer<typeof clusterScopedGrantSchema>;
export type AgentGrant = z.infer<typeof agentGrantSchema>;
export type ChartPin = z.infer<typeof chartPinSchema>;
export type RenderGrant = z.infer<typeof renderGrantSchema>;

/** Where the file lives on the manifest repository's default branch. */
export const servicesFilePath = '.ladder/services.yml';
