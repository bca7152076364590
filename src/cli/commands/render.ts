import { exitCode, type Command } from '../command.js';

export const renderCommand: Command = {
  name: 'render',
  summary: 'Render the manifests of one environment',
  usage: [
    'render --config <file> --env <name> --sha <commit> [--out <dir>] [--templates <dir>] [--services <file>] [--image-digest sha256:…]',
    'render --config <file> --all-envs --sha <commit> --out <dir> [--services <file>] [--templates <dir>] [--image-digest sha256:…]',
  ],
  description: `
Renders the Kubernetes manifests of one environment from the config, its
values and the Handlebars templates: one file per resource, byte-identical for
the same inputs. Templates come from --templates, else the config's
manifests.templates (relative to the repository root: the directory holding
.github/), else Ladder's defaults. With manifests.render: helm or kustomize,
the chart or overlay is rendered by helm template or kustomize build instead
(LADDER_HELM and LADDER_KUSTOMIZE name the binaries; docs/renderers.md).

Everything is rendered in memory first: an error writes nothing. With --out,
files are written there (directories created, each file replaced atomically)
and their paths printed, with .ladder-source-map.json beside them (so
\`ladder validate <dir>\` can name the template line of each finding); without
it, the YAML goes to standard output with documents separated by ---.

--all-envs renders every environment of the config into <dir>/<environment>,
for a side-by-side review: \`ladder diff <dir>/stg <dir>/prd\` shows how two
environments differ, field by field. Values keys that no template reads
are warned about on standard error (a typo would otherwise go unnoticed).
With --services (the manifest repository's .ladder/services.yml), two
environments it puts in one cluster that both render the same cluster-scoped
object (a shared CRD) are an error at each copy the grants do not give that
environment, and nothing is written. A helm service without a chart of its
own renders the chart --services pins (services.<name>.render.helm.chart),
fetched and verified as the App does, with the credentials of
LADDER_REGISTRY_AUTH_FILE (hosts in LADDER_REGISTRY_PLAIN_HTTP over HTTP).

Exit status: 0 when rendered, 1 when the config, a template or a value is
wrong, 2 for usage errors and files that cannot be read.`,
  options: {
    config: { type: 'string', value: '<file>', description: 'Ladder config, usually .github/ladder.yml (required).' },
    env: { type: 'string', value: '<name>', description: 'Environment to render (required unless --all-envs).' },
    'all-envs': { type: 'boolean', description: 'Render every environment, each into <out>/<environment>.' },
    services: {
      type: 'string',
      value: '<file>',
      description: "The manifest repository's .ladder/services.yml: with --all-envs, environments it puts in one cluster may not both render a cluster-scoped object; for helm, the chart it pins.",
    },
    sha: { type: 'string', value: '<commit>', description: 'Full commit SHA being deployed: the image tag and version label (required).' },
    out: { type: 'string', value: '<dir>', description: 'Directory to write the files to; standard output when absent.' },
    templates: { type: 'string', value: '<dir>', description: 'Template directory, overriding the config.' },
    'image-digest': { type: 'string', value: 'sha256:<hex>', description: 'Pin the image by digest instead of by tag.' },
  },
  examples: [
    'ladder render --config .github/ladder.yml --env dev --sha "$(git rev-parse HEAD)"',
    'ladder render --config .github/ladder.yml --env prd --sha "$(git rev-parse HEAD)" --out out/prd',
    'ladder render --config .github/ladder.yml --all-envs --sha "$(git rev-parse HEAD)" --out out',
  ],
  inputErrorExit: exitCode.problems,
  // Loaded on use: Handlebars, zod and the config parser are not needed for --help.
  run: async (values, positionals, io) => (await import('./render-run.js')).runRender(values, positionals, io),
};
