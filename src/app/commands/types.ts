import type { Logger } from 'pino';
import type { GitHub } from '../../adapters/github/port.js';
import type { LadderServices } from '../compose.js';
import type { CommandTarget } from './target.js';

/** One comment's commands being run: who asked, about what, and with what. */
export interface CommandRun {
  github: GitHub;
  services: LadderServices;
  log: Logger;
  target: CommandTarget;
  /** Who wrote the comment. */
  login: string;
  /** Called after a lock was set or cleared, so the `ladder/lock` statuses follow (outside the environment's queue). */
  onLockChanged?: () => void;
}
