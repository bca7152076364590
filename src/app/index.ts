import type { Probot } from 'probot';
import { register as registerCommands } from './commands/register.js';
import { createAppDeps, type AppDeps } from './deps.js';
import { register as registerGates } from './gates/register.js';
import { register as registerPromotion } from './promotion/register.js';
import { refuseBadSignaturesWith401 } from './signature.js';

export type { AppDeps } from './deps.js';
export { createAppDeps } from './deps.js';

/**
 * The Ladder App with its dependencies injected (tests pass a manual clock
 * and short retries). Each feature registers its own webhook handlers.
 */
export function createLadderApp(deps: AppDeps = createAppDeps()): (app: Probot) => void {
  return (app: Probot) => {
    refuseBadSignaturesWith401(app);
    registerPromotion(app, deps);
    registerGates(app, deps);
    registerCommands(app, deps);
    app.log.info('Ladder App loaded');
  };
}

/** The Probot entry point for `probot run` (`npm start`). */
export default function ladderApp(app: Probot): void {
  createLadderApp()(app);
}
