import type { Command } from './command.js';

/** `ladder <command> --help`: usage, description, options, examples. */
export function formatCommandHelp(command: Command): string {
  const lines = ['Usage:', ...command.usage.map((u) => `  ladder ${u}`), '', command.description.trim(), '', 'Options:'];
  const rows = Object.entries(command.options).map(([name, spec]) => {
    const flag = `${spec.short ? `-${spec.short}, ` : '    '}--${name}${spec.value ? ` ${spec.value}` : ''}`;
    return [flag, spec.description] as const;
  });
  rows.push(['-h, --help', 'Show this help.']);
  const width = Math.max(...rows.map(([flag]) => flag.length));
  for (const [flag, description] of rows) lines.push(`  ${flag.padEnd(width)}  ${description}`);
  if (command.examples.length > 0) lines.push('', 'Examples:', ...command.examples.map((e) => `  ${e}`));
  return `${lines.join('\n')}\n`;
}

/** `ladder --help`: every command with its summary. */
export function formatMainHelp(commands: readonly Command[], version: string): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    `ladder ${version}: render, validate and compare Kubernetes manifests for GitOps promotion.`,
    '',
    'Usage:',
    '  ladder <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Options:',
    '  -h, --help     Show help; `ladder <command> --help` shows a command\'s options.',
    '      --version  Print the version.',
    '',
    'Exit codes: 0 success, 1 problems found (findings, differences, bad config), 2 usage error or unreadable input.',
    'Set LADDER_DEBUG=1 to see stack traces of unexpected errors.',
    '',
  ].join('\n');
}
