import type { ApplicationFunctionOptions, Probot } from 'probot';
import { register as registerCommands } from './commands/register.js';
import { composeApp, type LadderServices } from './compose.js';
import { createAppDeps, type AppDeps } from './deps.js';
import { register as registerGates } from './gates/register.js';
import { register as registerPromotionChain } from './promotion-chain/register.js';
import { register as registerPromotion } from './promotion/register.js';
import { refuseBadSignaturesWith401 } from './signature.js';
import { oncePerDelivery } from './deliveries/once-per-delivery.js';
import { agentTokenHandler } from './agent-token/handler.js';
import { register as registerAgentTokens } from './agent-token/register.js';
import { refuseOversizedBody } from './webhook-budget.js';

export type { AppDeps } from './deps.js';
export { createAppDeps } from './deps.js';
export { composeApp, type LadderServices } from './compose.js';

/**
 * The Ladder App with its dependencies injected (tests pass a manual clock
 * and short retries): everything is composed once, then each feature
 * registers its webhook handlers.
 */
export function createLadderApp(deps: AppDeps = createAppDeps()): (app: Probot, options?: Pick<ApplicationFunctionOptions, 'addHandler'>) => void {
  return (app, options) => registerLadderApp(app, composeApp(deps, app), options);
}

/**
 * Registers every feature on a Probot app, with services composed beforehand
 * (a test that wants to reach them composes them itself). `addHandler` is
 * Probot's, for the HTTP routes Ladder serves beside the webhooks: with
 * `createNodeMiddleware` they run ahead of the webhook middleware, which the
 * body budget needs (with `probot run` they run after it, so `ladder app` is
 * the server to expose; see docs/security.md).
 */
export function registerLadderApp(probot: Probot, services: LadderServices, options: Partial<Pick<ApplicationFunctionOptions, 'addHandler'>> = {}): void {
  addHttpHandlers(options.addHandler, services);
  refuseBadSignaturesWith401(probot);
  const app = oncePerDelivery(probot, services.deliveries, services.log);
  registerPromotion(app, services);
  // Promotion by deployment status first: the other half of "what happens after a deployment" is the gates'.
  registerPromotionChain(app, services);
  registerGates(app, services);
  registerCommands(app, services);
  registerAgentTokens(app, services);
  services.log.info('Ladder App loaded');
}

/**
 * The routes Ladder serves beside the webhooks: the body budget ahead of them
 * and the agents' token endpoint. Probot's `load` without a server (a test
 * that loads the App into a bare Probot) hands an addHandler that throws:
 * there is no HTTP to serve then.
 */
function addHttpHandlers(addHandler: ApplicationFunctionOptions['addHandler'] | undefined, services: LadderServices): void {
  if (!addHandler) return;
  try {
    addHandler((request, response) => refuseOversizedBody(request, response));
    addHandler(agentTokenHandler({ github: services.github, verifier: services.agentTokens, log: services.log, ...services.agentTokenBudget }));
  } catch (error) {
    services.log.debug({ err: error }, 'no HTTP server: only webhooks are handled');
  }
}

/** The Probot entry point for `probot run` (`npm start`). */
export default function ladderApp(app: Probot, options?: ApplicationFunctionOptions): void {
  createLadderApp()(app, options);
}
