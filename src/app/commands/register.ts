import type { Probot } from 'probot';
import type { AppDeps } from '../deps.js';

/** Comment commands (/ladder …) — owned by A3; a stub until it lands. */
export function register(_app: Probot, _deps: AppDeps): void {}
