import type { Probot } from 'probot';
import type { AppDeps } from '../deps.js';

/** Merge → promotion PR. Filled in by the promotion engine. */
export function register(_app: Probot, _deps: AppDeps): void {}
