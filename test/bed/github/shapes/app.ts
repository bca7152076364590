import type { AppConfig } from '../apps.js';
import type { Bed } from '../bed.js';
import { nodeId } from './urls.js';
import { simpleUser } from './users.js';

/**
 * The App as `GET /app` returns it and as GitHub embeds it in check runs
 * (`app`) and elsewhere (`performed_via_github_app`): one description, so
 * the two cannot disagree. Permissions and events follow Ladder's app.yml.
 */
export function integration(bed: Bed, app: AppConfig = bed.app) {
  return {
    id: app.id,
    slug: app.slug,
    client_id: app.clientId,
    node_id: nodeId('A', app.id),
    owner: simpleUser(bed.urls, app.owner),
    name: app.name,
    description: app.description,
    external_url: app.externalUrl,
    html_url: bed.urls.html(`/apps/${app.slug}`),
    created_at: app.createdAt,
    updated_at: app.createdAt,
    permissions: { ...app.permissions },
    events: [...app.events],
  };
}
