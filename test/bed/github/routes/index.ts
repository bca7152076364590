import type { RouteSpec } from '../bed.js';
import { appRoutes } from './app.js';
import { gitObjectRoutes } from './git-objects.js';
import { gitRefRoutes } from './git-refs.js';
import { repoRoutes } from './repos.js';

/** Every endpoint the server implements, grouped by area (one module per area). */
export const allRoutes: RouteSpec[] = [...appRoutes, ...repoRoutes, ...gitRefRoutes, ...gitObjectRoutes];
