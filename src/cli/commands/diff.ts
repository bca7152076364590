import type { Command } from '../command.js';
export const diffCommand: Command = {
  name: 'diff',
  summary: 'Compare two manifest sets resource by resource',
  usage: ['diff <before> <after> [--format text|json] [--across-namespaces | --by-namespace]'],
  description: `
Compares two manifest directories (or files) by resource: apiVersion group,
kind, namespace and name, not by file name. Lists resources added and
removed, and for each changed resource the fields that differ with their old
and new values. Values of Secret data are never shown; a SOPS-encrypted
document is compared by its key names and ciphertext alone (keys added,
changed, removed, or re-encrypted), never showing a value or ciphertext.

Two renders of one service for two environments (every resource managed by
Ladder for the same service, each side in a namespace of its own) are matched
across namespaces, so the diff shows how the environments differ field by
field; --across-namespaces asks for that on any two sets, --by-namespace
keeps the namespace part of a resource's identity.

Exit status: 0 when there are no differences, 1 when there are, 2 when an
input cannot be read or parsed (like diff(1)).`,
  options: {
    format: { type: 'string', value: 'text|json', description: 'Output format (default: text).' },
    'across-namespaces': { type: 'boolean', description: 'Match resources by group, kind and name, whatever their namespace.' },
    'by-namespace': { type: 'boolean', description: 'Never match resources of different namespaces.' },
  },
  examples: [
    'ladder diff out/dev-before out/dev',
    'ladder render --config .github/ladder.yml --all-envs --sha "$(git rev-parse HEAD)" --out out && ladder diff out/stg out/prd',
    'ladder diff --format json before/ after/ > diff.json',
  ],
  // Loaded on use: the diff and its formatters are not needed for other commands or --help.
  run: async (values, positionals, io) => (await import('./diff-run.js')).runDiff(values, positionals, io),
};
