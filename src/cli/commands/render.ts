import { exitCode, type Command } from '../command.js';

export const renderCommand: Command = {
  name: 'render',
  summary: 'Render the manifests of one environment',
  usage: ['render --config <file> --env <name> --sha <commit> [--out <dir>] [--templates <dir>] [--image-digest sha256:…]'],
  description: `
Renders the Kubernetes manifests of one environment from the config, its
values and the Handlebars templates: one file per resource, byte-identical for
the same inputs. Templates come from --templates, else the config's
manifests.templates (relative to the repository root: the directory holding
.github/), else Ladder's defaults.

Everything is rendered in memory first: an error writes nothing. With --out,
files are written there (directories created, each file replaced atomically)
and their paths printed; without it, the YAML goes to standard output with
documents separated by ---.

Exit status: 0 when rendered, 1 when the config, a template or a value is
wrong, 2 for usage errors and files that cannot be read.`,
  options: {
    config: { type: 'string', value: '<file>', description: 'Ladder config, usually .github/ladder.yml (required).' },
    env: { type: 'string', value: '<name>', description: 'Environment to render (required).' },
    sha: { type: 'string', value: '<commit>', description: 'Full commit SHA being deployed: the image tag and version label (required).' },
    out: { type: 'string', value: '<dir>', description: 'Directory to write the files to; standard output when absent.' },
    templates: { type: 'string', value: '<dir>', description: 'Template directory, overriding the config.' },
    'image-digest': { type: 'string', value: 'sha256:<hex>', description: 'Pin the image by digest instead of by tag.' },
  },
  examples: [
    'ladder render --config .github/ladder.yml --env dev --sha "$(git rev-parse HEAD)"',
    'ladder render --config .github/ladder.yml --env prd --sha "$(git rev-parse HEAD)" --out out/prd',
  ],
  inputErrorExit: exitCode.problems,
  // Loaded on use: Handlebars, zod and the config parser are not needed for --help.
  run: async (values, positionals, io) => (await import('./render-run.js')).runRender(values, positionals, io),
};
