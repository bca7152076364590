import type { RenderedResource } from '../resources.js';
import { resourcesFromOutput } from '../resources.js';

const separator = /^---(?:\s.*)?$/;
const sourceComment = /^# Source: (.+)$/;

/**
 * The resources of a tool's multi-document stream. Helm heads each document
 * with `# Source: <chart>/templates/x.yaml`; with `chartRoot` that names the
 * file in the code repository (`deploy/chart/templates/x.yaml`, subcharts
 * under `charts/`), so errors and findings point at the template that wrote
 * the document. Other documents are named `origin` (the overlay).
 */
export function resourcesFromStream(text: string, origin: string, chartRoot?: string): RenderedResource[] {
  const resources: RenderedResource[] = [];
  for (const chunk of documentsOf(text)) {
    const source = chartRoot === undefined ? undefined : chunk.lines.map((line) => sourceComment.exec(line)?.[1]).find((found) => found !== undefined);
    const file = source === undefined ? origin : `${chartRoot}/${source.split('/').slice(1).join('/')}`;
    resources.push(...resourcesFromOutput(chunk.lines.join('\n'), file));
  }
  return resources;
}

function documentsOf(text: string): { lines: string[] }[] {
  const chunks: { lines: string[] }[] = [{ lines: [] }];
  for (const line of text.split('\n')) {
    if (separator.test(line)) chunks.push({ lines: [] });
    else chunks[chunks.length - 1]!.lines.push(line);
  }
  return chunks.filter((chunk) => chunk.lines.some((line) => line.trim() !== '' && !line.startsWith('#')));
}
