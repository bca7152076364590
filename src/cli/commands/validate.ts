import type { Command } from '../command.js';

export const validateCommand: Command = {
  name: 'validate',
  summary: 'Check manifests against Kubernetes schemas and Ladder policy',
  usage: [
    'validate <file|dir|->... [--format text|json|sarif] [--kubernetes-version 1.NN]',
    'validate <file|dir|->... --config .github/ladder.yml --env <name> [--sha <commit>]',
  ],
  description: `
Validates Kubernetes manifests offline: YAML syntax, the official schema of
the chosen Kubernetes version (strict: unknown fields are errors), and
Ladder's policy rules. Directories are read recursively (*.yaml, *.yml,
*.json; hidden entries such as .git are skipped); - reads standard input.

With --config and --env, the namespace, allowed cluster-scoped kinds, policy
exceptions, Kubernetes version and unknown-kind handling come from the
config's environment; flags given on the command line win.

Exit status: 0 when there is no error-severity finding, 1 when there is,
2 for usage errors, input that cannot be read and a wrong --config.`,
  options: {
    format: { type: 'string', value: 'text|json|sarif', description: 'Output format (default: text).' },
    'kubernetes-version': { type: 'string', value: '1.NN', description: 'Kubernetes minor version of the schemas (default: newest bundled).' },
    config: { type: 'string', value: '<file>', description: 'Ladder config (.github/ladder.yml) to take settings from; needs --env.' },
    env: { type: 'string', value: '<name>', description: 'Environment of the config whose settings apply.' },
    namespace: { type: 'string', value: '<ns>', description: 'Namespace every resource must be in (rule namespace-mismatch).' },
    sha: { type: 'string', value: '<commit>', description: 'Commit being deployed: image tags must match it (rule image-tag-not-commit).' },
  },
  examples: [
    'ladder validate deploy/',
    'ladder validate out/dev --config .github/ladder.yml --env dev --sha "$(git rev-parse HEAD)"',
    'ladder validate --format sarif out/ > ladder.sarif',
    'ladder render --config .github/ladder.yml --env dev --sha "$(git rev-parse HEAD)" | ladder validate -',
  ],
  // Loaded on use: schemas, Ajv and the config parser take most of a second to import.
  run: async (values, positionals, io) => (await import('./validate-run.js')).runValidate(values, positionals, io),
};
