import type { Probot } from 'probot';
import type { LadderServices } from '../compose.js';

/**
 * The agent-token route keeps each repository's grants for a short while; a
 * push to that repository's default branch (where `.ladder/services.yml`
 * lives) forgets them, so a grant added or withdrawn counts at once.
 */
export function register(app: Probot, services: LadderServices): void {
  app.on('push', async (context) => {
    const { ref, repository } = context.payload;
    if (ref !== `refs/heads/${repository.default_branch ?? repository.master_branch}`) return;
    services.agentTokenBudget.grants.forget(repository.full_name);
  });
}
