import { readFile } from 'node:fs/promises';
import { readTemplates } from '../adapters/fs/templates.js';
import type { TemplateFile } from '../core/render/render.js';

/** Ladder's own templates, read from the package once per process and kept. */
export interface TemplateStore {
  /** The default manifest templates, for services that name none of their own. */
  defaultManifests(): Promise<TemplateFile[]>;
  /** The promotion pull request's body template. */
  pullRequestBody(): Promise<string>;
}

export function createTemplateStore(): TemplateStore {
  let manifests: Promise<TemplateFile[]> | undefined;
  let body: Promise<string> | undefined;
  return {
    defaultManifests: () => (manifests ??= readTemplates()),
    pullRequestBody: () => (body ??= readFile(new URL('../../templates/pull-request/promotion.md.hbs', import.meta.url), 'utf8')),
  };
}
