import type { OpenApiDocument } from './spec.js';

/**
 * Places where GitHub's published description contradicts what api.github.com
 * sends, corrected locally so the contract check judges the server against
 * reality. Each fix says what is wrong; keep the list short and specific.
 */
export function applyKnownFixes(spec: OpenApiDocument): void {
  // GET /app/installations inlines an old copy of `installation` whose
  // `account` is allOf [simple-user, enterprise] (both at once, impossible, and
  // without `user_view_type`). GET /app/installations/{installation_id} returns
  // the same objects and uses the current component; so does the list here.
  const list = spec.paths['/app/installations']?.get?.responses['200'];
  const content = list && !('$ref' in list) ? list.content?.['application/json'] : undefined;
  if (content) content.schema = { type: 'array', items: { $ref: '#/components/schemas/installation' } };

  // A label without a description has `description: null` wherever GitHub
  // shows it. `pull-request` says so; `pull-request-simple` (pull request
  // lists) declares a plain string for the very same label objects.
  const simple = spec.components.schemas['pull-request-simple'] as
    | { properties?: { labels?: { items?: { properties?: { description?: Record<string, unknown> } } } } }
    | undefined;
  const description = simple?.properties?.labels?.items?.properties?.description;
  if (description) description.nullable = true;
}
