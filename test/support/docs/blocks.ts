import { readFileSync } from 'node:fs';

// Every fenced block of a Markdown page, as a reader sees it: its language, its text with the list
// indentation it sits in removed, and where it is.

export interface DocBlock {
  /** Repository-relative path of the page. */
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  language: string;
  text: string;
}

export function docBlocks(root: string, file: string): DocBlock[] {
  const lines = readFileSync(`${root}/${file}`, 'utf8').split('\n');
  const blocks: DocBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const fence = /^( *)```(\S*)\s*$/.exec(lines[i]!);
    if (!fence) continue;
    const indent = fence[1]!.length;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && lines[i]!.trim() !== '```'; i++) body.push(lines[i]!.slice(Math.min(indent, lines[i]!.length - lines[i]!.trimStart().length)));
    blocks.push({ file, line: start + 1, language: fence[2] ?? '', text: `${body.join('\n')}\n` });
  }
  return blocks;
}

export const where = (block: DocBlock): string => `${block.file}:${block.line}`;
