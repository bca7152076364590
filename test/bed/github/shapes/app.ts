import type { Bed } from '../bed.js';
import { nodeId } from './urls.js';
import { simpleUser } from './users.js';

/**
 * The App as `GET /app` returns it and as GitHub embeds it in check runs
 * (`app`) and elsewhere (`performed_via_github_app`): one description, so
 * the two cannot disagree. Permissions and events follow Ladder's app.yml.
 */
export function integration(bed: Bed) {
  return {
    id: bed.app.id,
    slug: bed.app.slug,
    client_id: bed.app.clientId,
    node_id: nodeId('A', bed.app.id),
    owner: simpleUser(bed.urls, bed.app.owner),
    name: bed.app.name,
    description: 'GitOps promotion by pull request',
    external_url: bed.urls.html(`/apps/${bed.app.slug}`),
    html_url: bed.urls.html(`/apps/${bed.app.slug}`),
    created_at: '2024-01-01T00:00:00Z',
    updated_at: '2024-01-01T00:00:00Z',
    permissions: {
      checks: 'write', contents: 'write', deployments: 'write', issues: 'write', members: 'read',
      metadata: 'read', pull_requests: 'write', statuses: 'write',
    },
    events: ['check_run', 'deployment_status', 'issue_comment', 'label', 'pull_request', 'pull_request_review', 'push', 'status'],
  };
}
