import type { Probot } from 'probot';

/**
 * The Probot entry point. Webhook handlers (merge → promotion PR, promotion by
 * deployment status, comment commands) are registered here as they are built;
 * see docs/architecture.md for the plan.
 */
export default function ladderApp(app: Probot): void {
  app.log.info('Ladder App loaded');
}
