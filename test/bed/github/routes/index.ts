import type { RouteSpec } from '../bed.js';
import { appRoutes } from './app.js';
import { appHookRoutes } from './app-hooks.js';
import { appManifestRoutes } from './app-manifests.js';
import { checkRoutes } from './checks.js';
import { checkSuiteRoutes } from './check-suites.js';
import { commitRoutes } from './commits.js';
import { contentRoutes } from './contents.js';
import { deploymentRoutes } from './deployments.js';
import { forkRoutes } from './forks.js';
import { gitObjectRoutes } from './git-objects.js';
import { gitRefRoutes } from './git-refs.js';
import { issueRoutes } from './issues.js';
import { labelRoutes } from './labels.js';
import { mergeRoutes } from './merge.js';
import { protectionRoutes } from './protection.js';
import { pullRoutes } from './pulls.js';
import { repoRoutes } from './repos.js';
import { reviewRoutes } from './reviews.js';
import { teamRoutes } from './teams.js';

/** Every endpoint the server implements, one module per area. */
export const allRoutes: RouteSpec[] = [
  ...appRoutes,
  ...appHookRoutes,
  ...appManifestRoutes,
  ...repoRoutes,
  ...forkRoutes,
  ...protectionRoutes,
  ...contentRoutes,
  ...commitRoutes,
  ...gitRefRoutes,
  ...gitObjectRoutes,
  ...pullRoutes,
  ...mergeRoutes,
  ...reviewRoutes,
  ...issueRoutes,
  ...labelRoutes,
  ...checkRoutes,
  ...checkSuiteRoutes,
  ...deploymentRoutes,
  ...teamRoutes,
];
