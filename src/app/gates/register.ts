import type { Probot } from 'probot';
import type { AppDeps } from '../deps.js';

/** Gates (ladder/soak, ladder/window, ladder/lock) — owned by A2; a stub until it lands. */
export function register(_app: Probot, _deps: AppDeps): void {}
